package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// config is what every loop's server is made from.
type config struct {
	addr    string
	loops   int
	root    string
	maxHead int
	maxBody int64
	linger  time.Duration
	// open opens a static file on an executor goroutine: openStatic,
	// unless a test stands in for a slow disk.
	open func(name string, slash bool) (*staticFile, error)
}

// cluster is the running server: one loop per goroutine, each with its
// own listening socket on the same port (SO_REUSEPORT when there are
// several), sharing nothing.
type cluster struct {
	addr  string // host:port, with the port the kernel chose for port 0
	loops []*loopServer
}

// loopServer is one loop and the goroutine running it.
type loopServer struct {
	loop *rt.Loop
	quit *rt.Future[rt.Void] // set, on the loop, to stop serving
	done chan error          // the loop's outcome, then closed
}

// start starts cfg.loops loops serving HTTP on cfg.addr.
func start(cfg config) (*cluster, error) {
	if cfg.loops < 1 {
		return nil, errors.New("need at least one loop")
	}
	c := &cluster{addr: cfg.addr}
	for i := range cfg.loops {
		ls, bound, err := startLoop(cfg, c.addr)
		if err != nil {
			c.stop()
			return nil, fmt.Errorf("loop %d: %w", i, err)
		}
		c.addr = bound
		c.loops = append(c.loops, ls)
	}
	return c, nil
}

// listening is what a loop's main coroutine hands over once it listens.
type listening struct {
	loop *rt.Loop
	quit *rt.Future[rt.Void]
	addr string
}

// startLoop runs a loop and its server on a goroutine of their own, as
// asyncio.run runs a main coroutine, and returns once it listens. With
// port 0, the first loop's port is the one the others bind.
func startLoop(cfg config, addr string) (*loopServer, string, error) {
	ready := make(chan listening, 1)
	done := make(chan error, 1)
	go func() {
		defer close(done)
		_, err := rt.Run(serveLoopAsync(cfg, addr, ready))
		done <- err
	}()
	select {
	case l := <-ready:
		return &loopServer{loop: l.loop, quit: l.quit, done: done}, l.addr, nil
	case err := <-done:
		return nil, "", err
	}
}

// serveLoop is a loop's main coroutine: it serves until its quit future
// is set, then closes the listening socket and the connections (what they
// have buffered is sent first, for at most the linger, then they are
// aborted) and waits until every connection is gone. rt.Run then cancels
// what is left (a handler that has not yet seen its connection go) and
// waits for it, so no handler is destroyed while pending.
//
//asyncgen:coroutine
func serveLoop(cfg config, addr string, ready chan<- listening) error {
	l := rt.RunningLoop()
	s := &server{root: cfg.root, maxHead: cfg.maxHead, maxBody: cfg.maxBody, linger: cfg.linger, open: cfg.open}
	if s.open == nil {
		s.open = openStatic
	}
	opts := []streams.Option{streams.WithServerOptions(rt.WithReusePort(cfg.loops > 1))}
	if cfg.maxHead > streams.DefaultLimit {
		opts = append(opts, streams.WithLimit(cfg.maxHead))
	}
	srv, err := rt.Await(streams.StartServer(s.serveAsync, "tcp", addr, opts...))
	if err != nil {
		return err
	}
	quit := rt.NewFuture[rt.Void](l)
	ready <- listening{loop: l, quit: quit, addr: srv.Addrs()[0].String()} //asyncvet:nonblocking ready has room for the one value sent
	rt.Await(quit)
	srv.Close()
	srv.CloseClients()
	if _, err := rt.Await(rt.WaitFor(srv.WaitClosed(), cfg.linger)); err != nil {
		srv.AbortClients() // clients that do not read what is left
		_, err = rt.Await(srv.WaitClosed())
		return err
	}
	return nil
}

// stop stops every loop (its quit future belongs to the loop's
// goroutine, hence CallSoonThreadsafe) and waits for each to end.
func (c *cluster) stop() error {
	var errs []error
	for _, ls := range c.loops {
		if _, err := ls.loop.CallSoonThreadsafe(func() {
			if !ls.quit.Done() {
				ls.quit.SetResult(rt.Void{})
			}
		}); err != nil {
			errs = append(errs, err)
		}
	}
	for _, ls := range c.loops {
		if err := <-ls.done; err != nil {
			errs = append(errs, err)
		}
	}
	c.loops = nil
	return errors.Join(errs...)
}
