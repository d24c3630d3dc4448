package rt

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/asyncgen/asyncgen/rt/selector"
	"golang.org/x/sys/unix"
)

// dgramTransport is the selector datagram transport (asyncio's
// _SelectorDatagramTransport): one recvfrom per readiness event into the
// loop's buffer, sends tried at once and queued (one datagram per entry)
// only when the socket is full. Errors of single sends and receives go to
// ErrorReceived and leave the endpoint open.
type dgramTransport struct {
	loop    *Loop
	reg     *fdHandlers
	fd      int
	proto   DatagramProtocol
	remote  unix.Sockaddr // the connected peer, or nil
	local   unix.Sockaddr
	network string

	wq    []dgram
	wsize int
	fc    flowControl

	lostErr  error
	dropped  int32
	connLost bool
	closing  bool
	lostDone bool
	made     bool
	link     resLink
}

type dgram struct {
	data []byte
	sa   unix.Sockaddr
}

type (
	dgramWriter dgramTransport
	dgramStart  dgramTransport
	dgramLost   dgramTransport
)

// ErrAddrMismatch is returned by SendTo on a connected endpoint when addr
// is not the remote address.
var ErrAddrMismatch = errors.New("invalid address: must be nil or the remote address")

// DatagramConn is what CreateDatagramEndpoint gives: the transport and the
// protocol the factory made.
type DatagramConn struct {
	Transport DatagramTransport
	Protocol  DatagramProtocol
}

// CreateDatagramEndpoint creates a datagram endpoint on network ("udp",
// "udp4", "udp6" or "unixgram") and returns a future of it (asyncio's
// loop.create_datagram_endpoint). WithDatagramLocalAddr binds it,
// WithDatagramRemoteAddr connects it; host names are resolved on the
// executor. ConnectionMade has been called when an await of the future
// returns. On "udp" an IPv6 endpoint is dual-stack, as asyncio's are:
// bound to "[::]:port" it hears IPv4 peers too (their addresses are
// IPv4-mapped, and SendTo takes them back); on "udp6" it is IPv6 only.
func (l *Loop) CreateDatagramEndpoint(factory func() DatagramProtocol, network string, opts ...DatagramOption) *Future[DatagramConn] {
	fut := NewFuture[DatagramConn](l)
	if l.closed {
		fut.SetException(ErrLoopClosed)
		return fut
	}
	var o datagramOptions
	for _, opt := range opts {
		opt(&o)
	}
	opErr := func(err error) error {
		if _, ok := err.(*net.OpError); ok {
			return err
		}
		return &net.OpError{Op: "listen", Net: network, Err: err}
	}
	if network == "unixgram" {
		var local, remote unix.Sockaddr
		if o.local != "" {
			removeStaleSocket(o.local)
			local = &unix.SockaddrUnix{Name: o.local}
		}
		if o.remote != "" {
			remote = &unix.SockaddrUnix{Name: o.remote}
		}
		if c, err := l.newDatagram(factory, network, unix.AF_UNIX, local, remote, o); err != nil {
			fut.SetException(opErr(err))
		} else {
			completeAfterMade(l, fut, c, c.Transport)
		}
		return fut
	}
	if _, _, err := families(network); err != nil || network[0] != 'u' {
		fut.SetException(opErr(net.UnknownNetworkError(network)))
		return fut
	}
	if o.local == "" && o.remote == "" {
		fut.SetException(opErr(errors.New("a local or a remote address is required")))
		return fut
	}
	// Resolve the remote address, then the local one, then pick a family
	// both have.
	resolve := func(addr string, passive bool, then func([]unix.Sockaddr)) {
		if addr == "" {
			then(nil)
			return
		}
		f := resolveAddrs(l, network, addr, passive)
		done := func(f *Future[[]unix.Sockaddr]) {
			if fut.Done() {
				return
			}
			sas, err := f.Result()
			if err != nil {
				fut.SetException(opErr(err))
				return
			}
			then(sas)
		}
		if f.Done() {
			done(f)
		} else {
			f.AddDoneCallback(done)
		}
	}
	resolve(o.remote, false, func(remotes []unix.Sockaddr) {
		resolve(o.local, true, func(locals []unix.Sockaddr) {
			local, remote := pickFamily(locals, remotes)
			if local == nil && remote == nil {
				fut.SetException(opErr(errors.New("no local and remote addresses of the same family")))
				return
			}
			family := sockaddrFamily(remote)
			if remote == nil {
				family = sockaddrFamily(local)
			}
			c, err := l.newDatagram(factory, network, family, local, remote, o)
			if err != nil {
				fut.SetException(opErr(err))
				return
			}
			completeAfterMade(l, fut, c, c.Transport)
		})
	})
	return fut
}

// pickFamily returns the first local and remote addresses of a family both
// lists have (either list may be empty).
func pickFamily(locals, remotes []unix.Sockaddr) (local, remote unix.Sockaddr) {
	switch {
	case len(locals) == 0:
		return nil, remotes[0]
	case len(remotes) == 0:
		return locals[0], nil
	}
	for _, r := range remotes {
		for _, lo := range locals {
			if sockaddrFamily(lo) == sockaddrFamily(r) {
				return lo, r
			}
		}
	}
	return nil, nil
}

func (l *Loop) newDatagram(factory func() DatagramProtocol, network string, family int, local, remote unix.Sockaddr, o datagramOptions) (DatagramConn, error) {
	fd, err := sysSocket(family, unix.SOCK_DGRAM, 0)
	if err != nil {
		return DatagramConn{}, os.NewSyscallError("socket", err)
	}
	fail := func(call string, err error) (DatagramConn, error) {
		closeFD(fd)
		if call != "" {
			err = os.NewSyscallError(call, err)
		}
		return DatagramConn{}, err
	}
	if family == unix.AF_INET6 {
		// "udp" on IPv6 is dual-stack, as asyncio's datagram sockets
		// are (it leaves the option off; we set it, so that the sysctl
		// default does not decide): bound to "::" it hears IPv4 peers
		// too. "udp6" is IPv6 only, as in Go's net.
		v6only := 0
		if network == "udp6" {
			v6only = 1
		}
		unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only)
	}
	if o.broadcast {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_BROADCAST, 1); err != nil {
			return fail("setsockopt", err)
		}
	}
	if o.reusePort {
		if err := setReusePort(fd); err != nil {
			return fail("setsockopt", err)
		}
	}
	if local != nil {
		if err := unix.Bind(fd, local); err != nil {
			return fail("bind", err)
		}
	}
	if remote != nil {
		if err := unix.Connect(fd, remote); err != nil {
			return fail("connect", err)
		}
	}
	p, err := callFactory(factory)
	if err != nil {
		return fail("", err)
	}
	e, err := l.own(fd)
	if err != nil {
		return fail("", err)
	}
	t := &dgramTransport{loop: l, reg: e, fd: fd, proto: p, remote: remote, network: network}
	// Read now, as asyncio does, so that it is still known after close.
	t.local, _ = unix.Getsockname(fd)
	t.fc.init()
	switch family {
	case unix.AF_INET:
		t.network = "udp4"
	case unix.AF_INET6:
		t.network = "udp6"
	}
	l.addResource(&t.link, t)
	l.callSoon((*dgramStart)(t))
	return DatagramConn{Transport: t, Protocol: p}, nil
}

func (s *dgramStart) run() {
	t := (*dgramTransport)(s)
	if t.lostDone {
		return
	}
	t.made = true
	// Reading starts even if ConnectionMade panics, as the stream
	// transport's does.
	defer t.startReading()
	l := t.loop
	l.net.making, l.net.makingProto = t, t.proto
	t.proto.ConnectionMade(t)
	l.net.making, l.net.makingProto = nil, nil
}

func (t *dgramTransport) startReading() {
	if !t.closing {
		t.loop.setSlot(t.reg, selector.Read, t)
	}
}

// run is the read callback: one datagram per readiness event.
func (t *dgramTransport) run() {
	if t.closing {
		return // closed after the poll queued this call
	}
	buf := t.loop.readBuffer()
	if t.network == "unixgram" {
		buf = t.loop.unixgramBuffer()
	}
	var n int
	var sa unix.Sockaddr
	var err error
	for {
		n, sa, err = unix.Recvfrom(t.fd, buf, 0)
		if err != unix.EINTR {
			break
		}
	}
	switch {
	case isAgain(err):
	case err != nil:
		t.proto.ErrorReceived(t.endpointError("read", "recvfrom", nil, err))
	default:
		if sa == nil {
			sa = t.remote
		}
		t.proto.DatagramReceived(buf[:n], sockNetAddr(t.network, sa))
	}
}

// SendTo sends one datagram to addr (nil: the remote address).
func (t *dgramTransport) SendTo(p []byte, addr net.Addr) error {
	if t.loop.debug && t.loop.running {
		t.loop.checkGoroutine("DatagramTransport.SendTo")
	}
	var sa unix.Sockaddr
	if addr != nil {
		var err error
		if sa, err = sockaddrOf(addr); err != nil {
			return err
		}
		if t.network == "udp6" {
			sa = v4Mapped(sa) // an IPv4 peer of a dual-stack socket
		}
		if t.remote != nil && SockaddrString(sa) != SockaddrString(t.remote) {
			return fmt.Errorf("rt: SendTo %s: %w", addr, ErrAddrMismatch)
		}
	}
	if t.remote == nil && sa == nil {
		return &net.AddrError{Err: "SendTo: no address and the endpoint is not connected"}
	}
	if t.connLost {
		t.dropped++
		if t.dropped == maxDroppedWritesBeforeWarning {
			t.loop.CallExceptionHandler(ErrorContext{Message: "rt: datagram transport: sends after the endpoint was closed are dropped", Err: net.ErrClosed, Transport: t})
		}
		return nil
	}
	if len(t.wq) == 0 {
		err := t.send(p, sa)
		if !isAgain(err) {
			if err != nil {
				t.proto.ErrorReceived(t.endpointError("write", "sendto", sa, err))
			}
			return nil
		}
		t.loop.setSlot(t.reg, selector.Write, (*dgramWriter)(t))
	}
	t.wq = append(t.wq, dgram{data: append([]byte(nil), p...), sa: sa})
	t.wsize += len(p)
	t.fc.maybePause(t.loop, t, t.proto, t.wsize)
	return nil
}

func (t *dgramTransport) send(p []byte, sa unix.Sockaddr) error {
	for {
		var err error
		if sa == nil {
			_, err = unix.Write(t.fd, p)
		} else {
			err = unix.Sendto(t.fd, p, 0, sa)
		}
		if err != unix.EINTR {
			return err
		}
	}
}

func (w *dgramWriter) run() {
	t := (*dgramTransport)(w)
	if t.connLost {
		return
	}
	for len(t.wq) > 0 {
		d := t.wq[0]
		err := t.send(d.data, d.sa)
		if isAgain(err) {
			break
		}
		t.wq[0] = dgram{}
		t.wq = t.wq[1:]
		t.wsize -= len(d.data)
		if err != nil {
			t.proto.ErrorReceived(t.endpointError("write", "sendto", d.sa, err))
			if t.connLost {
				return
			}
		}
	}
	t.fc.maybeResume(t.loop, t, t.proto, t.wsize)
	if len(t.wq) > 0 || t.connLost {
		return
	}
	t.wq = nil
	t.loop.setSlot(t.reg, selector.Write, nil)
	if t.closing {
		t.connectionLost(nil)
	}
}

// Close closes the endpoint once the queued datagrams are sent.
func (t *dgramTransport) Close() {
	if t.closing {
		return
	}
	t.closing = true
	t.loop.setSlot(t.reg, selector.Read, nil)
	if len(t.wq) == 0 {
		t.scheduleLost(nil)
	}
}

// Abort closes the endpoint now, dropping queued datagrams.
func (t *dgramTransport) Abort() {
	if t.connLost {
		return
	}
	t.wq, t.wsize = nil, 0
	if !t.closing {
		t.closing = true
		t.loop.setSlot(t.reg, selector.Read, nil)
	}
	t.scheduleLost(nil)
}

func (t *dgramTransport) scheduleLost(err error) {
	t.connLost, t.lostErr = true, err
	t.loop.setSlot(t.reg, selector.Write, nil)
	t.loop.callSoon((*dgramLost)(t))
}

func (s *dgramLost) run() { (*dgramTransport)(s).connectionLost((*dgramTransport)(s).lostErr) }

func (t *dgramTransport) connectionLost(err error) {
	if t.lostDone {
		return
	}
	t.lostDone, t.connLost, t.closing = true, true, true
	defer t.release()
	if t.made {
		t.proto.ConnectionLost(err)
	}
}

// release closes the fd (unregistered first) and leaves the loop's list.
func (t *dgramTransport) release() {
	t.wq, t.wsize, t.lostErr = nil, 0, nil
	if t.fd >= 0 {
		t.loop.disown(t.reg)
		closeFD(t.fd)
		t.fd = -1
	}
	t.loop.removeResource(&t.link)
}

func (t *dgramTransport) closeWithLoop() {
	err := error(ErrTransportClosed)
	if t.connLost {
		err = t.lostErr
	}
	t.connectionLost(err)
}

// IsClosing reports whether the endpoint is closing or closed.
func (t *dgramTransport) IsClosing() bool { return t.closing }

// endpointError is a failed call on the endpoint as Go's net reports
// one: a *net.OpError naming our address and the other end (to, else the
// remote address, if any) around the errno. op is net's name for what
// failed ("read", "write"); call is the system call.
func (t *dgramTransport) endpointError(op, call string, to unix.Sockaddr, errno error) error {
	if to == nil {
		to = t.remote
	}
	local, _ := t.GetExtraInfo("sockname").(net.Addr)
	return &net.OpError{Op: op, Net: t.network, Source: local, Addr: sockNetAddr(t.network, to),
		Err: os.NewSyscallError(call, errno)}
}

// GetExtraInfo returns "peername" (the remote address, or nil),
// "sockname" (net.Addr) or "socket" (the fd).
func (t *dgramTransport) GetExtraInfo(name string) any {
	switch name {
	case "peername":
		return sockNetAddr(t.network, t.remote)
	case "sockname":
		return sockNetAddr(t.network, t.local)
	case "socket":
		return t.fd
	}
	return nil
}

// GetWriteBufferSize returns how many bytes of datagrams are queued.
func (t *dgramTransport) GetWriteBufferSize() int { return t.wsize }

// SetWriteBufferLimits sets the water marks.
func (t *dgramTransport) SetWriteBufferLimits(high, low int) error {
	if err := t.fc.setLimits(high, low); err != nil {
		return err
	}
	t.fc.maybePause(t.loop, t, t.proto, t.wsize)
	return nil
}

// GetWriteBufferLimits returns the low- and high-water marks.
func (t *dgramTransport) GetWriteBufferLimits() (low, high int) {
	return int(t.fc.low), int(t.fc.high)
}

// GetProtocol returns the protocol.
func (t *dgramTransport) GetProtocol() DatagramProtocol { return t.proto }

// SetProtocol switches the endpoint to p.
func (t *dgramTransport) SetProtocol(p DatagramProtocol) {
	if p == nil {
		panic("rt: DatagramTransport.SetProtocol(nil)")
	}
	t.proto = p
}

// v4Mapped turns an IPv4 address into its IPv4-mapped IPv6 form
// (::ffff:a.b.c.d), the form an IPv6 socket sends to an IPv4 peer in; an
// IPv4 peer's address, as DatagramReceived reports it, has no family of
// its own in a net.IP.
func v4Mapped(sa unix.Sockaddr) unix.Sockaddr {
	a, ok := sa.(*unix.SockaddrInet4)
	if !ok {
		return sa
	}
	m := &unix.SockaddrInet6{Port: a.Port}
	m.Addr[10], m.Addr[11] = 0xff, 0xff
	copy(m.Addr[12:], a.Addr[:])
	return m
}

// sockaddrOf converts a net.Addr to a socket address.
func sockaddrOf(addr net.Addr) (unix.Sockaddr, error) {
	var ip net.IP
	var port int
	var zone string
	switch a := addr.(type) {
	case *net.UDPAddr:
		ip, port, zone = a.IP, a.Port, a.Zone
	case *net.TCPAddr:
		ip, port, zone = a.IP, a.Port, a.Zone
	case *net.UnixAddr:
		return &unix.SockaddrUnix{Name: a.Name}, nil
	default:
		return ResolveSockaddr("udp", addr.String())
	}
	if ip4 := ip.To4(); ip4 != nil {
		sa := &unix.SockaddrInet4{Port: port}
		copy(sa.Addr[:], ip4)
		return sa, nil
	}
	if len(ip) == net.IPv6len {
		sa := &unix.SockaddrInet6{Port: port}
		copy(sa.Addr[:], ip)
		if zone != "" {
			idx, err := zoneIndex(zone)
			if err != nil {
				return nil, err
			}
			sa.ZoneId = idx
		}
		return sa, nil
	}
	return nil, &net.AddrError{Err: "not an IP address", Addr: addr.String()}
}
