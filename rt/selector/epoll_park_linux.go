//go:build linux

package selector

import (
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// NewEpollInGoPoller returns an epoll Selector whose waits park the
// calling goroutine in Go's own network poller instead of blocking its
// thread in epoll_wait. A Select that finds nothing ready at once hands
// the epoll fd (an fd like any other: readable while it has events) to
// the Go runtime and parks; the runtime wakes the goroutine when an event
// or the timeout arrives.
//
// Why: a goroutine blocked in a syscall keeps its thread and its P, and a
// goroutine it made runnable just before (an executor job, the caller of
// CallSoonThreadsafe it answered) sits in that P's queue until another
// thread steals it or the runtime's monitor takes the P, after 20µs or
// more. Parked, the loop hands its P to that goroutine at once. The price
// is two more epoll_waits each time the loop goes idle: the look that
// finds nothing, then the runtime's own poll. NewEpollAuto leaves the
// choice to each wait.
//
// If the Go runtime refuses the fd, waits fall back to blocking.
func NewEpollInGoPoller() (Selector, error) {
	ep, err := newParkedEpoll()
	if err != nil {
		return nil, err
	}
	if ep.park == nil {
		return ep, nil
	}
	return &parkedEpoll{ep}, nil
}

// NewEpollAuto returns an epoll Selector that can wait both ways: Select
// parks in Go's poller as NewEpollInGoPoller's does, and SelectBlocked
// blocks the thread in epoll_wait as NewEpoll's does. It is the Linux
// default (New): the event loop blocks while no other goroutine is working
// for it, which costs one epoll_wait per wait instead of three, and parks
// while one is (see Parker).
func NewEpollAuto() (Selector, error) {
	ep, err := newParkedEpoll()
	if err != nil {
		return nil, err
	}
	if ep.park == nil {
		return ep, nil
	}
	return &autoEpoll{ep}, nil
}

// newParkedEpoll is an epoll with a parker, or without one if the Go
// runtime refused the epoll fd (then it can only block).
func newParkedEpoll() (*epoll, error) {
	s, err := NewEpoll()
	if err != nil {
		return nil, err
	}
	ep := s.(*epoll)
	d, err := unix.FcntlInt(uintptr(ep.fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		ep.Close()
		return nil, os.NewSyscallError("fcntl", err)
	}
	if err := unix.SetNonblock(d, true); err != nil {
		unix.Close(d)
		ep.Close()
		return nil, os.NewSyscallError("fcntl", err)
	}
	// os.NewFile registers a non-blocking fd with the runtime's poller; a
	// deadline is refused when it did not.
	f := os.NewFile(uintptr(d), "epoll")
	rc, err := f.SyscallConn()
	if err == nil {
		err = f.SetReadDeadline(time.Time{})
	}
	if err != nil {
		f.Close()
		return ep, nil // plain blocking waits
	}
	p := &parker{f: f, rc: rc}
	p.ready = p.poll // one method value for every wait
	ep.park = p
	return ep, nil
}

// parkedEpoll is an epoll whose Name says how it waits.
type parkedEpoll struct{ *epoll }

// Name returns "epoll-gopoller".
func (p *parkedEpoll) Name() string { return "epoll-gopoller" }

// autoEpoll is an epoll that parks or blocks as each wait asks.
type autoEpoll struct{ *epoll }

// Name returns "epoll-auto".
func (a *autoEpoll) Name() string { return "epoll-auto" }

// SelectBlocked is Select with a wait that blocks the thread in
// epoll_wait; see Parker.
func (a *autoEpoll) SelectBlocked(buf []Ready, timeout time.Duration) ([]Ready, error) {
	return a.epoll.selectHow(buf, timeout, false)
}

// parker waits for the epoll fd in Go's poller.
type parker struct {
	f  *os.File // a duplicate of the epoll fd, registered with the runtime
	rc syscall.RawConn
	// deadline is the one f has, so that a wait without a timeout after
	// one without sets nothing.
	deadline time.Time
	// ep, n and err carry the wait's state into poll without a closure.
	ep    *epoll
	n     int
	err   error
	ready func(uintptr) bool
}

// wait is epoll_wait for a non-zero timeout. It looks only from inside
// RawConn.Read, which first clears the runtime's readiness flag for the
// fd: an event arriving after that look sets the flag again, so the park
// that follows an empty look cannot miss it. (A look before Read could
// see nothing, then have its event's edge cleared by Read's reset, and
// park until the timeout: with a waker that writes once until drained,
// for ever.)
func (p *parker) wait(ep *epoll, timeout time.Duration) (int, error) {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	if !deadline.Equal(p.deadline) {
		if err := p.f.SetReadDeadline(deadline); err != nil {
			return unix.EpollWait(ep.fd, ep.events, msec(timeout))
		}
		p.deadline = deadline
	}
	p.ep, p.n, p.err = ep, 0, nil
	werr := p.rc.Read(p.ready)
	p.ep = nil
	switch {
	case werr == nil:
		return p.n, p.err
	case errors.Is(werr, os.ErrDeadlineExceeded):
		return 0, nil
	}
	return 0, werr
}

// poll is the RawConn callback: false parks until the fd is readable.
func (p *parker) poll(uintptr) bool {
	p.n, p.err = epollPoll(p.ep.fd, p.ep.events)
	return p.n > 0 || p.err != nil
}

func (p *parker) close() error { return p.f.Close() }
