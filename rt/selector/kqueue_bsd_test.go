//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package selector_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgen/asyncgen/rt/selector"
)

// readableKqueue returns a kqueue fd that is readable (it holds a pending
// event) and takes EVFILT_READ but refuses EVFILT_WRITE with EINVAL, on
// every kqueue system: a way to make the kernel refuse half of a change.
func readableKqueue(t *testing.T) int {
	t.Helper()
	kfd, err := unix.Kqueue()
	if err != nil {
		t.Fatal(os.NewSyscallError("kqueue", err))
	}
	// Not own: a kqueue need not take O_NONBLOCK (FIONBIO).
	unix.CloseOnExec(kfd)
	t.Cleanup(func() { unix.Close(kfd) })
	a, b := socketpair(t)
	write(t, b)
	var ch [1]unix.Kevent_t
	unix.SetKevent(&ch[0], a, unix.EVFILT_READ, unix.EV_ADD)
	if _, err := unix.Kevent(kfd, ch[:], nil, nil); err != nil {
		t.Fatal(os.NewSyscallError("kevent", err))
	}
	return kfd
}

// TestKqueueHalfRefused checks that a change the kernel takes for one
// filter and refuses for the other is undone: Register leaves the fd
// unregistered, Modify leaves the old interest.
func TestKqueueHalfRefused(t *testing.T) {
	sel := newSelector(t, backends[0])
	kfd := readableKqueue(t)
	refused := func(what string, err error) {
		t.Helper()
		var se *os.SyscallError
		if !errors.As(err, &se) || se.Syscall != "kevent" || !errors.Is(err, unix.EINVAL) {
			t.Fatalf("%s = %v; want kevent EINVAL", what, err)
		}
	}

	refused("register Read|Write", sel.Register(kfd, selector.Read|selector.Write))
	// The read filter that went in was taken out: left in the kernel, it
	// would make every wait return at once (with nothing to report).
	expectWait(t, sel, 5*time.Millisecond)
	if err := sel.Modify(kfd, selector.Read); !errors.Is(err, selector.ErrNotRegistered) {
		t.Fatalf("modify after a refused register = %v; want ErrNotRegistered", err)
	}

	register(t, sel, kfd, selector.Read)
	expect(t, sel, -1, map[int]selector.Event{kfd: selector.Read})
	refused("modify to Read|Write", sel.Modify(kfd, selector.Read|selector.Write))
	expect(t, sel, 0, map[int]selector.Event{kfd: selector.Read})
	// Deleting the read filter succeeds, adding the write one does not:
	// the read filter is put back.
	refused("modify to Write", sel.Modify(kfd, selector.Write))
	expect(t, sel, 0, map[int]selector.Event{kfd: selector.Read})
	if err := sel.Modify(kfd, 0); err != nil {
		t.Fatal(err)
	}
	expectWait(t, sel, 5*time.Millisecond)
	if err := sel.Unregister(kfd); err != nil {
		t.Fatal(err)
	}
}

// TestKqueueMergesFilters checks that the two kevents of an fd watched in
// both directions come out as one Ready, among other ready fds.
func TestKqueueMergesFilters(t *testing.T) {
	sel := newSelector(t, backends[0])
	want := make(map[int]selector.Event)
	for i := range 20 {
		a, b := socketpair(t)
		ev := selector.Read | selector.Write
		if i%3 == 0 {
			ev = selector.Write
		}
		register(t, sel, a, ev)
		write(t, b)
		want[a] = ev
	}
	expect(t, sel, -1, want) // expect fails on an fd reported twice
}
