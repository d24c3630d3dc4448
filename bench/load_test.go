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
