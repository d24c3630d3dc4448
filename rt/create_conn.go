package rt

import (
	"fmt"
	"net"
	"os"

	"github.com/asyncgen/asyncgen/rt/selector"
	"golang.org/x/sys/unix"
)

// Conn is a connection set up by CreateConnection and its kin: the
// transport and the protocol the factory made for it (asyncio's
// (transport, protocol) pair). By the time an await of the future returns
// it, ConnectionMade has been called.
type Conn struct {
	Transport Transport
	Protocol  StreamProtocol
}

// CreateConnection connects to addr ("host:port") on network ("tcp",
// "tcp4" or "tcp6") and returns a future of the connection (asyncio's
// loop.create_connection). A host name is resolved on the loop's executor;
// every address it has is tried in order (or staggered, WithHappyEyeballs)
// and the first error is kept when all fail (see ConnectErrors). Errors
// are *net.OpError values wrapping the errno: errors.Is(err,
// unix.ECONNREFUSED) holds for a refused connection. Cancelling the future
// abandons the attempt and closes its sockets.
func (l *Loop) CreateConnection(factory func() StreamProtocol, network, addr string, opts ...ConnOption) *Future[Conn] {
	d, fut := newDialer(l, factory, opts)
	if fut.Done() {
		return fut
	}
	if _, _, err := families(network); err != nil || network[0] != 't' {
		fut.SetException(&net.OpError{Op: "dial", Net: network, Err: net.UnknownNetworkError(network)})
		return fut
	}
	d.network = network
	addrs := resolveAddrs(l, network, addr, false)
	if addrs.Done() {
		d.resolved(addrs)
		return fut
	}
	addrs.AddDoneCallback(d.resolved)
	fut.AddDoneCallback(func(f *Future[Conn]) {
		if f.Cancelled() {
			addrs.Cancel()
		}
	})
	return fut
}

// CreateUnixConnection connects to the Unix stream socket at path
// (asyncio's loop.create_unix_connection); see CreateConnection.
func (l *Loop) CreateUnixConnection(factory func() StreamProtocol, path string, opts ...ConnOption) *Future[Conn] {
	d, fut := newDialer(l, factory, opts)
	if fut.Done() {
		return fut
	}
	d.network = "unix"
	d.addrs = []unix.Sockaddr{&unix.SockaddrUnix{Name: path}}
	d.errs = make([]error, 1)
	d.startNext()
	return fut
}

// ConnectAcceptedSocket wraps fd, a connected stream socket accepted or
// connected by other means, in a transport (asyncio's
// loop.connect_accepted_socket). fd is made non-blocking and belongs to
// the transport from then on, unless the future fails.
func (l *Loop) ConnectAcceptedSocket(factory func() StreamProtocol, fd int) *Future[Conn] {
	fut := NewFuture[Conn](l)
	if l.closed {
		fut.SetException(ErrLoopClosed)
		return fut
	}
	if t, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE); err != nil || t != unix.SOCK_STREAM {
		if err == nil {
			err = fmt.Errorf("rt: ConnectAcceptedSocket: fd %d is not a stream socket", fd)
		}
		fut.SetException(os.NewSyscallError("getsockopt", err))
		return fut
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		fut.SetException(os.NewSyscallError("fcntl", err))
		return fut
	}
	peer, _ := unix.Getpeername(fd)
	p, err := callFactory(factory)
	var t *sockTransport
	if err == nil {
		t, err = newSockTransport(l, nil, fd, p, peer, nil, nil)
	}
	if err != nil {
		fut.SetException(err)
		return fut
	}
	completeAfterMade(l, fut, Conn{Transport: t, Protocol: p}, t)
	return fut
}

// completeAfterMade completes fut with v in the pass in which the
// transport's ConnectionMade runs, right after it (callbacks run in FIFO
// order), so an await of fut never sees a connection whose protocol was
// not told yet, even when the future is awaited only later. If fut was
// cancelled in the meantime, the transport is closed, as asyncio's
// create_connection does when cancelled while waiting for connection_made.
func completeAfterMade[T any](l *Loop, fut *Future[T], v T, t BaseTransport) {
	l.callSoon(funcCallback(func() {
		if fut.Done() {
			t.Close()
			return
		}
		fut.SetResult(v)
	}))
}

// dialer runs one CreateConnection: it tries the addresses, one at a time
// or staggered (happy eyeballs), and makes the transport on the first
// connected socket. It lives in callbacks; nothing blocks.
type dialer struct {
	l       *Loop
	fut     *Future[Conn]
	factory func() StreamProtocol
	opts    connOptions
	network string
	local   unix.Sockaddr
	addrs   []unix.Sockaddr
	errs    []error // by address index
	next    int
	flying  []*dialAttempt
	timer   *TimerHandle
	link    resLink // in the loop's resources while attempts are in flight
}

// dialAttempt is one connecting socket; it is its fd's writer.
type dialAttempt struct {
	d   *dialer
	fd  int
	reg *fdHandlers
	sa  unix.Sockaddr
	idx int
}

func newDialer(l *Loop, factory func() StreamProtocol, opts []ConnOption) (*dialer, *Future[Conn]) {
	fut := NewFuture[Conn](l)
	d := &dialer{l: l, fut: fut, factory: factory, opts: defaultConnOptions()}
	for _, o := range opts {
		o(&d.opts)
	}
	if l.closed {
		fut.SetException(ErrLoopClosed)
		return d, fut
	}
	if d.opts.highW >= 0 || d.opts.lowW >= 0 {
		// Bad marks fail here, before a connection is made that
		// would only be dropped.
		var fc flowControl
		if err := fc.setLimits(d.opts.highW, d.opts.lowW); err != nil {
			fut.SetException(err)
			return d, fut
		}
	}
	if d.opts.local != "" {
		sa, err := ResolveSockaddr("tcp", d.opts.local)
		if err != nil {
			fut.SetException(&net.OpError{Op: "dial", Net: "tcp", Err: err})
			return d, fut
		}
		d.local = sa
	}
	fut.AddDoneCallback(func(f *Future[Conn]) {
		if f.Cancelled() {
			d.abandon()
		}
	})
	return d, fut
}

func (d *dialer) resolved(f *Future[[]unix.Sockaddr]) {
	if d.fut.Done() {
		return
	}
	addrs, err := f.Result()
	if err != nil {
		d.fut.SetException(&net.OpError{Op: "dial", Net: d.network, Err: err})
		return
	}
	if d.local != nil {
		// Only addresses of the local address's family can be reached
		// from it.
		kept := addrs[:0:0]
		for _, sa := range addrs {
			if sockaddrFamily(sa) == sockaddrFamily(d.local) {
				kept = append(kept, sa)
			}
		}
		if len(kept) == 0 {
			d.fut.SetException(&net.OpError{Op: "dial", Net: d.network, Source: netAddr(unix.SOCK_STREAM, d.local),
				Err: &net.AddrError{Err: "no address of the local address's family", Addr: SockaddrString(addrs[0])}})
			return
		}
		addrs = kept
	}
	if d.opts.interleave {
		addrs = interleaveFamilies(addrs)
	}
	d.addrs = addrs
	d.errs = make([]error, len(addrs))
	d.startNext()
}

// startNext starts the next address that can be tried; with happy
// eyeballs it arms the timer that starts the one after.
func (d *dialer) startNext() {
	if d.timer != nil {
		d.timer.Cancel()
		d.timer = nil
	}
	for d.next < len(d.addrs) {
		i := d.next
		d.next++
		if d.attempt(i) {
			return // connected at once
		}
		if d.errs[i] != nil {
			continue
		}
		if d.opts.happyDelay >= 0 && d.next < len(d.addrs) {
			d.timer = d.l.CallLater(d.opts.happyDelay, d.startNext)
		}
		return
	}
	if len(d.flying) == 0 && !d.fut.Done() {
		var errs []error
		for _, err := range d.errs {
			if err != nil {
				errs = append(errs, err)
			}
		}
		d.fut.SetException(joinConnectErrors(errs))
	}
}

// attempt starts connecting to address i. It returns true when the
// connection was made at once; a failure is recorded in d.errs[i].
func (d *dialer) attempt(i int) bool {
	sa := d.addrs[i]
	fd, err := sysSocket(sockaddrFamily(sa), unix.SOCK_STREAM, 0)
	if err != nil {
		d.errs[i] = &net.OpError{Op: "dial", Net: d.network, Addr: netAddr(unix.SOCK_STREAM, sa), Err: os.NewSyscallError("socket", err)}
		return false
	}
	if d.local != nil {
		// No SO_REUSEADDR, as in asyncio (and Go's net): a local port
		// still in use, if only by a connection in TIME_WAIT, is refused.
		if err := unix.Bind(fd, d.local); err != nil {
			closeFD(fd)
			d.errs[i] = &net.OpError{Op: "dial", Net: d.network, Source: netAddr(unix.SOCK_STREAM, d.local),
				Addr: netAddr(unix.SOCK_STREAM, sa), Err: os.NewSyscallError("bind", err)}
			return false
		}
	}
	a := &dialAttempt{d: d, fd: fd, sa: sa, idx: i}
	for {
		err = unix.Connect(fd, sa)
		if err != unix.EINTR {
			break
		}
	}
	switch err {
	case nil, unix.EISCONN:
		if a.reg, err = d.l.own(fd); err != nil {
			closeFD(fd)
			d.errs[i] = err
			return false
		}
		d.win(a)
		return true
	case unix.EINPROGRESS, unix.EALREADY:
	case unix.EAGAIN:
		if sockaddrFamily(sa) == unix.AF_UNIX {
			// A Unix listener's full queue: not in progress, refused
			// for now (Go's net package fails the same way).
			d.errs[i] = connectError(fd, sa, err)
			closeFD(fd)
			return false
		}
	default:
		d.errs[i] = connectError(fd, sa, err) // before the close: it reads fd's type
		closeFD(fd)
		return false
	}
	if a.reg, err = d.l.own(fd); err == nil {
		err = d.l.setSlot(a.reg, selector.Write, a)
	}
	if err != nil {
		if a.reg != nil {
			d.l.disown(a.reg)
		}
		closeFD(fd)
		d.errs[i] = err
		return false
	}
	if len(d.flying) == 0 {
		d.l.addResource(&d.link, d)
	}
	d.flying = append(d.flying, a)
	return false
}

// closeWithLoop abandons the attempts in flight when the loop closes
// under them, closing their sockets and failing the future.
func (d *dialer) closeWithLoop() {
	d.abandon()
	if !d.fut.Done() {
		d.fut.SetException(ErrLoopClosed)
	}
}

// run is the attempt's writability: the connect finished one way or the
// other, and SO_ERROR says which.
func (a *dialAttempt) run() {
	d := a.d
	if a.fd < 0 || d.fut.Done() {
		return
	}
	err := sockError(a.fd)
	switch err {
	case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
		return
	case nil, unix.EISCONN:
		d.land(a)
		d.win(a)
		return
	}
	d.land(a)
	d.errs[a.idx] = connectError(a.fd, a.sa, err)
	a.close()
	d.startNext() // a failure starts the next address at once (RFC 8305)
}

func (a *dialAttempt) close() {
	if a.fd < 0 {
		return
	}
	a.d.l.disown(a.reg)
	closeFD(a.fd)
	a.fd = -1
}

// land takes a out of the attempts in flight.
func (d *dialer) land(a *dialAttempt) {
	for i, b := range d.flying {
		if b == a {
			d.flying = append(d.flying[:i], d.flying[i+1:]...)
			break
		}
	}
	if len(d.flying) == 0 {
		d.l.removeResource(&d.link)
	}
}

// win makes the transport on a's socket and abandons the other attempts.
func (d *dialer) win(a *dialAttempt) {
	if d.timer != nil {
		d.timer.Cancel()
		d.timer = nil
	}
	for _, b := range d.flying {
		b.close()
	}
	d.flying = nil
	d.l.removeResource(&d.link)
	l := d.l
	l.setSlot(a.reg, selector.Write, nil)
	p, err := callFactory(d.factory)
	var t *sockTransport
	if err == nil {
		t, err = newSockTransport(l, a.reg, a.fd, p, a.sa, nil, nil)
	}
	if err == nil && (d.opts.highW >= 0 || d.opts.lowW >= 0) {
		t.fc.setLimits(d.opts.highW, d.opts.lowW) // valid: newDialer checked them
	}
	if err != nil {
		a.close()
		d.fut.SetException(err)
		return
	}
	a.fd = -1
	completeAfterMade(l, d.fut, Conn{Transport: t, Protocol: p}, t)
}

// abandon closes every socket of a cancelled attempt.
func (d *dialer) abandon() {
	if d.timer != nil {
		d.timer.Cancel()
		d.timer = nil
	}
	for _, a := range d.flying {
		a.close()
	}
	d.flying = nil
	d.l.removeResource(&d.link)
	d.next = len(d.addrs)
}
