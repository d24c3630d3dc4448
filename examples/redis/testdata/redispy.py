# Drives the example server with redis-py, the way a Python program uses
# Redis: plain commands, both kinds of pipeline, an optimistic transaction
# that another client breaks once, connection names, INFO. Run by
# TestRedisPy as: python3 redispy.py HOST PORT. Prints "ok" when every
# check holds; otherwise fails with the check that did not.
import sys

import redis


def check(what, got, want):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def main(host, port):
    r = redis.Redis(host=host, port=port, decode_responses=True)
    other = redis.Redis(host=host, port=port, decode_responses=True)

    check("ping", r.ping(), True)
    check("flushall", r.flushall(), True)
    check("set", r.set("greeting", "hello"), True)
    check("get", r.get("greeting"), "hello")
    check("get missing", r.get("nope"), None)
    check("incr", r.incr("visits"), 1)
    check("incr by", r.incr("visits", 41), 42)
    check("expire", r.expire("greeting", 100), True)
    ttl = r.ttl("greeting")
    if not 98 <= ttl <= 100:
        raise AssertionError(f"ttl after expire 100: {ttl}")
    check("set ex", r.set("session", "token", ex=50), True)
    check("ttl without one", r.ttl("visits"), -1)
    check("mset", r.mset({"user:1": "ada", "user:2": "grace"}), True)
    check("mget", r.mget("user:1", "nope", "user:2"), ["ada", None, "grace"])

    # A pipeline without a transaction: every request is written before
    # any answer is read.
    p = r.pipeline(transaction=False)
    for i in range(500):
        p.set(f"k:{i}", i)
    for i in range(500):
        p.get(f"k:{i}")
    got = p.execute()
    check("pipeline of 1000", got, [True] * 500 + [str(i) for i in range(500)])

    # A pipeline in MULTI/EXEC; an error of one command inside it leaves
    # the others' results.
    with r.pipeline() as p:
        p.set("t", 1).incr("t").get("t")
        check("transaction", p.execute(), [True, 2, "2"])
        p.set("t", "word").incr("t").get("t")
        got = p.execute(raise_on_error=False)
        check("transaction with an error: set", got[0], True)
        if not isinstance(got[1], redis.ResponseError) or "not an integer" not in str(got[1]):
            raise AssertionError(f"transaction with an error: incr gave {got[1]!r}")
        check("transaction with an error: get", got[2], "word")
        # A command refused while queued discards the whole transaction.
        p.set("t", "x").execute_command("FROB")
        try:
            p.execute()
            raise AssertionError("a transaction with an unknown command ran")
        except redis.ResponseError as e:
            if "unknown command" not in str(e):
                raise
        check("after the discarded transaction", r.get("t"), "word")

    # An optimistic transaction: WATCH, read, MULTI, write, EXEC, retried
    # by redis-py when another client changed the key in between.
    r.set("counter", 1)
    seen = []

    def double(pipe):
        v = int(pipe.get("counter"))
        if not seen:
            other.set("counter", 100)  # only on the first attempt
        seen.append(v)
        pipe.multi()
        pipe.set("counter", v * 2)

    check("transaction()", r.transaction(double, "counter"), [True])
    check("attempts saw", seen, [1, 100])
    check("counter", r.get("counter"), "200")
    with r.pipeline() as p:
        p.watch("counter")
        other.incr("counter")
        p.multi()
        p.incr("counter")
        try:
            p.execute()
            raise AssertionError("EXEC ran though a watched key had changed")
        except redis.WatchError:
            pass
    check("counter after the failed transaction", r.get("counter"), "201")

    # Connection names and the client list.
    check("client_setname", r.client_setname("py-main"), True)
    check("client_getname", r.client_getname(), "py-main")
    check("client_getname unset", other.client_getname(), None)
    me = r.client_id()
    clients = r.client_list()
    by_id = {int(c["id"]): c for c in clients}
    if me not in by_id or len(clients) < 2:
        raise AssertionError(f"client_list {clients!r} lacks client {me}")
    check("client_list name", by_id[me]["name"], "py-main")
    for field in ("addr", "laddr", "fd", "age", "idle", "flags", "db", "cmd"):
        if field not in by_id[me]:
            raise AssertionError(f"client_list entry lacks {field}: {by_id[me]!r}")
    check("client_info", r.client_info()["name"], "py-main")

    # INFO, whole and by section.
    info = r.info()
    if not str(info["redis_version"]).startswith("7."):
        raise AssertionError(f"redis_version {info['redis_version']!r}")
    check("tcp_port", info["tcp_port"], port)
    if info["connected_clients"] < 2 or info["total_commands_processed"] < 1000:
        raise AssertionError(f"info: {info!r}")
    for field in ("process_id", "uptime_in_seconds", "used_memory", "total_connections_received"):
        if not isinstance(info[field], int):
            raise AssertionError(f"info {field}: {info.get(field)!r}")
    check("info keyspace", info["db0"]["keys"], r.dbsize())
    check("info expires", info["db0"]["expires"], 2)
    check("info server", "redis_version" in r.info("server") and "used_memory" not in r.info("server"), True)

    check("dbsize", r.dbsize(), 507)
    check("keys", sorted(r.keys("user:*")), ["user:1", "user:2"])
    check("delete", r.delete("user:1", "user:2", "nope"), 2)
    check("flushall", r.flushall(), True)
    check("dbsize after flushall", r.dbsize(), 0)
    check("info after flushall", "db0" in r.info("keyspace"), False)

    # A leaderboard read the ways redis-py reads one: zrange(desc=True)
    # sends ZREVRANGE, and zrangebyscore, zrevrangebyscore and zcount the
    # commands of their names.
    check("zadd", r.zadd("board", {"ada": 30, "grace": 20, "alan": 10}), 3)
    check("zrange desc", r.zrange("board", 0, 1, desc=True, withscores=True), [("ada", 30.0), ("grace", 20.0)])
    check("zrevrange", r.zrevrange("board", 0, -1), ["ada", "grace", "alan"])
    check("zrangebyscore", r.zrangebyscore("board", 15, "+inf", withscores=True), [("grace", 20.0), ("ada", 30.0)])
    check("zrangebyscore limit", r.zrangebyscore("board", "-inf", "+inf", start=1, num=1), ["grace"])
    check("zrevrangebyscore", r.zrevrangebyscore("board", 25, "(10"), ["grace"])
    check("zcount", r.zcount("board", "(10", 30), 2)
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
