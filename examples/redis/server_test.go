package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// startTest starts a server on a free port for the test and stops it
// (every connection closed, the loop closed) when the test ends. It
// returns the address.
func startTest(t *testing.T, lim limits) string {
	t.Helper()
	return startRunning(t, lim).addr
}

// startRunning is startTest, returning the running server.
func startRunning(t *testing.T, lim limits) *running {
	t.Helper()
	s, err := start("127.0.0.1:0", lim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// dial connects to addr with a deadline bounding the whole exchange.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

// exchange writes req in one write, half-closes, and returns all the
// server wrote before closing.
func exchange(t *testing.T, addr, req string) string {
	t.Helper()
	c := dial(t, addr)
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(got)
}

// The answers to a pipeline that arrives in one read leave in one write:
// the client's first read, made once the server has answered, gets all of
// them. (Were they written one by one, that read would get the first few.)
func TestPipelineAnsweredInOneWrite(t *testing.T) {
	addr := startTest(t, defaultLimits)
	c := dial(t, addr)
	req := strings.Repeat("*1\r\n$4\r\nPING\r\n", 100)
	if _, err := io.WriteString(c, req+"*2\r\n$4\r\nECHO\r\n$3\r\nend\r\n"); err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("+PONG\r\n", 100) + "$3\r\nend\r\n"
	buf := make([]byte, 64*1024)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != want {
		t.Fatalf("first read: %d bytes %v; want all %d", n, err, len(want))
	}
}

// A framing error is answered, then the connection is closed, after the
// answers to the requests before it; anything after it is not run.
func TestFramingErrorClosesConnection(t *testing.T) {
	addr := startTest(t, defaultLimits)
	cases := map[string]string{
		"SET k v\r\n*1\r\n$x\r\nPING\r\n":     "+OK\r\n-ERR Protocol error: invalid bulk length\r\n",
		"*1\r\n$4\r\nPING\r\n*1\r\n:1\r\n":    "+PONG\r\n-ERR Protocol error: expected '$', got ':'\r\n",
		"*2000000\r\n":                        "-ERR Protocol error: invalid multibulk length\r\n",
		"ECHO \"x\r\nPING\r\n":                "-ERR Protocol error: unbalanced quotes in request\r\n",
		"PING\r\nQUIT\r\nPING\r\n":            "+PONG\r\n+OK\r\n",
		"GET unset\r\n*1\r\n$3\r\nGE":         "$-1\r\n", // EOF mid-request: dropped
		strings.Repeat("x", 70*1024):          "-ERR Protocol error: too big inline request\r\n",
		"*1\r\n$" + strings.Repeat("9", 70e3): "-ERR Protocol error: too big bulk count string\r\n",
	}
	for req, want := range cases {
		t.Run(fmt.Sprintf("%.20q", req), func(t *testing.T) {
			if got := exchange(t, addr, req); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
}

// Errors of a request, not of its framing, leave the connection open.
func TestCommandErrorsKeepConnection(t *testing.T) {
	addr := startTest(t, defaultLimits)
	req := "FROB\r\nGET\r\nSET k v EX 0\r\nINCR nope nope\r\nSET k v\r\nINCR k\r\nGET k\r\n"
	want := "-ERR unknown command 'FROB', with args beginning with: \r\n" +
		"-ERR wrong number of arguments for 'get' command\r\n" +
		"-ERR invalid expire time in 'set' command\r\n" +
		"-ERR wrong number of arguments for 'incr' command\r\n" +
		"+OK\r\n-ERR value is not an integer or out of range\r\n$1\r\nv\r\n"
	if got := exchange(t, addr, req); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// The bulk length and multibulk count limits hold at their edge.
func TestRequestLimits(t *testing.T) {
	addr := startTest(t, limits{maxArgs: 4, maxBulk: 16, maxQuery: 1 << 20})
	ok := "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$16\r\n0123456789abcdef\r\n$2\r\nNX\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
	if got, want := exchange(t, addr, ok), "+OK\r\n$16\r\n0123456789abcdef\r\n"; got != want {
		t.Fatalf("at the limits: %q, want %q", got, want)
	}
	for req, want := range map[string]string{
		"*5\r\n":                                "-ERR Protocol error: invalid multibulk length\r\n",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$17\r\n": "-ERR Protocol error: invalid bulk length\r\n",
		"SET a b c d e\r\n":                     "-ERR Protocol error: invalid multibulk length\r\n",
	} {
		if got := exchange(t, addr, req); got != want {
			t.Errorf("%q: got %q, want %q", req, got, want)
		}
	}
	// A multibulk count line that never ends is a framing error too.
	big := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$16\r\n" + strings.Repeat("*", 100*1024)
	if got, want := exchange(t, addr, big), "+OK\r\n-ERR Protocol error: too big mbulk count string\r\n"; got != want {
		t.Errorf("got %.80q, want %q", got, want)
	}
}

// A request still incomplete past the query buffer limit closes the
// connection instead of buffering without bound.
func TestQueryBufferLimit(t *testing.T) {
	addr := startTest(t, limits{maxArgs: 4, maxBulk: 8 << 20, maxQuery: 1 << 20})
	c := dial(t, addr)
	req := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4000000\r\n" + strings.Repeat("x", 2<<20)
	go io.WriteString(c, req) // fails once the server has closed
	got, err := io.ReadAll(c)
	// The server closes with bytes unread, so the kernel may reset the
	// connection before its answer is read.
	if err != nil && !isReset(err) || err == nil && string(got) != "-ERR Protocol error: query buffer limit exceeded\r\n" {
		t.Fatalf("got %.80q, %v", got, err)
	}
}

func isReset(err error) bool { return strings.Contains(err.Error(), "reset") }

// A 4 MiB value arrives over many reads and comes back whole.
func TestLargeValue(t *testing.T) {
	addr := startTest(t, defaultLimits)
	val := bytes.Repeat([]byte("0123456789abcdef"), 256*1024)
	req := fmt.Sprintf("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n%s\r\n*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n", len(val), val)
	want := fmt.Sprintf("+OK\r\n$%d\r\n%s\r\n", len(val), val)
	if got := exchange(t, addr, req); got != want {
		t.Fatalf("got %d bytes starting %.40q, want %d", len(got), got, len(want))
	}
}

// need skips the test when a real client is missing. Only a missing
// program justifies it: the test drives that program.
func need(t *testing.T, prog, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(prog); err != nil {
		t.Skipf("%s not found: install the Debian package %s", prog, pkg)
	}
}

// run runs a client to completion within 60 s and returns its output.
func run(t *testing.T, stdin string, prog string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", prog, args, err, out)
	}
	return string(out)
}

func hostPort(t *testing.T, addr string) (string, string) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return h, p
}

// redis-cli talks to the server: one command per run, a script on stdin,
// and a mass insertion with --pipe.
func TestRedisCLI(t *testing.T) {
	need(t, "redis-cli", "redis-tools")
	h, p := hostPort(t, startTest(t, defaultLimits))
	cli := func(args ...string) string {
		return strings.TrimSpace(run(t, "", "redis-cli", append([]string{"-h", h, "-p", p}, args...)...))
	}
	steps := []struct {
		args []string
		want string
	}{
		{a("PING"), "PONG"},
		{a("SET", "greeting", "hello world", "EX", "100"), "OK"},
		{a("GET", "greeting"), "hello world"},
		{a("INCRBY", "n", "42"), "42"},
		{a("MSET", "u:1", "a", "u:2", "b"), "OK"},
		{a("MGET", "u:1", "nope", "u:2"), "a\n\nb"},
		{a("DBSIZE"), "4"},
		{a("GET", "nope"), ""},
		{a("INCR", "greeting"), "ERR value is not an integer or out of range"},
		{a("FROB"), "ERR unknown command 'FROB', with args beginning with:"},
		{a("COMMAND", "COUNT"), "125"},
		{a("DEL", "u:1", "u:2", "nope"), "2"},
		{a("EXISTS", "u:1", "n"), "1"},
	}
	for _, s := range steps {
		if got := cli(s.args...); got != s.want {
			t.Errorf("redis-cli %q: got %q, want %q", s.args, got, s.want)
		}
	}
	// In one run, so that no real time passes between SET and TTL (a
	// loaded machine takes seconds to start redis-cli).
	if got := strings.TrimSpace(run(t, "SET greeting \"hello world\" EX 100\nTTL greeting\n", "redis-cli", "-h", h, "-p", p)); got != "OK\n100" {
		t.Errorf("SET EX 100, TTL: %q", got)
	}
	if got := cli("KEYS", "*"); got != "greeting\nn" && got != "n\ngreeting" {
		t.Errorf("KEYS *: %q", got)
	}
	script := "SET a 1\nINCR a\nGET a\nPING\n"
	if got := strings.TrimSpace(run(t, script, "redis-cli", "-h", h, "-p", p)); got != "OK\n2\n2\nPONG" {
		t.Errorf("script: %q", got)
	}
	var mass strings.Builder
	for i := range 20000 {
		mass.Write(encode(nil, "SET", fmt.Sprint("mass:", i), fmt.Sprint(i)))
	}
	if got := run(t, mass.String(), "redis-cli", "-h", h, "-p", p, "--pipe"); !strings.Contains(got, "errors: 0, replies: 20000") {
		t.Errorf("--pipe: %s", got)
	}
	if got := cli("GET", "mass:19999"); got != "19999" {
		t.Errorf("after --pipe: GET mass:19999 = %q", got)
	}
	if got := cli("FLUSHALL"); got != "OK" || cli("DBSIZE") != "0" {
		t.Errorf("FLUSHALL: %q", got)
	}
}

// redis-benchmark's SET and GET tests, with and without a pipeline, and
// its PING, INCR and MSET tests run without an error against the server,
// and SET leaves its keys in place.
func TestRedisBenchmark(t *testing.T) {
	need(t, "redis-benchmark", "redis-tools")
	addr := startTest(t, defaultLimits)
	h, p := hostPort(t, addr)
	for _, pipeline := range []string{"1", "16"} {
		out := run(t, "", "redis-benchmark", "-h", h, "-p", p, "-t", "set,get", "-c", "50", "-n", "20000", "-r", "1000", "-P", pipeline, "-q")
		checkBenchmark(t, "-P "+pipeline, out, "SET: ", "GET: ")
	}
	// -r 1000: the keys are key:000000000000 to key:000000000999.
	got := exchange(t, addr, "DBSIZE\r\nEXISTS key:000000001000\r\n")
	var n int
	if _, err := fmt.Sscanf(got, ":%d\r\n:0\r\n", &n); err != nil || n < 1 || n > 1000 {
		t.Errorf("after the benchmark: %q", got)
	}
	// The other tests it runs by default on strings, inline PING included.
	out := run(t, "", "redis-benchmark", "-h", h, "-p", p, "-t", "ping_inline,ping_mbulk,incr,mset", "-n", "20000", "-q")
	checkBenchmark(t, "-t ping_inline,ping_mbulk,incr,mset", out, "PING_INLINE: ", "PING_MBULK: ", "INCR: ", "MSET (10 keys): ")
}

// redis-benchmark run as it is most often run, with no -t: every one of
// its default tests, lists, sets, hashes and sorted sets among them,
// completes without an error, and leaves its keys of each type behind.
func TestRedisBenchmarkDefaultTests(t *testing.T) {
	need(t, "redis-benchmark", "redis-tools")
	addr := startTest(t, defaultLimits)
	h, p := hostPort(t, addr)
	out := run(t, "", "redis-benchmark", "-h", h, "-p", p, "-c", "20", "-n", "5000", "-r", "1000", "-q")
	checkBenchmark(t, "no -t", out, "PING_INLINE: ", "PING_MBULK: ", "SET: ", "GET: ", "INCR: ",
		"LPUSH: ", "RPUSH: ", "LPOP: ", "RPOP: ", "SADD: ", "HSET: ", "SPOP: ", "ZADD: ", "ZPOPMIN: ",
		"LPUSH (needed to benchmark LRANGE): ", "LRANGE_100 (first 100 elements): ",
		"LRANGE_300 (first 300 elements): ", "LRANGE_500 (first 500 elements): ",
		"LRANGE_600 (first 600 elements): ", "MSET (10 keys): ")
	// LRANGE's LPUSH leaves 5000 elements; SADD's set loses one member to
	// each SPOP, and ZADD's sorted set one to each ZPOPMIN, so both are
	// gone; HSET's hash holds at most 1000 fields.
	got := exchange(t, addr, "TYPE mylist\r\nLLEN mylist\r\nLRANGE mylist 0 0\r\nTYPE myhash\r\nEXISTS myset myzset\r\n")
	var n, fields int
	if _, err := fmt.Sscanf(got, "+list\r\n:%d\r\n*1\r\n$3\r\nVXK\r\n+hash\r\n:0\r\n", &n); err != nil || n < 5000 {
		t.Errorf("after the benchmark: %q (%v)", got, err)
	}
	if _, err := fmt.Sscanf(exchange(t, addr, "HLEN myhash\r\n"), ":%d\r\n", &fields); err != nil || fields < 1 || fields > 1000 {
		t.Errorf("HLEN myhash: %d (%v)", fields, err)
	}
}

// checkBenchmark checks redis-benchmark's output for a result of each test
// and for errors.
func checkBenchmark(t *testing.T, run, out string, tests ...string) {
	t.Helper()
	for _, test := range tests {
		if !strings.Contains(out, test) || !strings.Contains(out, "requests per second") {
			t.Errorf("%s: no %q result in\n%s", run, test, out)
		}
	}
	// redis-benchmark warns when CONFIG GET fails, and prints errors the
	// server answered.
	if low := strings.ToLower(out); strings.Contains(low, "error") || strings.Contains(low, "warning") {
		t.Errorf("%s: %s", run, out)
	}
}

// A client that writes its whole pipeline before reading any answer, as
// client libraries' pipelines do (redis-py's execute, go-redis's Exec),
// is served as Redis serves it: the server keeps reading while its
// answers wait unread, up to far more than the kernel's buffers hold.
// Holding it back at 64 KiB of answers deadlocked once the requests
// filled those buffers: the client blocked writing, the server waiting
// for it to read.
func TestPipelineWrittenBeforeReading(t *testing.T) {
	addr := startTest(t, defaultLimits)
	c := dial(t, addr)
	val := strings.Repeat("v", 100)
	const n = 500000 // 11 MB of requests, 54 MB of answers
	req := "SET k " + val + "\r\n" + strings.Repeat("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", n)
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatalf("writing the pipeline: %v (the server stopped reading)", err)
	}
	want := "+OK\r\n" + strings.Repeat("$100\r\n"+val+"\r\n", n)
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil || string(got) != want {
		t.Fatalf("read %v; answers match: %v", err, string(got) == want)
	}
}

// A client that resets the connection in the middle of a pipeline leaves
// nothing to report: the server stops writing once the connection is
// lost, instead of writing the answers to the rest of what it had read
// into a dead transport (whose fifth such write the loop reports).
func TestResetMidPipelineReportsNothing(t *testing.T) {
	s, err := start("127.0.0.1:0", defaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var reports []string
	set := make(chan struct{})
	s.loop.CallSoonThreadsafe(func() {
		s.loop.SetExceptionHandler(func(_ *rt.Loop, ctx rt.ErrorContext) {
			mu.Lock()
			defer mu.Unlock()
			reports = append(reports, fmt.Sprint(ctx.Message, ": ", ctx.Err))
		})
		close(set)
	})
	<-set
	req := "SET k " + strings.Repeat("v", 1000) + "\r\n" + strings.Repeat("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 100000)
	for range 5 {
		c := dial(t, s.addr)
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatal(err)
		}
		c.(*net.TCPConn).SetLinger(0) // close with a reset
		c.Close()
	}
	if err := s.stop(); err != nil { // waits for every connection's coroutine
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reports) > 0 {
		t.Fatalf("reported: %q", reports)
	}
}

// Stopping the server ends every connection at once, whatever the
// clients do, and leaves nothing pending. It hung while a client had
// answers unread (closing a transport waits for its buffer to be sent),
// and, counting a connection only once its coroutine had first run, left
// one accepted in the turn of the loop that ran the stop pending when the
// loop closed ("Task was destroyed but it is pending"). The client that
// pipelines without reading keeps the loop busy, which makes that turn
// likely for the ten that connect after it.
func TestStopWithClientsBusy(t *testing.T) {
	pipeline := "SET k " + strings.Repeat("v", 1000) + "\r\n" + strings.Repeat("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 20000)
	for round := range 10 {
		s, err := start("127.0.0.1:0", defaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		var reports []string // appended to on the loop, read after it has stopped
		set := make(chan struct{})
		s.loop.CallSoonThreadsafe(func() {
			s.loop.SetExceptionHandler(func(_ *rt.Loop, ctx rt.ErrorContext) {
				reports = append(reports, fmt.Sprint(ctx.Message, ": ", ctx.Err))
			})
			close(set)
		})
		<-set
		busy := dial(t, s.addr)
		io.WriteString(busy, pipeline)
		for range 10 {
			c := dial(t, s.addr)
			io.WriteString(c, "PING\r\n")
		}
		stopped := make(chan error, 1)
		go func() { stopped <- s.stop() }()
		select {
		case err := <-stopped:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("round %d: stop still waiting after 10 s", round)
		}
		if len(reports) > 0 {
			t.Fatalf("round %d: reported %q", round, reports)
		}
	}
}

// python is the Debian interpreter that python3-redis installs redis-py
// for (a python3 earlier on PATH may be another install without it).
const python = "/usr/bin/python3"

// TestRedisPy drives the server with redis-py, as a Python program uses
// Redis (testdata/redispy.py, which passes against redis-server 7.0 too):
// commands, a pipeline of 1000, MULTI/EXEC pipelines, a WATCH transaction
// that another client breaks once and redis-py retries, CLIENT SETNAME,
// GETNAME, LIST and INFO, INFO, KEYS, FLUSHALL. It skips only when the
// client is missing: the test is that client.
func TestRedisPy(t *testing.T) {
	needRedisPy(t)
	h, p := hostPort(t, startTest(t, defaultLimits))
	if got := run(t, "", python, "testdata/redispy.py", h, p); got != "ok\n" {
		t.Fatalf("redispy.py: %s", got)
	}
}

// runRedisPy runs a redis-py script against a fresh server: it must
// print "ok".
func runRedisPy(t *testing.T, script string) {
	t.Helper()
	needRedisPy(t)
	h, p := hostPort(t, startTest(t, defaultLimits))
	if got := run(t, "", python, script, h, p); got != "ok\n" {
		t.Fatalf("%s: %s", script, got)
	}
}

// needRedisPy skips the test unless python has redis-py.
func needRedisPy(t *testing.T) {
	t.Helper()
	if err := exec.Command(python, "-c", "import redis").Run(); err != nil {
		t.Skipf("%s with the redis module not found (%v): install the Debian package python3-redis", python, err)
	}
}
