//go:build freebsd || netbsd || openbsd || dragonfly

package rt

import "golang.org/x/sys/unix"

// The raw socket syscalls whose spelling differs between Unixes, as
// sys_linux.go has them for Linux: sysSocket, sysSocketpair, sysAccept and
// sysWritev, with the same signatures everywhere. Each returns the errno
// unwrapped, so callers can test for EAGAIN without an allocation;
// callers wrap errors that leave the runtime.
//
// The BSDs take SOCK_NONBLOCK|SOCK_CLOEXEC in socket and socketpair, as
// Linux does (this file). FreeBSD and DragonFly have accept4 in x/sys
// (sys_accept4.go); NetBSD and OpenBSD accept and then set the flags
// (sys_cloexec.go). writev is a raw syscall on FreeBSD, NetBSD and
// DragonFly (sys_writev_raw.go), and x/sys's libc wrapper on OpenBSD, which
// forbids raw syscalls (sys_writev_libc.go).

// sysSocket returns a non-blocking, close-on-exec socket.
func sysSocket(family, sotype, proto int) (int, error) {
	return unix.Socket(family, sotype|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}

// sysSocketpair returns a connected pair of non-blocking, close-on-exec
// sockets.
func sysSocketpair(family, sotype, proto int) ([2]int, error) {
	return unix.Socketpair(family, sotype|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}
