package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// testServer is a local net/http server that counts requests in flight
// and holds every request whose path is /slow until the test ends.
type testServer struct {
	url               string
	inFlight, maxSeen atomic.Int64
}

func startServer(t *testing.T) *testServer {
	ts := &testServer{}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ts.inFlight.Add(1)
		defer ts.inFlight.Add(-1)
		for {
			m := ts.maxSeen.Load()
			if n <= m || ts.maxSeen.CompareAndSwap(m, n) {
				break
			}
		}
		switch r.URL.Path {
		case "/slow":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/chunked":
			w.Write(bytes.Repeat([]byte("x"), 1000))
			w.(http.Flusher).Flush() // no Content-Length: the body goes chunked
			w.Write(bytes.Repeat([]byte("y"), 500))
		case "/missing":
			http.NotFound(w, r)
		case "/early":
			// An interim response before the final one: net/http sends
			// the 103 at once (RFC 8297).
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Write([]byte("ok\n"))
		default:
			w.Write([]byte("ok\n"))
		}
	}))
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }); srv.Close() })
	ts.url = srv.URL
	return ts
}

// fetch runs the client as main does, on a loop of its own.
func fetch(t *testing.T, rawURL string, n, c int, timeout time.Duration) report {
	t.Helper()
	tg, err := parseTarget(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rt.Run(fetchAllAsync(tg, n, c, timeout))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != n {
		t.Fatalf("%d results for %d requests", len(rs), n)
	}
	return summarise(rs)
}

func TestManyRequestsBounded(t *testing.T) {
	ts := startServer(t)
	rep := fetch(t, ts.url+"/hello?x=1", 300, 8, 10*time.Second)
	if rep.ok != 300 || rep.statuses[200] != 300 {
		t.Fatalf("ok %d, statuses %v, first error %v", rep.ok, rep.statuses, rep.firstErr)
	}
	if m := ts.maxSeen.Load(); m > 8 {
		t.Errorf("the server saw %d requests at once; the bound is 8", m)
	}
	var out strings.Builder
	rep.print(&out, time.Second)
	if !strings.Contains(out.String(), "300 requests in 1s (300/s): 300 completed, 0 timed out, 0 failed") {
		t.Errorf("report:\n%s", out.String())
	}
	edges, counts := rep.histogram()
	sum := 0
	for i, n := range counts {
		sum += n
		if edges[i] < firstBucket {
			t.Errorf("edge %v below the first bucket", edges[i])
		}
	}
	if sum != 300 || counts[0] == 0 || counts[len(counts)-1] == 0 {
		t.Errorf("histogram %v over %v holds %d of 300", counts, edges, sum)
	}
}

func TestTimeouts(t *testing.T) {
	ts := startServer(t)
	// Every request is held by the server, so each times out on its own
	// clock; with 3 slots for 6 requests the second three can start only
	// when the first three have timed out and given their slots back:
	// two timeouts in a row at least. (The server's own count of
	// requests in flight can briefly exceed 3 here: it notices a closed
	// connection a little after the client has moved on.)
	const timeout = 50 * time.Millisecond
	start := time.Now()
	rep := fetch(t, ts.url+"/slow", 6, 3, timeout)
	elapsed := time.Since(start)
	if rep.timedOut != 6 || rep.ok != 0 {
		t.Fatalf("timed out %d, ok %d, failed %d (%v); want all 6 timed out", rep.timedOut, rep.ok, rep.failed, rep.firstErr)
	}
	if elapsed < 2*timeout {
		t.Errorf("6 requests, 3 at a time, each timing out after %v, took only %v", timeout, elapsed)
	}
}

func TestBodiesAndStatuses(t *testing.T) {
	ts := startServer(t)
	rep := fetch(t, ts.url+"/missing", 5, 5, 10*time.Second)
	if rep.statuses[404] != 5 {
		t.Errorf("statuses %v, want five 404", rep.statuses)
	}
	tg, _ := parseTarget(ts.url + "/chunked")
	rs, err := rt.Run(fetchAllAsync(tg, 3, 2, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.err != nil || r.status != 200 || r.size != 1500 {
			t.Errorf("chunked: %+v, want 200 with 1500 bytes", r)
		}
	}
}

func TestConnectionRefused(t *testing.T) {
	// A port nobody listens on any more.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	rep := fetch(t, url, 4, 2, 5*time.Second)
	if rep.failed != 4 || rep.firstErr == nil {
		t.Errorf("failed %d (%v), want 4 refused connections", rep.failed, rep.firstErr)
	}
}

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct{ in, addr, host, path string }{
		{"http://example.com", "example.com:80", "example.com", "/"},
		{"http://127.0.0.1:8080/a?b=c", "127.0.0.1:8080", "127.0.0.1:8080", "/a?b=c"},
		{"http://[::1]:9/x", "[::1]:9", "[::1]:9", "/x"},
	} {
		got, err := parseTarget(tc.in)
		if err != nil || got != (target{tc.addr, tc.host, tc.path}) {
			t.Errorf("%s: %+v %v", tc.in, got, err)
		}
	}
	for _, bad := range []string{"https://example.com/", "example.com", "http:///x", "://"} {
		if _, err := parseTarget(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// An interim (1xx) response is not the answer: a client must read past
// any number of them to the final response (RFC 9110 section 15.2), even
// unasked for. net/http sends a 103 Early Hints before the 200.
func TestInterimResponses(t *testing.T) {
	ts := startServer(t)
	tg, _ := parseTarget(ts.url + "/early")
	rs, err := rt.Run(fetchAllAsync(tg, 2, 2, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.err != nil || r.status != 200 || r.size != 3 {
			t.Errorf("after a 103: %+v, want 200 with 3 bytes", r)
		}
	}
}

// rawServer answers every connection on a free port with response, byte
// for byte, once it has read the request's head, and then closes it. It
// stands for servers that break HTTP, which net/http will not imitate.
func rawServer(t *testing.T, response string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					if line == "\r\n" {
						break
					}
				}
				io.WriteString(c, response)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}

// Responses that end early or break their framing are failures, not
// bodies of the size that happened to arrive.
func TestBrokenResponses(t *testing.T) {
	for _, tc := range []struct{ name, response string }{
		{"closed mid-body", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"},
		{"closed mid-chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n01234"},
		{"closed before the last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"},
		{"closed in the head", "HTTP/1.1 200 OK\r\nContent-Le"},
		{"chunk longer than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY\r\n0\r\n\r\n"},
		{"chunk data not followed by CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc--0\r\n\r\n"},
		{"chunk shorter than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc\r\n0\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := fetch(t, rawServer(t, tc.response), 2, 2, 10*time.Second)
			if rep.failed != 2 {
				t.Errorf("ok %d (statuses %v), timed out %d, failed %d; want 2 failed", rep.ok, rep.statuses, rep.timedOut, rep.failed)
			}
		})
	}
}

// A body is chunked when chunked is the last of its transfer codings
// (RFC 9112 section 6.3), which may come after others on one line; the
// body's size is then that of the chunks' data, not of their framing.
// (fetch decodes no other coding: the size is of the coded bytes.)
func TestTransferCodings(t *testing.T) {
	for _, tc := range []struct {
		name, response string
		size           int
	}{
		{"chunked after gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 3},
		{"chunked in capitals", "HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 3},
		{"chunked, then gzip: to the close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nabcdefg", 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg, _ := parseTarget(rawServer(t, tc.response))
			rs, err := rt.Run(fetchAllAsync(tg, 1, 1, 10*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if r := rs[0]; r.err != nil || r.status != 200 || r.size != tc.size {
				t.Errorf("%+v, want 200 with %d bytes", r, tc.size)
			}
		})
	}
}

// Against CPython's http.server, which answers in HTTP/1.0 and closes
// each connection: a file of 300,000 bytes, many times over, and a 404.
func TestAgainstPythonHTTPServer(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		// The test drives a server nobody here wrote; CI installs it.
		t.Skip("python3 not installed (Debian package python3)")
	}
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "big.bin"), make([]byte, 300000), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "-d", root)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// "Serving HTTP on 127.0.0.1 port 44547 (http://127.0.0.1:44547/) ..."
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		lines <- line
		io.Copy(io.Discard, out)
	}()
	var url string
	select {
	case line := <-lines:
		_, rest, ok := strings.Cut(line, "(")
		url, _, _ = strings.Cut(rest, ")")
		if !ok || !strings.HasPrefix(url, "http://") {
			t.Fatalf("http.server said %q", line)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("http.server did not start within 10s")
	}
	tg, _ := parseTarget(url + "big.bin")
	rs, err := rt.Run(fetchAllAsync(tg, 20, 5, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.err != nil || r.status != 200 || r.size != 300000 {
			t.Fatalf("%+v, want 200 with 300000 bytes", r)
		}
	}
	if rep := fetch(t, url+"missing", 2, 2, 10*time.Second); rep.statuses[404] != 2 {
		t.Errorf("statuses %v, want two 404", rep.statuses)
	}
}
