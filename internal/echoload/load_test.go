//go:build linux

package echoload_test

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/internal/echobench"
	"github.com/asyncgen/asyncgen/internal/echoload"
	"github.com/asyncgen/asyncgen/internal/leakcheck"
)

// server is a test echo server on a free port: each connection's
// goroutine runs handle. It stops (listener and connections closed, its
// goroutines returned) when the test ends.
type server struct {
	addr     string
	received atomic.Int64 // bytes read from clients, all connections
}

func startServer(t *testing.T, handle func(s *server, c *net.TCPConn)) *server {
	t.Helper()
	s := &server{}
	addr, stop, err := echobench.ServeGoroutines("127.0.0.1:0", func(c net.Conn) { handle(s, c.(*net.TCPConn)) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	s.addr = addr
	return s
}

// relay echoes the stream through edit, which gets each read's bytes and
// the stream offset of the first; it returns what to send back, and stop
// to end the connection after sending it.
func relay(edit func(off int, b []byte) (out []byte, stop bool)) func(*server, *net.TCPConn) {
	return func(s *server, c *net.TCPConn) {
		buf := make([]byte, 4096)
		off := 0
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			s.received.Add(int64(n))
			out, stop := edit(off, buf[:n])
			off += n
			if _, err := c.Write(out); err != nil || stop {
				return
			}
		}
	}
}

// echo is the well-behaved server.
var echo = relay(func(_ int, b []byte) ([]byte, bool) { return b, false })

// block is connection i's 1 KiB message.
func block(i int) []byte {
	m := make([]byte, 1024)
	for j := range m {
		m[j] = byte(i + j)
	}
	return m
}

// line is connection i's 128-byte line.
func line(i int) []byte {
	m := make([]byte, 128)
	for j := range m {
		m[j] = 'a' + byte((i+j)%26)
	}
	m[len(m)-1] = '\n'
	return m
}

func dial(t *testing.T, addr string, cfg echoload.Config) *echoload.Conns {
	t.Helper()
	cs, err := echoload.Dial(addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func TestRunSendsExactlyTheMessageCount(t *testing.T) {
	leakcheck.Check(t)
	s := startServer(t, echo)
	cs := dial(t, s.addr, echoload.Config{Conns: 20, Message: block})
	if got := s.received.Load(); got != 20*1024 {
		t.Fatalf("after Dial the server read %d bytes, want one message per connection (%d)", got, 20*1024)
	}
	n, el, err := cs.Run(0, 5000)
	if err != nil || n != 5000 || el <= 0 {
		t.Fatalf("Run(0, 5000) = %d messages in %v, %v; want 5000", n, el, err)
	}
	if got := s.received.Load(); got != (20+5000)*1024 {
		t.Errorf("the server read %d bytes, want %d: exactly 5000 messages after the set-up ones", got, (20+5000)*1024)
	}
	// The sockets are quiet again: a second run works on them, and a
	// budget below the connection count sends only that many.
	if n, _, err := cs.Run(0, 3); err != nil || n != 3 {
		t.Errorf("second Run(0, 3) = %d, %v; want 3", n, err)
	}
	if got := s.received.Load(); got != (20+5003)*1024 {
		t.Errorf("the server read %d bytes, want %d", got, (20+5003)*1024)
	}
}

func TestRunForADuration(t *testing.T) {
	leakcheck.Check(t)
	s := startServer(t, echo)
	cs := dial(t, s.addr, echoload.Config{Conns: 4, Message: block})
	n, el, err := cs.Run(20*time.Millisecond, 0)
	if err != nil || n <= 0 || el < 20*time.Millisecond {
		t.Fatalf("Run(20ms, 0) = %d messages in %v, %v; want some, in at least 20ms", n, el, err)
	}
	// Every echo counted, the drained ones included.
	if got, want := s.received.Load(), (4+n)*1024; got != want {
		t.Errorf("the server read %d bytes, want %d (%d messages counted)", got, want, n)
	}
	if _, _, err := cs.Run(0, 0); err == nil {
		t.Error("Run with neither a count nor a duration: no error")
	}
}

func TestRunLines(t *testing.T) {
	leakcheck.Check(t)
	// A line server: it answers line by line, and only whole lines.
	s := startServer(t, func(s *server, c *net.TCPConn) {
		r := bufio.NewReader(c)
		for {
			l, err := r.ReadSlice('\n')
			if err != nil {
				return
			}
			s.received.Add(int64(len(l)))
			if _, err := c.Write(l); err != nil {
				return
			}
		}
	})
	cs := dial(t, s.addr, echoload.Config{Conns: 10, Message: line})
	if n, _, err := cs.Run(0, 1000); err != nil || n != 1000 {
		t.Fatalf("Run(0, 1000) = %d, %v; want 1000", n, err)
	}
	if got := s.received.Load(); got != (10+1000)*128 {
		t.Errorf("the server read %d bytes, want %d", got, (10+1000)*128)
	}
}

// runAgainst dials one connection to a server that misbehaves after the
// set-up echo and returns Run's error, which must come within the
// timeout.
func runAgainst(t *testing.T, edit func(off int, b []byte) ([]byte, bool)) error {
	t.Helper()
	leakcheck.Check(t)
	s := startServer(t, relay(edit))
	cs := dial(t, s.addr, echoload.Config{Conns: 1, Message: block, Timeout: 100 * time.Millisecond})
	n, _, err := cs.Run(0, 10)
	if err == nil {
		t.Fatalf("Run against a misbehaving server: %d messages, no error", n)
	}
	if err := cs.Close(); err != nil {
		t.Errorf("Close after the error: %v", err)
	}
	return err
}

func wantError(t *testing.T, err error, want string) {
	t.Helper()
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want one saying %q", err, want)
	}
}

// split cuts b, which starts at stream offset off, at stream offset from.
func split(off, from int, b []byte) (before, after []byte) {
	k := min(max(from-off, 0), len(b))
	return b[:k], b[k:]
}

func TestRunReportsAWrongByte(t *testing.T) {
	err := runAgainst(t, func(off int, b []byte) ([]byte, bool) {
		out := bytes.Clone(b)
		if k := 1024 + 7 - off; k >= 0 && k < len(out) {
			out[k] ^= 0xff
		}
		return out, false
	})
	wantError(t, err, "connection 0: the echo differs from the message at byte 7 of 1024")
}

func TestRunReportsADroppedByteAfterTheTimeout(t *testing.T) {
	start := time.Now()
	err := runAgainst(t, func(off int, b []byte) ([]byte, bool) {
		before, after := split(off, 1024+100, b)
		if len(after) > 0 {
			return append(bytes.Clone(before), after[1:]...), false
		}
		return b, false
	})
	wantError(t, err, "1 of 1 echoes incomplete after 100ms without progress (connection 0: 1023 of 1024 bytes)")
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("the error came after %v, want about the 100ms timeout", el)
	}
}

func TestRunReportsAnEarlyClose(t *testing.T) {
	err := runAgainst(t, func(off int, b []byte) ([]byte, bool) {
		before, after := split(off, 1024+512, b)
		return before, len(after) > 0
	})
	wantError(t, err, "connection 0: the server closed the connection after 512 of 1024 bytes")
}

func TestRunReportsAReset(t *testing.T) {
	leakcheck.Check(t)
	s := startServer(t, func(s *server, c *net.TCPConn) {
		buf := make([]byte, 1024)
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		c.Write(buf)
		// The second message gets a reset: closing with unread data
		// and no linger sends RST.
		c.Read(buf[:1])
		c.SetLinger(0)
	})
	cs := dial(t, s.addr, echoload.Config{Conns: 1, Message: block})
	_, _, err := cs.Run(0, 10)
	if err == nil {
		t.Fatal("Run against a resetting server: no error")
	}
	wantError(t, err, "connection reset by peer")
}

func TestDialErrorsCloseEverything(t *testing.T) {
	leakcheck.Check(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()
	if _, err := echoload.Dial(refused, echoload.Config{Conns: 3, Message: block}); err == nil {
		t.Error("Dial to a closed port: no error")
	}
	if _, err := echoload.Dial("localhost:1", echoload.Config{Conns: 1, Message: block}); err == nil {
		t.Error("Dial to a host name: no error, want one asking for IP:port")
	}
	// The third connection's set-up echo comes back short: Dial fails
	// within the timeout, its first two connections closed too.
	var accepted atomic.Int64
	s := startServer(t, func(s *server, c *net.TCPConn) {
		if accepted.Add(1) < 3 {
			echo(s, c)
			return
		}
		buf := make([]byte, 1024)
		n, _ := c.Read(buf)
		c.Write(buf[:n/2])
		c.Read(buf) // until the client gives up
	})
	_, err = echoload.Dial(s.addr, echoload.Config{Conns: 5, Message: block, Timeout: 100 * time.Millisecond})
	if err == nil {
		t.Fatal("Dial against a short set-up echo: no error")
	}
	wantError(t, err, "connection 2 to "+s.addr)
}
