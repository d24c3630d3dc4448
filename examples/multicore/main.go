// Command multicore runs one event loop per core: n loops, each on its own
// goroutine, each an echo server (a Protocol) listening on the same port
// with SO_REUSEPORT, so that the kernel spreads the incoming connections
// among them. A loop is single-threaded by design; this is how a server
// uses every core anyway, with nothing shared between the loops.
//
//	go run ./examples/multicore -n 4 -addr 127.0.0.1:8080 -duration 30s
//
// At the end (after -duration, or on SIGINT) it prints how many
// connections each loop accepted.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// echo is the protocol of every connection: it writes back what arrives
// and counts the connection for its loop.
type echo struct {
	rt.ProtocolBase
	t     rt.Transport
	count *atomic.Int64
}

func (e *echo) ConnectionMade(t rt.Transport) {
	e.t = t
	e.count.Add(1)
}

func (e *echo) DataReceived(b []byte) { e.t.Write(b) }

// loopServer is one loop, its goroutine and its server.
type loopServer struct {
	loop *rt.Loop
	// conns counts the connections this loop accepted. The loop's
	// goroutine adds, others read: the only state the loops share with
	// the rest of the program.
	conns atomic.Int64
	done  chan error // RunForever's outcome, then closed
}

// cluster is n loops sharing one listening port.
type cluster struct {
	addr  string // host:port, with the port the kernel chose for port 0
	loops []*loopServer
}

// start starts n loops listening on addr with SO_REUSEPORT. With port 0,
// the first loop's kernel-chosen port is the one every other loop binds.
func start(n int, addr string) (*cluster, error) {
	if n < 1 {
		return nil, errors.New("need at least one loop")
	}
	c := &cluster{addr: addr}
	for i := range n {
		ls, bound, err := startLoop(c.addr)
		if err != nil {
			c.stop()
			return nil, fmt.Errorf("loop %d: %w", i, err)
		}
		c.addr = bound
		c.loops = append(c.loops, ls)
	}
	return c, nil
}

// startLoop makes a loop, creates its server on the loop's own goroutine
// and leaves that goroutine running the loop.
func startLoop(addr string) (*loopServer, string, error) {
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
		srv, err := rt.RunUntilComplete(l, l.CreateServer(func() rt.StreamProtocol {
			return &echo{count: &ls.conns}
		}, "tcp", addr, rt.WithReusePort(true)))
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

// counts returns how many connections each loop accepted.
func (c *cluster) counts() []int64 {
	out := make([]int64, len(c.loops))
	for i, ls := range c.loops {
		out[i] = ls.conns.Load()
	}
	return out
}

// stop stops every loop (Stop must run on the loop's goroutine, hence
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

func main() {
	n := flag.Int("n", runtime.NumCPU(), "number of loops (one goroutine each)")
	addr := flag.String("addr", "127.0.0.1:8080", "address every loop listens on (port 0: any free port)")
	duration := flag.Duration("duration", 0, "how long to serve (0: until SIGINT)")
	flag.Parse()

	c, err := start(*n, *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "multicore:", err)
		os.Exit(1)
	}
	fmt.Printf("multicore: %d loops echoing on %s (SO_REUSEPORT); try:\n", len(c.loops), c.addr)
	host, port, _ := net.SplitHostPort(c.addr)
	fmt.Printf("  for i in $(seq 100); do exec 3<>/dev/tcp/%s/%s; echo hi >&3; read -r _ <&3; exec 3>&-; done\n", host, port)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	var timeout <-chan time.Time
	if *duration > 0 {
		timeout = time.After(*duration)
	}
	select {
	case <-sig:
	case <-timeout:
	}
	counts := c.counts()
	if err := c.stop(); err != nil {
		fmt.Fprintln(os.Stderr, "multicore:", err)
	}
	total := int64(0)
	for i, k := range counts {
		fmt.Printf("loop %d: %d connections\n", i, k)
		total += k
	}
	fmt.Printf("total: %d connections\n", total)
}
