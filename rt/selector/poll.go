//go:build unix

package selector

import (
	"fmt"
	"math"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// muted marks, in poll.index, a registered fd whose interest is empty.
const muted = -1

// poll is the portable backend: poll(2) over an array the kernel reads on
// every call.
//
// The array is kept dense (swap-remove) and indexed by fd through a map,
// so Register, Modify and Unregister are O(1) and Select passes the array
// as is, with no copy or allocation. As in the epoll backend, a muted fd
// is left out of the array, because poll reports POLLHUP, POLLERR and
// POLLNVAL whatever events were asked for and would make Select spin.
type poll struct {
	closed bool
	pfds   []unix.PollFd // the fds with a non-empty interest, what poll(2) sees
	index  map[int]int   // every registered fd: its place in pfds, or muted
}

// NewPoll returns a Selector backed by poll(2). It holds no fd of its own.
func NewPoll() (Selector, error) {
	return &poll{index: make(map[int]int)}, nil
}

// Name returns "poll".
func (p *poll) Name() string { return "poll" }

// Register starts watching fd for ev.
func (p *poll) Register(fd int, ev Event) error {
	if err := p.check("register", fd, ev); err != nil {
		return err
	}
	if ev == 0 {
		return fmt.Errorf("poll: register fd %d: no events: %w", fd, os.ErrInvalid)
	}
	if _, ok := p.index[fd]; ok {
		return fmt.Errorf("poll: register fd %d: %w", fd, ErrAlreadyRegistered)
	}
	p.index[fd] = p.add(fd, ev)
	return nil
}

// Modify changes the interest of fd, moving it in or out of the array
// when it is muted or unmuted.
func (p *poll) Modify(fd int, ev Event) error {
	if err := p.check("modify", fd, ev); err != nil {
		return err
	}
	i, ok := p.index[fd]
	if !ok {
		return fmt.Errorf("poll: modify fd %d: %w", fd, ErrNotRegistered)
	}
	switch {
	case i == muted && ev != 0:
		p.index[fd] = p.add(fd, ev)
	case i == muted:
		// still muted
	case ev == 0:
		p.remove(i)
		p.index[fd] = muted
	default:
		setPoll(&p.pfds[i].Events, ev)
	}
	return nil
}

// Unregister stops watching fd.
func (p *poll) Unregister(fd int) error {
	if p.closed {
		return fmt.Errorf("poll: unregister fd %d: %w", fd, ErrClosed)
	}
	i, ok := p.index[fd]
	if !ok {
		return fmt.Errorf("poll: unregister fd %d: %w", fd, ErrNotRegistered)
	}
	if i != muted {
		p.remove(i)
	}
	delete(p.index, fd)
	return nil
}

// Select waits for readiness; see Selector.
func (p *poll) Select(buf []Ready, timeout time.Duration) ([]Ready, error) {
	buf = buf[:0]
	if p.closed {
		return buf, fmt.Errorf("poll: select: %w", ErrClosed)
	}
	n, err := unix.Poll(p.pfds, msec(timeout))
	if err != nil {
		if err == unix.EINTR {
			// A signal cut the wait short; the caller recomputes its
			// timeout and calls again.
			return buf, nil
		}
		return buf, os.NewSyscallError("poll", err)
	}
	// n counts the entries with events, so the scan stops at the last.
	for i := 0; n > 0 && i < len(p.pfds); i++ {
		pfd := &p.pfds[i]
		if pfd.Revents == 0 {
			continue
		}
		n--
		if r := fromPoll(pfd.Revents) & fromPoll(pfd.Events); r != 0 {
			buf = append(buf, Ready{FD: int(pfd.Fd), Events: r})
		}
	}
	return buf, nil
}

// Close marks the selector closed; later calls return ErrClosed. There is
// no fd to release: poll(2) keeps no state in the kernel.
func (p *poll) Close() error {
	if p.closed {
		return fmt.Errorf("poll: close: %w", ErrClosed)
	}
	p.closed = true
	p.pfds = nil
	p.index = nil
	return nil
}

// check rejects calls on a closed selector and arguments that cannot be
// right. A negative fd matters here: poll(2) silently skips one.
func (p *poll) check(op string, fd int, ev Event) error {
	if p.closed {
		return fmt.Errorf("poll: %s fd %d: %w", op, fd, ErrClosed)
	}
	if fd < 0 || fd > math.MaxInt32 || ev&^allEvents != 0 {
		return fmt.Errorf("poll: %s fd %d events %v: %w", op, fd, ev, os.ErrInvalid)
	}
	return nil
}

// add appends fd to the array and returns its index.
func (p *poll) add(fd int, ev Event) int {
	p.pfds = append(p.pfds, unix.PollFd{Fd: int32(fd)})
	i := len(p.pfds) - 1
	setPoll(&p.pfds[i].Events, ev)
	return i
}

// remove deletes entry i by moving the last entry into its place.
func (p *poll) remove(i int) {
	last := len(p.pfds) - 1
	if i != last {
		p.pfds[i] = p.pfds[last]
		p.index[int(p.pfds[i].Fd)] = i
	}
	p.pfds = p.pfds[:last]
}

// pollFlags is the type of PollFd's Events and Revents: int16 on most
// systems, uint16 on AIX.
type pollFlags interface{ ~int16 | ~uint16 }

// setPoll translates an interest into poll flags. It stores through a
// pointer so the flags' type is inferred from the field.
func setPoll[T pollFlags](dst *T, ev Event) {
	var e T
	if ev&Read != 0 {
		e |= unix.POLLIN
	}
	if ev&Write != 0 {
		e |= unix.POLLOUT
	}
	*dst = e
}

// fromPoll translates poll's flags. Hangup, error and an invalid fd wake
// both sides, so whoever waits tries the syscall and meets EOF or the
// error. Applied to the requested events it gives back the interest.
func fromPoll[T pollFlags](flags T) Event {
	e := uint16(flags) // as bits: AIX's POLLNVAL does not fit an int16
	var ev Event
	if e&(unix.POLLIN|unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
		ev |= Read
	}
	if e&(unix.POLLOUT|unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
		ev |= Write
	}
	return ev
}
