//go:build unix

package selector_test

import (
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgen/asyncgen/rt/selector"
)

// newSelector makes a Selector of backend b, closed at cleanup, and checks
// that it names itself as b does.
func newSelector(tb testing.TB, b backend) selector.Selector {
	tb.Helper()
	sel, err := b.new()
	if err != nil {
		tb.Fatal(err)
	}
	if sel.Name() != b.name {
		tb.Fatalf("Name() = %q; want %q", sel.Name(), b.name)
	}
	tb.Cleanup(func() { sel.Close() }) // ErrClosed if the test closed it
	return sel
}

// newWaker makes a Waker closed at cleanup.
func newWaker(tb testing.TB) *selector.Waker {
	tb.Helper()
	w, err := selector.NewWaker()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { w.Close() })
	return w
}

// socketpair returns a connected, non-blocking pair closed at cleanup
// (unless the test closed an end itself).
func socketpair(tb testing.TB) (a, b int) {
	tb.Helper()
	p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		tb.Fatal(os.NewSyscallError("socketpair", err))
	}
	own(tb, p[:])
	return p[0], p[1]
}

// pipe returns a non-blocking pipe closed at cleanup.
func pipe(tb testing.TB) [2]int {
	tb.Helper()
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		tb.Fatal(os.NewSyscallError("pipe", err))
	}
	own(tb, p[:])
	return p
}

// closed tracks the fds a test closed itself, so cleanup does not close a
// number that may have been reused.
var closed sync.Map

// own makes fds non-blocking and close-on-exec and closes them at cleanup.
func own(tb testing.TB, fds []int) {
	tb.Helper()
	for _, fd := range fds {
		closed.Delete(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			tb.Fatal(err)
		}
		unix.CloseOnExec(fd)
		tb.Cleanup(func() {
			if _, ok := closed.LoadAndDelete(fd); !ok {
				unix.Close(fd)
			}
		})
	}
}

// closeFD closes fd now and keeps cleanup from closing it again.
func closeFD(tb testing.TB, fd int) {
	tb.Helper()
	closed.Store(fd, true)
	if err := unix.Close(fd); err != nil {
		tb.Fatal(err)
	}
}

// alive fails unless every fd is still open.
func alive(tb testing.TB, fds ...int) {
	tb.Helper()
	for _, fd := range fds {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			tb.Errorf("fd %d was closed behind our back: %v", fd, err)
		}
	}
}

// register registers fd or fails the test.
func register(tb testing.TB, sel selector.Selector, fd int, ev selector.Event) {
	tb.Helper()
	if err := sel.Register(fd, ev); err != nil {
		tb.Fatal(err)
	}
}

// write sends one byte on fd.
func write(tb testing.TB, fd int) {
	tb.Helper()
	if _, err := unix.Write(fd, []byte{'x'}); err != nil {
		tb.Fatal(err)
	}
}

// read consumes what fd holds (up to 64 bytes).
func read(tb testing.TB, fd int) {
	tb.Helper()
	var b [64]byte
	if _, err := unix.Read(fd, b[:]); err != nil {
		tb.Fatal(err)
	}
}

// fill writes to fd until its buffers are full.
func fill(tb testing.TB, fd int) {
	tb.Helper()
	chunk := make([]byte, 64<<10)
	for {
		_, err := unix.Write(fd, chunk)
		if err == unix.EAGAIN {
			return
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// within runs f and fails the test if it does not return in time.
func within(tb testing.TB, f func()) {
	tb.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(guard):
		tb.Fatal("blocked")
	}
}

// expect runs one Select and compares its result, as a set, with want.
// A blocking Select is retried on an empty result, which is EINTR.
func expect(tb testing.TB, sel selector.Selector, timeout time.Duration, want map[int]selector.Event) {
	tb.Helper()
	var got []selector.Ready
	var err error
	within(tb, func() {
		for {
			got, err = sel.Select(got, timeout)
			if err != nil || len(got) > 0 || timeout == 0 {
				return
			}
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	seen := make(map[int]selector.Event, len(got))
	for _, r := range got {
		if _, dup := seen[r.FD]; dup {
			tb.Errorf("fd %d reported twice", r.FD)
		}
		seen[r.FD] = r.Events
	}
	if len(seen) != len(want) {
		tb.Errorf("Select reported %d fds; want %d", len(seen), len(want))
	}
	for fd, ev := range want {
		if seen[fd] != ev {
			tb.Errorf("fd %d: got %v; want %v", fd, seen[fd], ev)
		}
	}
	for fd, ev := range seen {
		if _, ok := want[fd]; !ok {
			tb.Errorf("fd %d: unexpected %v", fd, ev)
		}
	}
}

// expectWait checks that Select, with nothing ready, waits at least
// timeout. An early empty return may be EINTR, so a few are forgiven.
func expectWait(tb testing.TB, sel selector.Selector, timeout time.Duration) {
	tb.Helper()
	var elapsed time.Duration
	for range 3 {
		start := time.Now()
		got, err := sel.Select(nil, timeout)
		elapsed = time.Since(start)
		if err != nil || len(got) != 0 {
			tb.Fatalf("Select(%v) = %v, %v; want nothing", timeout, got, err)
		}
		if elapsed >= timeout {
			return
		}
	}
	tb.Errorf("Select(%v) returned after %v", timeout, elapsed)
}
