//go:build linux

package echobench

import (
	"syscall"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/selector"
)

// echoProto is the Protocol echo server: DataReceived writes back what it
// got. The transport sends it at once (one write) and keeps nothing.
type echoProto struct {
	rt.ProtocolBase
	t rt.Transport
}

func (p *echoProto) ConnectionMade(t rt.Transport) {
	p.t = t
	CountConn()
}

func (p *echoProto) DataReceived(b []byte) { p.t.Write(b) }

// Loops is how an rt server runs.
type Loops struct {
	// N loops, each on a goroutine of its own (0 means 1); with more than
	// one, each has its own listening socket on the same port
	// (SO_REUSEPORT; see examples/multicore).
	N int
	// Spin: the loop never sleeps in epoll_wait: a pipe holding a byte is
	// watched for reading, so every poll returns at once (an experiment:
	// what the loop would gain from busy-polling before it blocks).
	Spin bool
	// Selector makes each loop's selector; nil is the platform's default.
	Selector func() (selector.Selector, error)
}

func (lo Loops) newLoop() (*rt.Loop, error) {
	if lo.Selector == nil {
		return rt.NewLoop()
	}
	s, err := lo.Selector()
	if err != nil {
		return nil, err
	}
	return rt.NewLoop(rt.WithSelector(s))
}

// ServeProtocol is the Protocol echo server on the loops lo describes.
func ServeProtocol(lo Loops) Server {
	return OnLoops(lo, func(l *rt.Loop, addr string, reusePort bool) (*rt.Server, error) {
		if lo.Spin {
			if err := spinLoop(l); err != nil {
				return nil, err
			}
		}
		return rt.RunUntilComplete(l, l.CreateServer(func() rt.StreamProtocol { return &echoProto{} },
			"tcp4", addr, rt.WithBacklog(Somaxconn()), rt.WithReusePort(reusePort)))
	})
}

// spinLoop keeps l's every poll ready: a pipe with a byte in it, watched
// for reading (its fds stay open until the process exits).
func spinLoop(l *rt.Loop) error {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		return err
	}
	syscall.Write(p[1], []byte{1})
	return l.AddReader(p[0], func() {})
}

// OnLoops is a Server made of the loops lo describes, each on a goroutine
// of its own, each set up by start (which creates the listening server on addr,
// with SO_REUSEPORT when reusePort). Stop ends each loop with Stop through
// CallSoonThreadsafe, closes its server, aborts its connections, runs the
// loop until the server has none, and closes the loop.
func OnLoops(lo Loops, start func(l *rt.Loop, addr string, reusePort bool) (*rt.Server, error)) Server {
	loops := max(lo.N, 1)
	return func(addr string) (string, func(), error) {
		var stops []func()
		stopAll := func() {
			for _, s := range stops {
				s()
			}
		}
		bound := addr
		for range loops {
			b, s, err := onLoop(lo, bound, loops > 1, start)
			if err != nil {
				stopAll()
				return "", nil, err
			}
			bound, stops = b, append(stops, s)
		}
		return bound, stopAll, nil
	}
}

func onLoop(lo Loops, addr string, reusePort bool, start func(l *rt.Loop, addr string, reusePort bool) (*rt.Server, error)) (string, func(), error) {
	type started struct {
		addr string
		err  error
	}
	ready := make(chan started, 1)
	done := make(chan struct{})
	var l *rt.Loop
	go func() {
		defer close(done)
		var err error
		if l, err = lo.newLoop(); err != nil {
			ready <- started{err: err}
			return
		}
		defer l.Close()
		srv, err := start(l, addr, reusePort)
		if err != nil {
			ready <- started{err: err}
			return
		}
		ready <- started{addr: srv.Addrs()[0].String()}
		l.RunForever()
		// Connections end as a peer's reset would end them, and their
		// tasks finish before the loop closes (no task left pending).
		srv.Close()
		srv.AbortClients()
		l.RunUntilComplete(srv.WaitClosed())
	}()
	s := <-ready
	if s.err != nil {
		<-done
		return "", nil, s.err
	}
	return s.addr, func() {
		l.CallSoonThreadsafe(l.Stop)
		<-done
	}, nil
}
