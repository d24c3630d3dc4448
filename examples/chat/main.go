// Command chat is a line chat server on asyncgen's streams: each
// connection picks a nick and then everything it says goes to everyone
// else. A broadcast puts the line into every client's own bounded
// rt.Queue, which that client's writer task empties; reader and writer
// run inside a TaskGroup. A client too slow to keep up fills its queue
// and is dropped, instead of stalling everyone.
//
//	go run ./examples/chat -addr 127.0.0.1:7000
//	nc 127.0.0.1 7000      # in two or more shells
package main

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

import (
	"flag"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// config is the server's settings.
type config struct {
	addr      string
	queueSize int           // lines queued for a client before it is dropped
	limit     int           // longest line
	grace     time.Duration // how long the shutdown waits for clients to take what is sent
}

// running is a started server, for whoever has to stop it from another
// goroutine.
type running struct {
	addr string
	loop *rt.Loop
	quit *rt.Future[rt.Void]
}

// stop asks the server to shut down; it is safe from any goroutine.
func (s *running) stop() {
	s.loop.CallSoonThreadsafe(func() {
		if !s.quit.Done() {
			s.quit.SetResult(rt.Void{})
		}
	})
}

// serve runs the chat server until SIGINT or SIGTERM, d (if positive),
// or stop; started (buffered, one value) receives the server once it
// listens. At the end every client is told and disconnected; connections
// that have not taken what was sent to them within cfg.grace are aborted.
//
//asyncgen:coroutine
func serve(cfg config, d time.Duration, started chan<- *running) error {
	loop := rt.RunningLoop()
	h := newHub(cfg.queueSize, cfg.limit)
	// The reader holds a line's text and the CR of a CRLF; lineReader
	// refuses a text over the limit, however the line ends.
	srv, err := rt.Await(streams.StartServer(h.handleAsync, "tcp", cfg.addr, streams.WithLimit(cfg.limit+1)))
	if err != nil {
		return err
	}
	s := &running{addr: srv.Addrs()[0].String(), loop: loop, quit: rt.NewFuture[rt.Void](loop)}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		loop.AddSignalHandler(sig, s.stop)
	}
	if d > 0 {
		loop.CallLater(d, s.stop)
	}
	started <- s //asyncvet:nonblocking started has room for one value (see serve's doc)
	rt.Await(s.quit)
	srv.Close()
	h.shutdown()
	if _, err := rt.Await(rt.WaitFor(srv.WaitClosed(), cfg.grace)); err == nil {
		return nil
	}
	// Clients that read nothing would be waited for forever: what is
	// still buffered for them is dropped.
	srv.AbortClients()
	_, err = rt.Await(srv.WaitClosed())
	return err
}

func main() {
	cfg := config{}
	flag.StringVar(&cfg.addr, "addr", "127.0.0.1:7000", "address to listen on (port 0: any free port)")
	flag.IntVar(&cfg.queueSize, "queue", 128, "lines queued for a client before it is dropped as too slow")
	flag.IntVar(&cfg.limit, "limit", 4096, "longest line in bytes, its LF or CRLF not counted")
	flag.DurationVar(&cfg.grace, "grace", 2*time.Second, "how long stopping waits for clients to take what is still sent to them before cutting them off")
	d := flag.Duration("duration", 0, "how long to serve (0: until SIGINT)")
	flag.Parse()
	if cfg.queueSize < 1 || cfg.limit < 1 {
		fmt.Fprintln(os.Stderr, "chat: -queue and -limit must be at least 1")
		os.Exit(2)
	}
	started := make(chan *running, 1)
	go func() {
		s := <-started
		host, port, _ := net.SplitHostPort(s.addr)
		fmt.Printf("chat: serving on %s; try: nc %s %s\n", s.addr, host, port)
	}()
	if _, err := rt.Run(serveAsync(cfg, *d, started)); err != nil {
		fmt.Fprintln(os.Stderr, "chat:", err)
		os.Exit(1)
	}
}
