package main

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// Blocking list pops, as redis-server 7.0 answers them: the steps that
// do not block (a list to pop from, an error, inside MULTI where they
// answer as a timeout at once), byte for byte redis-server's replies.
func TestBlockingPopsWithoutWaiting(t *testing.T) {
	steps(t, blockingSteps)
	wire(t, "HELLO 3\r\nMULTI\r\nBLPOP nol 0\r\nBLMOVE nol l2 LEFT LEFT 0\r\nEXEC\r\nBLPOP k nan\r\nBLPOP k 1_0\r\n",
		"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:1\r\n"+
			"$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"+
			"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n_\r\n_\r\n"+
			"-ERR timeout is not a float or out of range\r\n-ERR timeout is not a float or out of range\r\n")
}

var blockingSteps = []exchangeStep{
	{"BLPOP k x", "-ERR timeout is not a float or out of range\r\n"},
	{"BLPOP k -1", "-ERR timeout is negative\r\n"},
	{"BLPOP k 1e400", "-ERR timeout is negative\r\n"},
	{"BLPOP k inf", "-ERR timeout is negative\r\n"},
	{"BLPOP k 9223372036854775807", "-ERR timeout is negative\r\n"},
	{"SET s v", "+OK\r\n"},
	{"RPUSH l a b", ":2\r\n"},
	{"BLPOP s l 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"BLPOP nol l 0", "*2\r\n$1\r\nl\r\n$1\r\na\r\n"},
	{"BRPOP nol l 0", "*2\r\n$1\r\nl\r\n$1\r\nb\r\n"},
	{"BLPOP l s 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"BLMOVE l l2 LEFT UP 0", "-ERR syntax error\r\n"},
	{"BLMOVE l l2 LEFT LEFT x", "-ERR timeout is not a float or out of range\r\n"},
	{"RPUSH l a b", ":2\r\n"},
	{"BLMOVE l s LEFT LEFT 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{"BRPOPLPUSH l l2 0", "$1\r\nb\r\n"},
	{"BLMOVE l l2 LEFT RIGHT 0.5", "$1\r\na\r\n"},
	{"EXISTS l", ":0\r\n"},
	{"LRANGE l2 0 -1", "*2\r\n$1\r\nb\r\n$1\r\na\r\n"},
	{"MULTI", "+OK\r\n"},
	{"BLPOP nol 0", "+QUEUED\r\n"},
	{"BLMOVE nol l2 LEFT LEFT 0", "+QUEUED\r\n"},
	{"BRPOPLPUSH nol l2 0", "+QUEUED\r\n"},
	{"BLPOP l2 0", "+QUEUED\r\n"},
	{"EXEC", "*4\r\n*-1\r\n$-1\r\n$-1\r\n*2\r\n$2\r\nl2\r\n$1\r\nb\r\n"},
}

// respConn is a connection that sends requests and reads replies one
// at a time.
type respConn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dialResp(t *testing.T, addr string) *respConn {
	c := dial(t, addr)
	return &respConn{t: t, c: c, r: bufio.NewReader(c)}
}

func (c *respConn) send(req string) {
	c.t.Helper()
	if _, err := io.WriteString(c.c, req); err != nil {
		c.t.Fatal(err)
	}
}

// reply reads one whole reply.
func (c *respConn) reply() string {
	c.t.Helper()
	var buf []byte
	for {
		if n, err := replyLen(buf); err == nil && n > 0 {
			return string(buf)
		}
		b, err := c.r.ReadByte()
		if err != nil {
			c.t.Fatalf("reading a reply after %q: %v", buf, err)
		}
		buf = append(buf, b)
	}
}

// do sends req and reads its reply.
func (c *respConn) do(req string) string {
	c.t.Helper()
	c.send(req)
	return c.reply()
}

// waitBlocked polls INFO until n clients are blocked, so that the test
// orders clients by what the server has seen, not by sleeping.
func (c *respConn) waitBlocked(n int) {
	c.t.Helper()
	want := "blocked_clients:" + string(rune('0'+n)) + "\r\n"
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if strings.Contains(c.do("INFO clients\r\n"), want) {
			return
		}
	}
	c.t.Fatalf("never saw %q", want)
}

// twoBlocked starts a server and blocks two clients on it, a with
// first, then b with second; admin is a third connection.
func twoBlocked(t *testing.T, first, second string) (admin, a, b *respConn) {
	t.Helper()
	addr := startTest(t, defaultLimits)
	admin, a, b = dialResp(t, addr), dialResp(t, addr), dialResp(t, addr)
	a.send(first)
	admin.waitBlocked(1)
	b.send(second)
	admin.waitBlocked(2)
	return admin, a, b
}

// Blocked clients are served in the order they blocked, one element
// each, by the push that creates the list; the pusher's reply counts
// the elements it pushed. A client blocked on several keys is served by
// the first to get one; what was pipelined after a blocking pop runs
// once it is served.
func TestBlockedClientsServedInOrder(t *testing.T) {
	addr := startTest(t, defaultLimits)
	admin := dialResp(t, addr)
	a, b, m := dialResp(t, addr), dialResp(t, addr), dialResp(t, addr)
	a.send("BLPOP q 0\r\nPING\r\n")
	admin.waitBlocked(1)
	b.send("BRPOP q 0\r\n")
	admin.waitBlocked(2)
	m.send("BLPOP none q2 0\r\n")
	admin.waitBlocked(3)
	if got := admin.do("RPUSH q x\r\n"); got != ":1\r\n" {
		t.Errorf("RPUSH q x: %q", got)
	}
	if got := a.reply(); got != "*2\r\n$1\r\nq\r\n$1\r\nx\r\n" {
		t.Errorf("first blocked: %q", got)
	}
	if got := a.reply(); got != "+PONG\r\n" {
		t.Errorf("pipelined after the BLPOP: %q", got)
	}
	admin.waitBlocked(2)
	if got := admin.do("RPUSH q y z\r\n"); got != ":2\r\n" {
		t.Errorf("RPUSH q y z: %q", got)
	}
	if got := b.reply(); got != "*2\r\n$1\r\nq\r\n$1\r\nz\r\n" {
		t.Errorf("second blocked (BRPOP): %q", got)
	}
	if got := admin.do("LRANGE q 0 -1\r\n"); got != "*1\r\n$1\r\ny\r\n" {
		t.Errorf("left after serving: %q", got)
	}
	admin.do("LPUSH q2 w\r\n")
	if got := m.reply(); got != "*2\r\n$2\r\nq2\r\n$1\r\nw\r\n" {
		t.Errorf("blocked on two keys: %q", got)
	}
	admin.waitBlocked(0)
	if got := admin.do("EXISTS q2\r\n"); got != ":0\r\n" {
		t.Errorf("q2 after its element was served: %q", got)
	}
	if got := admin.do("CLIENT LIST\r\n"); strings.Contains(got, "flags=b") {
		t.Errorf("CLIENT LIST with nobody blocked: %q", got)
	}
}

// BLMOVE waits for its source and moves what arrives; a client blocked
// on the destination is served by that move in turn. A push inside
// MULTI serves the waiters once EXEC has run.
func TestBlockingMove(t *testing.T) {
	admin, mover, popper := twoBlocked(t, "BLMOVE src dst RIGHT LEFT 0\r\n", "BRPOPLPUSH dst final 0\r\n")
	admin.send("MULTI\r\nRPUSH src a b\r\nLLEN src\r\nEXEC\r\n")
	for _, want := range []string{"+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n", "*2\r\n:2\r\n:2\r\n"} {
		if got := admin.reply(); got != want {
			t.Errorf("transaction: %q, want %q", got, want)
		}
	}
	if got := mover.reply(); got != "$1\r\nb\r\n" {
		t.Errorf("BLMOVE: %q", got)
	}
	if got := popper.reply(); got != "$1\r\nb\r\n" {
		t.Errorf("BRPOPLPUSH from BLMOVE's destination: %q", got)
	}
	if got := admin.do("LRANGE src 0 -1\r\n"); got != "*1\r\n$1\r\na\r\n" {
		t.Errorf("src: %q", got)
	}
	if got := admin.do("LRANGE final 0 -1\r\n"); got != "*1\r\n$1\r\nb\r\n" {
		t.Errorf("final: %q", got)
	}
	if got := admin.do("EXISTS dst\r\n"); got != ":0\r\n" {
		t.Errorf("dst: %q", got)
	}
}

// A timeout ends the wait with the null of the client's protocol (the
// null array of BLPOP, the null bulk string of BLMOVE in RESP2, _ in
// RESP3), and the client runs its next requests.
func TestBlockingTimeout(t *testing.T) {
	addr := startTest(t, defaultLimits)
	c := dialResp(t, addr)
	if got := c.do("BLPOP q 0.01\r\n"); got != "*-1\r\n" {
		t.Errorf("BLPOP timed out: %q", got)
	}
	if got := c.do("BLMOVE q d LEFT LEFT 0.01\r\n"); got != "$-1\r\n" {
		t.Errorf("BLMOVE timed out: %q", got)
	}
	c.send("HELLO 3\r\nBRPOP q 0.01\r\nPING\r\n")
	if got := readThrough(t, c, "+PONG\r\n"); !strings.HasSuffix(got, "*0\r\n_\r\n+PONG\r\n") {
		t.Errorf("BRPOP timed out in RESP3, then PING: %q", got)
	}
}

// A blocked client that disconnects is forgotten: the next push goes to
// the client blocked after it, and nothing is lost.
func TestBlockedClientDisconnects(t *testing.T) {
	admin, gone, next := twoBlocked(t, "BLPOP q 0\r\n", "BLPOP q 0\r\n")
	gone.c.Close()
	admin.waitBlocked(1)
	admin.do("RPUSH q v\r\n")
	if got := next.reply(); got != "*2\r\n$1\r\nq\r\n$1\r\nv\r\n" {
		t.Errorf("the client blocked second: %q", got)
	}
	if got := admin.do("EXISTS q\r\n"); got != ":0\r\n" {
		t.Errorf("q after serving: %q", got)
	}
}

// redis-py's blpop, brpop, blmove and brpoplpush, each waiting in a
// thread of the script until the main thread, having seen it blocked
// in CLIENT LIST, pushes (testdata/redispy_blocking.py, which passes
// against redis-server 7.0 too).
func TestRedisPyBlocking(t *testing.T) {
	runRedisPy(t, "testdata/redispy_blocking.py")
}
