# Drives the example server's pub/sub with redis-py's pubsub(): channel
# and pattern subscriptions, messages published by another client,
# PUBSUB's counts, unsubscribing. Run by TestRedisPyPubSub as:
# python3 redispy_pubsub.py HOST PORT. Prints "ok" when every check
# holds (it does against redis-server 7.0 too).
import sys

import redis


def check(what, got, want):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def next_message(p):
    m = p.get_message(timeout=10)
    if m is None:
        raise AssertionError("no message within 10 s")
    return m


def main(host, port):
    r = redis.Redis(host=host, port=port, decode_responses=True)
    p = r.pubsub()
    p.subscribe("news", "sport")
    p.psubscribe("n*")
    got = [next_message(p) for _ in range(3)]
    check("confirmations", [(m["type"], m["channel"], m["data"]) for m in got],
          [("subscribe", "news", 1), ("subscribe", "sport", 2), ("psubscribe", "n*", 3)])
    check("numsub", r.pubsub_numsub("news", "none"), [("news", 1), ("none", 0)])
    check("numpat", r.pubsub_numpat(), 1)
    check("channels", sorted(r.pubsub_channels()), ["news", "sport"])
    check("publish", r.publish("news", "extra"), 2)
    m = next_message(p)
    check("message", (m["type"], m["channel"], m["data"]), ("message", "news", "extra"))
    m = next_message(p)
    check("pmessage", (m["type"], m["pattern"], m["channel"], m["data"]), ("pmessage", "n*", "news", "extra"))
    p.unsubscribe("news")
    m = next_message(p)
    check("unsubscribe", (m["type"], m["channel"], m["data"]), ("unsubscribe", "news", 2))
    check("publish after", r.publish("news", "x"), 1)
    m = next_message(p)
    check("pmessage after", (m["type"], m["channel"]), ("pmessage", "news"))
    p.close()
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
