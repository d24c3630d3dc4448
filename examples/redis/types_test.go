package main

import (
	"strings"
	"testing"
)

// Lists, sets, hashes and sorted sets, answered byte for byte as
// redis-server 7.0 answers the same requests (each step's reply below is
// redis-server's, taken by sending it the same steps on a fresh keyspace).
// These are the types redis-benchmark's default tests use, beyond
// strings.

// exchangeStep is one request, as an inline command, and the reply it gets.
type exchangeStep struct{ req, reply string }

// steps sends every request in one write to a fresh server and compares
// the replies one by one.
func steps(t *testing.T, all []exchangeStep) {
	t.Helper()
	var req strings.Builder
	for _, s := range all {
		req.WriteString(s.req + "\r\n")
	}
	got := exchange(t, startTest(t, defaultLimits), req.String())
	for i, s := range all {
		n, err := replyLen([]byte(got))
		if n == 0 || err != nil {
			t.Fatalf("step %d %q: no complete reply in %q (%v); want %q", i, s.req, got, err, s.reply)
		}
		if got[:n] != s.reply {
			t.Errorf("step %d %q: got %q, want %q", i, s.req, got[:n], s.reply)
		}
		got = got[n:]
	}
	if got != "" {
		t.Errorf("more replies than requests: %q", got)
	}
}

func TestLists(t *testing.T)      { steps(t, listsSteps) }
func TestSets(t *testing.T)       { steps(t, setsSteps) }
func TestHashes(t *testing.T)     { steps(t, hashesSteps) }
func TestSortedSets(t *testing.T) { steps(t, zsetsSteps) }

// A key holding one type refuses the commands of another with
// WRONGTYPE, except SET, which replaces it; MGET answers nil for it; DEL,
// EXISTS, EXPIRE and TTL work on every type.
func TestWrongType(t *testing.T) { steps(t, typesSteps) }

var listsSteps = []exchangeStep{
	{"LPUSH l a b c", ":3\r\n"},
	{"RPUSH l d e", ":5\r\n"},
	{"LLEN l", ":5\r\n"},
	{"LRANGE l 0 -1", "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n"},
	{"LRANGE l -2 10", "*2\r\n$1\r\nd\r\n$1\r\ne\r\n"},
	{"LRANGE l 5 1", "*0\r\n"},
	{"LRANGE l -100 1", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"},
	{"LINDEX l 0", "$1\r\nc\r\n"},
	{"LINDEX l -1", "$1\r\ne\r\n"},
	{"LINDEX l 99", "$-1\r\n"},
	{"LINDEX l x", "-ERR value is not an integer or out of range\r\n"},
	{"LPOP l", "$1\r\nc\r\n"},
	{"RPOP l", "$1\r\ne\r\n"},
	{"LPOP l 2", "*2\r\n$1\r\nb\r\n$1\r\na\r\n"},
	{"RPOP l 5", "*1\r\n$1\r\nd\r\n"},
	{"EXISTS l", ":0\r\n"},
	{"LLEN l", ":0\r\n"},
	{"LPOP l", "$-1\r\n"},
	{"LPOP l 1", "*-1\r\n"},
	{"RPUSH l x", ":1\r\n"},
	{"LPOP l 0", "*0\r\n"},
	{"LPOP l -1", "-ERR value is out of range, must be positive\r\n"},
	{"LPOP l x", "-ERR value is out of range, must be positive\r\n"},
	{"LRANGE l a 1", "-ERR value is not an integer or out of range\r\n"},
	{"TYPE l", "+list\r\n"},
	{"LPOP l 1 2", "-ERR wrong number of arguments for 'lpop' command\r\n"},
	{"RPUSH l", "-ERR wrong number of arguments for 'rpush' command\r\n"},
	{"LLEN nope", ":0\r\n"},
	{"LRANGE nope 0 -1", "*0\r\n"},
}

var setsSteps = []exchangeStep{
	{"SADD s a b a", ":2\r\n"},
	{"SCARD s", ":2\r\n"},
	{"SISMEMBER s a", ":1\r\n"},
	{"SISMEMBER s z", ":0\r\n"},
	{"SREM s a z", ":1\r\n"},
	{"SMEMBERS s", "*1\r\n$1\r\nb\r\n"},
	{"TYPE s", "+set\r\n"},
	{"SPOP s", "$1\r\nb\r\n"},
	{"EXISTS s", ":0\r\n"},
	{"SPOP s", "$-1\r\n"},
	{"SPOP s 1", "*0\r\n"},
	{"SADD s x", ":1\r\n"},
	{"SPOP s 0", "*0\r\n"},
	{"SPOP s -1", "-ERR value is out of range, must be positive\r\n"},
	{"SPOP s 1", "*1\r\n$1\r\nx\r\n"},
	{"SCARD s", ":0\r\n"},
	{"SMEMBERS nope", "*0\r\n"},
	{"SREM nope a", ":0\r\n"},
}

var hashesSteps = []exchangeStep{
	{"HSET h f1 v1 f2 v2", ":2\r\n"},
	{"HSET h f1 w", ":0\r\n"},
	{"HGET h f1", "$1\r\nw\r\n"},
	{"HGET h nope", "$-1\r\n"},
	{"HMGET h f1 nope f2", "*3\r\n$1\r\nw\r\n$-1\r\n$2\r\nv2\r\n"},
	{"HLEN h", ":2\r\n"},
	{"HEXISTS h f2", ":1\r\n"},
	{"HEXISTS h q", ":0\r\n"},
	{"HDEL h f2 nope", ":1\r\n"},
	{"HGETALL h", "*2\r\n$2\r\nf1\r\n$1\r\nw\r\n"},
	{"HINCRBY h n 5", ":5\r\n"},
	{"HINCRBY h n -7", ":-2\r\n"},
	{"HINCRBY h f1 1", "-ERR hash value is not an integer\r\n"},
	{"HINCRBY h n x", "-ERR value is not an integer or out of range\r\n"},
	{"HSET h f", "-ERR wrong number of arguments for 'hset' command\r\n"},
	{"HSET h f v g", "-ERR wrong number of arguments for 'hset' command\r\n"},
	{"TYPE h", "+hash\r\n"},
	{"HDEL h f1 n", ":2\r\n"},
	{"EXISTS h", ":0\r\n"},
	{"HGETALL h", "*0\r\n"},
	{"HLEN h", ":0\r\n"},
	{"HMGET nope a", "*1\r\n$-1\r\n"},
	{"HINCRBY h big 9223372036854775807", ":9223372036854775807\r\n"},
	{"HINCRBY h big 1", "-ERR increment or decrement would overflow\r\n"},
}

var zsetsSteps = []exchangeStep{
	{"ZADD z 1 a 2 b 3 c", ":3\r\n"},
	{"ZADD z 1.5 a", ":0\r\n"},
	{"ZADD z NX 9 a 4 d", ":1\r\n"},
	{"ZADD z XX CH 5 d 6 e", ":1\r\n"},
	{"ZCARD z", ":4\r\n"},
	{"ZSCORE z a", "$3\r\n1.5\r\n"},
	{"ZSCORE z nope", "$-1\r\n"},
	{"ZRANGE z 0 -1", "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"},
	{"ZRANGE z 0 -1 WITHSCORES", "*8\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n5\r\n"},
	{"ZRANGE z 1 2 REV", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"},
	{"ZRANGE z -2 -1 withscores", "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n5\r\n"},
	{"ZRANGE z 3 1", "*0\r\n"},
	{"ZRANK z c", ":2\r\n"},
	{"ZRANK z nope", "$-1\r\n"},
	{"ZADD z 2 b2 2 b1", ":2\r\n"},
	{"ZRANGE z 0 -1", "*6\r\n$1\r\na\r\n$1\r\nb\r\n$2\r\nb1\r\n$2\r\nb2\r\n$1\r\nc\r\n$1\r\nd\r\n"},
	{"ZREM z b nope", ":1\r\n"},
	{"ZPOPMIN z", "*2\r\n$1\r\na\r\n$3\r\n1.5\r\n"},
	{"ZPOPMIN z 2", "*4\r\n$2\r\nb1\r\n$1\r\n2\r\n$2\r\nb2\r\n$1\r\n2\r\n"},
	{"ZPOPMAX z", "*2\r\n$1\r\nd\r\n$1\r\n5\r\n"},
	{"ZPOPMAX z 0", "*0\r\n"},
	{"ZPOPMIN z -1", "-ERR value is out of range, must be positive\r\n"},
	{"ZADD z abc a", "-ERR value is not a valid float\r\n"},
	{"ZADD z 1", "-ERR wrong number of arguments for 'zadd' command\r\n"},
	{"ZADD z 1 a 2", "-ERR syntax error\r\n"},
	{"ZADD z NX XX 1 a", "-ERR XX and NX options at the same time are not compatible\r\n"},
	{"ZADD z GT LT 1 a", "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"},
	{"ZADD z NX GT 1 a", "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"},
	{"ZADD z GT CH 0.5 b1", ":1\r\n"},
	{"ZADD z GT CH 7 b1", ":1\r\n"},
	{"ZADD z LT CH 0.25 b1 9 q", ":2\r\n"},
	{"ZRANGE z 0 -1 WITHSCORES", "*6\r\n$2\r\nb1\r\n$4\r\n0.25\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nq\r\n$1\r\n9\r\n"},
	{"ZADD z inf top -inf bottom", ":2\r\n"},
	{"ZADD z 1e30 big 0.1 tenth -0 mz", ":3\r\n"},
	{"ZRANGE z 0 -1 WITHSCORES", "*16\r\n$6\r\nbottom\r\n$4\r\n-inf\r\n$2\r\nmz\r\n$1\r\n0\r\n$5\r\ntenth\r\n$19\r\n0.10000000000000001\r\n$2\r\nb1\r\n$4\r\n0.25\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nq\r\n$1\r\n9\r\n$3\r\nbig\r\n$5\r\n1e+30\r\n$3\r\ntop\r\n$3\r\ninf\r\n"},
	{"ZADD z nan x", "-ERR value is not a valid float\r\n"},
	{"ZADD z +inf p", ":1\r\n"},
	{"ZCARD nope", ":0\r\n"},
	{"ZPOPMIN nope", "*0\r\n"},
	{"ZPOPMIN nope 3", "*0\r\n"},
	{"ZRANGE nope 0 -1", "*0\r\n"},
	{"TYPE z", "+zset\r\n"},
	{"ZREM z top bottom big tenth mz b1 q p", ":8\r\n"},
	{"EXISTS z", ":1\r\n"},
	{"ZADD z INCR 1 a", "$1\r\n1\r\n"},
}

var typesSteps = []exchangeStep{
	{"RPUSH k a", ":1\r\n"},
	{"GET k", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"INCR k", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"SET k v GET", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"MGET k x", "*2\r\n$-1\r\n$-1\r\n"},
	{"TYPE k", "+list\r\n"},
	{"SADD k a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HSET k f v", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"ZADD k 1 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"LPUSH k2 a", ":1\r\n"},
	{"SET k2 v", "+OK\r\n"},
	{"TYPE k2", "+string\r\n"},
	{"GET k2", "$1\r\nv\r\n"},
	{"LPUSH k2 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"TYPE nope", "+none\r\n"},
	{"SADD s a", ":1\r\n"},
	{"EXPIRE s 100", ":1\r\n"},
	{"TTL s", ":100\r\n"},
	{"DEL s k2 k", ":3\r\n"},
	{"DBSIZE", ":0\r\n"},
	{"HSET h a 1", ":1\r\n"},
	{"LLEN h", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"SCARD h", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"HLEN k2", ":0\r\n"},
	{"ZCARD h", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"EXISTS h", ":1\r\n"},
}

// The string and key commands that client libraries send beside GET and
// SET (APPEND, STRLEN, SETNX, SETEX, PSETEX, GETSET, GETDEL, MSETNX,
// UNLINK, EXPIREAT, PEXPIREAT, RENAME, RENAMENX, SCAN), as redis-server
// 7.0 answers them.
func TestStringAndKeyCommands(t *testing.T) { steps(t, stringsSteps) }

var stringsSteps = []exchangeStep{
	{"APPEND s ab", ":2\r\n"},
	{"APPEND s cd", ":4\r\n"},
	{"STRLEN s", ":4\r\n"},
	{"STRLEN nope", ":0\r\n"},
	{"GET s", "$4\r\nabcd\r\n"},
	{"SETNX s x", ":0\r\n"},
	{"SETNX n x", ":1\r\n"},
	{"GET n", "$1\r\nx\r\n"},
	{"SETEX e 100 v", "+OK\r\n"},
	{"TTL e", ":100\r\n"},
	{"SETEX e 0 v", "-ERR invalid expire time in 'setex' command\r\n"},
	{"SETEX e -5 v", "-ERR invalid expire time in 'setex' command\r\n"},
	{"SETEX e x v", "-ERR value is not an integer or out of range\r\n"},
	{"PSETEX p 100000 v", "+OK\r\n"},
	{"PTTL p", ":100000\r\n"},
	{"PSETEX p 0 v", "-ERR invalid expire time in 'psetex' command\r\n"},
	{"GETSET s new", "$4\r\nabcd\r\n"},
	{"GETSET nope2 v", "$-1\r\n"},
	{"GET nope2", "$1\r\nv\r\n"},
	{"GETDEL s", "$3\r\nnew\r\n"},
	{"EXISTS s", ":0\r\n"},
	{"GETDEL s", "$-1\r\n"},
	{"UNLINK n e nope", ":2\r\n"},
	{"EXISTS n e", ":0\r\n"},
	{"EXPIREAT p 99999999999", ":1\r\n"},
	{"EXISTS p", ":1\r\n"},
	{"EXPIREAT p 99999999999 NX", ":0\r\n"},
	{"EXPIREAT p 1", ":1\r\n"},
	{"EXISTS p", ":0\r\n"},
	{"SET p v", "+OK\r\n"},
	{"PEXPIREAT p 99999999999000 XX", ":0\r\n"},
	{"PEXPIREAT p 99999999999000 NX", ":1\r\n"},
	{"EXPIREAT p x", "-ERR value is not an integer or out of range\r\n"},
	{"EXPIREAT nope 99999999999", ":0\r\n"},
	{"EXPIREAT p 9223372036854775807", "-ERR invalid expire time in 'expireat' command\r\n"},
	{"SET a 1", "+OK\r\n"},
	{"RENAME a b", "+OK\r\n"},
	{"GET b", "$1\r\n1\r\n"},
	{"EXISTS a", ":0\r\n"},
	{"RENAME nope c", "-ERR no such key\r\n"},
	{"SET c 3", "+OK\r\n"},
	{"RENAMENX b c", ":0\r\n"},
	{"RENAMENX b d", ":1\r\n"},
	{"GET d", "$1\r\n1\r\n"},
	{"RENAME d d", "+OK\r\n"},
	{"RENAMENX d d", ":0\r\n"},
	{"SETEX t 100 v", "+OK\r\n"},
	{"RENAME t t2", "+OK\r\n"},
	{"TTL t2", ":100\r\n"},
	{"RPUSH l x", ":1\r\n"},
	{"RENAME l l2", "+OK\r\n"},
	{"TYPE l2", "+list\r\n"},
	{"LLEN l2", ":1\r\n"},
	{"MSETNX m1 a m2 b", ":1\r\n"},
	{"MSETNX m2 x m3 y", ":0\r\n"},
	{"EXISTS m3", ":0\r\n"},
	{"MSETNX m1", "-ERR wrong number of arguments for 'msetnx' command\r\n"},
	{"APPEND l2 x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"STRLEN l2", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"GETSET l2 x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"GETDEL l2", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"SETNX l2 x", ":0\r\n"},
	{"SCAN x", "-ERR invalid cursor\r\n"},
	{"SCAN 0 COUNT 0", "-ERR syntax error\r\n"},
	{"SCAN 0 COUNT x", "-ERR value is not an integer or out of range\r\n"},
	{"SCAN 0 MATCH", "-ERR syntax error\r\n"},
	{"SCAN 0 FOO bar", "-ERR syntax error\r\n"},
	{"SCAN 0 TYPE list", "*2\r\n$1\r\n0\r\n*1\r\n$2\r\nl2\r\n"},
	{"SCAN 0 TYPE nosuch", "*2\r\n$1\r\n0\r\n*0\r\n"},
}

// ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE and ZCOUNT, the sorted-set
// reads older than ZRANGE's options and still what clients send (redis-py's
// zrange(desc=True) is ZREVRANGE): their options, errors and RESP3 pairs
// as redis-server 7.0 answers them.
func TestSortedSetRangeCommands(t *testing.T) {
	converseAll(t, []pair{
		{"ZADD z 1 a 2 b 3 c 4 d", ":4\r\n"},
		{"ZREVRANGE z 0 -1", "*4\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"},
		{"ZREVRANGE z 0 1 WITHSCORES", "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{"ZREVRANGE z 1 100 withscores", "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{"ZREVRANGE z 0 -1 REV", "-ERR syntax error\r\n"},
		{"ZREVRANGE z 0 -1 BYSCORE", "-ERR syntax error\r\n"},
		{"ZREVRANGE z 0 -1 LIMIT 0 1", "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"},
		{"ZREVRANGE z 0 -1 BYLEX", "-ERR syntax error\r\n"},
		{"ZREVRANGE z x 1", "-ERR value is not an integer or out of range\r\n"},
		{"ZREVRANGE nokey 0 -1", "*0\r\n"},
		{"ZREVRANGE z 0", "-ERR wrong number of arguments for 'zrevrange' command\r\n"},
		{"ZRANGEBYSCORE z 2 3", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"},
		{"ZRANGEBYSCORE z -inf +inf WITHSCORES", "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"},
		{"ZRANGEBYSCORE z (1 3 LIMIT 1 5", "*1\r\n$1\r\nc\r\n"},
		{"ZRANGEBYSCORE z (1 (3", "*1\r\n$1\r\nb\r\n"},
		{"ZRANGEBYSCORE z 1 3 LIMIT 0 -1 WITHSCORES", "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{"ZRANGEBYSCORE z 1 3 LIMIT 0", "-ERR syntax error\r\n"},
		{"ZRANGEBYSCORE z 1 3 LIMIT x 1", "-ERR value is not an integer or out of range\r\n"},
		{"ZRANGEBYSCORE z 1 3 REV", "-ERR syntax error\r\n"},
		{"ZRANGEBYSCORE z 1 3 BYSCORE", "-ERR syntax error\r\n"},
		{"ZRANGEBYSCORE z a 3", "-ERR min or max is not a float\r\n"},
		{"ZRANGEBYSCORE z 3 1", "*0\r\n"},
		{"ZRANGEBYSCORE nokey 1 3", "*0\r\n"},
		{"ZRANGEBYSCORE z 1 3 LIMIT -1 2", "*0\r\n"},
		{"ZREVRANGEBYSCORE z 3 2", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"},
		{"ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 1 2", "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{"ZREVRANGEBYSCORE z 2 3", "*0\r\n"},
		{"ZREVRANGEBYSCORE z (4 (1", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"},
		{"ZCOUNT z 2 3", ":2\r\n"},
		{"ZCOUNT z -inf +inf", ":4\r\n"},
		{"ZCOUNT z (1 (4", ":2\r\n"},
		{"ZCOUNT z 3 1", ":0\r\n"},
		{"ZCOUNT z a 1", "-ERR min or max is not a float\r\n"},
		{"ZCOUNT nokey 1 2", ":0\r\n"},
		{"ZCOUNT z 1", "-ERR wrong number of arguments for 'zcount' command\r\n"},
		{"SET s v", "+OK\r\n"},
		{"ZREVRANGE s 0 -1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{"ZRANGEBYSCORE s 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{"ZREVRANGEBYSCORE s 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{"ZCOUNT s 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{"ZRANGEBYSCORE s a 1", "-ERR min or max is not a float\r\n"},
		{"ZRANGEBYSCORE s 0 1 FOO", "-ERR syntax error\r\n"},
		{"HELLO 3", helloReply("3")},
		{"ZREVRANGE z 0 1 WITHSCORES", "*2\r\n*2\r\n$1\r\nd\r\n,4\r\n*2\r\n$1\r\nc\r\n,3\r\n"},
		{"ZRANGEBYSCORE z 1 2 WITHSCORES", "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n"},
		{"ZREVRANGEBYSCORE z 2 1 WITHSCORES", "*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n"},
	})
}

// Scores are read as Redis reads them with strtod: a score (ZADD,
// ZINCRBY) may be a hex float without an exponent ("0x10"), and may not
// be out of range either way (1e400, or 1e-400, which strtod rounds to
// 0 and flags) or have blanks; a range's bound (ZCOUNT, BYSCORE) is
// strtod's alone: leading blanks are skipped, what overflows is an
// infinity, what underflows 0, and an empty one is 0.
func TestScoreSyntax(t *testing.T) {
	converseArgs(t, []argsPair{
		{[]string{"ZADD", "z", "0x10", "hex"}, ":1\r\n"},
		{[]string{"ZADD", "z", "-0X1.8", "neghex"}, ":1\r\n"},
		{[]string{"ZADD", "z", "0x1p-2", "hexp"}, ":1\r\n"},
		{[]string{"ZADD", "z", "0x", "bad"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "0x.p1", "bad2"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "1e-400", "under"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "-1e-400", "under2"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "4e-320", "sub"}, ":1\r\n"},
		{[]string{"ZADD", "z", "0e-400", "zero"}, ":1\r\n"},
		{[]string{"ZADD", "z", "1e400", "over"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", " 1", "space"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "\t1", "tab"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "1 ", "trail"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "", "empty"}, "-ERR value is not a valid float\r\n"},
		{[]string{"ZADD", "z", "Infinity", "inf"}, ":1\r\n"},
		{[]string{"ZINCRBY", "z", "0x2", "hex"}, "$2\r\n18\r\n"},
		{[]string{"ZSCORE", "z", "hex"}, "$2\r\n18\r\n"},
		{[]string{"ZRANGE", "z", "0", "-1", "WITHSCORES"}, "*12\r\n$6\r\nneghex\r\n$4\r\n-1.5\r\n$4\r\nzero\r\n$1\r\n0\r\n$3\r\nsub\r\n$22\r\n3.999955468730732e-320\r\n$4\r\nhexp\r\n$4\r\n0.25\r\n$3\r\nhex\r\n$2\r\n18\r\n$3\r\ninf\r\n$3\r\ninf\r\n"},
		{[]string{"ZCOUNT", "z", "-1e400", "1e400"}, ":6\r\n"},
		{[]string{"ZCOUNT", "z", "(-1e400", "(1e400"}, ":5\r\n"},
		{[]string{"ZCOUNT", "z", "", " 20"}, ":4\r\n"},
		{[]string{"ZCOUNT", "z", "\t-20", "\n0x11"}, ":4\r\n"},
		{[]string{"ZCOUNT", "z", "(", "+inf"}, ":4\r\n"},
		{[]string{"ZCOUNT", "z", "1e-400", "1"}, ":3\r\n"},
		{[]string{"ZCOUNT", "z", "0x10", "0x10"}, ":0\r\n"},
		{[]string{"ZCOUNT", "z", "1 ", "2"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZCOUNT", "z", "nan", "1"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZCOUNT", "z", "((1", "2"}, "-ERR min or max is not a float\r\n"},
		{[]string{"ZCOUNT", "z", "( 1", "2"}, ":0\r\n"},
		{[]string{"ZRANGEBYSCORE", "z", "-1e999", "0x10", "WITHSCORES"}, "*8\r\n$6\r\nneghex\r\n$4\r\n-1.5\r\n$4\r\nzero\r\n$1\r\n0\r\n$3\r\nsub\r\n$22\r\n3.999955468730732e-320\r\n$4\r\nhexp\r\n$4\r\n0.25\r\n"},
		{[]string{"ZRANGE", "z", "(0x1p3", "+inf", "BYSCORE"}, "*2\r\n$3\r\nhex\r\n$3\r\ninf\r\n"},
		{[]string{"ZREVRANGEBYSCORE", "z", "1e999", "", "LIMIT", "0", "1"}, "*1\r\n$3\r\ninf\r\n"},
	})
}
