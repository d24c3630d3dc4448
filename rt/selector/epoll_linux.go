//go:build linux

package selector

import (
	"fmt"
	"math"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/asyncgen/asyncgen/internal/fdtab"
)

// epoll is the Linux backend: level-triggered epoll(7).
//
// Only fds with a non-empty interest are in the kernel's set. epoll always
// reports EPOLLHUP and EPOLLERR, even for an fd registered with no events,
// so a muted fd left in the set would make every epoll_wait return at once
// and the loop spin; a muted fd is therefore removed from the kernel and
// kept only in the map.
type epoll struct {
	fd     int                // the epoll instance; -1 once closed
	fds    fdtab.Table[Event] // every registered fd and its interest (0: muted)
	active int                // how many fds are in the kernel's set
	events []unix.EpollEvent  // reused by every Select
	park   *parker            // waits in Go's poller (NewEpollInGoPoller, NewEpollAuto)
}

// NewEpoll returns a Selector backed by epoll. Its fd is close-on-exec so
// that a child process does not inherit the loop's poller.
func NewEpoll() (Selector, error) {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	return &epoll{
		fd:     fd,
		events: make([]unix.EpollEvent, minEvents),
	}, nil
}

// Name returns "epoll".
func (ep *epoll) Name() string { return "epoll" }

// Register starts watching fd for ev.
func (ep *epoll) Register(fd int, ev Event) error {
	if err := ep.check("register", fd, ev); err != nil {
		return err
	}
	if ev == 0 {
		return fmt.Errorf("epoll: register fd %d: no events: %w", fd, os.ErrInvalid)
	}
	if _, ok := ep.fds.Get(fd); ok {
		return fmt.Errorf("epoll: register fd %d: %w", fd, ErrAlreadyRegistered)
	}
	if err := ep.ctl(unix.EPOLL_CTL_ADD, fd, ev); err != nil {
		return fmt.Errorf("epoll: register fd %d: %w", fd, err)
	}
	ep.fds.Set(fd, ev)
	ep.active++
	return nil
}

// Modify changes the interest of fd. The kernel operation depends on
// whether fd enters, stays in or leaves the kernel's set; an unchanged
// interest costs no syscall, so the loop may call Modify freely.
func (ep *epoll) Modify(fd int, ev Event) error {
	if err := ep.check("modify", fd, ev); err != nil {
		return err
	}
	cur, ok := ep.fds.Get(fd)
	if !ok {
		return fmt.Errorf("epoll: modify fd %d: %w", fd, ErrNotRegistered)
	}
	var err error
	switch {
	case ev == cur:
		return nil
	case cur == 0:
		err = ep.ctl(unix.EPOLL_CTL_ADD, fd, ev)
		if err == nil {
			ep.active++
		}
	case ev == 0:
		err = ep.del(fd)
		if err == nil {
			ep.active--
		}
	default:
		err = ep.ctl(unix.EPOLL_CTL_MOD, fd, ev)
	}
	if err != nil {
		return fmt.Errorf("epoll: modify fd %d: %w", fd, err)
	}
	ep.fds.Set(fd, ev)
	return nil
}

// Unregister stops watching fd. It forgets fd even if the kernel refuses,
// so the table never keeps an fd the caller believes gone.
func (ep *epoll) Unregister(fd int) error {
	if ep.fd < 0 {
		return fmt.Errorf("epoll: unregister fd %d: %w", fd, ErrClosed)
	}
	cur, ok := ep.fds.Get(fd)
	if !ok {
		return fmt.Errorf("epoll: unregister fd %d: %w", fd, ErrNotRegistered)
	}
	ep.fds.Delete(fd)
	if cur == 0 {
		return nil // muted: not in the kernel's set
	}
	ep.active--
	if err := ep.del(fd); err != nil {
		return fmt.Errorf("epoll: unregister fd %d: %w", fd, err)
	}
	return nil
}

// Select waits for readiness; see Selector.
func (ep *epoll) Select(buf []Ready, timeout time.Duration) ([]Ready, error) {
	return ep.selectHow(buf, timeout, ep.park != nil)
}

// selectHow is Select; a wait parks in Go's poller when park is set.
func (ep *epoll) selectHow(buf []Ready, timeout time.Duration, park bool) ([]Ready, error) {
	buf = buf[:0]
	if ep.fd < 0 {
		return buf, fmt.Errorf("epoll: select: %w", ErrClosed)
	}
	ep.grow()
	var n int
	var err error
	switch {
	case timeout == 0:
		n, err = epollPoll(ep.fd, ep.events)
	case park:
		n, err = ep.park.wait(ep, timeout)
	default:
		n, err = unix.EpollWait(ep.fd, ep.events, msec(timeout))
	}
	if err != nil {
		if err == unix.EINTR {
			// A signal (Go's preemption SIGURG, for one) cut the wait
			// short; the caller recomputes its timeout and calls again.
			return buf, nil
		}
		return buf, os.NewSyscallError("epoll_wait", err)
	}
	for i := range ep.events[:n] {
		e := &ep.events[i]
		// The interest travels in the event's data (see ctl), so a
		// result is masked without a map lookup per ready fd.
		if r := fromEpoll(e.Events) & Event(e.Pad); r != 0 {
			buf = append(buf, Ready{FD: int(e.Fd), Events: r})
		}
	}
	return buf, nil
}

// Close closes the epoll fd once; later calls return ErrClosed.
func (ep *epoll) Close() error {
	if ep.fd < 0 {
		return fmt.Errorf("epoll: close: %w", ErrClosed)
	}
	fd := ep.fd
	ep.fd = -1 // before close: whatever close returns, the fd is gone
	if ep.park != nil {
		ep.park.close()
		ep.park = nil
	}
	ep.fds.Reset()
	ep.active = 0
	// No EINTR retry: on Linux the fd is released even when close is
	// interrupted, and a retry could close an fd another goroutine just
	// opened.
	return os.NewSyscallError("close", unix.Close(fd))
}

// check rejects calls on a closed selector and arguments that cannot be
// right, before any bookkeeping changes.
func (ep *epoll) check(op string, fd int, ev Event) error {
	if ep.fd < 0 {
		return fmt.Errorf("epoll: %s fd %d: %w", op, fd, ErrClosed)
	}
	if fd < 0 || fd > math.MaxInt32 || ev&^allEvents != 0 {
		return fmt.Errorf("epoll: %s fd %d events %v: %w", op, fd, ev, os.ErrInvalid)
	}
	return nil
}

// ctl adds or modifies fd in the kernel's set.
func (ep *epoll) ctl(op, fd int, ev Event) error {
	e := unix.EpollEvent{Events: toEpoll(ev), Fd: int32(fd), Pad: int32(ev)}
	return os.NewSyscallError("epoll_ctl", unix.EpollCtl(ep.fd, op, fd, &e))
}

// del removes fd from the kernel's set. EBADF and ENOENT mean fd was
// closed before it was unregistered, and the kernel dropped it then: the
// outcome the caller wanted, so like Python's selectors we do not fail.
func (ep *epoll) del(fd int) error {
	err := unix.EpollCtl(ep.fd, unix.EPOLL_CTL_DEL, fd, nil)
	if err == unix.EBADF || err == unix.ENOENT {
		return nil
	}
	return os.NewSyscallError("epoll_ctl", err)
}

// grow sizes the event buffer to the watched fds, so that in steady state
// Select allocates nothing and still reports every ready fd at once.
func (ep *epoll) grow() {
	if ep.active <= len(ep.events) || len(ep.events) >= maxEvents {
		return
	}
	n := min(max(2*len(ep.events), ep.active), maxEvents)
	ep.events = make([]unix.EpollEvent, n)
}

// toEpoll translates an interest into epoll flags. EPOLLRDHUP comes with
// Read so that a peer's half-close wakes the reader; it is not asked for
// with Write alone, where it would be reported, masked away, and make
// epoll_wait return at once forever.
func toEpoll(ev Event) uint32 {
	var e uint32
	if ev&Read != 0 {
		e |= unix.EPOLLIN | unix.EPOLLRDHUP
	}
	if ev&Write != 0 {
		e |= unix.EPOLLOUT
	}
	return e
}

// fromEpoll translates epoll's result flags. Hangup and error wake both
// sides, so whoever waits tries the syscall and meets EOF or the error.
func fromEpoll(e uint32) Event {
	var ev Event
	if e&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
		ev |= Read
	}
	if e&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
		ev |= Write
	}
	return ev
}

// epollPoll is epoll_wait with a zero timeout: it cannot block, so it is
// a raw syscall, without the entersyscall/exitsyscall pair that tells Go's
// scheduler a thread may be gone for a while (about 70 ns of a 1 µs call
// here). A loop under load makes one of these each time it runs out of
// work; the parked wait makes one before and one after every park.
func epollPoll(epfd int, events []unix.EpollEvent) (int, error) {
	for {
		r, _, e := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
		if e != unix.EINTR {
			if e != 0 {
				return 0, e
			}
			return int(r), nil
		}
	}
}
