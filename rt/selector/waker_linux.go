//go:build linux

package selector

import (
	"encoding/binary"
	"os"

	"golang.org/x/sys/unix"
)

// wakeBuf is an eventfd's read and write size: one 8-byte counter.
const wakeBuf = 8

// wakeSignal adds 1 to the eventfd counter. Shared by all Wakers: the
// kernel only reads it.
var wakeSignal = func() (b [wakeBuf]byte) {
	binary.NativeEndian.PutUint64(b[:], 1)
	return b
}()

// openWaker creates an eventfd: one fd for both ends, and a counter that
// cannot fill up the way a pipe can.
func openWaker() (rfd, wfd int, err error) {
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return -1, -1, os.NewSyscallError("eventfd", err)
	}
	return fd, fd, nil
}

// drain reads the counter, which resets it to zero in one syscall. EAGAIN
// (already zero) and any other error leave nothing to do: the worst case
// is one more readiness report.
func (w *Waker) drain() {
	for {
		_, err := unix.Read(w.rfd, w.buf[:])
		if err != unix.EINTR {
			return
		}
	}
}
