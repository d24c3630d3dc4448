package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// startServer runs the server on a free port on a loop of its own
// goroutine, and cancels it when the test ends.
func startServer(t *testing.T) string {
	t.Helper()
	return startEcho(t).addr
}

// echoServer is a server a test started.
type echoServer struct {
	addr    string
	stop    func() // cancels the server and waits for its loop to close
	reports func() []string
}

// startEcho starts the server as startServer does and returns it. What
// the loop reports to its exception handler is kept for the test rather
// than logged.
func startEcho(t *testing.T) *echoServer {
	t.Helper()
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var reports []string
	l.SetExceptionHandler(func(_ *rt.Loop, ctx rt.ErrorContext) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, fmt.Sprintf("%s: %v", ctx.Message, ctx.Err))
	})
	ready := make(chan string, 1)
	task := rt.CreateTask(l, serveAsync("127.0.0.1:0", func(a string) { ready <- a }))
	done := make(chan error, 1)
	go func() {
		_, err := rt.RunUntilComplete(l, task)
		l.Close()
		done <- err
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			l.CallSoonThreadsafe(func() { task.Cancel("test over") })
			if err := <-done; err == nil || !strings.Contains(err.Error(), "cancel") {
				t.Errorf("the server ended with %v, want its cancellation", err)
			}
		})
	}
	t.Cleanup(stop)
	s := &echoServer{stop: stop, reports: func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(reports)
	}}
	select {
	case s.addr = <-ready:
		return s
	case err := <-done:
		t.Fatalf("the server did not start: %v", err)
	}
	return nil
}

// runClient runs a real client program, bounded to 60 s.
func runClient(t *testing.T, stdin []byte, prog string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(prog); err != nil {
		// Only a missing client justifies skipping: the test drives it.
		pkg := map[string]string{"nc": "netcat-openbsd", "python3": "python3", "socat": "socat"}[prog]
		t.Skipf("%s not found: install the Debian package %s", prog, pkg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", prog, err, stderr.Bytes())
	}
	return out
}

// nc sends 1 MiB of binary data and half-closes; it gets every byte back,
// in order, and then the server's close (without which nc -N would not
// exit).
func TestEchoWithNetcat(t *testing.T) {
	addr := startServer(t)
	host, port, _ := strings.Cut(addr, ":")
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i*7 + i>>8)
	}
	out := runClient(t, data, "nc", "-N", host, port)
	if !bytes.Equal(out, data) {
		t.Fatalf("nc got %d bytes back, want the %d sent", len(out), len(data))
	}
}

// A CPython asyncio streams client: 20 concurrent connections each send
// lines split across writes and a 200 KiB line, read them back with
// readline, half-close and read EOF.
const pyClient = `
import asyncio, sys

async def one(host, port, n):
    r, w = await asyncio.open_connection(host, port)
    got = []
    for i in range(20):
        line = f"conn {n} line {i} " + "x" * (i * 13) + "\n"
        half = len(line) // 2
        w.write(line[:half].encode()); await w.drain()
        w.write(line[half:].encode()); await w.drain()
        got.append((await r.readline()).decode() == line)
    big = b"y" * (200 * 1024) + b"\n"
    w.write(big)
    await w.drain()
    back = await r.readexactly(len(big))
    w.write_eof()
    rest = await r.read()
    w.close()
    await w.wait_closed()
    return all(got) and back == big and rest == b""

async def main():
    host, port = sys.argv[1], int(sys.argv[2])
    ok = await asyncio.gather(*(one(host, port, n) for n in range(20)))
    print("ok", sum(ok))

asyncio.run(main())
`

func TestEchoWithPythonAsyncio(t *testing.T) {
	addr := startServer(t)
	host, port, _ := strings.Cut(addr, ":")
	out := runClient(t, nil, "python3", "-c", pyClient, host, port)
	if got := strings.TrimSpace(string(out)); got != "ok 20" {
		t.Fatalf("python3 client: %q, want ok 20", got)
	}
}

// Our client sends its arguments, or stdin's lines, and prints the echoes.
func TestClient(t *testing.T) {
	addr := startServer(t)
	for _, c := range []struct {
		lines []string
		stdin string
	}{
		{lines: []string{"hello", "two words", ""}},
		{stdin: "from\nstdin\n"},
	} {
		var out bytes.Buffer
		if _, err := rt.Run(clientAsync(addr, c.lines, strings.NewReader(c.stdin), &out)); err != nil {
			t.Fatal(err)
		}
		want := c.stdin
		if c.lines != nil {
			want = strings.Join(c.lines, "\n") + "\n"
		}
		if out.String() != want {
			t.Errorf("printed %q, want %q", out.String(), want)
		}
	}
	if _, err := rt.Run(clientAsync("127.0.0.1:1", []string{"x"}, nil, &bytes.Buffer{})); err == nil {
		t.Error("connecting to a closed port succeeded")
	}
}

// Cancelling the server (Ctrl-C) with clients connected closes their
// connections and ends their handlers before the loop closes: the
// clients see the end of the stream, and the loop reports no handler
// destroyed while pending.
func TestStopWithClientsConnected(t *testing.T) {
	s := startEcho(t)
	var conns []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "ping\n")
		if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || line != "ping\n" {
			t.Fatalf("echo: %q, %v", line, err)
		}
		conns = append(conns, c)
	}
	s.stop()
	for _, r := range s.reports() {
		t.Errorf("the loop reported %s", r)
	}
	for i, c := range conns {
		if n, err := io.Copy(io.Discard, c); n != 0 || err != nil {
			t.Errorf("client %d: %d bytes then %v, want the end of the stream", i, n, err)
		}
	}
}

// socat relays 4 MiB of stdin, in writes of one byte and of 64 KiB, and
// shuts its side down at the end (shut-down); it gets every byte back
// and then the server's close, without which it would not exit.
func TestEchoWithSocat(t *testing.T) {
	addr := startServer(t)
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(i*131 + i>>10)
	}
	for _, block := range []string{"1", "65536"} {
		in := data
		if block == "1" {
			in = data[:64<<10] // a write a byte: 64 KiB is plenty
		}
		out := runClient(t, in, "socat", "-b", block, "-t", "30", "-", "TCP:"+addr+",shut-down")
		if !bytes.Equal(out, in) {
			t.Errorf("socat -b %s got %d bytes back, want the %d sent", block, len(out), len(in))
		}
	}
}

// A CPython asyncio client sends 4 MiB on each of 8 connections while it
// reads, half-closes, and reads to EOF: every byte comes back, in order,
// and then the end of the stream.
const pyBulk = `
import asyncio, os, sys

async def one(host, port, size):
    r, w = await asyncio.open_connection(host, port)
    data = os.urandom(size)
    async def send():
        for i in range(0, size, 200003):
            w.write(data[i:i + 200003])
            await w.drain()
        w.write_eof()
    sender = asyncio.create_task(send())
    back = await r.read()
    await sender
    w.close()
    await w.wait_closed()
    return back == data

async def main():
    host, port = sys.argv[1], int(sys.argv[2])
    ok = await asyncio.gather(*(one(host, port, 4 << 20) for _ in range(8)), one(host, port, 0))
    print("ok", sum(ok))

asyncio.run(main())
`

func TestEchoBulkWithPythonAsyncio(t *testing.T) {
	addr := startServer(t)
	host, port, _ := strings.Cut(addr, ":")
	out := runClient(t, nil, "python3", "-c", pyBulk, host, port)
	if got := strings.TrimSpace(string(out)); got != "ok 9" {
		t.Fatalf("python3 client: %q, want ok 9", got)
	}
}
