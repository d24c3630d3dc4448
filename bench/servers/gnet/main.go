// Command gnet is the echo server on gnet v2: OnTraffic writes back
// everything the connection has buffered. It runs gnet's multicore mode
// (one event loop per CPU), the way gnet is deployed.
package main

import (
	"github.com/panjf2000/gnet/v2"

	"github.com/asyncgen/asyncgen/bench/internal/srv"
)

type echo struct {
	gnet.BuiltinEventEngine
	addr  string
	ready chan struct{}
}

func (e *echo) OnBoot(eng gnet.Engine) gnet.Action {
	close(e.ready)
	return gnet.None
}

func (e *echo) OnTraffic(c gnet.Conn) gnet.Action {
	buf, _ := c.Next(-1)
	c.Write(buf)
	return gnet.None
}

func main() {
	e := &echo{addr: srv.Addr(), ready: make(chan struct{})}
	errc := make(chan error, 1)
	go func() { errc <- gnet.Run(e, "tcp4://"+e.addr, gnet.WithMulticore(true), gnet.WithReusePort(false)) }()
	select {
	case <-e.ready:
	case err := <-errc:
		srv.Fatal(err)
	}
	srv.Serve(e.addr)
}
