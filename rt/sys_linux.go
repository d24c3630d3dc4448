//go:build linux

package rt

import "golang.org/x/sys/unix"

// The raw socket syscalls whose spelling differs between Unixes. Each
// returns the errno unwrapped, so callers can test for EAGAIN without an
// allocation; callers wrap errors that leave the runtime.

// sysSocket returns a non-blocking, close-on-exec socket.
func sysSocket(family, sotype, proto int) (int, error) {
	return unix.Socket(family, sotype|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}

// sysSocketpair returns a connected pair of non-blocking, close-on-exec
// sockets.
func sysSocketpair(family, sotype, proto int) ([2]int, error) {
	return unix.Socketpair(family, sotype|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}
