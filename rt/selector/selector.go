// Package selector is the I/O multiplexer behind the event loop: the role of
// Python's selectors module, built on raw file descriptors and
// golang.org/x/sys/unix rather than Go's netpoller.
//
// A Selector watches file descriptors for readiness. It is level-triggered:
// an fd stays ready, and is reported by every Select, until the condition
// is consumed (the data read, the buffer drained) or the interest is
// dropped. The loop goroutine owns a Selector; a Waker is the one piece that
// other goroutines may touch, to interrupt a blocked Select.
//
// Three backends sit behind the same interface: epoll on Linux (NewEpoll),
// kqueue on darwin, FreeBSD, NetBSD, OpenBSD and DragonFly (NewKqueue), and
// poll(2) on every Unix (NewPoll), the one the others (Solaris, illumos,
// AIX) use, and available beside epoll or kqueue for tests and comparison.
// New picks the best one for the platform. On Linux that is NewEpollAuto,
// an epoll that can also wait by parking in Go's own poller (a Parker),
// so that the loop goroutine blocks in epoll_wait while it is alone and
// shares the scheduler well with the goroutines that work for it; and
// NewEpollInGoPoller always parks. Named finds a backend by name. They behave alike: the same
// misuse errors, the same muting, the same reports on hangup and error.
// Only what the kernel agrees to watch differs (epoll refuses regular
// files, poll(2) takes any fd, kqueue varies with the system and the
// kind of file). The package needs a Unix: on Windows it does not build.
//
// A typical loop:
//
//	sel, _ := selector.New()
//	w, _ := selector.NewWaker()
//	sel.Register(w.FD(), selector.Read)
//	ready := make([]selector.Ready, 0, 128)
//	for {
//		var err error
//		ready, err = sel.Select(ready, timeout)
//		if err != nil {
//			return err
//		}
//		for _, r := range ready {
//			if r.FD == w.FD() {
//				w.Drain()
//				continue
//			}
//			// dispatch r.Events to the reader and writer of r.FD
//		}
//	}
//
// Errors from the kernel come out as *os.SyscallError (errors.Is against
// the errno works); misuse comes out as ErrClosed, ErrNotRegistered,
// ErrAlreadyRegistered or os.ErrInvalid, wrapped with the fd concerned.
package selector

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Event is a readiness interest/result bit set.
type Event uint32

const (
	// Read means readable. It is also reported on hangup and error, so that
	// the reader tries a read and sees EOF or the error instead of waiting
	// forever.
	Read Event = 1 << iota
	// Write means writable. It is also reported on hangup and error, so
	// that a writer waiting on a dead socket wakes and sees the error.
	Write
)

// allEvents is every bit a caller may ask for; anything else is a mistake
// we report rather than silently ignore.
const allEvents = Read | Write

// String returns "0", "Read", "Write" or "Read|Write", for test failures
// and debug logs.
func (e Event) String() string {
	switch e {
	case 0:
		return "0"
	case Read:
		return "Read"
	case Write:
		return "Write"
	case Read | Write:
		return "Read|Write"
	}
	return "Event(" + strconv.FormatUint(uint64(e), 10) + ")"
}

// Ready is one readiness result: the fd and which of its interests are
// ready (never more than were asked for, never 0).
type Ready struct {
	FD     int
	Events Event
}

// Selector multiplexes readiness of file descriptors. Not safe for
// concurrent use: the loop goroutine owns it.
type Selector interface {
	// Register starts watching fd for ev (ev != 0). Error if fd already
	// registered.
	Register(fd int, ev Event) error
	// Modify changes the interest set of a registered fd; ev == 0 is
	// allowed and means "watch nothing" (keep registered). A muted fd is
	// not reported even on hangup or error, so it cannot make Select spin.
	Modify(fd int, ev Event) error
	// Unregister stops watching fd. Error if not registered. Unregister
	// it before closing it: the kernel forgets a closed fd on its own, so
	// unregistering one that was already closed still succeeds, as in
	// Python's selectors, but the fd number may have been reused by then.
	Unregister(fd int) error
	// Select waits until at least one fd is ready or timeout passes
	// (timeout < 0: forever, 0: poll without blocking), appends results to
	// buf[:0] and returns it. EINTR returns (buf[:0], nil). Level-triggered.
	// The timeout is rounded up to the next millisecond, so Select never
	// returns before it (a timer never fires early), and capped at
	// MaxTimeout, so Select may return empty early on a longer one; the
	// caller then recomputes its timeout and calls again.
	Select(buf []Ready, timeout time.Duration) ([]Ready, error)
	// Close releases the selector's own fd(s); idempotent-safe (second
	// call returns an error or nil, never panics, never double-closes).
	// It does not close the registered fds: they belong to the caller.
	Close() error
	// Name is "epoll", "epoll-auto", "epoll-gopoller", "kqueue" or
	// "poll".
	Name() string
}

// Parker is a Selector that can wait two ways, and leaves the choice to
// its caller, who knows what the process is doing: Select parks the
// calling goroutine in Go's own network poller, SelectBlocked blocks its
// thread in the kernel. Blocked costs one syscall per wait, parked three
// (the look that finds nothing, the runtime's poll, the look that finds
// the events), but a blocked thread keeps its P: a goroutine the caller
// made runnable just before waiting (a worker it handed a job, a
// goroutine it answered) waits for another thread to steal it, tens of
// microseconds or more, where parking hands it the P at once. The event
// loop blocks while no other goroutine works for it (no executor job in
// flight, no callback from another goroutine in the last 10ms) and parks
// otherwise. NewEpollAuto is one; New returns it on Linux.
//
// A wrapper that embeds a Parker (to count or trace waits, say) and
// overrides Select must override SelectBlocked too: the loop calls
// whichever fits, and the embedded one would skip the wrapper.
type Parker interface {
	Selector
	// SelectBlocked is Select, except that a wait blocks the thread.
	SelectBlocked(buf []Ready, timeout time.Duration) ([]Ready, error)
}

// Misuse errors. They are wrapped with the operation and fd; test for them
// with errors.Is. Their text never changes.
var (
	// ErrClosed is returned by every method of a closed Selector or Waker.
	ErrClosed = errors.New("use of closed selector or waker")
	// ErrNotRegistered is returned by Modify and Unregister for an fd that
	// is not registered.
	ErrNotRegistered = errors.New("fd not registered")
	// ErrAlreadyRegistered is returned by Register for an fd that is
	// already registered (Modify changes the interest of one that is).
	ErrAlreadyRegistered = errors.New("fd already registered")
)

// MaxTimeout caps the time one Select may block: asyncio's
// MAXIMUM_SELECT_TIMEOUT. It keeps the millisecond count in the range of
// every kernel's int argument; a longer wait is simply another Select.
const MaxTimeout = 24 * time.Hour

// Sizes of the buffer epoll_wait or kevent fills. It starts small and
// grows with the number of watched fds, so one Select can report them all;
// the cap bounds the memory for huge servers, where level triggering
// reports the rest on the next Select and the kernel rotates its ready
// list, so none starves.
const (
	minEvents = 64
	maxEvents = 4096
)

// msec converts a Select timeout to the milliseconds epoll_wait and poll
// take (kevent takes a timespec, made from the milliseconds). It rounds up, like asyncio's math.ceil(timeout*1e3): rounding down
// would wake the loop just before a timer is due, find nothing to run and
// poll again with a 0 timeout, spinning until the deadline.
func msec(timeout time.Duration) int {
	switch {
	case timeout < 0:
		return -1
	case timeout >= MaxTimeout:
		return int(MaxTimeout / time.Millisecond)
	}
	return int((timeout + time.Millisecond - 1) / time.Millisecond)
}

// Named returns the constructor of the backend called name on this
// platform ("epoll", "epoll-auto", "epoll-gopoller", "kqueue", "poll");
// for a name the
// platform does not have, a constructor that fails saying so. It lets a
// test suite or a deployment pick a backend from configuration.
func Named(name string) func() (Selector, error) {
	if f, ok := named[name]; ok {
		return f
	}
	return func() (Selector, error) {
		return nil, fmt.Errorf("selector: no backend %q on this platform: %w", name, os.ErrNotExist)
	}
}
