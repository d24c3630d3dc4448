package rt

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/asyncgen/asyncgen/rt/selector"
	"golang.org/x/sys/unix"
)

// acceptRetryDelay is how long accepting pauses after the process ran out
// of file descriptors or memory (asyncio's ACCEPT_RETRY_DELAY).
const acceptRetryDelay = time.Second

// Server is a set of listening sockets and the connections accepted on
// them (asyncio's base_events.Server), made by CreateServer and
// CreateUnixServer. Its methods must be called on the loop's goroutine.
type Server struct {
	loop      *Loop
	factory   func() StreamProtocol
	listeners []*listener // nil once closed
	backlog   int
	serving   bool
	active    int     // accepted connections not yet lost
	clients   resLink // sentinel of the list of those connections
	waiters   []*Future[Void]
	woken     bool // closed with no connection left: WaitClosed returns at once
	serveFut  *Future[Void]
	link      resLink
}

// listener is one listening socket of a server; it is the socket's
// reader.
type listener struct {
	srv  *Server
	fd   int
	reg  *fdHandlers
	addr net.Addr
	// local is the address every accepted socket has as its own (what
	// getsockname would say), shared by their transports; nil when the
	// listener's address is a wildcard, and each socket must be asked.
	local unix.Sockaddr
	retry *TimerHandle // accepting resumes when it fires (after EMFILE)
	// path and ino identify the socket file a Unix listener created, so
	// that Close removes that file and not one that replaced it.
	path string
	ino  uint64
}

// ServerSocket is one listening socket of a Server.
type ServerSocket struct {
	FD   int
	Addr net.Addr
}

func newServer(l *Loop, factory func() StreamProtocol, backlog int) *Server {
	s := &Server{loop: l, factory: factory, backlog: backlog}
	s.clients.next, s.clients.prev = &s.clients, &s.clients
	return s
}

// addListener takes fd (bound, not yet listening) into the server.
func (s *Server) addListener(fd int, bound unix.Sockaddr, path string) error {
	e, err := s.loop.own(fd)
	if err != nil {
		return err
	}
	ln := &listener{srv: s, fd: fd, reg: e, addr: netAddr(unix.SOCK_STREAM, bound), local: acceptedLocal(bound), path: path}
	if path != "" {
		var st unix.Stat_t
		if unix.Stat(path, &st) == nil {
			ln.ino = uint64(st.Ino)
		}
	}
	s.listeners = append(s.listeners, ln)
	return nil
}

// Loop returns the loop the server runs on.
func (s *Server) Loop() *Loop { return s.loop }

// Sockets returns the listening sockets; none once the server is closed.
func (s *Server) Sockets() []ServerSocket {
	out := make([]ServerSocket, 0, len(s.listeners))
	for _, ln := range s.listeners {
		out = append(out, ServerSocket{FD: ln.fd, Addr: ln.addr})
	}
	return out
}

// Addrs returns the addresses the server listens on (the ports the kernel
// chose for port 0 included).
func (s *Server) Addrs() []net.Addr {
	out := make([]net.Addr, 0, len(s.listeners))
	for _, ln := range s.listeners {
		out = append(out, ln.addr)
	}
	return out
}

// IsServing reports whether the server accepts connections.
func (s *Server) IsServing() bool { return s.serving }

// startServing listens and starts accepting (asyncio's _start_serving).
func (s *Server) startServing() error {
	if s.serving {
		return nil
	}
	if s.listeners == nil {
		return fmt.Errorf("rt: Server.StartServing: %w", ErrServerClosed)
	}
	for _, ln := range s.listeners {
		if err := unix.Listen(ln.fd, s.backlog); err != nil {
			return &net.OpError{Op: "listen", Net: ln.addr.Network(), Addr: ln.addr, Err: os.NewSyscallError("listen", err)}
		}
	}
	s.serving = true
	for _, ln := range s.listeners {
		if err := s.loop.setSlot(ln.reg, selector.Read, ln); err != nil {
			return err
		}
	}
	return nil
}

// run accepts up to backlog connections: the listener's reader.
func (ln *listener) run() {
	s := ln.srv
	l := s.loop
	for range s.backlog {
		if ln.fd < 0 {
			// The server was closed: by the protocol factory of an
			// accept of this loop, or, earlier in the pass that
			// queued this call, by another callback.
			return
		}
		nfd, sa, err := acceptFD(ln.fd)
		if isAgain(err) {
			return
		}
		if err != nil {
			switch err {
			case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM:
				// Out of descriptors or memory: say so, stop
				// watching the socket (level triggering would
				// spin on the pending connection), retry later.
				l.CallExceptionHandler(ErrorContext{
					Message: "rt: accept: out of system resources; accepting again in " + acceptRetryDelay.String(),
					Err:     &net.OpError{Op: "accept", Net: ln.addr.Network(), Addr: ln.addr, Err: os.NewSyscallError("accept", err)},
				})
				l.setSlot(ln.reg, selector.Read, nil)
				ln.retry = l.CallLater(acceptRetryDelay, ln.resume)
			default:
				l.CallExceptionHandler(ErrorContext{
					Message: "rt: accept failed",
					Err:     &net.OpError{Op: "accept", Net: ln.addr.Network(), Addr: ln.addr, Err: os.NewSyscallError("accept", err)},
				})
			}
			return
		}
		s.accepted(nfd, sa, ln.local)
	}
}

// acceptedLocal is bound when every socket accepted on it has bound as
// its local address: a Unix path, or a specific IP (and its port); nil
// for a wildcard IP, where the address depends on the connection.
func acceptedLocal(bound unix.Sockaddr) unix.Sockaddr {
	switch a := bound.(type) {
	case *unix.SockaddrInet4:
		if a.Addr == [4]byte{} {
			return nil
		}
	case *unix.SockaddrInet6:
		if a.Addr == [16]byte{} || a.ZoneId != 0 {
			return nil
		}
	case *unix.SockaddrUnix:
		if a.Name == "" {
			return nil
		}
	default:
		return nil
	}
	return bound
}

// resume starts accepting again after a resource shortage.
func (ln *listener) resume() {
	ln.retry = nil
	if ln.srv.serving && ln.fd >= 0 {
		ln.srv.loop.setSlot(ln.reg, selector.Read, ln)
	}
}

// accepted makes a transport for a new connection; a protocol factory
// that panics loses that connection only.
func (s *Server) accepted(nfd int, sa, local unix.Sockaddr) {
	l := s.loop
	p, err := callFactory(s.factory)
	if err == nil {
		_, err = newSockTransport(l, nil, nfd, p, sa, local, s)
	}
	if err != nil {
		closeFD(nfd)
		l.CallExceptionHandler(ErrorContext{Message: "rt: Server: cannot set up an accepted connection", Err: err, Protocol: p})
	}
}

func callFactory[P any](f func() P) (p P, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = FailureOf(v)
		}
	}()
	p = f()
	if any(p) == nil {
		err = &RuntimeError{Msg: "rt: protocol factory returned nil"}
	}
	return p, err
}

func (s *Server) attach(t *sockTransport) {
	s.active++
	k := &t.slink
	k.res = t
	k.prev, k.next = s.clients.prev, &s.clients
	s.clients.prev.next = k
	s.clients.prev = k
}

func (s *Server) detach(t *sockTransport) {
	k := &t.slink
	if k.next != nil {
		k.prev.next, k.next.prev = k.next, k.prev
		k.prev, k.next, k.res = nil, nil, nil
	}
	s.active--
	if s.active == 0 && s.listeners == nil {
		s.wakeup()
	}
}

func (s *Server) wakeup() {
	s.woken = true
	ws := s.waiters
	s.waiters = nil
	for _, w := range ws {
		if !w.Done() {
			w.SetResult(Void{})
		}
	}
}

// Close stops listening: the listening sockets are closed, ServeForever
// returns a CancelledError, and the accepted connections stay open (see
// CloseClients, AbortClients). Closing twice does nothing.
func (s *Server) Close() {
	lns := s.listeners
	if lns == nil {
		return
	}
	s.listeners = nil
	s.serving = false
	for _, ln := range lns {
		ln.close()
	}
	s.loop.removeResource(&s.link)
	if f := s.serveFut; f != nil && !f.Done() {
		f.Cancel()
	}
	s.serveFut = nil
	if s.active == 0 {
		s.wakeup()
	}
}

func (ln *listener) close() {
	if ln.retry != nil {
		ln.retry.Cancel()
		ln.retry = nil
	}
	if ln.fd < 0 {
		return
	}
	ln.srv.loop.disown(ln.reg)
	closeFD(ln.fd)
	ln.fd = -1
	if ln.path != "" {
		var st unix.Stat_t
		if unix.Stat(ln.path, &st) == nil && uint64(st.Ino) == ln.ino && st.Mode&unix.S_IFMT == unix.S_IFSOCK {
			os.Remove(ln.path)
		}
	}
}

// closeWithLoop closes the listening sockets with the loop.
func (s *Server) closeWithLoop() { s.Close() }

// CloseClients closes every accepted connection that is still open
// (asyncio 3.13): buffered data is sent first.
func (s *Server) CloseClients() { s.eachClient((*sockTransport).Close) }

// AbortClients aborts every accepted connection that is still open
// (asyncio 3.13), dropping buffered data.
func (s *Server) AbortClients() { s.eachClient((*sockTransport).Abort) }

func (s *Server) eachClient(fn func(*sockTransport)) {
	var ts []*sockTransport
	for k := s.clients.next; k != &s.clients; k = k.next {
		ts = append(ts, k.res.(*sockTransport))
	}
	for _, t := range ts {
		fn(t)
	}
}

// WaitClosed returns a future that completes once the server is closed
// and every connection it accepted is gone (asyncio 3.12.1, gh-79033).
func (s *Server) WaitClosed() *Future[Void] {
	f := NewFuture[Void](s.loop)
	if s.woken {
		f.SetResult(Void{})
		return f
	}
	s.waiters = append(s.waiters, f)
	return f
}

// StartServing returns a coroutine that starts accepting connections (a
// server made with WithStartServing(false) is bound but not listening)
// and then yields once, so the loop watches the sockets before the caller
// goes on.
func (s *Server) StartServing() Coro[Void] { return &startServing{s: s} }

type startServing struct {
	s     *Server
	state uint8
	err   error
}

func (c *startServing) Send(*Ctx) Yield {
	if c.state == 0 {
		c.state = 1
		if c.err = c.s.startServing(); c.err == nil {
			return Yield{kind: yieldBare}
		}
	}
	c.state = 2
	return Yield{}
}

func (c *startServing) Throw(_ *Ctx, err error) Yield {
	if c.state != 2 {
		c.state, c.err = 2, err
	}
	return Yield{}
}

func (c *startServing) Close() { c.state = 2 }

func (c *startServing) Result() (Void, error) {
	if c.state != 2 {
		return Void{}, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return Void{}, c.err
}

// ServeForever returns a coroutine that serves until the server is closed
// or the coroutine's task is cancelled; either way it closes the server
// and returns a CancelledError. It fails at once on a closed server
// (ErrServerClosed) or when another ServeForever is running
// (ErrAlreadyServing). Unlike asyncio 3.12 it does not then wait for the
// accepted connections to end: await WaitClosed for that.
func (s *Server) ServeForever() Coro[Void] { return &serveForever{s: s} }

type serveForever struct {
	s     *Server
	fut   *Future[Void]
	state uint8
	err   error
}

func (c *serveForever) Send(*Ctx) Yield {
	s := c.s
	switch c.state {
	case 0:
		c.state = 2
		switch {
		case s.serveFut != nil:
			c.err = fmt.Errorf("rt: Server.ServeForever: %w", ErrAlreadyServing)
		case s.listeners == nil:
			c.err = fmt.Errorf("rt: Server.ServeForever: %w", ErrServerClosed)
		default:
			if c.err = s.startServing(); c.err != nil {
				return Yield{}
			}
			c.fut = NewFuture[Void](s.loop)
			s.serveFut = c.fut
			c.state = 1
			return Yield{fut: c.fut, kind: yieldFuture}
		}
	case 1:
		if !c.fut.Done() {
			return Yield{fut: c.fut, kind: yieldFuture}
		}
		_, c.err = c.fut.Result() // cancelled: by Close or by our task
		c.finish()
	}
	return Yield{}
}

func (c *serveForever) Throw(_ *Ctx, err error) Yield {
	if c.state == 1 {
		c.err = err
		c.finish()
	} else if c.state == 0 {
		c.state, c.err = 2, err
	}
	return Yield{}
}

func (c *serveForever) finish() {
	c.state = 2
	if c.s.serveFut == c.fut {
		c.s.serveFut = nil
	}
	c.s.Close()
}

func (c *serveForever) Close() {
	if c.state == 1 && c.s.serveFut == c.fut {
		c.s.serveFut = nil
	}
	c.state = 2
}

func (c *serveForever) Result() (Void, error) {
	if c.state != 2 {
		return Void{}, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return Void{}, c.err
}
