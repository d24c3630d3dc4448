//go:build linux || freebsd || netbsd || dragonfly

package rt

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxWritevIov is how many buffers one sysWritev passes to the kernel;
// the rest waits for the next call, as a short write would.
const maxWritevIov = 64

// sysWritev writes bufs with one writev(2): the raw syscall, with the
// iovec array on the stack, so a call allocates nothing (x/sys's Writev
// allocates one on Linux and is missing on these BSDs). Empty buffers are
// skipped.
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
