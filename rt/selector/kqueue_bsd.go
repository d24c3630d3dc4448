//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package selector

import (
	"fmt"
	"math"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// kqueue is the backend of darwin and the BSDs: kqueue(2) with one
// level-triggered filter per direction, EVFILT_READ for Read and
// EVFILT_WRITE for Write.
//
// It behaves as the epoll backend does. Only the filters of an fd's
// interest are in the kernel, so a muted fd has none and cannot be
// reported, not even on hangup or error. Each direction's filter reports
// its own end of file (EV_EOF: the peer shut down that direction or went
// away), so a peer's half-close wakes the reader and not a writer; a
// socket error (EV_EOF with the errno in fflags) wakes every direction
// asked for, as EPOLLERR does. The kernel reports the two filters of one
// fd as two kevents; Select merges them into one Ready.
//
// A change of interest is one kevent call with a changelist of one or two
// entries, marked EV_RECEIPT so that the kernel answers every entry with
// its own errno instead of stopping at the first failure.
type kqueue struct {
	fd     int            // the kqueue; -1 once closed
	fds    map[int]*kqReg // every registered fd (interest 0: muted)
	active int            // how many filters are in the kernel
	seq    uint64         // counts Selects, to merge an fd's two kevents
	events []unix.Kevent_t

	// Reused by every call, so neither a change nor a Select allocates.
	changes  [2]unix.Kevent_t
	receipts [2]unix.Kevent_t
	ts       unix.Timespec // Select's timeout
	zero     unix.Timespec // a change's: never wait
}

// kqReg is one registered fd.
type kqReg struct {
	ev   Event  // the interest, which is also what the kernel holds
	seq  uint64 // the Select that last reported the fd...
	slot int    // ...and the fd's place in that Select's result
}

// NewKqueue returns a Selector backed by kqueue. Its fd is close-on-exec
// so that a program the loop's process executes does not inherit it; the
// flag is set under syscall.ForkLock, as the Go runtime does for its own
// kqueue, since not every system has a kqueue1 that sets it atomically.
func NewKqueue() (Selector, error) {
	syscall.ForkLock.RLock()
	fd, err := unix.Kqueue()
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, os.NewSyscallError("kqueue", err)
	}
	return &kqueue{
		fd:     fd,
		fds:    make(map[int]*kqReg),
		events: make([]unix.Kevent_t, minEvents),
	}, nil
}

// Name returns "kqueue".
func (kq *kqueue) Name() string { return "kqueue" }

// Register starts watching fd for ev. If the kernel takes one filter and
// refuses the other, the one it took is removed again, so a failed
// Register leaves fd unregistered.
func (kq *kqueue) Register(fd int, ev Event) error {
	if err := kq.check("register", fd, ev); err != nil {
		return err
	}
	if ev == 0 {
		return fmt.Errorf("kqueue: register fd %d: no events: %w", fd, os.ErrInvalid)
	}
	if _, ok := kq.fds[fd]; ok {
		return fmt.Errorf("kqueue: register fd %d: %w", fd, ErrAlreadyRegistered)
	}
	got, err := kq.apply(fd, 0, ev)
	if err != nil {
		if got != 0 {
			kq.apply(fd, got, 0) // best effort: the error to report is the first
		}
		return fmt.Errorf("kqueue: register fd %d: %w", fd, err)
	}
	kq.fds[fd] = &kqReg{ev: ev}
	kq.active += filters(ev)
	return nil
}

// Modify changes the interest of fd: one kevent call adding the filters
// that fd gains and deleting those it loses. An unchanged interest costs
// no syscall, so the loop may call Modify freely. If the kernel refuses
// part of the change, the part it made is undone, so that on error the
// interest is the old one, as with epoll.
func (kq *kqueue) Modify(fd int, ev Event) error {
	if err := kq.check("modify", fd, ev); err != nil {
		return err
	}
	r, ok := kq.fds[fd]
	if !ok {
		return fmt.Errorf("kqueue: modify fd %d: %w", fd, ErrNotRegistered)
	}
	if ev == r.ev {
		return nil
	}
	got, err := kq.apply(fd, r.ev, ev)
	if err != nil && got != r.ev {
		got, _ = kq.apply(fd, got, r.ev)
	}
	// got is what the kernel holds now: the bookkeeping follows it even
	// when the undo failed too, so Select never misses a filter.
	kq.active += filters(got) - filters(r.ev)
	r.ev = got
	if err != nil {
		return fmt.Errorf("kqueue: modify fd %d: %w", fd, err)
	}
	return nil
}

// Unregister stops watching fd. It forgets fd even if the kernel refuses,
// so the map never keeps an fd the caller believes gone.
func (kq *kqueue) Unregister(fd int) error {
	if kq.fd < 0 {
		return fmt.Errorf("kqueue: unregister fd %d: %w", fd, ErrClosed)
	}
	r, ok := kq.fds[fd]
	if !ok {
		return fmt.Errorf("kqueue: unregister fd %d: %w", fd, ErrNotRegistered)
	}
	delete(kq.fds, fd)
	if r.ev == 0 {
		return nil // muted: no filter in the kernel
	}
	kq.active -= filters(r.ev)
	if _, err := kq.apply(fd, r.ev, 0); err != nil {
		return fmt.Errorf("kqueue: unregister fd %d: %w", fd, err)
	}
	return nil
}

// Select waits for readiness; see Selector.
func (kq *kqueue) Select(buf []Ready, timeout time.Duration) ([]Ready, error) {
	buf = buf[:0]
	if kq.fd < 0 {
		return buf, fmt.Errorf("kqueue: select: %w", ErrClosed)
	}
	kq.grow()
	var ts *unix.Timespec // nil: wait forever
	if ms := msec(timeout); ms >= 0 {
		kq.ts = unix.NsecToTimespec(int64(ms) * int64(time.Millisecond))
		ts = &kq.ts
	}
	n, err := unix.Kevent(kq.fd, nil, kq.events, ts)
	if err != nil {
		if err == unix.EINTR {
			// A signal (Go's preemption SIGURG, for one) cut the wait
			// short; the caller recomputes its timeout and calls again.
			return buf, nil
		}
		return buf, os.NewSyscallError("kevent", err)
	}
	kq.seq++
	for i := range kq.events[:n] {
		e := &kq.events[i]
		if e.Flags&unix.EV_ERROR != 0 {
			// An answer to a change, and this call made none: changes
			// are made, and their errors read, by apply.
			continue
		}
		fd := int(e.Ident)
		r := kq.fds[fd]
		if r == nil {
			continue // not ours any more (its delete failed); see Unregister
		}
		ev := fromKevent(e) & r.ev
		switch {
		case ev == 0:
		case r.seq == kq.seq:
			// The fd's other filter came first: one fd, one Ready.
			buf[r.slot].Events |= ev
		default:
			r.seq, r.slot = kq.seq, len(buf)
			buf = append(buf, Ready{FD: fd, Events: ev})
		}
	}
	return buf, nil
}

// Close closes the kqueue once; later calls return ErrClosed.
func (kq *kqueue) Close() error {
	if kq.fd < 0 {
		return fmt.Errorf("kqueue: close: %w", ErrClosed)
	}
	fd := kq.fd
	kq.fd = -1 // before close: whatever close returns, the fd is gone
	kq.fds = nil
	kq.active = 0
	// No EINTR retry: a retry could close an fd another goroutine just
	// opened (the BSDs release the fd even when close is interrupted).
	return os.NewSyscallError("close", unix.Close(fd))
}

// check rejects calls on a closed selector and arguments that cannot be
// right, before any bookkeeping changes.
func (kq *kqueue) check(op string, fd int, ev Event) error {
	if kq.fd < 0 {
		return fmt.Errorf("kqueue: %s fd %d: %w", op, fd, ErrClosed)
	}
	if fd < 0 || fd > math.MaxInt32 || ev&^allEvents != 0 {
		return fmt.Errorf("kqueue: %s fd %d events %v: %w", op, fd, ev, os.ErrInvalid)
	}
	return nil
}

// apply moves fd's filters in the kernel from interest cur to interest
// ev in one kevent call, and returns the interest the kernel holds
// afterwards: ev on success, something between cur and ev if the kernel
// refused part of the change. The error is the first refusal.
//
// Every change is marked EV_RECEIPT: the kernel then answers each with an
// EV_ERROR entry whose data is its errno (0 for success), and does not
// look for pending events. A kernel that ignored the flag would answer
// only the failed changes and go on to collect pending events, without
// waiting (the timeout is zero) and without losing them (level-triggered
// filters are reported again by the next Select); apply ignores whatever
// is not an answer, so it copes with that too. Either way no change is
// skipped because an earlier one failed: there is room for every answer,
// and the kernel stops at a failure only when there is none.
func (kq *kqueue) apply(fd int, cur, ev Event) (Event, error) {
	n := 0
	for _, f := range [...]struct {
		bit    Event
		filter int
	}{{Read, unix.EVFILT_READ}, {Write, unix.EVFILT_WRITE}} {
		switch {
		case ev&f.bit != 0 && cur&f.bit == 0:
			unix.SetKevent(&kq.changes[n], fd, f.filter, unix.EV_ADD|unix.EV_ENABLE|evReceipt)
		case ev&f.bit == 0 && cur&f.bit != 0:
			unix.SetKevent(&kq.changes[n], fd, f.filter, unix.EV_DELETE|evReceipt)
		default:
			continue
		}
		n++
	}
	if n == 0 {
		return cur, nil
	}
	var got int
	var err error
	for {
		got, err = unix.Kevent(kq.fd, kq.changes[:n], kq.receipts[:n], &kq.zero)
		// Making the changes again after EINTR is harmless: EV_ADD of a
		// filter that is there updates it, EV_DELETE of one that is gone
		// fails with ENOENT, which counts as success below.
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		// The call failed as a whole (a bad kqueue or changelist),
		// before any change was made.
		return cur, os.NewSyscallError("kevent", err)
	}
	held := ev
	var first error
	for i := range kq.receipts[:got] {
		e := &kq.receipts[i]
		if e.Flags&unix.EV_ERROR == 0 || int(e.Ident) != fd || e.Data == 0 {
			continue // a pending event, or a change that succeeded
		}
		var bit Event
		switch e.Filter {
		case unix.EVFILT_READ:
			bit = Read
		case unix.EVFILT_WRITE:
			bit = Write
		default:
			continue
		}
		errno := unix.Errno(e.Data)
		if ev&bit == 0 {
			// A delete. EBADF and ENOENT mean fd was closed before it
			// was unregistered, and the kernel dropped its filters then:
			// the outcome the caller wanted, so like Python's selectors
			// (and the epoll backend) we do not fail.
			if errno == unix.EBADF || errno == unix.ENOENT {
				continue
			}
			held |= bit // the filter is still there
		} else {
			held &^= bit // the filter did not go in
		}
		if first == nil {
			first = os.NewSyscallError("kevent", errno)
		}
	}
	return held, first
}

// grow sizes the event buffer to the filters in the kernel (an fd with
// both directions may produce two kevents), so that in steady state
// Select allocates nothing and still reports every ready fd at once.
func (kq *kqueue) grow() {
	if kq.active <= len(kq.events) || len(kq.events) >= maxEvents {
		return
	}
	n := min(max(2*len(kq.events), kq.active), maxEvents)
	kq.events = make([]unix.Kevent_t, n)
}

// filters counts the kernel filters behind an interest: one per direction.
func filters(ev Event) int {
	n := 0
	if ev&Read != 0 {
		n++
	}
	if ev&Write != 0 {
		n++
	}
	return n
}

// fromKevent translates one kevent. EVFILT_READ is Read, also at end of
// file (EV_EOF), so that the reader tries a read and sees EOF; EVFILT_WRITE
// is Write, also when the peer is gone, so that the writer meets EPIPE. A
// socket error, which the kernel hands back in fflags with EV_EOF, wakes
// both sides, as EPOLLERR does: Select masks the result with the interest,
// so only the directions asked for are reported.
func fromKevent(e *unix.Kevent_t) Event {
	var ev Event
	switch e.Filter {
	case unix.EVFILT_READ:
		ev = Read
	case unix.EVFILT_WRITE:
		ev = Write
	}
	if e.Flags&unix.EV_EOF != 0 && e.Fflags != 0 {
		ev = Read | Write
	}
	return ev
}
