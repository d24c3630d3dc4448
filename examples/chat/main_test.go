package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// startChat runs the server on its own goroutine and a free port, and
// stops it (checking that it ended cleanly) when the test ends.
func startChat(t *testing.T, queueSize int) string {
	t.Helper()
	return startChatServer(t, queueSize).addr
}

// chatServer is a server a test started.
type chatServer struct {
	addr    string
	stopped func() // stops the server and waits for its end
}

// startChatServer starts the server as startChat does and returns it;
// its stop may be called before the test ends.
func startChatServer(t *testing.T, queueSize int) *chatServer {
	t.Helper()
	started := make(chan *running, 1)
	done := make(chan error, 1)
	go func() {
		_, err := rt.Run(serveAsync(config{addr: "127.0.0.1:0", queueSize: queueSize, limit: 4096, grace: time.Second}, 0, started))
		done <- err
	}()
	var s *running
	select {
	case s = <-started:
	case err := <-done:
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			s.stop()
			select {
			case err := <-done:
				if err != nil {
					t.Error(err)
				}
			case <-time.After(10 * time.Second):
				t.Error("the server did not stop within 10s")
			}
		})
	}
	t.Cleanup(stop)
	return &chatServer{addr: s.addr, stopped: stop}
}

// ncClient is a chat client: an nc process the test types into and
// reads from.
type ncClient struct {
	t     *testing.T
	stdin io.WriteCloser
	lines chan string
}

// needNC skips the test when nc is missing: the tests drive the server
// with a client nobody here wrote, and CI installs it (.ci/run) and
// fails if any of these tests skipped.
func needNC(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("nc"); err != nil {
		t.Skip("nc not installed (Debian package netcat-openbsd)")
	}
}

// dial starts nc against addr, with extra flags before the address.
// With stdout nil the client's output is read into lines; otherwise it
// goes to stdout.
func dial(t *testing.T, addr string, stdout *os.File, flags ...string) *ncClient {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("nc", append(flags, host, port)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &ncClient{t: t, stdin: stdin, lines: make(chan string, 1024)}
	var out io.ReadCloser
	if stdout != nil {
		cmd.Stdout = stdout
	} else if out, err = cmd.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if out != nil {
		go func() {
			defer close(c.lines)
			sc := bufio.NewScanner(out)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				c.lines <- sc.Text()
			}
		}()
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return c
}

// say types a line.
func (c *ncClient) say(line string) {
	c.t.Helper()
	if _, err := io.WriteString(c.stdin, line+"\n"); err != nil {
		c.t.Fatal(err)
	}
}

// expect reads lines until one equals want, failing after 10 s (a bound,
// not a wait: the line normally comes in microseconds).
func (c *ncClient) expect(want string) {
	c.t.Helper()
	timeout := time.After(10 * time.Second)
	var seen []string
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				c.t.Fatalf("connection ended before %q; saw %q", want, seen)
			}
			if line == want {
				return
			}
			seen = append(seen, line)
		case <-timeout:
			c.t.Fatalf("no %q within 10s; saw %q", want, seen)
		}
	}
}

// next returns the next line the client receives, failing after 10 s.
func (c *ncClient) next() string {
	c.t.Helper()
	select {
	case line, ok := <-c.lines:
		if !ok {
			c.t.Fatal("the connection ended")
		}
		return line
	case <-time.After(10 * time.Second):
		c.t.Fatal("no line within 10s")
	}
	return ""
}

// expectEnd reads lines until the server closes the connection, failing
// after 10 s. nc's stdin is closed first: nc exits once both its input
// and the connection have ended (without -N it does not pass the end of
// its input on).
func (c *ncClient) expectEnd() {
	c.t.Helper()
	c.stdin.Close()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-c.lines:
			if !ok {
				return
			}
		case <-timeout:
			c.t.Fatal("the connection did not end within 10s")
		}
	}
}

// join connects and takes nick.
func join(t *testing.T, addr, nick string) *ncClient {
	c := dial(t, addr, nil)
	c.expect("* welcome to asyncgen chat; your nick?")
	c.say(nick)
	c.expect("* hello " + nick)
	c.expect("* " + nick + " joined")
	return c
}

func TestChat(t *testing.T) {
	needNC(t)
	addr := startChat(t, 128)
	alice := join(t, addr, "alice")
	bob := dial(t, addr, nil)
	bob.expect("* welcome to asyncgen chat; your nick?")
	bob.say("alice")
	bob.expect("* nick alice is taken; your nick?")
	bob.say("Alice")
	bob.expect("* nick Alice is taken; your nick?")
	bob.say("b o b")
	bob.expect("* a nick has only letters, digits, '_' and '-'; your nick?")
	bob.say("bob")
	bob.expect("* bob joined")
	alice.expect("* bob joined")

	alice.say("hello bob")
	bob.expect("<alice> hello bob")
	bob.say("/who")
	bob.expect("* 2 here: alice bob")
	bob.say("/nick robert")
	bob.expect("* you are now robert")
	alice.expect("* bob is now robert")
	bob.say("/nick alice")
	bob.expect("* nick alice is taken")
	// Nicks are told apart without regard to case, as on IRC: "Alice"
	// would pass for alice. One's own nick in another case is a rename;
	// one's own nick as it is changes nothing.
	bob.say("/nick ALICE")
	bob.expect("* nick ALICE is taken")
	bob.say("/nick Robert")
	bob.expect("* you are now Robert")
	alice.expect("* robert is now Robert")
	bob.say("/nick Robert")
	bob.expect("* you are Robert already")
	bob.say("/nick robert")
	bob.expect("* you are now robert")
	alice.expect("* Robert is now robert")
	bob.say("/dance")
	bob.expect("* unknown command /dance")
	bob.say(strings.Repeat("x", 5000))
	bob.expect("* that line is too long, and was not sent")
	bob.say("still here")
	alice.expect("<robert> still here") // neither the command nor the long line went out
	// Control characters inside a line would let a client rewrite what
	// others' terminals show: a carriage return followed by "<alice> ..."
	// passes for alice. They are said as '?'; a tab stays.
	bob.say("hi\r<alice> I am bob's\x1b[2K\tfan")
	alice.expect("<robert> hi?<alice> I am bob's?[2K\tfan")
	// So are the C1 controls: U+009B is CSI, ESC [ in one character, to
	// a terminal that decodes UTF-8 (xterm, VTE) and, as the byte 0x9B
	// outside UTF-8, to one that does not. Other non-ASCII text is kept.
	bob.say("C1: \u009b2K, alone: \x9b2K, kept: d\u00e9j\u00e0 \u20ac \u00db \xe9")
	alice.expect("<robert> C1: ?2K, alone: ?2K, kept: d\u00e9j\u00e0 \u20ac \u00db \xe9")
	alice.say("/quit")
	alice.expect("* bye")
	bob.expect("* alice quit")
	carol := join(t, addr, "alice") // the nick is free again
	carol.say("/who")
	carol.expect("* 2 here: alice robert")
}

func TestSlowClientIsDropped(t *testing.T) {
	needNC(t)
	const queue, lines = 16, 8000
	addr := startChat(t, queue)
	// slow never reads its output: nc blocks writing to a pipe nobody
	// empties, stops reading its socket (whose receive buffer -I keeps
	// small), the server's send buffer fills, then its queue.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	watcher := join(t, addr, "watcher")
	slow := dial(t, addr, w, "-I", "4096")
	slow.say("Slow") // a nick not in lower case: it is found to be dropped all the same
	watcher.expect("* Slow joined")
	loud := join(t, addr, "loud")
	watcher.expect("* loud joined")

	// loud sends as fast as the watcher takes the lines, with at most
	// window lines in flight: a room is only as fast as its readers, and
	// a flood faster than the watcher reads would (rightly) drop it too.
	// The window fits in the pipe to loud's nc, so no write blocks.
	const window = 48
	pad := strings.Repeat("y", 1000)
	timeout := time.After(60 * time.Second)
	sent, next, dropped := 0, 0, false
	for next < lines {
		for ; sent < lines && sent < next+window; sent++ {
			loud.say(fmt.Sprintf("%d %s", sent, pad))
		}
		select {
		case line, ok := <-watcher.lines:
			if !ok {
				t.Fatalf("the watcher was disconnected after %d lines", next)
			}
			switch line {
			case "* Slow was dropped (too slow)":
				dropped = true
				continue
			case fmt.Sprintf("<loud> %d %s", next, pad):
				next++
				continue
			}
			t.Fatalf("after line %d the watcher got %.60q", next, line)
		case <-timeout:
			t.Fatalf("the watcher got %d of %d lines in 60s (slow dropped: %v)", next, lines, dropped)
		}
	}
	if !dropped {
		t.Fatal("8 MB went to a client that reads nothing, and it was not dropped")
	}
	watcher.say("/who")
	watcher.expect("* 2 here: loud watcher")
}

// Stopping the server (SIGINT, -duration) tells every client, joined or
// still at the nick prompt, and closes its connection; a client that has
// not picked a nick does not keep the server running.
func TestStopWithClientAtNickPrompt(t *testing.T) {
	needNC(t)
	srv := startChatServer(t, 128)
	alice := join(t, srv.addr, "alice")
	lurker := dial(t, srv.addr, nil)
	lurker.expect("* welcome to asyncgen chat; your nick?")
	srv.stopped()
	for _, c := range []*ncClient{alice, lurker} {
		c.expect("* the server is shutting down")
		c.expectEnd()
	}
}

// stallingClient connects to addr with small kernel buffers, so that
// what the kernel takes in flight stays far below 4 MB, and sends bad
// nicks (each answered with a line ten times its size) without reading
// until the server stops reading from it. A server that stops reading
// stalls the write for good, and its deadline ends it; one that reads on
// takes the 4 MB in well under the deadline. It reports how much the
// server read; the connection stays open until the test ends.
func stallingClient(t *testing.T, addr string) int {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF, 64<<10)
		})
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetWriteDeadline(time.Now().Add(3 * time.Second))
	n, err := c.Write(bytes.Repeat([]byte("b a d\n"), 4<<20/6))
	if err == nil {
		t.Fatalf("the server read all %d bytes of nick attempts from a client that reads none of its answers", n)
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal(err)
	}
	return n
}

// A client at the nick prompt that sends bad nicks and reads none of the
// answers is held back by flow control, like any other: buffering every
// answer let one such client grow the server by hundreds of megabytes a
// second.
func TestNickPromptFlowControl(t *testing.T) {
	n := stallingClient(t, startChat(t, 128))
	t.Logf("the server stopped reading after %d bytes", n)
}

// Stopping the server while a client reads nothing of what it was sent
// ends anyway: such a client is cut off after a grace period instead of
// being waited for.
func TestStopWithClientThatDoesNotRead(t *testing.T) {
	srv := startChatServer(t, 128)
	stallingClient(t, srv.addr)
	srv.stopped() // fails the test if the server is still running after 10 s
}

// Nicks as raw clients send them: empty lines, a CRLF ending (taken
// off), 17 characters, bytes that are not UTF-8, a nick taken by another
// client; then a half-close after a command, which still gets its answer
// before the server closes the connection.
func TestNickEdgeCasesAndHalfClose(t *testing.T) {
	needNC(t)
	addr := startChat(t, 128)
	alice := join(t, addr, "alice") // an nc client
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "\n\r\n"+strings.Repeat("n", 17)+"\n\xff\xfe\nalice\nbob\r\n/who\n")
	c.(*net.TCPConn).CloseWrite()
	all, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	want := "* welcome to asyncgen chat; your nick?\n" +
		"* a nick has 1 to 16 characters; your nick?\n" +
		"* a nick has 1 to 16 characters; your nick?\n" +
		"* a nick has 1 to 16 characters; your nick?\n" +
		"* a nick has only letters, digits, '_' and '-'; your nick?\n" +
		"* nick alice is taken; your nick?\n" +
		"* hello bob\n" + help +
		"* bob joined\n" +
		"* 2 here: alice bob\n"
	if string(all) != want {
		t.Errorf("got\n%s\nwant\n%s", all, want)
	}
	alice.expect("* bob joined")
	alice.expect("* bob left")
}

// A line's limit counts its text, not how it ends: a client that ends
// lines with CRLF (nc -C, telnet) may say as long a line as one that ends
// them with LF. The CR counted against the limit, so a line of exactly
// 4096 bytes was refused from nc -C and said from nc.
func TestLineLimitIgnoresCRLF(t *testing.T) {
	needNC(t)
	addr := startChat(t, 128)
	alice := join(t, addr, "alice")
	for _, flags := range [][]string{{"-C"}, nil} {
		bob := dial(t, addr, nil, flags...)
		bob.expect("* welcome to asyncgen chat; your nick?")
		bob.say("bob")
		bob.expect("* hello bob")
		alice.expect("* bob joined")
		full := strings.Repeat("x", 4096)
		bob.say(full)
		bob.say("after the full line")
		if got := alice.next(); got != "<bob> "+full {
			t.Errorf("nc %q: a line of 4096 bytes: alice heard %.40q, want it said", flags, got)
		}
		bob.say(full + "y")
		bob.expect("* that line is too long, and was not sent")
		bob.say("/quit")
		bob.expect("* bye")
		alice.expect("* bob quit")
	}
}

// A line longer than the reader's buffer arrives in parts: the reader
// refuses it once it holds more than the limit without a newline, and
// the rest of that line must be skipped with it, not taken as a nick or
// said to the room as a line of its own.
func TestOverlongLineIsRefusedWhole(t *testing.T) {
	needNC(t)
	addr := startChat(t, 128)
	alice := join(t, addr, "alice")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	in := bufio.NewReader(c)
	expectLine := func(want string) {
		t.Helper()
		got, err := in.ReadString('\n')
		if err != nil || got != want+"\n" {
			t.Fatalf("got %q (%v), want %q", got, err, want+"\n")
		}
	}
	send := func(s string) {
		t.Helper()
		if _, err := io.WriteString(c, s); err != nil {
			t.Fatal(err)
		}
	}
	long := strings.Repeat("n", 5000) // over the 4096-byte limit, no newline yet
	expectLine("* welcome to asyncgen chat; your nick?")
	send(long)
	expectLine("* that line is too long; your nick?")
	send("tail\nbob\n") // "tail" ends the refused line
	expectLine("* hello bob")
	alice.expect("* bob joined")
	send(long)
	for _, want := range strings.Split(strings.TrimSuffix(help, "\n"), "\n") {
		expectLine(want)
	}
	expectLine("* bob joined")
	expectLine("* that line is too long, and was not sent")
	send("rest of the long line\nafter it\n")
	if got := alice.next(); got != "<bob> after it" {
		t.Errorf("alice heard %q, want %q: the refused line's rest was said", got, "<bob> after it")
	}
}
