package rt

import (
	"errors"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// CreateServer listens on addr ("host:port"; an empty host is every
// interface) on network ("tcp", "tcp4" or "tcp6") and returns a future of
// the Server (asyncio's loop.create_server). factory makes the protocol of
// each accepted connection. A host name is resolved on the executor and
// the server gets a listening socket for each of its addresses; with port
// 0 every socket gets the port the kernel chose for the first. IPv6
// sockets are IPV6_V6ONLY, so "::" and "0.0.0.0" do not collide. A
// machine without IPv6 simply gets no IPv6 socket for the empty host.
func (l *Loop) CreateServer(factory func() StreamProtocol, network, addr string, opts ...ServerOption) *Future[*Server] {
	fut := NewFuture[*Server](l)
	if l.closed {
		fut.SetException(ErrLoopClosed)
		return fut
	}
	o := defaultServerOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if _, _, err := families(network); err != nil || network[0] != 't' {
		fut.SetException(&net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)})
		return fut
	}
	host, _, _ := net.SplitHostPort(addr)
	addrs := resolveAddrs(l, network, addr, true)
	finish := func(addrs *Future[[]unix.Sockaddr]) {
		if fut.Done() {
			return
		}
		sas, err := addrs.Result()
		if err != nil {
			fut.SetException(&net.OpError{Op: "listen", Net: network, Err: err})
			return
		}
		s, err := l.listenAll(factory, network, sas, host == "", o)
		if err != nil {
			fut.SetException(err)
			return
		}
		fut.SetResult(s)
	}
	if addrs.Done() {
		finish(addrs)
	} else {
		addrs.AddDoneCallback(finish)
	}
	return fut
}

// CreateUnixServer listens on the Unix socket at path (asyncio's
// loop.create_unix_server). A stale socket file left at path by a server
// that is gone is replaced; a live server's, or any other file, makes
// it fail with EADDRINUSE. Close removes the socket file it created. A
// path starting with '@' names a Linux abstract socket.
func (l *Loop) CreateUnixServer(factory func() StreamProtocol, path string, opts ...ServerOption) *Future[*Server] {
	fut := NewFuture[*Server](l)
	if l.closed {
		fut.SetException(ErrLoopClosed)
		return fut
	}
	o := defaultServerOptions()
	for _, opt := range opts {
		opt(&o)
	}
	sa := &unix.SockaddrUnix{Name: path}
	fail := func(call string, err error) *Future[*Server] {
		fut.SetException(&net.OpError{Op: "listen", Net: "unix", Addr: &net.UnixAddr{Name: path, Net: "unix"}, Err: os.NewSyscallError(call, err)})
		return fut
	}
	if stale, err := staleUnixSocket(path); err != nil {
		return fail("connect", err)
	} else if stale {
		os.Remove(path)
	}
	fd, err := sysSocket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return fail("socket", err)
	}
	if err := unix.Bind(fd, sa); err != nil {
		closeFD(fd)
		return fail("bind", err)
	}
	s := newServer(l, factory, o.backlog)
	filePath := path
	if path == "" || path[0] == '@' {
		filePath = ""
	}
	if err := s.addListener(fd, sa, filePath); err != nil {
		closeFD(fd)
		fut.SetException(err)
		return fut
	}
	if err := l.serverReady(s, o); err != nil {
		fut.SetException(err)
	} else {
		fut.SetResult(s)
	}
	return fut
}

// staleUnixSocket reports whether path is a socket file nobody listens
// on. A socket with a live listener is EADDRINUSE, as asyncio's
// create_unix_server leaves it to bind to say.
func staleUnixSocket(path string) (bool, error) {
	if path == "" || path[0] == '@' || path[0] == 0 {
		return false, nil
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode()&os.ModeSocket == 0 {
		return false, nil // missing, or not a socket: bind will say
	}
	fd, err := sysSocket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return false, err
	}
	defer closeFD(fd)
	err = unix.Connect(fd, &unix.SockaddrUnix{Name: path})
	switch err {
	case unix.ECONNREFUSED, unix.ENOENT:
		return true, nil
	case nil, unix.EAGAIN, unix.EINPROGRESS:
		return false, unix.EADDRINUSE
	}
	return false, nil
}

// listenAll binds one listening socket per address; on a failure it closes
// those it made. wildcard means the addresses came from an empty host, so
// a family the machine lacks is skipped rather than failing.
func (l *Loop) listenAll(factory func() StreamProtocol, network string, sas []unix.Sockaddr, wildcard bool, o serverOptions) (*Server, error) {
	s := newServer(l, factory, o.backlog)
	fail := func(err error) (*Server, error) {
		for _, ln := range s.listeners {
			l.disown(ln.reg)
			closeFD(ln.fd)
		}
		return nil, err
	}
	port := 0
	for _, sa := range sas {
		if port != 0 {
			sa = withPort(sa, port) // port 0: the same port on every family
		}
		fd, bound, err := bindSocket(sa, o)
		if err != nil {
			if wildcard && sockaddrFamily(sa) == unix.AF_INET6 &&
				(errors.Is(err, unix.EAFNOSUPPORT) || errors.Is(err, unix.EADDRNOTAVAIL)) {
				continue // no IPv6 on this machine
			}
			return fail(&net.OpError{Op: "listen", Net: network, Addr: netAddr(unix.SOCK_STREAM, sa), Err: err})
		}
		if port == 0 {
			port = sockaddrPort(bound)
		}
		if err := s.addListener(fd, bound, ""); err != nil {
			closeFD(fd)
			return fail(err)
		}
	}
	if len(s.listeners) == 0 {
		return nil, &net.OpError{Op: "listen", Net: network, Err: errors.New("no address to listen on")}
	}
	if err := l.serverReady(s, o); err != nil {
		return nil, err
	}
	return s, nil
}

// serverReady registers s with the loop and starts it if asked.
func (l *Loop) serverReady(s *Server, o serverOptions) error {
	if o.startServing {
		if err := s.startServing(); err != nil {
			s.Close()
			return err
		}
	}
	l.addResource(&s.link, s)
	return nil
}

// bindSocket makes a bound (not yet listening) TCP socket for sa.
func bindSocket(sa unix.Sockaddr, o serverOptions) (fd int, bound unix.Sockaddr, err error) {
	family := sockaddrFamily(sa)
	fd, err = sysSocket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, nil, os.NewSyscallError("socket", err)
	}
	fail := func(call string, err error) (int, unix.Sockaddr, error) {
		closeFD(fd)
		return -1, nil, os.NewSyscallError(call, err)
	}
	if family == unix.AF_INET6 {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1); err != nil {
			return fail("setsockopt", err)
		}
	}
	if o.reuseAddr {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			return fail("setsockopt", err)
		}
	}
	if o.reusePort {
		if err := setReusePort(fd); err != nil {
			return fail("setsockopt", err)
		}
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fail("bind", err)
	}
	if bound, err = unix.Getsockname(fd); err != nil {
		return fail("getsockname", err)
	}
	return fd, bound, nil
}

func sockaddrPort(sa unix.Sockaddr) int {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return a.Port
	case *unix.SockaddrInet6:
		return a.Port
	}
	return 0
}

func withPort(sa unix.Sockaddr, port int) unix.Sockaddr {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		if a.Port == 0 {
			c := *a
			c.Port = port
			return &c
		}
	case *unix.SockaddrInet6:
		if a.Port == 0 {
			c := *a
			c.Port = port
			return &c
		}
	}
	return sa
}
