// Command streams is asyncgen's echo server on rt/streams, one loop, each
// connection a task running the generated coroutine echo (echo.go).
package main

import (
	"github.com/asyncgen/asyncgen/bench/internal/srv"
	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

func main() {
	addr := srv.Addr()
	l, err := rt.NewLoop()
	if err != nil {
		srv.Fatal(err)
	}
	s, err := rt.RunUntilComplete(l, streams.StartServer(echoAsync, "tcp4", addr,
		streams.WithServerOptions(rt.WithBacklog(4096))))
	if err != nil {
		srv.Fatal(err)
	}
	go l.RunForever()
	srv.Serve(s.Addrs()[0].String())
}
