//go:build freebsd || netbsd || dragonfly || (linux && (386 || s390x))

package rt

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// sysWritev writes bufs with one writev(2): the raw syscall, with the
// iovec array on the stack, so a call allocates nothing (x/sys has no
// Writev on these BSDs, and allocates one on Linux). Empty buffers are
// skipped.
func sysWritev(fd int, bufs [][]byte) (int, error) {
	var iov [maxWritevIov]unix.Iovec
	n := fillIovec(&iov, bufs)
	if n == 0 {
		return 0, nil
	}
	r, _, e := unix.Syscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(n))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
