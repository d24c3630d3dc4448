// Command netecho is the Go goroutine-per-connection echo server the suite
// compares everything to: each connection's goroutine reads into its own
// 1 KiB buffer and writes what it read.
package main

import (
	"net"

	"github.com/asyncgen/asyncgen/bench/internal/srv"
)

func main() {
	ln, err := net.Listen("tcp4", srv.Addr())
	if err != nil {
		srv.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go echo(c)
		}
	}()
	srv.Serve(ln.Addr().String())
}

func echo(c net.Conn) {
	defer c.Close()
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
}
