package main

import (
	"bufio"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Pub/sub as redis-server 7.0 answers it, byte for byte (its replies to
// the same requests): confirmations and messages as arrays in RESP2 and
// pushes in RESP3, channel subscribers before pattern ones, PING's reply
// and the refusal of other commands in RESP2's subscribed mode, the
// unsubscriptions of everything, PUBSUB's counts.
func TestPubSub(t *testing.T) {
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			addr := startTest(t, defaultLimits)
			sub, pub := dialResp(t, addr), dialResp(t, addr)
			push, null := "*", "$-1"
			if proto == "3" {
				sub.send("HELLO 3\r\n")
				readThrough(t, sub, "$7\r\nmodules\r\n*0\r\n")
				push, null = ">", "_"
			}
			sub.send("SUBSCRIBE a b\r\nPING\r\nPING x\r\nGET x\r\nPSUBSCRIBE n* a*\r\nSUBSCRIBE a\r\n")
			pong, getx := "*2\r\n$4\r\npong\r\n$0\r\n\r\n*2\r\n$4\r\npong\r\n$1\r\nx\r\n",
				"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
			if proto == "3" {
				pong, getx = "+PONG\r\n$1\r\nx\r\n", "_\r\n"
			}
			want := push + "3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n" + push + "3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n" + pong + getx +
				push + "3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:3\r\n" + push + "3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:4\r\n" +
				push + "3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:4\r\n"
			if got := readUntil(t, sub, want); got != want {
				t.Errorf("subscribing:\n got %q\nwant %q", got, want)
			}
			pub.send("PUBLISH a hi\r\nPUBLISH nx yo\r\nPUBLISH zz no\r\nPUBSUB CHANNELS b*\r\nPUBSUB NUMSUB a zz\r\nPUBSUB NUMPAT\r\nPUBSUB FOO\r\nPUBSUB CHANNELS a b\r\n")
			want = ":2\r\n:1\r\n:0\r\n*1\r\n$1\r\nb\r\n*4\r\n$1\r\na\r\n:1\r\n$2\r\nzz\r\n:0\r\n:2\r\n-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n" +
				"-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n"
			if got := readUntil(t, pub, want); got != want {
				t.Errorf("publishing:\n got %q\nwant %q", got, want)
			}
			want = push + "3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n" + push + "4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$2\r\nhi\r\n" +
				push + "4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$2\r\nnx\r\n$2\r\nyo\r\n"
			if got := readUntil(t, sub, want); got != want {
				t.Errorf("messages:\n got %q\nwant %q", got, want)
			}
			sub.send("UNSUBSCRIBE a\r\nPUNSUBSCRIBE\r\nUNSUBSCRIBE\r\nUNSUBSCRIBE\r\nPUNSUBSCRIBE\r\nPING\r\nGET x\r\nPUBLISH a x\r\n")
			want = push + "3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:3\r\n" + push + "3\r\n$12\r\npunsubscribe\r\n$2\r\nn*\r\n:2\r\n" +
				push + "3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:1\r\n" + push + "3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n" +
				push + "3\r\n$11\r\nunsubscribe\r\n" + null + "\r\n:0\r\n" + push + "3\r\n$12\r\npunsubscribe\r\n" + null + "\r\n:0\r\n" +
				"+PONG\r\n" + null + "\r\n:0\r\n"
			if got := readUntil(t, sub, want); got != want {
				t.Errorf("unsubscribing:\n got %q\nwant %q", got, want)
			}
		})
	}
	wire(t, "SUBSCRIBE\r\nMULTI\r\nSUBSCRIBE a\r\nEXEC\r\nPUBSUB NUMSUB\r\nPUBSUB\r\n",
		"-ERR wrong number of arguments for 'subscribe' command\r\n+OK\r\n+QUEUED\r\n*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"+
			"-ERR Can't execute 'pubsub|numsub': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"+
			"-ERR wrong number of arguments for 'pubsub' command\r\n")
}

// readUntil reads from c as many bytes as want has (or until the
// connection's deadline).
func readUntil(t *testing.T, c *respConn, want string) string {
	t.Helper()
	buf := make([]byte, 0, len(want))
	for len(buf) < len(want) {
		b, err := c.r.ReadByte()
		if err != nil {
			t.Fatalf("after %q: %v", buf, err)
		}
		buf = append(buf, b)
	}
	return string(buf)
}

// readThrough reads from c up to the end of the first suffix.
func readThrough(t *testing.T, c *respConn, suffix string) string {
	t.Helper()
	var buf []byte
	for !strings.HasSuffix(string(buf), suffix) {
		b, err := c.r.ReadByte()
		if err != nil {
			t.Fatalf("after %q: %v", buf, err)
		}
		buf = append(buf, b)
	}
	return string(buf)
}

// A subscriber that disconnects is no longer counted or written to.
func TestSubscriberDisconnects(t *testing.T) {
	addr := startTest(t, defaultLimits)
	sub, pub := dialResp(t, addr), dialResp(t, addr)
	sub.send("SUBSCRIBE a\r\n")
	readUntil(t, sub, "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n")
	sub.c.Close()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if got := pub.do("PUBLISH a x\r\n"); got == ":0\r\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the gone subscriber still receives")
		}
	}
	if got := pub.do("PUBSUB NUMSUB a\r\n"); got != "*2\r\n$1\r\na\r\n:0\r\n" {
		t.Errorf("NUMSUB: %q", got)
	}
}

// redis-cli's subscribed mode prints what is published.
func TestRedisCLISubscribe(t *testing.T) {
	need(t, "redis-cli", "redis-tools")
	addr := startTest(t, defaultLimits)
	h, p := hostPort(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "redis-cli", "-h", h, "-p", p, "SUBSCRIBE", "news")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	pub := dialResp(t, addr)
	for pub.do("PUBSUB NUMSUB news\r\n") != "*2\r\n$4\r\nnews\r\n:1\r\n" {
	}
	pub.do("PUBLISH news hello\r\n")
	var lines []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if sc.Text() == "hello" {
			break
		}
	}
	if got := strings.Join(lines, "|"); got != "subscribe|news|1|message|news|hello" {
		t.Errorf("redis-cli SUBSCRIBE printed %q", got)
	}
}

// redis-py's pubsub(): subscriptions, pattern subscriptions, messages
// from another client, unsubscribing (testdata/redispy_pubsub.py, which
// passes against redis-server 7.0 too).
func TestRedisPyPubSub(t *testing.T) {
	runRedisPy(t, "testdata/redispy_pubsub.py")
}

// INFO counts the channels and patterns with subscribers, and CLIENT
// LIST shows a subscriber's flag P and its counts, as Redis does.
func TestPubSubInInfoAndClientList(t *testing.T) {
	addr := startTest(t, defaultLimits)
	sub, other := dialResp(t, addr), dialResp(t, addr)
	sub.send("SUBSCRIBE a b\r\nPSUBSCRIBE n*\r\n")
	readThrough(t, sub, "$10\r\npsubscribe\r\n$2\r\nn*\r\n:3\r\n")
	info := other.do("INFO stats\r\n")
	for _, want := range []string{"pubsub_channels:2\r\n", "pubsub_patterns:1\r\n"} {
		if !strings.Contains(info, want) {
			t.Errorf("INFO stats has no %q:\n%s", want, info)
		}
	}
	if list := other.do("CLIENT LIST\r\n"); !strings.Contains(list, " flags=P db=0 sub=2 psub=1 ssub=0 ") {
		t.Errorf("CLIENT LIST:\n%s", list)
	}
}
