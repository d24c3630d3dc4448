package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// Four loops share a port; 200 connections each echo a message. Every
// connection must echo correctly, and every loop must have accepted some.
//
// With SO_REUSEPORT the kernel picks the listening socket of a new
// connection from a hash of its 4-tuple (the client's port differs for
// each), which spreads connections like independent uniform draws among
// the 4 sockets. The chance that a given loop gets none of 200 is
// (3/4)^200 ≈ 1e-25, so that any of the 4 does is below 4e-25: a loop
// with no connection means the port is not shared, not bad luck.
func TestEveryLoopAcceptsConnections(t *testing.T) {
	const loops, conns = 4, 200
	c, err := start(loops, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := c.stop(); err != nil {
			t.Error(err)
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, conns)
	sem := make(chan struct{}, 16) // dial a few at a time
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := echoOnce(c.addr, fmt.Sprintf("hello from connection %d\n", i)); err != nil {
				errs <- fmt.Errorf("connection %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	counts := c.counts()
	total := int64(0)
	for i, k := range counts {
		if k < 1 {
			t.Errorf("loop %d accepted no connection (counts %v)", i, counts)
		}
		total += k
	}
	if total != conns {
		t.Errorf("the loops accepted %d connections in all (%v), want %d", total, counts, conns)
	}
	t.Logf("connections per loop: %v", counts)
}

// echoOnce connects, sends msg and checks that it comes back.
func echoOnce(addr, msg string) error {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, msg); err != nil {
		return err
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(conn, buf); err != nil {
		return err
	}
	if !bytes.Equal(buf, []byte(msg)) {
		return fmt.Errorf("echo %q, want %q", buf, msg)
	}
	return nil
}

// One loop serves and counts alone; stop ends it; zero loops is refused.
func TestStartOneLoopAndStop(t *testing.T) {
	c, err := start(1, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := echoOnce(c.addr, "one\n"); err != nil {
		t.Error(err)
	}
	if got := c.counts(); len(got) != 1 || got[0] != 1 {
		t.Errorf("counts %v, want [1]", got)
	}
	if err := c.stop(); err != nil {
		t.Error(err)
	}
	if _, err := start(0, "127.0.0.1:0"); err == nil {
		t.Error("start(0 loops) succeeded")
	}
}
