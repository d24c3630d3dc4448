package rt

import (
	"errors"
	"fmt"
	"os"

	"github.com/asyncgen/asyncgen/rt/selector"
	"golang.org/x/sys/unix"
)

// The loop's low-level socket operations (asyncio's loop.sock_recv,
// sock_sendall, sock_accept, sock_connect in selector_events.py) on raw
// non-blocking file descriptors. Each is a hand-written coroutine: it tries
// the syscall at once and, only if the socket is not ready (EAGAIN),
// registers itself as the reader or writer of the fd and waits on a future
// that it completes when the fd is ready. The operation itself is the
// callback the loop runs, so a wait allocates nothing.
//
// When the operation has received or sent its data, or is cancelled, its
// registration is parked rather than removed (see fdHandlers): the task it
// wakes usually waits on the same fd again before the next pass and takes
// the registration over, so a conversation costs no epoll_ctl per message.
// Whatever nobody took over is removed at the end of the next pass. After
// an error or end of file, or when the coroutine is thrown into or closed,
// the registration is removed at once. Either way the fd is left as it was
// found and can be used again; but see AddReader before closing it.
//
// One operation per fd and direction may wait at a time: a second one that
// would have to wait fails with ErrFDBusy instead of silently replacing the
// first one's callback (asyncio 3.11 replaces it, and the first operation
// then never completes). The same error reports an fd that a transport or
// an AddReader/AddWriter user is watching (asyncio's
// _ensure_fd_no_transport).
//
// Errors from the kernel are *os.SyscallError values ("read", "write",
// "accept4") and, for SockConnect, a *net.OpError carrying the address;
// errors.Is(err, unix.ECONNRESET) and the like hold for all of them.

// ErrFDBusy is returned by a socket operation that would wait for a file
// descriptor that already has a reader (or writer, for the write side)
// registered on the loop. Its text never changes.
var ErrFDBusy = errors.New("file descriptor is already being waited on")

// Accepted is a connection taken by SockAccept: its non-blocking,
// close-on-exec fd and the peer's address.
type Accepted struct {
	FD   int
	Addr unix.Sockaddr
}

// SockRecv returns a coroutine that receives up to n bytes from the socket
// fd (asyncio's loop.sock_recv). It returns an empty slice at end of file.
// fd must be non-blocking.
func (l *Loop) SockRecv(fd int, n int) Coro[[]byte] {
	r := &sockRecv{n: n}
	r.init(l, fd, selector.Read, "SockRecv", r)
	return r
}

// SockRecvInto returns a coroutine that receives into buf and returns the
// number of bytes read, 0 at end of file (asyncio's loop.sock_recv_into).
// buf belongs to the operation until it completes.
func (l *Loop) SockRecvInto(fd int, buf []byte) Coro[int] {
	r := &sockRecvInto{buf: buf}
	r.init(l, fd, selector.Read, "SockRecvInto", r)
	return r
}

// SockSendall returns a coroutine that sends all of data to the socket fd,
// waiting for it to become writable as often as needed (asyncio's
// loop.sock_sendall). data must not change until the coroutine completes.
// On error there is no telling how much of data the peer received.
func (l *Loop) SockSendall(fd int, data []byte) Coro[Void] {
	s := &sockSendall{data: data}
	s.init(l, fd, selector.Write, "SockSendall", s)
	return s
}

// SockAccept returns a coroutine that accepts one connection on the
// listening socket fd (asyncio's loop.sock_accept). The new fd is
// non-blocking and close-on-exec; closing it is the caller's job.
func (l *Loop) SockAccept(fd int) Coro[Accepted] {
	a := &sockAccept{}
	a.init(l, fd, selector.Read, "SockAccept", a)
	return a
}

// SockConnect returns a coroutine that connects the socket fd to sa
// (asyncio's loop.sock_connect): the connect runs in the background and
// the coroutine waits until the socket is writable, then reads the
// outcome from SO_ERROR. A failure is a *net.OpError naming the address.
func (l *Loop) SockConnect(fd int, sa unix.Sockaddr) Coro[Void] {
	c := &sockConnect{sa: sa}
	c.init(l, fd, selector.Write, "SockConnect", c)
	c.fresh = true
	return c
}

// attempter is the syscall part of a socket operation. attempt tries it
// once; it returns false when the socket is not ready, and otherwise
// records the outcome (a result or fdWait.err) and returns true.
type attempter interface{ attempt() bool }

const (
	opNew uint8 = iota
	opWaiting
	opDone
)

// fdWait is what every socket operation shares: the coroutine protocol, the
// future its task sleeps on, and the reader or writer it registered. The
// future only signals; results live in the operation, and errors in err,
// so a failure never goes through the loop's unretrieved-error log.
type fdWait struct {
	l     *Loop
	fd    int
	ev    selector.Event
	state uint8
	// eof: the read met end of file, so nothing more will be read and the
	// registration is removed rather than parked.
	eof bool
	// fresh: the fd is new (SockConnect), so a parked registration under
	// its number belongs to a closed file and must not be taken over.
	fresh bool
	name  string
	op    attempter
	reg   *fdHandlers // where we are the reader/writer while registered
	fut   Future[Void]
	err   error
}

func (w *fdWait) init(l *Loop, fd int, ev selector.Event, name string, op attempter) {
	w.l, w.fd, w.ev, w.name, w.op = l, fd, ev, name, op
}

// Send starts the operation, or finishes it once the I/O callback (or a
// cancellation) has completed the future.
func (w *fdWait) Send(c *Ctx) Yield {
	switch w.state {
	case opNew:
		w.state = opDone
		if w.err = w.check(c); w.err != nil {
			return Yield{}
		}
		if w.op.attempt() {
			return Yield{}
		}
		if w.err = w.watch(); w.err != nil {
			return Yield{}
		}
		w.state = opWaiting
		return Yield{fut: &w.fut, kind: yieldFuture}
	case opWaiting:
		if !w.fut.Done() {
			return Yield{fut: &w.fut, kind: yieldFuture} // spurious wake-up
		}
		w.state = opDone
		if w.fut.Cancelled() {
			w.unwatch(false)
			w.err = w.fut.failure()
		}
	}
	return Yield{}
}

// Throw abandons the operation with err; an operation not yet started
// never touches the socket.
func (w *fdWait) Throw(_ *Ctx, err error) Yield {
	if w.state != opDone {
		w.unwatch(true)
		w.state = opDone
		w.err = err
	}
	return Yield{}
}

// Close abandons a pending operation, leaving the fd unwatched.
func (w *fdWait) Close() {
	if w.state != opDone {
		w.unwatch(true)
		w.state = opDone
		w.err = errRefClosed
	}
}

// check refuses to run on a loop other than the one the operation was made
// for: its future and its reader belong to that loop. In debug mode it
// also rejects a blocking fd, as asyncio does, since one would stall the
// whole loop.
func (w *fdWait) check(c *Ctx) error {
	if c == nil || c.task == nil || c.Loop() != w.l {
		return &RuntimeError{Msg: "rt: " + w.name + ": awaited from a task on a different loop than the one it was created for"}
	}
	if w.l.debug {
		nb, err := isNonblocking(w.fd)
		if err != nil {
			return err
		}
		if !nb {
			return &RuntimeError{Msg: fmt.Sprintf("rt: %s: fd %d must be non-blocking", w.name, w.fd)}
		}
	}
	return nil
}

// watch registers the operation as the fd's reader or writer, refusing
// to displace another one.
func (w *fdWait) watch() error {
	l := w.l
	e := l.fdsGet(w.fd)
	if e != nil && (e.owned || *e.slot(w.ev) != nil) {
		return fmt.Errorf("rt: %s: fd %d: %w", w.name, w.fd, ErrFDBusy)
	}
	if w.fresh && e != nil && e.mask&w.ev != 0 {
		// Re-register instead of taking the parked bit over: setInterest
		// re-registers a number whose file was closed.
		if err := l.setInterest(e, e.mask&^w.ev); err != nil {
			return err
		}
	}
	e, err := l.arm(w.fd, w.ev, w)
	if err != nil {
		return err
	}
	w.reg = e
	w.fut.loop = l
	return nil
}

// unwatch gives up our reader or writer, unless someone has replaced it
// since (asyncio checks handle.cancelled() for the same reason): at once,
// or parked for the task to take over (see fdHandlers).
func (w *fdWait) unwatch(now bool) {
	e := w.reg
	if e == nil {
		return
	}
	w.reg = nil
	l := w.l
	if l.closed || e.dead || *e.slot(w.ev) != callback(w) {
		return
	}
	if now {
		*e.slot(w.ev) = nil
		l.setInterest(e, e.want())
	} else {
		l.park(e, w.ev)
	}
}

// run is the I/O callback: retry the syscall and, once it has an outcome,
// wake the task and then give up the registration; parked, it is swept
// after the task has had a chance to wait on the fd again.
func (w *fdWait) run() {
	if w.fut.Done() {
		return // cancelled; the task has not resumed yet
	}
	if e := w.reg; e == nil || e.dead || *e.slot(w.ev) != callback(w) {
		return // replaced or removed by AddReader/RemoveReader...
	}
	if w.op.attempt() {
		w.fut.SetResult(Void{})
		w.unwatch(w.err != nil || w.eof)
	}
}

type sockRecv struct {
	fdWait
	n    int
	data []byte
}

func (r *sockRecv) attempt() bool {
	if r.n <= 0 {
		if r.n < 0 {
			r.err = fmt.Errorf("rt: SockRecv: negative size %d", r.n)
		}
		r.data = []byte{}
		return true
	}
	if r.data == nil {
		r.data = make([]byte, r.n)
	}
	n, err := readFD(r.fd, r.data)
	if isAgain(err) {
		return false
	}
	r.data = r.data[:n]
	r.eof = n == 0
	if err != nil {
		r.data, r.err = nil, os.NewSyscallError("read", err)
	}
	return true
}

// Result returns the bytes received (empty at end of file).
func (r *sockRecv) Result() ([]byte, error) {
	if r.state != opDone {
		return nil, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	if r.err != nil {
		return nil, r.err
	}
	return r.data, nil
}

type sockRecvInto struct {
	fdWait
	buf []byte
	n   int
}

func (r *sockRecvInto) attempt() bool {
	if len(r.buf) == 0 {
		return true
	}
	n, err := readFD(r.fd, r.buf)
	if isAgain(err) {
		return false
	}
	r.n = n
	r.eof = n == 0
	if err != nil {
		r.err = os.NewSyscallError("read", err)
	}
	return true
}

// Result returns the number of bytes received into the buffer.
func (r *sockRecvInto) Result() (int, error) {
	if r.state != opDone {
		return 0, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	if r.err != nil {
		return 0, r.err
	}
	return r.n, nil
}

type sockSendall struct {
	fdWait
	data []byte
	pos  int
}

// attempt writes as much as the socket takes; it is done only when
// everything is written (or the write failed).
func (s *sockSendall) attempt() bool {
	for s.pos < len(s.data) {
		n, err := writeFD(s.fd, s.data[s.pos:])
		s.pos += n
		if isAgain(err) {
			return false
		}
		if err != nil {
			s.err = os.NewSyscallError("write", err)
			return true
		}
	}
	s.data = nil // do not keep the caller's buffer alive
	return true
}

// Result reports whether all the data was sent.
func (s *sockSendall) Result() (Void, error) {
	if s.state != opDone {
		return Void{}, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return Void{}, s.err
}

type sockAccept struct {
	fdWait
	conn Accepted
}

func (a *sockAccept) attempt() bool {
	nfd, sa, err := acceptFD(a.fd)
	if isAgain(err) {
		return false
	}
	if err != nil {
		a.err = os.NewSyscallError("accept4", err)
		return true
	}
	a.l.forgetParked(nfd)
	a.conn = Accepted{FD: nfd, Addr: sa}
	return true
}

// Result returns the accepted connection.
func (a *sockAccept) Result() (Accepted, error) {
	if a.state != opDone {
		return Accepted{FD: -1}, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	if a.err != nil {
		return Accepted{FD: -1}, a.err
	}
	return a.conn, nil
}

type sockConnect struct {
	fdWait
	sa      unix.Sockaddr
	started bool // connect(2) was called; now waiting for its outcome
}

// attempt calls connect once, then on each writability reads SO_ERROR. As
// in Go's net package, EINTR from connect means the connection goes on in
// the background (CPython issue 23618), and EISCONN means it is done.
func (s *sockConnect) attempt() bool {
	var err error
	if !s.started {
		s.started = true
		if s.sa == nil {
			s.err = connectError(s.fd, nil, unix.EINVAL) // x/sys would panic
			return true
		}
		err = unix.Connect(s.fd, s.sa)
		switch err {
		case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
			return false
		}
	} else {
		err = sockError(s.fd)
		switch err {
		case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
			return false
		}
	}
	if err != nil && err != unix.EISCONN {
		s.err = connectError(s.fd, s.sa, err)
	}
	return true
}

// Result reports whether the connection was established.
func (s *sockConnect) Result() (Void, error) {
	if s.state != opDone {
		return Void{}, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return Void{}, s.err
}
