//go:build linux && !386 && !s390x

package rt

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sysAccept accepts a connection as a non-blocking, close-on-exec fd, in
// one accept4 call. It is x/sys's Accept4 without two costs of it: that
// one allocates its RawSockaddrAny on every call (the EAGAIN that ends
// each readiness event's accepts too), and for an IP peer it asks the
// kernel the socket's protocol with a getsockopt; here the raw address
// stays on the stack and only the peer's Sockaddr is allocated. It also
// names an unnamed Unix peer "" (asyncio's peername), not "@".
func sysAccept(fd int) (int, unix.Sockaddr, error) {
	var rsa unix.RawSockaddrAny
	alen := uint32(unix.SizeofSockaddrAny)
	r, _, e := syscall.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&alen)),
		unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
	if e != 0 {
		return -1, nil, e
	}
	nfd := int(r)
	sa, err := rawSockaddr(&rsa, alen)
	if err != nil {
		unix.Close(nfd)
		return -1, nil, err
	}
	return nfd, sa, nil
}

// rawSockaddr converts the alen bytes of an address the kernel wrote into
// rsa, for the families a stream listener serves.
func rawSockaddr(rsa *unix.RawSockaddrAny, alen uint32) (unix.Sockaddr, error) {
	switch rsa.Addr.Family {
	case unix.AF_INET:
		pp := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		return &unix.SockaddrInet4{Port: netPort(&pp.Port), Addr: pp.Addr}, nil
	case unix.AF_INET6:
		pp := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		return &unix.SockaddrInet6{Port: netPort(&pp.Port), ZoneId: pp.Scope_id, Addr: pp.Addr}, nil
	case unix.AF_UNIX:
		pp := (*unix.RawSockaddrUnix)(unsafe.Pointer(rsa))
		return &unix.SockaddrUnix{Name: unixName(pp, alen)}, nil
	}
	return nil, unix.EAFNOSUPPORT
}

// netPort reads a port in network byte order.
func netPort(p *uint16) int {
	b := (*[2]byte)(unsafe.Pointer(p))
	return int(b[0])<<8 | int(b[1])
}

// unixName is a Unix socket address's name: "" for an unnamed socket, the
// path up to its NUL, or for an abstract one "@" and its name up to a
// NUL (the convention x/sys and Go's net follow).
func unixName(pp *unix.RawSockaddrUnix, alen uint32) string {
	const pathOff = uint32(unsafe.Offsetof(pp.Path))
	if alen <= pathOff {
		return ""
	}
	path := unsafe.Slice((*byte)(unsafe.Pointer(&pp.Path[0])), min(int(alen-pathOff), len(pp.Path)))
	prefix := ""
	if path[0] == 0 {
		prefix, path = "@", path[1:]
	}
	for i, c := range path {
		if c == 0 {
			path = path[:i]
			break
		}
	}
	return prefix + string(path)
}
