//go:build linux

package rt

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

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

// sysAccept accepts a connection as a non-blocking, close-on-exec fd.
func sysAccept(fd int) (int, unix.Sockaddr, error) {
	return unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
}

// maxWritevIov is how many buffers one sysWritev passes to the kernel;
// the rest waits for the next call, as a short write would.
const maxWritevIov = 64

// sysWritev writes bufs with one writev(2). It builds the iovec array on
// the stack, so a call allocates nothing (x/sys's Writev allocates one).
func sysWritev(fd int, bufs [][]byte) (int, error) {
	var iov [maxWritevIov]unix.Iovec
	n := 0
	for _, b := range bufs {
		if n == len(iov) {
			break
		}
		if len(b) == 0 {
			continue
		}
		iov[n].Base = &b[0]
		iov[n].SetLen(len(b))
		n++
	}
	if n == 0 {
		return 0, nil
	}
	r, _, e := unix.Syscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(n))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
