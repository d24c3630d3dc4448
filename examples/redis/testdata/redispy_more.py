# Drives the example server with redis-py's methods for the commands
# beyond the first set: float increments, hash and string helpers, list
# edits and moves, set algebra, COPY, EXPIRETIME, OBJECT ENCODING, MEMORY
# USAGE, CONFIG SET, TIME, RANDOMKEY. Run by TestRedisPyMoreCommands as:
# python3 redispy_more.py HOST PORT. Prints "ok" when every check holds
# (it does against redis-server 7.0 too).
import sys

import redis


def check(what, got, want):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def main(host, port):
    r = redis.Redis(host=host, port=port, decode_responses=True)
    r.flushall()

    secs, micros = r.time()
    check("time types", (type(secs), type(micros)), (int, int))
    check("incrbyfloat", r.incrbyfloat("f", 1.5), 1.5)
    check("incrbyfloat again", r.incrbyfloat("f", 0.1), 1.6)
    r.hset("h", mapping={"a": "1", "b": "two"})
    check("hincrbyfloat", r.hincrbyfloat("h", "a", 0.5), 1.5)
    check("hsetnx existing", r.hsetnx("h", "a", "x"), False)
    check("hsetnx new", r.hsetnx("h", "c", "3"), True)
    check("hkeys", sorted(r.hkeys("h")), ["a", "b", "c"])
    check("hvals", sorted(r.hvals("h")), ["1.5", "3", "two"])
    check("hstrlen", r.hstrlen("h", "b"), 3)

    r.set("s", "Hello World")
    check("getex ex", r.getex("s", ex=100), "Hello World")
    ttl = r.ttl("s")
    if not 98 <= ttl <= 100:
        raise AssertionError(f"ttl after getex ex=100: {ttl}")
    check("getex persist", r.getex("s", persist=True), "Hello World")
    check("ttl after persist", r.ttl("s"), -1)
    check("getrange", r.getrange("s", 0, 4), "Hello")
    check("setrange", r.setrange("s", 6, "Redis"), 11)
    check("get after setrange", r.get("s"), "Hello Redis")

    r.rpush("l", "a", "b", "c", "b", "d")
    check("lset", r.lset("l", 0, "A"), True)
    check("lrem", r.lrem("l", 0, "b"), 2)
    check("linsert", r.linsert("l", "before", "c", "X"), 4)
    check("lpos", r.lpos("l", "c"), 2)
    check("lpos count", r.lpos("l", "c", count=0), [2])
    check("ltrim", r.ltrim("l", 1, -1), True)
    check("lrange", r.lrange("l", 0, -1), ["X", "c", "d"])
    check("lmove", r.lmove("l", "l2", "LEFT", "RIGHT"), "X")
    check("rpoplpush", r.rpoplpush("l", "l2"), "d")
    check("l2", r.lrange("l2", 0, -1), ["d", "X"])

    r.sadd("s1", "a", "b", "c")
    r.sadd("s2", "b", "c", "d")
    check("sinter", r.sinter("s1", "s2"), {"b", "c"})
    check("sunion", r.sunion("s1", "s2"), {"a", "b", "c", "d"})
    check("sdiff", r.sdiff("s1", "s2"), {"a"})
    check("sinterstore", r.sinterstore("dst", ["s1", "s2"]), 2)
    check("sunionstore", r.sunionstore("dst2", ["s1", "s2"]), 4)
    check("sdiffstore", r.sdiffstore("dst3", ["s2", "s1"]), 1)
    check("smembers of sdiffstore", r.smembers("dst3"), {"d"})
    check("smove", r.smove("s1", "s2", "a"), True)
    check("srandmember", r.srandmember("s1") in {"b", "c"}, True)
    check("srandmember count", sorted(r.srandmember("s1", 5)), ["b", "c"])
    check("srandmember negative", len(r.srandmember("s1", -5)), 5)

    check("randomkey", r.randomkey() in set(r.keys("*")), True)
    r.set("src", "v", ex=100)
    check("copy", r.copy("src", "dst4"), True)
    check("copy exists", r.copy("src", "dst4"), False)
    check("copy replace", r.copy("src", "dst4", replace=True), True)
    check("copied", r.get("dst4"), "v")
    r.expireat("src", 99999999999)
    check("expiretime", r.expiretime("src"), 99999999999)
    check("pexpiretime", r.execute_command("PEXPIRETIME", "src"), 99999999999000)
    r.set("n", 12345)
    check("object encoding int", r.object("encoding", "n"), "int")
    check("object encoding list", r.object("encoding", "l2"), "quicklist")
    usage = r.memory_usage("s")
    if not isinstance(usage, int) or usage <= 0:
        raise AssertionError(f"memory usage: {usage!r}")
    check("memory usage missing", r.memory_usage("nope"), None)
    check("config set", r.config_set("maxmemory", "1mb"), True)
    check("config get", r.config_get("maxmemory"), {"maxmemory": "1048576"})
    r.config_set("maxmemory", 0)
    try:
        r.config_set("nosuch", "1")
    except redis.ResponseError as e:
        check("config set unknown", str(e), "Unknown option or number of arguments for CONFIG SET - 'nosuch'")
    else:
        raise AssertionError("config set of an unknown parameter did not fail")
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
