# Drives the example server's blocking list pops with redis-py: each
# blocking call waits in a thread while the main thread, once CLIENT
# LIST shows the caller blocked (flags b), pushes what serves it. Run by
# TestRedisPyBlocking as: python3 redispy_blocking.py HOST PORT. Prints
# "ok" when every check holds (it does against redis-server 7.0 too).
import sys
import threading
import time

import redis


def check(what, got, want):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def blocked(r, n):
    """Waits until n clients are blocked, by the server's CLIENT LIST."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if sum("b" in c["flags"] for c in r.client_list()) == n:
            return
    raise AssertionError(f"never saw {n} blocked clients")


def in_thread(fn):
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("v", fn()))
    t.start()
    return t, out


def main(host, port):
    r = redis.Redis(host=host, port=port, decode_responses=True)
    r.flushall()
    w1 = redis.Redis(host=host, port=port, decode_responses=True)
    w2 = redis.Redis(host=host, port=port, decode_responses=True)

    t1, o1 = in_thread(lambda: w1.blpop(["jobs"], timeout=0))
    blocked(r, 1)
    t2, o2 = in_thread(lambda: w2.brpop(["jobs", "other"], timeout=0))
    blocked(r, 2)
    check("rpush", r.rpush("jobs", "first"), 1)
    t1.join()
    check("blpop", o1["v"], ("jobs", "first") if isinstance(o1["v"], tuple) else ["jobs", "first"])
    blocked(r, 1)
    r.lpush("other", "second")
    t2.join()
    check("brpop", list(o2["v"]), ["other", "second"])

    t3, o3 = in_thread(lambda: w1.blmove("src", "dst", timeout=0, src="LEFT", dest="RIGHT"))
    blocked(r, 1)
    r.rpush("src", "moved")
    t3.join()
    check("blmove", o3["v"], "moved")
    check("dst", r.lrange("dst", 0, -1), ["moved"])

    t4, o4 = in_thread(lambda: w2.brpoplpush("src2", "dst", timeout=0))
    blocked(r, 1)
    r.rpush("src2", "again")
    t4.join()
    check("brpoplpush", o4["v"], "again")

    check("blpop timeout", w1.blpop(["nothing"], timeout=0.01), None)
    check("blmove timeout", w1.blmove("nothing", "dst", 0.01), None)
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
