//go:build unix && !linux && !freebsd && !netbsd && !openbsd && !dragonfly

package rt

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// The raw socket syscalls whose spelling differs between Unixes, as
// sys_linux.go has them for Linux: sysSocket, sysSocketpair, sysAccept and
// sysWritev, with the same signatures everywhere. Each returns the errno
// unwrapped, so callers can test for EAGAIN without an allocation;
// callers wrap errors that leave the runtime.
//
// darwin (and the Unixes other than Linux and the BSDs) has no
// SOCK_NONBLOCK or SOCK_CLOEXEC, so socket and socketpair (this file), and
// accept (sys_cloexec.go), set the flags afterwards. writev is x/sys's
// libc wrapper on darwin and illumos (sys_writev_libc.go) and a plain
// write elsewhere (sys_writev_other.go).

// sysSocket returns a non-blocking, close-on-exec socket.
func sysSocket(family, sotype, proto int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(family, sotype, proto)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	if err := setNonblock(fd); err != nil {
		return -1, err
	}
	return fd, nil
}

// sysSocketpair returns a connected pair of non-blocking, close-on-exec
// sockets.
func sysSocketpair(family, sotype, proto int) ([2]int, error) {
	syscall.ForkLock.RLock()
	fds, err := unix.Socketpair(family, sotype, proto)
	if err == nil {
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return [2]int{-1, -1}, err
	}
	if err := setNonblock(fds[0], fds[1]); err != nil {
		return [2]int{-1, -1}, err
	}
	return fds, nil
}
