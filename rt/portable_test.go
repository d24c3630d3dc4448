package rt_test

import (
	"golang.org/x/sys/unix"
)

// Helpers that keep the tests compiling on every Unix: socket flags and
// accept4 are Linux's (and some BSDs'), and Rlimit's fields are uint64 on
// Linux but int64 on FreeBSD and DragonFly.

// rlim reads an Rlimit field.
func rlim[T ~int64 | ~uint64](v T) uint64 { return uint64(v) }

// setRlim writes an Rlimit field.
func setRlim[T ~int64 | ~uint64](p *T, v uint64) { *p = T(v) }

// cloexecSocket returns a blocking socket that a child process does not
// inherit (the tests re-execute themselves).
func cloexecSocket(family, sotype int) (int, error) {
	fd, err := unix.Socket(family, sotype, 0)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	return fd, err
}

// nonblockSocket returns a non-blocking, close-on-exec socket.
func nonblockSocket(family, sotype int) (int, error) {
	fd, err := cloexecSocket(family, sotype)
	if err == nil {
		err = unix.SetNonblock(fd, true)
	}
	return fd, err
}

// acceptNonblock accepts a connection as a non-blocking, close-on-exec fd.
func acceptNonblock(lfd int) (int, unix.Sockaddr, error) {
	fd, sa, err := unix.Accept(lfd)
	if err == nil {
		unix.CloseOnExec(fd)
		err = unix.SetNonblock(fd, true)
	}
	return fd, sa, err
}
