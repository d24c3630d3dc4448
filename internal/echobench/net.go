//go:build linux

package echobench

import (
	"bufio"
	"net"
	"sync"
)

// ServeNet is the goroutine-per-connection server of Go's net package:
// each connection's goroutine reads into its own 1 KiB buffer and writes
// what it read. It echoes any shape.
func ServeNet(addr string) (string, func(), error) {
	return ServeGoroutines(addr, func(c net.Conn) {
		buf := make([]byte, 1024)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			if _, err := c.Write(buf[:n]); err != nil {
				return
			}
		}
	})
}

// ServeNetBufio is the goroutine-per-connection server a Go programmer
// writes with bufio: a 4 KiB bufio.Reader and bufio.Writer per connection,
// the writer flushed when the reader has nothing more buffered (so that
// pipelined requests leave in one write). For Line requests it reads with
// ReadSlice('\n'); for Block it reads what is there.
func ServeNetBufio(addr string) (string, func(), error) {
	shape := shapeOfEnv()
	return ServeGoroutines(addr, func(c net.Conn) {
		r, w := bufio.NewReader(c), bufio.NewWriter(c)
		buf := make([]byte, 1024)
		for {
			var p []byte
			var err error
			if shape == Line {
				p, err = r.ReadSlice('\n')
			} else {
				var n int
				n, err = r.Read(buf)
				p = buf[:n]
			}
			if err != nil {
				return
			}
			w.Write(p)
			if r.Buffered() == 0 {
				if err := w.Flush(); err != nil {
					return
				}
			}
		}
	})
}

// ServeGoroutines accepts on addr and runs handle on its own goroutine
// for each connection, closing the connection when handle returns; stop
// closes the listener and every connection and waits for the handlers.
// The net servers are built on it, and so are the load client's tests'
// servers, well-behaved and not.
func ServeGoroutines(addr string, handle func(net.Conn)) (string, func(), error) {
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		return "", nil, err
	}
	var mu sync.Mutex
	conns := map[net.Conn]struct{}{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = struct{}{}
			mu.Unlock()
			CountConn()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return ln.Addr().String(), func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}, nil
}
