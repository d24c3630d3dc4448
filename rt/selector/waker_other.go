//go:build unix && !linux

package selector

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// wakeBuf is how much one read drains; wakes coalesce, so a pipe rarely
// holds more than a byte or two.
const wakeBuf = 64

// wakeSignal is the byte a Wake writes. Shared by all Wakers: the kernel
// only reads it.
var wakeSignal = [1]byte{1}

// openWaker creates a non-blocking, close-on-exec pipe. pipe2 is missing on
// some systems (darwin), so the flags are set after the fact, under
// syscall.ForkLock like os.Pipe, so that no fork in between inherits the
// fds.
func openWaker() (rfd, wfd int, err error) {
	var p [2]int
	syscall.ForkLock.RLock()
	err = unix.Pipe(p[:])
	if err == nil {
		unix.CloseOnExec(p[0])
		unix.CloseOnExec(p[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, -1, os.NewSyscallError("pipe", err)
	}
	for _, fd := range p {
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(p[0])
			unix.Close(p[1])
			return -1, -1, os.NewSyscallError("fcntl", err)
		}
	}
	return p[0], p[1], nil
}

// drain reads until the pipe is empty. A short read means it is; EAGAIN
// and any other error leave nothing to do: the worst case is one more
// readiness report.
func (w *Waker) drain() {
	for {
		n, err := unix.Read(w.rfd, w.buf[:])
		switch {
		case err == unix.EINTR:
			continue
		case err != nil || n < len(w.buf):
			return
		}
	}
}
