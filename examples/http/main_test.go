package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// startTest starts the server on a free port with root as its static
// directory and stops it when the test ends.
func startTest(t *testing.T, root string) string {
	t.Helper()
	return startWatched(t, root).addr
}

// watched is a running server whose loops report to the test instead of
// the log: anything a loop reports to its exception handler fails the
// test at its end, since a client's going away, however abruptly, is not
// an error of the server's.
type watched struct {
	addr    string
	c       *cluster
	mu      sync.Mutex
	reports []string
}

// startWatched starts the server as startTest does and returns it.
func startWatched(t *testing.T, root string) *watched {
	t.Helper()
	c, err := start(config{addr: "127.0.0.1:0", loops: 1, root: root, maxHead: 8 << 10, maxBody: 1 << 20, linger: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w := &watched{addr: c.addr, c: c}
	for _, ls := range c.loops {
		installed := make(chan struct{})
		_, err := ls.loop.CallSoonThreadsafe(func() {
			ls.loop.SetExceptionHandler(func(_ *rt.Loop, ctx rt.ErrorContext) {
				w.mu.Lock()
				defer w.mu.Unlock()
				w.reports = append(w.reports, fmt.Sprintf("%s: %v", ctx.Message, ctx.Err))
			})
			close(installed)
		})
		if err != nil {
			t.Fatal(err)
		}
		<-installed
	}
	t.Cleanup(func() {
		if err := c.stop(); err != nil {
			t.Error(err)
		}
		for _, r := range w.reported() {
			t.Errorf("the loop reported %s", r)
		}
	})
	return w
}

// reported returns what the loops have reported so far.
func (w *watched) reported() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.reports)
}

// idle waits until every connection's handler has ended.
func (w *watched) idle(t *testing.T) {
	t.Helper()
	w.waitHandlers(t, 0)
}

// waitHandlers waits until the loops run n connection handlers between
// them, polling each loop in turn (a round trip through the loop each
// time) for at most 10 s. A loop's tasks are its main task and its
// handlers.
func (w *watched) waitHandlers(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		tasks := 0
		for _, ls := range w.c.loops {
			k := make(chan int, 1)
			if _, err := ls.loop.CallSoonThreadsafe(func() { k <- len(ls.loop.AllTasks()) - 1 }); err != nil {
				t.Fatal(err)
			}
			tasks += <-k
		}
		if tasks == n {
			return
		}
	}
	t.Fatalf("the loops do not run %d handlers after 10s", n)
}

// waitTaken waits until the server has read everything c sent: until
// the kernel's receive queue of the server's end of c (its rx_queue in
// /proc/net/tcp) is empty, with a round trip through the loops between
// looks, for at most 10 s. c is an IPv4 connection to 127.0.0.1.
func (w *watched) waitTaken(t *testing.T, c net.Conn) {
	t.Helper()
	// /proc/net/tcp names an address as the hex of its 32-bit word in
	// host (here little-endian) order and the hex of the port.
	hexAddr := func(a net.Addr) string {
		ta := a.(*net.TCPAddr)
		ip := ta.IP.To4()
		return fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0], ta.Port)
	}
	local, remote := hexAddr(c.RemoteAddr()), hexAddr(c.LocalAddr())
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		table, err := os.ReadFile("/proc/net/tcp")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, line := range strings.Split(string(table), "\n") {
			f := strings.Fields(line)
			if len(f) < 5 || f[1] != local || f[2] != remote {
				continue
			}
			found = true
			if _, rx, _ := strings.Cut(f[4], ":"); strings.Trim(rx, "0") == "" {
				return
			}
		}
		if !found {
			t.Fatalf("no connection %s -> %s in /proc/net/tcp", local, remote)
		}
		for _, ls := range w.c.loops {
			back := make(chan struct{})
			if _, err := ls.loop.CallSoonThreadsafe(func() { close(back) }); err != nil {
				t.Fatal(err)
			}
			<-back
		}
	}
	t.Fatal("the server has not read what the client sent after 10s")
}

// needTool skips the test when a real client is not installed: the
// tests drive the server with programs nobody here wrote, and CI
// installs them (.ci/run) and fails if any of these tests skipped.
func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed (Debian package %s)", name, pkg)
	}
}

// run runs a client program with a deadline, returning its stdout.
func run(t *testing.T, stdin []byte, name string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String()
}

func TestCurlKeepAlive(t *testing.T) {
	needTool(t, "curl", "curl")
	addr := startTest(t, "")
	out, trace := run(t, nil, "curl", "-sSv", "http://"+addr+"/hello", "http://"+addr+"/")
	if out != "Hello, World!\nHello, World!\n" {
		t.Errorf("bodies = %q", out)
	}
	if !strings.Contains(trace, "Re-using existing connection") {
		t.Errorf("curl did not reuse the connection:\n%s", trace)
	}
}

func TestCurlChunkedEcho(t *testing.T) {
	needTool(t, "curl", "curl")
	addr := startTest(t, "")
	body := make([]byte, 300<<10)
	rand.Read(body)
	file := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, te := range []string{"chunked", ""} {
		args := []string{"-sS", "--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream"}
		if te != "" {
			args = append(args, "-H", "Transfer-Encoding: "+te)
		}
		out, _ := run(t, nil, "curl", append(args, "http://"+addr+"/echo")...)
		if out != string(body) {
			t.Errorf("TE %q: echoed %d bytes, want the %d sent", te, len(out), len(body))
		}
	}
}

func TestCurlStatic(t *testing.T) {
	needTool(t, "curl", "curl")
	root := t.TempDir()
	big := make([]byte, 5*smallFile+123) // sent in chunks
	rand.Read(big)
	files := map[string][]byte{"big.bin": big, "a b.txt": []byte("spaces\n"), "dir/index.html": []byte("<p>index</p>\n")}
	for name, data := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o700)
		if err := os.WriteFile(filepath.Join(root, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(filepath.Dir(root), "secret"), []byte("no"), 0o600)
	addr := startTest(t, root)
	base := "http://" + addr + "/static/"
	for _, tc := range []struct{ path, want string }{{"big.bin", string(big)}, {"a%20b.txt", "spaces\n"}, {"dir/", "<p>index</p>\n"}} {
		out, _ := run(t, nil, "curl", "-sS", "--fail", base+tc.path)
		if out != tc.want {
			t.Errorf("%s: got %d bytes, want %d", tc.path, len(out), len(tc.want))
		}
	}
	head, _ := run(t, nil, "curl", "-sS", "-I", base+"big.bin")
	if !strings.Contains(head, "Content-Length: "+strconv.Itoa(len(big))) || !strings.Contains(head, "200 OK") {
		t.Errorf("HEAD:\n%s", head)
	}
	// "../secret" is redirected to /secret, which is not found: a path
	// never leaves the root, cleaned by the redirect or by the handler.
	for _, p := range []string{"missing", "../secret", "%2e%2e/secret", "a%20b.txt/../../../secret"} {
		code, _ := run(t, nil, "curl", "-sS", "-L", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", base+p)
		if code != "404" {
			t.Errorf("%s: status %s, want 404", p, code)
		}
	}
}

func TestCurlErrorStatuses(t *testing.T) {
	needTool(t, "curl", "curl")
	addr := startTest(t, "")
	url := "http://" + addr
	bigBody := filepath.Join(t.TempDir(), "big")
	os.WriteFile(bigBody, make([]byte, 2<<20), 0o600)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown path", []string{url + "/nope"}, "404"},
		{"wrong method", []string{"-X", "DELETE", url + "/hello"}, "405"},
		{"body over the limit", []string{"--data-binary", "@" + bigBody, url + "/echo"}, "413"},
		{"chunked body over the limit", []string{"-H", "Transfer-Encoding: chunked", "--data-binary", "@" + bigBody, url + "/echo"}, "413"},
		{"header over the limit", []string{"-H", "X-Big: " + strings.Repeat("x", 9<<10), url + "/hello"}, "431"},
		{"HTTP/1.0", []string{"-0", url + "/hello"}, "200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _ := run(t, nil, "curl", append([]string{"-sS", "-o", "/dev/null", "-w", "%{http_code}"}, tc.args...)...)
			if code != tc.want {
				t.Errorf("status %s, want %s", code, tc.want)
			}
		})
	}
}

func TestWrk(t *testing.T) {
	needTool(t, "wrk", "wrk")
	addr := startTest(t, "")
	out, _ := run(t, nil, "wrk", "-t1", "-c20", "-d1s", "http://"+addr+"/hello")
	m := regexp.MustCompile(`(\d+) requests in`).FindStringSubmatch(out)
	if m == nil || m[1] == "0" {
		t.Fatalf("wrk made no requests:\n%s", out)
	}
	if strings.Contains(out, "Non-2xx") || strings.Contains(out, "Socket errors") {
		t.Errorf("wrk saw errors:\n%s", out)
	}
	t.Logf("wrk -t1 -c20 -d1s: %s requests", m[1])
}

// exchange sends raw bytes on one connection, half-closes it, and parses
// every response that comes back; the responses whose index is in heads
// answer HEAD requests, which have no body.
func exchange(t *testing.T, addr, raw string, heads ...int) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	br := bufio.NewReader(c)
	var rs []*http.Response
	for {
		if _, err := br.Peek(1); err == io.EOF {
			return rs
		}
		req := &http.Request{Method: "GET"}
		for _, h := range heads {
			if h == len(rs) {
				req.Method = "HEAD"
			}
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			t.Fatalf("after %d responses: %v", len(rs), err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.Status = string(body) // kept for the checks below
		rs = append(rs, resp)
	}
}

func TestPipelining(t *testing.T) {
	addr := startTest(t, "")
	// Eight requests in one write, the last after Connection: close.
	raw := "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n" +
		"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfghij" +
		"HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET http://x/hello?q HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET / HTTP/1.1\nHost: x\nConnection: close\n\n" +
		"GET /never HTTP/1.1\r\nHost: x\r\n\r\n"
	rs := exchange(t, addr, raw, 3)
	want := []struct {
		code int
		body string
	}{{200, "Hello, World!\n"}, {200, "abcde"}, {200, "fghij"}, {200, ""}, {404, "Not Found\n"}, {200, "Hello, World!\n"}, {200, "Hello, World!\n"}}
	if len(rs) != len(want) {
		t.Fatalf("%d responses, want %d (the last request comes after Connection: close)", len(rs), len(want))
	}
	for i, w := range want {
		if rs[i].StatusCode != w.code || rs[i].Status != w.body {
			t.Errorf("response %d: %d %q, want %d %q", i, rs[i].StatusCode, rs[i].Status, w.code, w.body)
		}
	}
	if rs[3].ContentLength != 14 {
		t.Errorf("HEAD Content-Length = %d, want 14", rs[3].ContentLength)
	}
	if !rs[6].Close {
		t.Error("the last response does not say Connection: close")
	}
}

// An HTTP/1.0 client keeps its connection only when the response says
// "Connection: keep-alive" (ab -k, for one, relies on it): the server
// says so to each 1.0 request that asked, closes after the first that did
// not, and says nothing of the connection to 1.1 requests.
func TestHTTP10KeepAlive(t *testing.T) {
	addr := startTest(t, "")
	raw := "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" +
		"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /nope HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n" +
		"GET /hello HTTP/1.0\r\n\r\n" +
		"GET /never HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
	rs := exchange(t, addr, raw)
	if len(rs) != 4 {
		t.Fatalf("%d responses, want 4 (the last request comes after a 1.0 request without keep-alive)", len(rs))
	}
	for i, want := range []string{"keep-alive", "", "keep-alive"} {
		if got := rs[i].Header.Get("Connection"); got != want || rs[i].Close {
			t.Errorf("response %d (%d): Connection %q (close %v), want %q", i, rs[i].StatusCode, got, rs[i].Close, want)
		}
	}
	if !rs[3].Close { // ReadResponse takes "Connection: close" out of Header
		t.Error("the response to the 1.0 request without keep-alive does not say Connection: close")
	}
	if rs[2].StatusCode != 404 {
		t.Errorf("response 2: %d, want 404", rs[2].StatusCode)
	}
}

func TestBadRequests(t *testing.T) {
	addr := startTest(t, "")
	for _, tc := range []struct {
		name, raw string
		code      int
	}{
		{"garbage", "GARBAGE\r\n\r\n", 400},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", 400},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
		{"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
		{"folded header", "GET / HTTP/1.1\r\nHost: a\r\n  more\r\n\r\n", 400},
		{"bad length", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 400},
		{"conflicting lengths", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
		{"both framings", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
		{"bad chunk size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
		{"chunk longer than its size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n0\r\n\r\n", 400},
		{"gzip coding", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
		{"HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
		{"huge length", "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 413},
		{"endless head", "GET / HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("y", 10<<10), 431},
		{"odd expectation", "GET / HTTP/1.1\r\nHost: a\r\nExpect: tea\r\n\r\n", 417},
		// A target in none of RFC 9112's four forms (section 3.2).
		{"target without its slash", "GET hello HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"asterisk for a GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A valid request first: the error must not cost it its answer.
			rs := exchange(t, addr, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"+tc.raw+"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
			if len(rs) != 2 {
				t.Fatalf("%d responses, want the hello and the error, then the connection closed", len(rs))
			}
			if rs[0].StatusCode != 200 || rs[1].StatusCode != tc.code || !rs[1].Close {
				t.Errorf("statuses %d, %d (close %v); want 200, %d and Connection: close", rs[0].StatusCode, rs[1].StatusCode, rs[1].Close, tc.code)
			}
		})
	}
}

func TestExpectContinue(t *testing.T) {
	addr := startTest(t, "")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("before the body: %q, %v; want a 100 Continue", line, err)
	}
	br.ReadString('\n') // the blank line ending the interim response
	io.WriteString(c, "ping")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 10))
	if resp.StatusCode != 200 || string(body) != "ping" {
		t.Errorf("%d %q, want 200 \"ping\"", resp.StatusCode, body)
	}
}

// Stopping the server (Ctrl-C) while clients are connected, one idle
// between keep-alive requests and one halfway through a head, closes
// their connections and ends their handlers: the clients see the
// connection end, and the log hears nothing of tasks destroyed while
// pending or of errors nobody retrieved.
func TestStopWithOpenConnections(t *testing.T) {
	w := startWatched(t, "")
	idle, err := net.Dial("tcp", w.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	idle.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(idle, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
	br := bufio.NewReader(idle)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	partial, err := net.Dial("tcp", w.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer partial.Close()
	partial.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(partial, "GET /hello HTTP/1.1\r\nHo")
	// Each handler then waits for the rest of a request. The server must
	// also have read the partial request: closing a socket whose input
	// the kernel still holds sends a reset, not an end of stream.
	w.waitHandlers(t, 2)
	w.waitTaken(t, partial)
	if err := w.c.stop(); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]io.Reader{"idle": br, "partial": partial} {
		if n, err := io.Copy(io.Discard, r); err != nil || n != 0 {
			t.Errorf("%s client: %d bytes then %v, want the connection closed", name, n, err)
		}
	}
}

// A client that gives up on a download (a browser's cancelled tab, curl
// stopped with Ctrl-C) closes with the file half sent; the server sees a
// reset while it drains a chunk. That ends the connection, and nothing
// more: the loop's exception handler must not hear of it, or the log of
// a busy server fills with errors that are nobody's.
func TestAbandonedDownload(t *testing.T) {
	root := t.TempDir()
	// More than the kernel can buffer on both sides (the client's
	// receive buffer is kept small), so the server is still sending.
	if err := os.WriteFile(filepath.Join(root, "big.bin"), make([]byte, 16<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	w := startWatched(t, root)
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	for range 3 {
		c, err := d.Dial("tcp", w.addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "GET /static/big.bin HTTP/1.1\r\nHost: a\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		c.Close() // with unread data: the kernel sends a reset
	}
	w.idle(t) // then startWatched's cleanup fails the test on any report
}

// A handler cancelled while the executor opens its file (the server
// stopping during a slow disk's open) must close that file when the open
// ends, rather than leave it open until its finalizer runs. The open is
// held until the loop runs with no task left: the handler has been
// cancelled, and the server is shutting its executor down.
func TestStopDuringStaticOpenClosesTheFile(t *testing.T) {
	root := t.TempDir()
	name := filepath.Join(root, "f.txt")
	// Bigger than smallFile: a file read whole is closed at once.
	if err := os.WriteFile(name, make([]byte, 2*smallFile), 0o600); err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	released := sync.OnceFunc(func() { close(release) })
	defer released()
	c, err := start(config{addr: "127.0.0.1:0", loops: 1, root: root, maxHead: 8 << 10, maxBody: 1 << 20, linger: time.Second,
		open: func(name string, slash bool) (*staticFile, error) {
			close(entered)
			<-release
			return openStatic(name, slash)
		}})
	if err != nil {
		t.Fatal(err)
	}
	l := c.loops[0].loop
	client, err := net.Dial("tcp", c.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	io.WriteString(client, "GET /static/f.txt HTTP/1.1\r\nHost: a\r\n\r\n")
	deadline := time.After(10 * time.Second)
	select {
	case <-entered:
	case <-deadline:
		t.Fatal("the handler did not open the file")
	}
	stopped := make(chan error, 1)
	go func() { stopped <- c.stop() }()
	for idle := false; !idle; {
		tasks := make(chan int, 1)
		if _, err := l.CallSoonThreadsafe(func() { tasks <- len(l.AllTasks()) }); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-tasks:
			idle = n == 0
		case <-deadline:
			t.Fatal("the loop does not run with no task left")
		}
	}
	released()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		if target, _ := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); target == name {
			t.Errorf("fd %s is still open on %s", fd.Name(), name)
		}
	}
}

// A refused HEAD request gets a head and no body, like any answer to a
// HEAD (RFC 9110 section 9.3.2): its Content-Length says how long the
// body would have been. curl -I reports "Excess found" otherwise.
func TestHeadRefusalsHaveNoBody(t *testing.T) {
	addr := startTest(t, "")
	for _, tc := range []struct {
		name, raw string
		code      int
	}{
		{"malformed header", "HEAD / HTTP/1.1\r\nHost: a\r\nX : y\r\n\r\n", 400},
		{"no Host", "HEAD / HTTP/1.1\r\n\r\n", 400},
		{"header over the limit", "HEAD / HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("y", 9<<10) + "\r\n\r\n", 431},
		{"target over the limit", "HEAD /" + strings.Repeat("a", 9<<10) + " HTTP/1.1\r\nHost: a\r\n\r\n", 431},
		{"unfinished target over the limit", "HEAD /" + strings.Repeat("a", 9<<10), 431},
		{"HTTP/2.0", "HEAD / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
		{"body over the limit", "HEAD /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 9999999\r\n\r\n", 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			io.WriteString(c, tc.raw)
			c.(*net.TCPConn).CloseWrite()
			all, err := io.ReadAll(c)
			if err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(bytes.NewReader(all))
			resp, err := http.ReadResponse(br, &http.Request{Method: "HEAD"})
			if err != nil {
				t.Fatalf("%v in %q", err, all)
			}
			if resp.StatusCode != tc.code {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.code)
			}
			if rest, _ := io.ReadAll(br); len(rest) > 0 {
				t.Errorf("%d bytes of body after the head: %q", len(rest), rest)
			}
		})
	}
	t.Run("curl -I", func(t *testing.T) {
		needTool(t, "curl", "curl")
		_, trace := run(t, nil, "curl", "-sSv", "-I", "-H", "X-Big: "+strings.Repeat("x", 9<<10), "http://"+addr+"/hello")
		if !strings.Contains(trace, "< HTTP/1.1 431") || strings.Contains(trace, "Excess found") {
			t.Errorf("curl -I:\n%s", trace[max(0, len(trace)-600):])
		}
	})
}

// A directory asked for without its final slash is redirected to the
// name with the slash, as net/http's FileServer does: served as it is,
// its index.html's relative links would resolve against the parent
// directory (a page at /static/docs linking to "intro.html" sends the
// browser to /static/intro.html).
func TestStaticDirectoryRedirect(t *testing.T) {
	needTool(t, "curl", "curl")
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "docs", "sub dir"), 0o700)
	os.WriteFile(filepath.Join(root, "docs", "index.html"), []byte(`<a href="intro.html">intro</a>`), 0o600)
	os.WriteFile(filepath.Join(root, "docs", "sub dir", "index.html"), []byte("sub\n"), 0o600)
	addr := startTest(t, root)
	base := "http://" + addr + "/static/"
	for _, tc := range []struct{ path, want string }{
		{"docs", "301 " + base + "docs/"},
		{"docs?x=1", "301 " + base + "docs/?x=1"},
		{"docs/sub%20dir", "301 " + base + "docs/sub%20dir/"},
		{"docs/", "200 "},
	} {
		out, _ := run(t, nil, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", base+tc.path)
		if out != tc.want {
			t.Errorf("%s: %q, want %q", tc.path, out, tc.want)
		}
	}
	if out, _ := run(t, nil, "curl", "-sS", "-L", base+"docs/sub%20dir"); out != "sub\n" {
		t.Errorf("following the redirect: %q", out)
	}
	head, trace := run(t, nil, "curl", "-sSv", "-I", base+"docs")
	if !strings.Contains(head, "301 Moved Permanently") || strings.Contains(trace, "Excess found") {
		t.Errorf("HEAD of a directory without its slash:\n%s%s", head, trace)
	}
}

// A file is not a directory: asked for with a final slash it is
// redirected to its name without it (as net/http's FileServer does,
// since served there its relative links would resolve below it), and a
// path that goes on below a file is not found. The first was served as
// the file; the second, which such a page's relative links ask for, was
// a 500 Internal Server Error (the ENOTDIR of the open taken for the
// server's own failure).
func TestStaticFileIsNotADirectory(t *testing.T) {
	needTool(t, "curl", "curl")
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "docs"), 0o700)
	os.WriteFile(filepath.Join(root, "docs", "page.html"), []byte(`<link rel="stylesheet" href="style.css">`), 0o600)
	addr := startTest(t, root)
	base := "http://" + addr + "/static/"
	for _, tc := range []struct{ path, want string }{
		{"docs/page.html", "200 "},
		{"docs/page.html/", "301 " + base + "docs/page.html"},
		{"docs/page.html/?x=1", "301 " + base + "docs/page.html?x=1"},
		{"docs/page.html/style.css", "404 "},
		{"docs/page.html/a/b/", "404 "},
	} {
		out, _ := run(t, nil, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", base+tc.path)
		if out != tc.want {
			t.Errorf("%s: %q, want %q", tc.path, out, tc.want)
		}
	}
}

// Chunked bodies the way RFC 9112 section 7.1 allows them, beyond what
// curl sends: a size with leading zeros (1*HEXDIG: any number of
// digits), extensions with whitespace and quoted values, trailers, and
// the last chunk's size as "000".
func TestChunkedBodyForms(t *testing.T) {
	addr := startTest(t, "")
	for _, tc := range []struct{ name, chunks string }{
		{"leading zeros", "00000000000000000003\r\nabc\r\n0\r\n\r\n"},
		{"extensions", "3 ; name=\"a;b\" ; flag\r\nabc\r\n0;last\r\n\r\n"},
		{"trailers", "1\r\na\r\n2\r\nbc\r\n0\r\nChecksum: x\r\nMore: y\r\n\r\n"},
		{"zeros for the last chunk", "3\r\nabc\r\n000\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := exchange(t, addr, "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"+tc.chunks)
			if len(rs) != 1 || rs[0].StatusCode != 200 || rs[0].Status != "abc" {
				for _, r := range rs {
					t.Logf("%d %q", r.StatusCode, r.Status)
				}
				t.Fatalf("%d responses, want one 200 echoing \"abc\"", len(rs))
			}
		})
	}
}

// startTwin starts the net/http twin with startTest's limits, stopped
// when the test ends.
func startTwin(t *testing.T) *netServer {
	t.Helper()
	twin, err := startNetHTTP(config{addr: "127.0.0.1:0", maxHead: 8 << 10, maxBody: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { twin.stop() })
	return twin
}

// "OPTIONS *" asks what the server as a whole supports (RFC 9110
// section 9.3.7): it gets 200 with an empty body and the connection
// stays open, as from net/http; a body sent with it is read and dropped,
// not taken for the next request.
func TestOptionsAsterisk(t *testing.T) {
	ours := startTest(t, "")
	twin := startTwin(t)
	for _, raw := range []string{
		"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc",
		"OPTIONS * HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
	} {
		for _, s := range []struct{ name, addr string }{{"asyncgen", ours}, {"nethttp", twin.addr}} {
			rs := exchange(t, s.addr, raw+"GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
			if len(rs) != 2 || rs[0].StatusCode != 200 || rs[0].ContentLength != 0 || rs[0].Close || rs[1].StatusCode != 200 {
				for _, r := range rs {
					t.Logf("%s: %d, Content-Length %d, close %v", s.name, r.StatusCode, r.ContentLength, r.Close)
				}
				t.Errorf("%s: %q: %d responses; want 200 with no body, then the hello", s.name, raw, len(rs))
			}
		}
	}
}

// "*" is the target of OPTIONS alone: a CONNECT to "*" is a CONNECT like
// any other, which this server routes to a 404 (net/http refuses it with
// a 400), not the 200 with Allow that answers OPTIONS *.
func TestConnectAsteriskIsNotOptions(t *testing.T) {
	addr := startTest(t, "")
	for _, target := range []string{"a:80", "*"} {
		rs := exchange(t, addr, "CONNECT "+target+" HTTP/1.1\r\nHost: a\r\n\r\n")
		if len(rs) != 1 || rs[0].StatusCode != 404 || rs[0].Header.Get("Allow") != "" {
			for _, r := range rs {
				t.Logf("CONNECT %s: %d, Allow %q", target, r.StatusCode, r.Header.Get("Allow"))
			}
			t.Errorf("CONNECT %s: %d responses; want one 404 without Allow", target, len(rs))
		}
	}
}

// The net/http twin (-impl nethttp) is there to compare with: on a body
// it refuses it must say why as this server does, 413 for a body over
// the limit and 400 for one that is malformed.
func TestNetHTTPTwinBodyStatuses(t *testing.T) {
	ours := startTest(t, "")
	twin := startTwin(t)
	for _, tc := range []struct {
		name, raw string
		code      int
	}{
		{"bad chunk size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
		{"chunk longer than its size", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n0\r\n\r\n", 400},
		{"chunked body over the limit", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n" + strings.Repeat("x", 1<<20+1) + "\r\n0\r\n\r\n", 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range []struct{ name, addr string }{{"asyncgen", ours}, {"nethttp", twin.addr}} {
				rs := exchange(t, s.addr, tc.raw)
				if len(rs) != 1 || rs[0].StatusCode != tc.code {
					t.Errorf("%s: %d responses, the first %v; want one %d", s.name, len(rs), statusOf(rs), tc.code)
				}
			}
		})
	}
}

// statusOf is the status of the first of rs, 0 if none.
func statusOf(rs []*http.Response) int {
	if len(rs) == 0 {
		return 0
	}
	return rs[0].StatusCode
}

// ApacheBench, with and without -k (HTTP/1.0 keep-alive, which ab asks
// for with "Connection: Keep-Alive"), must see every request complete,
// none failed (ab counts a body whose length differs from the first
// one's as failed) and, with -k, every one kept alive.
func TestApacheBench(t *testing.T) {
	needTool(t, "ab", "apache2-utils")
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "big.bin"), make([]byte, 3*smallFile), 0o600)
	addr := startTest(t, root)
	for _, args := range [][]string{{"-k"}, {}} {
		for _, path := range []string{"/hello", "/static/big.bin", "/nope"} {
			out, _ := run(t, nil, "ab", append(args, "-q", "-n", "1000", "-c", "20", "http://"+addr+path)...)
			want := []string{"Complete requests:      1000", "Failed requests:        0"}
			if len(args) > 0 {
				want = append(want, "Keep-Alive requests:    1000")
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("ab %v %s: no %q in\n%s", args, path, w, out)
				}
			}
		}
	}
}

// CPython's http.client on one kept-alive connection: GET, HEAD (whose
// answer has a length and no body), a chunked upload from a generator,
// a body over the limit (413, then the connection closed), and urllib.
// http.client sends the whole body before it reads the answer, so the
// body over the limit stays within what the refusal reads and drops
// before it closes (4 heads and the 1 MiB limit): a bigger one would be
// cut off with a reset while Python still sends, whenever the kernel's
// buffers could not hold the rest (one CI run here).
const pyHTTPClient = `
import http.client, sys, urllib.request, urllib.error
host, port = sys.argv[1], int(sys.argv[2])
c = http.client.HTTPConnection(host, port, timeout=10)
out = []
c.request("GET", "/hello"); r = c.getresponse(); out.append((r.status, r.read()))
c.request("HEAD", "/hello"); r = c.getresponse(); out.append((r.status, r.getheader("Content-Length"), r.read()))
c.request("POST", "/echo", body=(b"x" * 1000 for _ in range(100)), encode_chunked=True)
r = c.getresponse(); out.append((r.status, len(r.read())))
c.request("POST", "/echo", body=b"y" * ((1 << 20) + 1024)); r = c.getresponse()
out.append((r.status, r.getheader("Connection"), r.read()))
try:
    urllib.request.urlopen(f"http://{host}:{port}/nope", timeout=10)
except urllib.error.HTTPError as e:
    out.append((e.code,))
out.append((urllib.request.urlopen(f"http://{host}:{port}/echo", data=b"abc", timeout=10).read(),))
print(repr(out))
`

func TestPythonHTTPClient(t *testing.T) {
	needTool(t, "python3", "python3")
	addr := startTest(t, "")
	host, port, _ := net.SplitHostPort(addr)
	out, _ := run(t, nil, "python3", "-c", pyHTTPClient, host, port)
	want := `[(200, b'Hello, World!\n'), (200, '14', b''), (200, 100000), (413, 'close', b'Content Too Large\n'), (404,), (b'abc',)]`
	if strings.TrimSpace(out) != want {
		t.Errorf("python3 saw\n%s\nwant\n%s", out, want)
	}
}

// A target is routed by its decoded path, as net/http routes r.URL.Path:
// an escaped letter names the same resource as the letter, the query is
// not decoded for it, and the static handler decodes the file name once.
// An escape that is not one is refused with 400.
func TestPercentEncodedTargets(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "a b.txt"), []byte("spaces\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := startTest(t, root)
	rs := exchange(t, addr, "GET /%68ello HTTP/1.1\r\nHost: a\r\n\r\n"+
		"GET /he%6Clo?q=%zz HTTP/1.1\r\nHost: a\r\n\r\n"+
		"GET /%73tatic/a%20b.txt HTTP/1.1\r\nHost: a\r\n\r\n"+
		"POST /%65cho HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"+
		"GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n"+
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	want := []struct {
		code int
		body string
	}{{200, string(hello)}, {200, string(hello)}, {200, "spaces\n"}, {200, "hi"}, {400, ""}}
	if len(rs) != len(want) {
		t.Fatalf("%d responses, want %d (the last request unanswered after the 400)", len(rs), len(want))
	}
	for i, w := range want {
		body, err := io.ReadAll(rs[i].Body)
		if err != nil {
			t.Fatal(err)
		}
		if rs[i].StatusCode != w.code || (w.body != "" && string(body) != w.body) {
			t.Errorf("response %d: %d %q, want %d %q", i, rs[i].StatusCode, body, w.code, w.body)
		}
	}
	if !rs[len(rs)-1].Close {
		t.Error("the 400 does not say Connection: close")
	}
}

// A path with dot-segments or doubled slashes is redirected to its
// cleaned form, as net/http's ServeMux does: a 307 (which keeps the
// method and the body) to the path with "." and ".." resolved and
// slashes collapsed, the final slash and the query kept. They were
// routed as they were, so /a/../hello and //hello were 404. Escaped
// dots ("%2e%2e") are not segments, for ServeMux too: they are left to
// the static handler, which never leaves the root (TestCurlStatic).
func TestDotSegmentsRedirect(t *testing.T) {
	needTool(t, "curl", "curl")
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "dir"), 0o700)
	os.WriteFile(filepath.Join(root, "a.txt"), []byte("a\n"), 0o600)
	os.WriteFile(filepath.Join(root, "dir", "index.html"), []byte("index\n"), 0o600)
	addr := startTest(t, root)
	base := "http://" + addr
	for _, tc := range []struct{ path, want string }{
		{"/static/../static/a.txt", "307 " + base + "/static/a.txt"},
		{"/a/../hello", "307 " + base + "/hello"},
		{"//hello", "307 " + base + "/hello"},
		{"/a/../hello?x=1&y=%20", "307 " + base + "/hello?x=1&y=%20"},
		{"/static/./dir/", "307 " + base + "/static/dir/"},
		{"/static//a.txt", "307 " + base + "/static/a.txt"},
		{"/static/dir/../", "307 " + base + "/static/"},
		{"/hello/.", "307 " + base + "/hello"},
		{"/..", "307 " + base + "/"},
		{"/static/../secret", "307 " + base + "/secret"},
		{"/hello", "200 "},
		{"/static/a.txt", "200 "},
	} {
		out, _ := run(t, nil, "curl", "-sS", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", base+tc.path)
		if out != tc.want {
			t.Errorf("%s: %q, want %q", tc.path, out, tc.want)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{base + "/static/../static/a.txt"}, "a\n"},
		{[]string{base + "/x/..//static/dir/./"}, "index\n"},
		{[]string{"-d", "hi", base + "/static/../echo"}, "hi"},
	} {
		out, _ := run(t, nil, "curl", append([]string{"-sS", "-L", "--path-as-is"}, tc.args...)...)
		if out != tc.want {
			t.Errorf("following %v: %q, want %q", tc.args, out, tc.want)
		}
	}
	// In absolute form, and answered with a body the client can skip.
	rs := exchange(t, addr, "GET http://a/x/../hello HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
	if len(rs) != 2 || rs[0].StatusCode != 307 || rs[0].Header.Get("Location") != "/hello" || rs[1].StatusCode != 200 {
		t.Errorf("absolute form: %d responses, first %v", len(rs), rs)
	}
}
