//go:build linux && !386 && !s390x

package rt

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The transport's reads and writes. They ask the kernel not to block with
// MSG_DONTWAIT on every call, whatever the socket's O_NONBLOCK flag says
// (a process holding a duplicate of the fd could clear it), and so they can
// be raw syscalls: a call that cannot block need not tell the Go scheduler
// it is entering one. syscall.Syscall's entersyscall/exitsyscall pair
// costs about 70 ns here, on a read or write that costs about 1 µs, and an
// echoed message makes two of them. MSG_NOSIGNAL makes a write to a
// socket whose peer is gone fail with EPIPE instead of raising SIGPIPE.
// Being raw, they tell the race detector nothing: the race hooks
// (race_io.go) say what x/sys's read and write would have.

const (
	recvFlags = unix.MSG_DONTWAIT
	sendFlags = unix.MSG_DONTWAIT | unix.MSG_NOSIGNAL
)

// sockRead reads once from the stream socket fd into p, never blocking,
// retrying EINTR; 0 bytes with a nil error is end of file. The errno comes
// back unwrapped.
func sockRead(fd int, p []byte) (int, error) {
	n, err := sockCall(unix.SYS_RECVFROM, fd, p, recvFlags)
	raceAfterRead(p, n, err)
	return n, err
}

// sockWrite writes once to the stream socket fd, never blocking, retrying
// EINTR; it may write less than p.
func sockWrite(fd int, p []byte) (int, error) {
	raceBeforeWrite()
	n, err := sockCall(unix.SYS_SENDTO, fd, p, sendFlags)
	raceAfterWrite(p, n)
	return n, err
}

// sockCall is recvfrom or sendto on p without an address.
func sockCall(trap uintptr, fd int, p []byte, flags uintptr) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		r, _, e := syscall.RawSyscall6(trap, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)), flags, 0, 0)
		if e != unix.EINTR {
			if e != 0 {
				return 0, e
			}
			return int(r), nil
		}
	}
}

// sockWritev writes bufs to the stream socket fd with one sendmsg (one
// send for a single buffer), never blocking, retrying EINTR. Like
// sysWritev elsewhere it keeps its iovec array on the stack, takes at most
// maxWritevIov buffers and skips empty ones.
func sockWritev(fd int, bufs [][]byte) (int, error) {
	if len(bufs) == 1 {
		return sockWrite(fd, bufs[0])
	}
	var iov [maxWritevIov]unix.Iovec
	n := fillIovec(&iov, bufs)
	if n == 0 {
		return 0, nil
	}
	var msg unix.Msghdr
	msg.Iov = &iov[0]
	msg.SetIovlen(n)
	raceBeforeWrite()
	for {
		r, _, e := syscall.RawSyscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), sendFlags)
		if e != unix.EINTR {
			if e != 0 {
				return 0, e
			}
			raceAfterWritev(bufs, int(r))
			return int(r), nil
		}
	}
}
