//go:build race

package rt

import (
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ioSync is what the race detector sees a write to an fd release and a
// read from one acquire, so that data handed from one goroutine to another
// through a socket (two loops talking, a loop and its peer) carries the
// writer's memory with it, as x/sys's and the standard library's read and
// write tell it. The transports' raw syscalls tell it nothing themselves.
//
// The standard library's syscall package and x/sys each keep a variable
// of their own for this, unexported: a peer using net.Conn (syscall's) or
// x/sys's Read and Write in the same process is ordered with our
// transports only if our hooks touch theirs too. They do it through the
// calls themselves: a Write releases before it calls the kernel, so one
// to fd -1 (failing with EBADF) releases and does nothing else; a Read
// acquires after a success, so an empty one from /dev/null (opened at
// init, before any test counts its fds) acquires. Two more syscalls per
// read or write (one each for syscall and x/sys), in race builds only.
var ioSync int64

// devNull is the fd the empty reads are made from, -1 if it could not be
// opened (then only our own ordering holds).
var devNull = openDevNull()

func openDevNull() int {
	fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	return fd
}

// raceBeforeWrite is called before a write.
func raceBeforeWrite() {
	runtime.RaceReleaseMerge(unsafe.Pointer(&ioSync))
	syscall.Write(-1, nil)
	unix.Write(-1, nil)
}

// raceAfterRead is called after a read of n bytes into p.
func raceAfterRead(p []byte, n int, err error) {
	if n > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(&p[0]), n)
	}
	if err == nil {
		runtime.RaceAcquire(unsafe.Pointer(&ioSync))
		if devNull >= 0 {
			syscall.Read(devNull, nil)
			unix.Read(devNull, nil)
		}
	}
}

// raceAfterWrite is called after a write of n bytes of p.
func raceAfterWrite(p []byte, n int) {
	if n > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&p[0]), n)
	}
}

// raceAfterWritev is called after a vectored write of n bytes of bufs.
func raceAfterWritev(bufs [][]byte, n int) {
	for _, b := range bufs {
		if n <= 0 {
			return
		}
		if len(b) == 0 {
			continue
		}
		k := min(n, len(b))
		runtime.RaceReadRange(unsafe.Pointer(&b[0]), k)
		n -= k
	}
}
