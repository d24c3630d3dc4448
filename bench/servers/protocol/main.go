// Command protocol is asyncgen's echo server over a Protocol on one loop:
// DataReceived writes back what it got; the transport sends it at once
// and keeps nothing.
package main

import (
	"github.com/asyncgen/asyncgen/bench/internal/srv"
	"github.com/asyncgen/asyncgen/rt"
)

type echo struct {
	rt.ProtocolBase
	t rt.Transport
}

func (p *echo) ConnectionMade(t rt.Transport) { p.t = t }

func (p *echo) DataReceived(b []byte) { p.t.Write(b) }

func main() {
	addr := srv.Addr()
	l, err := rt.NewLoop()
	if err != nil {
		srv.Fatal(err)
	}
	s, err := rt.RunUntilComplete(l, l.CreateServer(func() rt.StreamProtocol { return &echo{} },
		"tcp4", addr, rt.WithBacklog(4096)))
	if err != nil {
		srv.Fatal(err)
	}
	go l.RunForever()
	srv.Serve(s.Addrs()[0].String())
}
