package main

import (
	"net"
	"strings"
	"testing"
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

func TestPingPongCountsEchoes(t *testing.T) {
	addr := echoListener(t, func([]byte) {})
	conns, err := dialAll(addr, 20)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(conns)
	n, el, err := pingPong(conns, 0, 5000)
	if err != nil {
		t.Fatal(err)
	}
	// The budget stops new messages; those in flight then come back
	// but are not counted.
	if n != 5000 || el <= 0 {
		t.Errorf("pingPong = %d messages in %v, want 5000", n, el)
	}
	// The sockets are quiet again: a second run works on them.
	if n, _, err := pingPong(conns, 0, 100); err != nil || n != 100 {
		t.Errorf("second pingPong = %d, %v, want 100", n, err)
	}
}

func TestPingPongCatchesAWrongEcho(t *testing.T) {
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
	conns, err := dialAll(addr, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(conns)
	if _, _, err := pingPong(conns, 0, 10); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Errorf("pingPong against a corrupting server: %v, want an error saying the echo differs", err)
	}
}

func TestDialAllRefused(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if _, err := dialAll(addr, 3); err == nil {
		t.Error("dialAll to a closed port: no error")
	}
}
