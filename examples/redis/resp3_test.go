package main

import (
	"io"
	"strings"
	"testing"
)

// Clients open a connection with HELLO since Redis 6, and the newest
// ones ask for RESP3 with it: node-redis 5 and later send HELLO 3 and
// fail to connect when it is refused, redis-cli -3 complains of it on
// every run. The expected bytes here are redis-server 7.0's for the same
// requests (the client id aside, 1 on a fresh server).

// pair is a request, in words (sent as one multibulk request), and its
// answer.
type pair struct{ req, want string }

// argsPair is a request as its arguments, for those with blanks or empty
// arguments, and its answer.
type argsPair struct {
	args []string
	want string
}

// converseAll sends every request of pairs to a fresh server in one write
// and checks the answers, naming the first request answered otherwise.
func converseAll(t *testing.T, pairs []pair) {
	t.Helper()
	all := make([]argsPair, len(pairs))
	for i, p := range pairs {
		all[i] = argsPair{strings.Fields(p.req), p.want}
	}
	converseArgs(t, all)
}

// converseArgs is converseAll for requests given as their arguments.
func converseArgs(t *testing.T, pairs []argsPair) {
	t.Helper()
	var req, want strings.Builder
	for _, p := range pairs {
		req.Write(encode(nil, p.args...))
		want.WriteString(p.want)
	}
	addr := startTest(t, defaultLimits)
	got := exchange(t, addr, req.String())
	if got == want.String() {
		return
	}
	off := 0
	for _, p := range pairs {
		if !strings.HasPrefix(got[off:], p.want) {
			t.Fatalf("%q:\n got %q\nwant %q", p.args, got[off:min(len(got), off+len(p.want)+40)], p.want)
		}
		off += len(p.want)
	}
	t.Fatalf("answers past the last request: %q", got[off:])
}

// helloReply is HELLO's answer on a fresh server's first connection.
func helloReply(proto string) string {
	fields := "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:" + proto +
		"\r\n$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"
	if proto == "3" {
		return "%7\r\n" + fields
	}
	return "*14\r\n" + fields
}

// HELLO answers what the server is, names the connection, and takes AUTH
// as a server without passwords does (the default user, any password);
// AUTH alone too.
func TestHello(t *testing.T) {
	const noPass = "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n"
	const wrongPass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
	converseAll(t, []pair{
		{"HELLO", helloReply("2")},
		{"HELLO 4", "-NOPROTO unsupported protocol version\r\n"},
		{"HELLO 1", "-NOPROTO unsupported protocol version\r\n"},
		{"HELLO 0", "-NOPROTO unsupported protocol version\r\n"},
		{"HELLO x", "-ERR Protocol version is not an integer or out of range\r\n"},
		{"HELLO 99999999999999999999", "-ERR Protocol version is not an integer or out of range\r\n"},
		{"HELLO 2 BOGUS", "-ERR Syntax error in HELLO option 'BOGUS'\r\n"},
		{"HELLO 2 AUTH a", "-ERR Syntax error in HELLO option 'AUTH'\r\n"},
		{"HELLO 2 SETNAME", "-ERR Syntax error in HELLO option 'SETNAME'\r\n"},
		{"HELLO 2 SETNAME a b", "-ERR Syntax error in HELLO option 'b'\r\n"},
		{"HELLO 3 SETNAME a\x01b", "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"},
		{"GET nokey", "$-1\r\n"}, // still RESP2
		{"HELLO 2 SETNAME foo", helloReply("2")},
		{"CLIENT GETNAME", "$3\r\nfoo\r\n"},
		{"HELLO 2 AUTH default secret", helloReply("2")},
		{"HELLO 2 AUTH bob secret", wrongPass},
		{"HELLO 2 setname bar auth DEFAULT secret", wrongPass},
		{"CLIENT GETNAME", "$3\r\nbar\r\n"}, // as in Redis 7.0: named before the AUTH is checked
		// and an AUTH is checked as it is read: what follows a wrong one
		// is neither taken nor checked.
		{"HELLO 2 AUTH bob secret SETNAME baz", wrongPass},
		{"CLIENT GETNAME", "$3\r\nbar\r\n"},
		{"HELLO 2 AUTH bob secret SETNAME a\x01b", wrongPass},
		{"HELLO 2 AUTH bob secret BOGUS", wrongPass},
		{"AUTH secret", noPass},
		{"AUTH default secret", "+OK\r\n"},
		{"AUTH bob secret", wrongPass},
		{"AUTH a b c", "-ERR syntax error\r\n"},
		{"AUTH", "-ERR wrong number of arguments for 'auth' command\r\n"},
	})
}

// After HELLO 3 the replies take RESP3's types where Redis 7.0 uses them:
// null, maps (HGETALL, CONFIG GET, HELLO), sets (SMEMBERS, SPOP with a
// count), doubles (scores; pairs of member and score for ZRANGE
// WITHSCORES and for ZPOPMIN/ZPOPMAX given a count), verbatim text
// (INFO); HELLO 2 goes back.
func TestRESP3(t *testing.T) {
	converseAll(t, []pair{
		{"HELLO 3", helloReply("3")},
		{"SET s v", "+OK\r\n"},
		{"GET nokey", "_\r\n"},
		{"MGET s nokey", "*2\r\n$1\r\nv\r\n_\r\n"},
		{"HSET h a 1", ":1\r\n"},
		{"HGETALL h", "%1\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{"HGETALL nokey", "%0\r\n"},
		{"HMGET h a x", "*2\r\n$1\r\n1\r\n_\r\n"},
		{"HGET h x", "_\r\n"},
		{"SADD st x", ":1\r\n"},
		{"SMEMBERS st", "~1\r\n$1\r\nx\r\n"},
		{"SMEMBERS nokey", "~0\r\n"},
		{"SPOP nokey", "_\r\n"},
		{"SPOP nokey 2", "~0\r\n"},
		{"SPOP st 1", "~1\r\n$1\r\nx\r\n"},
		{"ZADD z 1.5 a 2 b 0.1 c inf d -inf e", ":5\r\n"},
		{"ZSCORE z a", ",1.5\r\n"},
		{"ZSCORE z c", ",0.10000000000000001\r\n"},
		{"ZSCORE z d", ",inf\r\n"},
		{"ZSCORE z e", ",-inf\r\n"},
		{"ZSCORE z nope", "_\r\n"},
		{"ZINCRBY z 1 a", ",2.5\r\n"},
		{"ZADD z INCR 1 a", ",3.5\r\n"},
		{"ZADD z NX INCR 1 a", "_\r\n"},
		{"ZADD z XX INCR 1 nope", "_\r\n"},
		{"ZRANGE z 0 -1", "*5\r\n$1\r\ne\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n"},
		{"ZRANGE z 0 -1 WITHSCORES", "*5\r\n*2\r\n$1\r\ne\r\n,-inf\r\n*2\r\n$1\r\nc\r\n,0.10000000000000001\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,3.5\r\n*2\r\n$1\r\nd\r\n,inf\r\n"},
		{"ZRANGE z 0 1 BYSCORE WITHSCORES", "*1\r\n*2\r\n$1\r\nc\r\n,0.10000000000000001\r\n"},
		{"ZRANGE z +inf -inf BYSCORE REV LIMIT 0 1 WITHSCORES", "*1\r\n*2\r\n$1\r\nd\r\n,inf\r\n"},
		{"ZRANGE nokey 0 -1 WITHSCORES", "*0\r\n"},
		{"ZPOPMIN z", "*2\r\n$1\r\ne\r\n,-inf\r\n"},
		{"ZPOPMIN z 1", "*1\r\n*2\r\n$1\r\nc\r\n,0.10000000000000001\r\n"},
		{"ZPOPMIN z 2", "*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,3.5\r\n"},
		{"ZPOPMAX z", "*2\r\n$1\r\nd\r\n,inf\r\n"},
		{"ZPOPMAX nokey", "*0\r\n"},
		{"ZPOPMAX nokey 2", "*0\r\n"},
		{"ZADD z2 0 m", ":1\r\n"},
		{"ZINCRBY z2 -0 m", ",0\r\n"},
		{"ZSCORE z2 m", ",0\r\n"},
		// A score stored as -0 is 0 to what is added to it, as in Redis
		// 7.0's small sorted sets; a new member's -0 stays -0.
		{"ZADD z2 -0 n", ":1\r\n"},
		{"ZINCRBY z2 -0 n", ",0\r\n"},
		{"ZADD z2 INCR -0 n", ",0\r\n"},
		{"ZINCRBY z2 -0 o", ",-0\r\n"},
		{"ZPOPMIN z 0", "*0\r\n"},
		{"LPUSH l a b", ":2\r\n"},
		{"LPOP nokey", "_\r\n"},
		{"LPOP nokey 2", "_\r\n"},
		{"LPOP l 0", "*0\r\n"},
		{"LRANGE l 0 -1", "*2\r\n$1\r\nb\r\n$1\r\na\r\n"},
		{"LINDEX l 9", "_\r\n"},
		{"CONFIG GET maxmemory", "%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"},
		{"CONFIG GET nosuch", "%0\r\n"},
		{"CLIENT GETNAME", "_\r\n"},
		{"SCAN 0 MATCH s", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\ns\r\n"},
		{"TTL s", ":-1\r\n"},
		{"INFO keyspace", "=48\r\ntxt:# Keyspace\r\ndb0:keys=4,expires=0,avg_ttl=0\r\n\r\n"},
		{"MULTI", "+OK\r\n"},
		{"GET nokey", "+QUEUED\r\n"},
		{"EXEC", "*1\r\n_\r\n"},
		{"WATCH s", "+OK\r\n"},
		{"SET s w", "+OK\r\n"},
		{"MULTI", "+OK\r\n"},
		{"GET s", "+QUEUED\r\n"},
		{"EXEC", "_\r\n"},
		{"SET k v GET", "_\r\n"},
		{"SET nokey2 v GET", "_\r\n"},
		{"GETDEL nokey", "_\r\n"},
		{"GETSET nokey3 v", "_\r\n"},
		{"PING", "+PONG\r\n"},
		{"ECHO hi", "$2\r\nhi\r\n"},
		{"HELLO 2", helloReply("2")},
		{"GET nokey", "$-1\r\n"},
		{"HGETALL h", "*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{"ZSCORE z2 m", "$1\r\n0\r\n"},
	})
}

// The answers about the server itself take RESP3's shapes too: COMMAND
// DOCS a map, COMMAND INFO's flags and lists sets, CLIENT INFO and LIST
// verbatim text saying resp=3.
func TestRESP3Admin(t *testing.T) {
	addr := startTest(t, defaultLimits)
	c := converse(t, addr)
	line := func(req string) string { return strings.TrimRight(c.line(t, req), "\r\n") }
	if got := line("HELLO 3 SETNAME me\r\n"); got != "%7" {
		t.Fatalf("HELLO 3: got %q, want a map", got)
	}
	rest := helloReply("3")[len("%7\r\n"):]
	hello := make([]byte, len(rest))
	if _, err := io.ReadFull(c.r, hello); err != nil || string(hello) != rest {
		t.Fatalf("HELLO 3: got %q (%v), want %q", hello, err, rest)
	}
	if got := line("COMMAND DOCS get\r\n"); got != "%0" {
		t.Errorf("COMMAND DOCS: got %q, want %%0", got)
	}
	want := []string{"*1", "*10", "$3", "get", ":2", "~2", "+readonly", "+fast", ":1", ":1", ":1", "~0", "~0", "~0", "~0"}
	for i, w := range want {
		req := ""
		if i == 0 {
			req = "COMMAND INFO get\r\n"
		}
		if got := line(req); got != w {
			t.Fatalf("COMMAND INFO get, line %d: got %q, want %q", i, got, w)
		}
	}
	for _, sub := range []string{"INFO", "LIST"} {
		head := line("CLIENT " + sub + "\r\n")
		if !strings.HasPrefix(head, "=") {
			t.Fatalf("CLIENT %s: got %q, want verbatim text", sub, head)
		}
		text := line("")
		if line("") != "" { // the text's own newline, then the reply's CRLF
			t.Fatalf("CLIENT %s: more than one line", sub)
		}
		if !strings.HasPrefix(text, "txt:id=1 ") || !strings.Contains(text, " name=me ") || !strings.Contains(text, " resp=3 ") {
			t.Errorf("CLIENT %s: got %q, want txt:id=1 ... name=me ... resp=3", sub, text)
		}
	}
}

// redis-cli -3 asks for RESP3 with HELLO 3 and prints maps as Redis
// sends them; a refused HELLO made it print "HELLO 3 failed" before every
// answer, and a hash as a flat list.
func TestRedisCLIResp3(t *testing.T) {
	need(t, "redis-cli", "redis-tools")
	addr := startTest(t, defaultLimits)
	h, p := hostPort(t, addr)
	cli := func(args ...string) string {
		return run(t, "", "redis-cli", append([]string{"-3", "-h", h, "-p", p}, args...)...)
	}
	for _, s := range []struct {
		args []string
		want string
	}{
		{[]string{"PING"}, "PONG\n"},
		{[]string{"HSET", "h", "field", "value"}, "1\n"},
		{[]string{"HGETALL", "h"}, "field value\n"},
		{[]string{"ZADD", "z", "2.5", "m"}, "1\n"},
		{[]string{"ZSCORE", "z", "m"}, "2.5\n"},
		{[]string{"GET", "nokey"}, "\n"},
	} {
		if got := cli(s.args...); got != s.want {
			t.Errorf("redis-cli -3 %q: got %q, want %q", s.args, got, s.want)
		}
	}
}

// redis-benchmark -3 opens each connection with HELLO 3 and stops at the
// first error ("Error from server: ERR unknown command 'HELLO'" before
// the server knew it); its tests of every type run in RESP3.
func TestRedisBenchmarkResp3(t *testing.T) {
	need(t, "redis-benchmark", "redis-tools")
	addr := startTest(t, defaultLimits)
	h, p := hostPort(t, addr)
	out := run(t, "", "redis-benchmark", "-3", "-h", h, "-p", p, "-t", "set,get,hset,spop,zadd,zpopmin,lrange_100",
		"-c", "10", "-n", "2000", "-r", "100", "-q")
	checkBenchmark(t, "-3", out, "SET: ", "GET: ", "HSET: ", "SPOP: ", "ZADD: ", "ZPOPMIN: ", "LRANGE_100 (first 100 elements): ")
}
