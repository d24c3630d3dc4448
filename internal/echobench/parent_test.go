//go:build linux

package echobench

import (
	"bytes"
	"io"
	"net"
	"sync"
	"testing"
)

// With ECHOBENCH_CLIENTS=2 the connections are split between two
// threads, and still each sends bytes of its own: an echo that reached
// the wrong connection must show, between threads as within one.
func TestDialSplitKeepsEachConnectionsMessage(t *testing.T) {
	t.Setenv(envClients, "2")
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const n = 4
	var mu sync.Mutex
	var firsts [][]byte
	var served sync.WaitGroup
	defer served.Wait()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			served.Add(1)
			go func() {
				defer served.Done()
				defer c.Close()
				msg := make([]byte, Block.Size())
				if _, err := io.ReadFull(c, msg); err != nil {
					return
				}
				mu.Lock()
				firsts = append(firsts, msg)
				mu.Unlock()
				c.Write(msg)
				io.Copy(c, c)
			}()
		}
	}()
	cs, err := dial(ln.Addr().String(), n, Block)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Errorf("%d client threads, want 2", len(cs))
	}
	cs.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(firsts) != n {
		t.Fatalf("%d connections sent their message, want %d", len(firsts), n)
	}
	for i := range firsts {
		for j := range i {
			if bytes.Equal(firsts[i], firsts[j]) {
				t.Errorf("connections %d and %d sent the same message", j, i)
			}
		}
	}
}
