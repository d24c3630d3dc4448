package rt

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// This file holds the file-descriptor and socket helpers that the socket
// operations (sock.go) and the transports build on. Like Go's
// internal/poll, every syscall wrapper retries EINTR and hands back the raw
// errno, so that a caller can test for EAGAIN without an allocation;
// errors are wrapped (os.NewSyscallError, *net.OpError) only when they
// leave the runtime.

// listenBacklog is asyncio's default backlog for create_server.
const listenBacklog = 100

// NewSocket creates a socket that is non-blocking and close-on-exec, as
// every fd the loop watches must be (a blocking fd would stall the loop).
func NewSocket(family, sotype int) (int, error) {
	fd, err := sysSocket(family, sotype, 0)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// socketPair returns a connected pair of non-blocking, close-on-exec
// sockets (Python's socket.socketpair), for self-pipes and tests.
func socketPair(sotype int) ([2]int, error) {
	fds, err := sysSocketpair(unix.AF_UNIX, sotype, 0)
	if err != nil {
		return [2]int{-1, -1}, os.NewSyscallError("socketpair", err)
	}
	return fds, nil
}

// Listen creates a non-blocking stream socket listening on addr, for
// network "tcp", "tcp4", "tcp6" or "unix", and returns it with the address
// it is bound to (the port chosen by the kernel for port 0). TCP sockets
// get SO_REUSEADDR, IPv6 ones IPV6_V6ONLY, as asyncio's create_server does.
// For "unix", a stale socket file at the path is removed first, as
// create_unix_server does. A backlog <= 0 means asyncio's default, 100.
// Errors are *net.OpError values wrapping the errno.
func Listen(network, addr string, backlog int) (fd int, bound unix.Sockaddr, err error) {
	switch network {
	case "tcp", "tcp4", "tcp6", "unix":
	default:
		return -1, nil, &net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)}
	}
	sa, err := ResolveSockaddr(network, addr)
	if err != nil {
		return -1, nil, &net.OpError{Op: "listen", Net: network, Err: err}
	}
	if backlog <= 0 {
		backlog = listenBacklog
	}
	fail := func(syscall string, e error) (int, unix.Sockaddr, error) {
		if fd >= 0 {
			unix.Close(fd)
		}
		return -1, nil, &net.OpError{Op: "listen", Net: network, Addr: netAddr(unix.SOCK_STREAM, sa), Err: os.NewSyscallError(syscall, e)}
	}
	fd = -1
	family := sockaddrFamily(sa)
	if fd, err = sysSocket(family, unix.SOCK_STREAM, 0); err != nil {
		return fail("socket", err)
	}
	switch family {
	case unix.AF_INET6:
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1); err != nil {
			return fail("setsockopt", err)
		}
		fallthrough
	case unix.AF_INET:
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			return fail("setsockopt", err)
		}
	case unix.AF_UNIX:
		removeStaleSocket(sa.(*unix.SockaddrUnix).Name)
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fail("bind", err)
	}
	if err := unix.Listen(fd, backlog); err != nil {
		return fail("listen", err)
	}
	if bound, err = unix.Getsockname(fd); err != nil {
		return fail("getsockname", err)
	}
	return fd, bound, nil
}

// removeStaleSocket deletes a socket file left by a previous server at
// path; anything that is not a socket is left for bind to complain about.
func removeStaleSocket(path string) {
	if path == "" || path[0] == '@' || path[0] == 0 {
		return // abstract namespace: nothing on disk
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		os.Remove(path)
	}
}

// errNotLiteral is why ResolveSockaddr refuses a host name: resolving one
// may block on DNS, which must happen off the loop (RunInExecutor).
var errNotLiteral = errors.New("host is not an IP literal (resolve names off the loop)")

// ResolveSockaddr turns a Go-style address ("127.0.0.1:80", "[::1]:0",
// ":8080", a socket path) into the unix.Sockaddr that SockConnect and bind
// take. network is "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix",
// "unixgram" or "unixpacket". It never blocks: the host must be an IP
// literal, "localhost" or empty (the unspecified address; IPv4 unless the
// network is "tcp6"/"udp6"), and the port a number. A path starting with
// '@' names a Linux abstract socket.
func ResolveSockaddr(network, addr string) (unix.Sockaddr, error) {
	switch network {
	case "unix", "unixgram", "unixpacket":
		return &unix.SockaddrUnix{Name: addr}, nil
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
	default:
		return nil, net.UnknownNetworkError(network)
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, &net.AddrError{Err: "invalid port", Addr: addr}
	}
	want6 := network[len(network)-1] == '6'
	want4 := network[len(network)-1] == '4'
	var ip netip.Addr
	switch host {
	case "":
		ip = netip.IPv4Unspecified()
		if want6 {
			ip = netip.IPv6Unspecified()
		}
	case "localhost":
		ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		if want6 {
			ip = netip.IPv6Loopback()
		}
	default:
		if ip, err = netip.ParseAddr(host); err != nil {
			return nil, &net.AddrError{Err: errNotLiteral.Error(), Addr: host}
		}
	}
	if ip.Is4In6() && !want6 {
		ip = ip.Unmap()
	}
	switch {
	case ip.Is4() && !want6:
		return &unix.SockaddrInet4{Port: int(port), Addr: ip.As4()}, nil
	case ip.Is6() && !want4:
		sa := &unix.SockaddrInet6{Port: int(port), Addr: ip.As16()}
		if z := ip.Zone(); z != "" {
			if sa.ZoneId, err = zoneIndex(z); err != nil {
				return nil, &net.AddrError{Err: "unknown zone", Addr: host}
			}
		}
		return sa, nil
	}
	return nil, &net.AddrError{Err: "no suitable address for " + network, Addr: host}
}

// zoneIndex maps an IPv6 zone ("eth0" or "2") to the interface index the
// kernel wants.
func zoneIndex(zone string) (uint32, error) {
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n), nil
	}
	ifi, err := net.InterfaceByName(zone)
	if err != nil {
		return 0, err
	}
	return uint32(ifi.Index), nil
}

// zoneName is zoneIndex's inverse, for printing.
func zoneName(idx uint32) string {
	if ifi, err := net.InterfaceByIndex(int(idx)); err == nil {
		return ifi.Name
	}
	return strconv.FormatUint(uint64(idx), 10)
}

// SockaddrString formats a socket address the way Go's net package prints
// one ("127.0.0.1:80", "[::1]:80", a socket path), for logs and errors.
func SockaddrString(sa unix.Sockaddr) string {
	switch a := sa.(type) {
	case nil:
		return "<nil>"
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port)).String()
	case *unix.SockaddrInet6:
		ip := netip.AddrFrom16(a.Addr)
		if a.ZoneId != 0 {
			ip = ip.WithZone(zoneName(a.ZoneId))
		}
		return netip.AddrPortFrom(ip, uint16(a.Port)).String()
	case *unix.SockaddrUnix:
		return a.Name
	}
	return "<unknown address>"
}

// sockaddrFamily returns the address family of sa.
func sockaddrFamily(sa unix.Sockaddr) int {
	switch sa.(type) {
	case *unix.SockaddrInet4:
		return unix.AF_INET
	case *unix.SockaddrInet6:
		return unix.AF_INET6
	case *unix.SockaddrUnix:
		return unix.AF_UNIX
	}
	return unix.AF_UNSPEC
}

// netAddr converts sa to the net.Addr a Go programmer expects in an error
// or a transport's peer name; sotype picks TCP/UDP and the unix flavour.
func netAddr(sotype int, sa unix.Sockaddr) net.Addr {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return ipAddr(sotype, a.Addr[:], a.Port, "")
	case *unix.SockaddrInet6:
		zone := ""
		if a.ZoneId != 0 {
			zone = zoneName(a.ZoneId)
		}
		return ipAddr(sotype, a.Addr[:], a.Port, zone)
	case *unix.SockaddrUnix:
		return &net.UnixAddr{Name: a.Name, Net: socketNetwork(unix.AF_UNIX, sotype)}
	}
	return nil
}

func ipAddr(sotype int, ip []byte, port int, zone string) net.Addr {
	cp := net.IP(append([]byte(nil), ip...))
	if sotype == unix.SOCK_DGRAM {
		return &net.UDPAddr{IP: cp, Port: port, Zone: zone}
	}
	return &net.TCPAddr{IP: cp, Port: port, Zone: zone}
}

// socketNetwork names a socket's network the way Go's net package does.
func socketNetwork(family, sotype int) string {
	switch family {
	case unix.AF_UNIX:
		switch sotype {
		case unix.SOCK_DGRAM:
			return "unixgram"
		case unix.SOCK_SEQPACKET:
			return "unixpacket"
		}
		return "unix"
	case unix.AF_INET, unix.AF_INET6:
		suffix := "4"
		if family == unix.AF_INET6 {
			suffix = "6"
		}
		if sotype == unix.SOCK_DGRAM {
			return "udp" + suffix
		}
		return "tcp" + suffix
	}
	return "unknown"
}

// socketType reads SO_TYPE; used only on error paths, to name the network.
func socketType(fd int) int {
	t, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return unix.SOCK_STREAM
	}
	return t
}

// connectError wraps a failed connect the way Go's net.Dial reports one:
// "connect tcp4 127.0.0.1:1: connect: connection refused".
func connectError(fd int, sa unix.Sockaddr, errno error) error {
	sotype := socketType(fd)
	return &net.OpError{
		Op:   "connect",
		Net:  socketNetwork(sockaddrFamily(sa), sotype),
		Addr: netAddr(sotype, sa),
		Err:  os.NewSyscallError("connect", errno),
	}
}

// isAgain reports whether errno means "not ready, wait for the selector".
func isAgain(err error) bool {
	return err == unix.EAGAIN || err == unix.EWOULDBLOCK
}

// readFD reads once from fd, retrying EINTR; 0 bytes with a nil error is
// end of file. The errno comes back unwrapped.
func readFD(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Read(fd, p)
		if err != unix.EINTR {
			if n < 0 {
				n = 0
			}
			raceAfterRead(p, n, err)
			return n, err
		}
	}
}

// writeFD writes once to fd, retrying EINTR; it may write less than p.
// A write to a socket whose peer is gone fails with EPIPE: the Go runtime
// ignores SIGPIPE for descriptors other than stdout and stderr.
func writeFD(fd int, p []byte) (int, error) {
	raceBeforeWrite()
	for {
		n, err := unix.Write(fd, p)
		if err != unix.EINTR {
			if n < 0 {
				n = 0
			}
			return n, err
		}
	}
}

// acceptFD accepts one connection as a non-blocking, close-on-exec fd. A
// connection reset before it was accepted (ECONNABORTED) is skipped, as
// Go's internal/poll does: there is nothing for the caller to handle.
func acceptFD(fd int) (int, unix.Sockaddr, error) {
	for {
		nfd, sa, err := sysAccept(fd)
		if err != unix.EINTR && err != unix.ECONNABORTED {
			return nfd, sa, err
		}
	}
}

// sockError reads and clears a socket's pending error (SO_ERROR): how a
// non-blocking connect reports its outcome.
func sockError(fd int) error {
	v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	if v == 0 {
		return nil
	}
	return unix.Errno(v)
}

// setNoDelay turns Nagle's algorithm off, as asyncio does for every TCP
// transport.
func setNoDelay(fd int) error {
	return os.NewSyscallError("setsockopt", unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1))
}

// closeFD closes fd once. EINTR is not retried: on Linux the descriptor is
// released even then, and a retry could close a number already reused.
func closeFD(fd int) error {
	if err := unix.Close(fd); err != nil && err != unix.EINTR {
		return os.NewSyscallError("close", err)
	}
	return nil
}

// isNonblocking reports whether O_NONBLOCK is set on fd (debug checks).
func isNonblocking(fd int) (bool, error) {
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return false, os.NewSyscallError("fcntl", err)
	}
	return fl&unix.O_NONBLOCK != 0, nil
}
