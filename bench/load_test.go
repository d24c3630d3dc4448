package main

import (
	"bytes"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// echoListener serves on a free port, answering each read with
// transform(what it read), until the test ends.
func echoListener(t *testing.T, transform func([]byte)) string {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					transform(buf[:n])
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestEchoLoadCountsEchoes(t *testing.T) {
	addr := echoListener(t, func([]byte) {})
	conns, err := dialEcho(addr, 20)
	if err != nil {
		t.Fatal(err)
	}
	defer conns.Close()
	n, rate, _, err := echoLoad(conns, 0, 5000)()
	if err != nil {
		t.Fatal(err)
	}
	if n != 5000 || rate <= 0 {
		t.Errorf("echoLoad = %d messages at %.0f/s, want 5000", n, rate)
	}
	// The sockets are quiet again: a second run works on them.
	if n, _, _, err := echoLoad(conns, 0, 100)(); err != nil || n != 100 {
		t.Errorf("second echoLoad = %d, %v, want 100", n, err)
	}
}

func TestEchoLoadCatchesAWrongEcho(t *testing.T) {
	var seen int
	addr := echoListener(t, func(b []byte) {
		// The set-up echo (the first msgSize bytes) comes back intact,
		// every byte after it flipped.
		for i := range b {
			if seen++; seen > msgSize {
				b[i] ^= 0xff
			}
		}
	})
	conns, err := dialEcho(addr, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer conns.Close()
	if _, _, _, err := echoLoad(conns, 0, 10)(); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Errorf("echoLoad against a corrupting server: %v, want an error saying the echo differs", err)
	}
}

func TestDialEchoRefused(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if _, err := dialEcho(addr, 3); err == nil {
		t.Error("dialEcho to a closed port: no error")
	}
}

// answerListener serves on a free port: each connection reads until its
// request is whole (ends with "\n\n" or "\r\n") and answers it once, then
// stays open until the client closes it. open counts the connections
// held; closed gets a value as each one ends.
func answerListener(t *testing.T, answer string) (addr string, open *atomic.Int64, closed chan struct{}) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	open, closed = new(atomic.Int64), make(chan struct{}, 1024)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			open.Add(1)
			go func() {
				defer func() { c.Close(); open.Add(-1); closed <- struct{}{} }()
				var req []byte
				buf := make([]byte, 512)
				for !bytes.HasSuffix(req, []byte("\r\n")) {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					req = append(req, buf[:n]...)
				}
				if _, err := c.Write([]byte(answer)); err != nil {
					return
				}
				c.Read(buf) // until the client closes
			}()
		}
	}()
	return ln.Addr().String(), open, closed
}

// The idle figure of the RESP and HTTP servers comes from connections
// that each had one answer (a PING's, a GET /hello's) and are then held
// open; a server that does not answer is an error, not a figure.
func TestIdleDialersForRESPAndHTTP(t *testing.T) {
	for _, tc := range []struct {
		name   string
		dial   func(addr string, n int) (io.Closer, error)
		answer string
	}{
		{"RESP", respIdle, "+PONG\r\n"},
		{"HTTP", httpIdle, "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!"},
		{"HTTP, body ending in a newline", httpIdle, "HTTP/1.1 200 OK\r\ncontent-length: 14\r\n\r\nHello, World!\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, open, closed := answerListener(t, tc.answer)
			conns, err := tc.dial(addr, 30)
			if err != nil {
				t.Fatal(err)
			}
			if got := open.Load(); got != 30 {
				t.Errorf("%d connections open after dialing 30 idle ones", got)
			}
			conns.Close()
			timeout := time.After(10 * time.Second)
			for range 30 {
				select {
				case <-closed:
				case <-timeout:
					t.Fatalf("%d connections still open 10s after Close", open.Load())
				}
			}

			defer func(d time.Duration) { idleAnswerTimeout = d }(idleAnswerTimeout)
			idleAnswerTimeout = 100 * time.Millisecond
			mute, _, _ := answerListener(t, "")
			if c, err := tc.dial(mute, 1); err == nil {
				c.Close()
				t.Error("a server that never answers: no error")
			}
		})
	}
}
