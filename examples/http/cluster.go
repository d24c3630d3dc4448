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
	done chan error // RunForever's outcome, then closed
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

// startLoop makes a loop and its server on a goroutine of their own and
// leaves that goroutine running the loop. With port 0, the first loop's
// port is the one the others bind.
func startLoop(cfg config, addr string) (*loopServer, string, error) {
	ls := &loopServer{done: make(chan error, 1)}
	ready := make(chan error, 1)
	var bound string
	go func() {
		defer close(ls.done)
		l, err := rt.NewLoop()
		if err != nil {
			ready <- err
			return
		}
		defer l.Close() // closes the server and every connection left
		s := &server{root: cfg.root, maxHead: cfg.maxHead, maxBody: cfg.maxBody, linger: cfg.linger}
		opts := []streams.Option{streams.WithServerOptions(rt.WithReusePort(cfg.loops > 1))}
		if cfg.maxHead > streams.DefaultLimit {
			opts = append(opts, streams.WithLimit(cfg.maxHead))
		}
		srv, err := rt.RunUntilComplete(l, streams.StartServer(s.serveAsync, "tcp", addr, opts...))
		if err != nil {
			ready <- err
			return
		}
		ls.loop = l
		bound = srv.Addrs()[0].String()
		ready <- nil
		ls.done <- l.RunForever()
	}()
	if err := <-ready; err != nil {
		<-ls.done
		return nil, "", err
	}
	return ls, bound, nil
}

// stop stops every loop (Stop belongs to the loop's goroutine, hence
// CallSoonThreadsafe) and waits for each to close.
func (c *cluster) stop() error {
	var errs []error
	for _, ls := range c.loops {
		if _, err := ls.loop.CallSoonThreadsafe(ls.loop.Stop); err != nil {
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
