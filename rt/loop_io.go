package rt

import (
	"errors"
	"fmt"

	"github.com/asyncgen/asyncgen/rt/selector"
	"golang.org/x/sys/unix"
)

// fdHandlers is what the loop watches one file descriptor for. The interest
// mask changes only when a reader or writer is added or removed, never per
// readiness event, so a busy connection costs no epoll_ctl.
//
// A socket operation that finishes does not drop its interest at once: it
// leaves the slot empty with the bit still in mask ("parked") and queues
// the entry itself as a sweep for the next pass. The task that awaited the
// operation runs before the sweep (it was woken first) and, when it waits
// on the same fd again, simply fills the slot: back-to-back waits cost no
// epoll_ctl. The sweep drops whatever is still parked, so an idle fd stays
// registered for at most one pass.
type fdHandlers struct {
	loop *Loop
	fd   int
	// reader and writer run when fd is readable or writable: a *Handle
	// from AddReader/AddWriter or a socket operation waiting (see fdWait).
	// nil with the bit still in mask means parked.
	reader, writer callback
	// mask is the interest the selector holds for fd.
	mask selector.Event
	// swept: the entry is queued to drop its parked interest.
	swept bool
	// dead: the entry left l.fds; a sweep queued before must do nothing.
	dead bool
	// owned: a transport or server owns fd. The entry stays while owned
	// even with no interest (muted in the selector), so that AddReader and
	// the socket operations see the owner and refuse (ErrFDBusy).
	owned bool
	// inSel: fd is registered with the selector. An owned entry is made
	// before the selector hears of fd, at the first interest.
	inSel bool
}

func (e *fdHandlers) slot(ev selector.Event) *callback {
	if ev == selector.Read {
		return &e.reader
	}
	return &e.writer
}

// want is the interest of the slots in use, without parked bits.
func (e *fdHandlers) want() selector.Event {
	var m selector.Event
	if e.reader != nil {
		m |= selector.Read
	}
	if e.writer != nil {
		m |= selector.Write
	}
	return m
}

// run is the sweep: it drops the interest parked since it was queued,
// unless a new reader or writer took the slot in the meantime.
func (e *fdHandlers) run() {
	e.swept = false
	if e.dead || e.loop.closed {
		return
	}
	e.loop.setInterest(e, e.want())
}

// AddReader calls fn whenever fd is readable (level-triggered), replacing
// any reader already registered for fd.
//
// As in asyncio, remove the reader (and writer) before closing fd. After a
// socket operation (SockRecv, ...) the loop keeps fd registered until the
// end of the next pass, to save the syscalls of watching it again; close
// such an fd only after RemoveReader/RemoveWriter, or after a pass, if its
// number may be reused (by a new socket, say) before the loop runs on.
func (l *Loop) AddReader(fd int, fn func()) error {
	return l.addHandler(fd, fn, selector.Read)
}

// AddWriter calls fn whenever fd is writable, replacing any writer already
// registered for fd. See AddReader about closing fd.
func (l *Loop) AddWriter(fd int, fn func()) error {
	return l.addHandler(fd, fn, selector.Write)
}

// RemoveReader stops watching fd for reading; it reports whether a reader
// was registered. It also drops the registration a finished socket
// operation leaves for a pass (and then reports false).
func (l *Loop) RemoveReader(fd int) bool { return l.removeHandler(fd, selector.Read) }

// RemoveWriter stops watching fd for writing; it reports whether a writer
// was registered. Like RemoveReader, it drops a parked registration.
func (l *Loop) RemoveWriter(fd int) bool { return l.removeHandler(fd, selector.Write) }

func (l *Loop) addHandler(fd int, fn func(), ev selector.Event) error {
	if l.closed {
		return ErrLoopClosed
	}
	if l.debug && l.running {
		l.checkGoroutine("AddReader/AddWriter")
	}
	if e := l.fdsGet(fd); e != nil && e.owned {
		return fmt.Errorf("rt: AddReader/AddWriter: fd %d is used by a transport: %w", fd, ErrFDBusy)
	}
	_, err := l.arm(fd, ev, &Handle{fn: fn, loop: l})
	return err
}

// arm makes cb the reader (ev == selector.Read) or writer of fd, taking a
// parked slot over without a syscall. A replaced *Handle is cancelled; a
// replaced socket operation notices it is no longer in the slot.
func (l *Loop) arm(fd int, ev selector.Event, cb callback) (*fdHandlers, error) {
	e := l.fdsGet(fd)
	if e == nil {
		if err := l.sel.Register(fd, ev); err != nil {
			return nil, err
		}
		e = &fdHandlers{loop: l, fd: fd, mask: ev, inSel: true}
		l.fds.Set(fd, e)
	} else if e.mask&ev == 0 {
		if err := l.setInterest(e, e.mask|ev); err != nil {
			return nil, err
		}
	}
	slot := e.slot(ev)
	if h, ok := (*slot).(*Handle); ok {
		h.Cancel()
	}
	*slot = cb
	return e, nil
}

func (l *Loop) removeHandler(fd int, ev selector.Event) bool {
	if l.closed {
		return false
	}
	e := l.fdsGet(fd)
	if e == nil || e.owned {
		return false
	}
	slot := e.slot(ev)
	cb := *slot
	*slot = nil
	if h, ok := cb.(*Handle); ok {
		h.Cancel()
	}
	l.setInterest(e, e.want())
	return cb != nil
}

// park empties a slot that a socket operation leaves, keeping its
// interest until the sweep of the next pass.
func (l *Loop) park(e *fdHandlers, ev selector.Event) {
	*e.slot(ev) = nil
	if !e.swept {
		e.swept = true
		l.callSoon(e)
	}
}

// forgetParked drops what is parked on fd when the kernel has just handed
// fd out as a new descriptor (accept): the parked interest belonged to a
// file closed since, and epoll has forgotten it, so taking the slot over
// would wait forever.
func (l *Loop) forgetParked(fd int) {
	if e := l.fdsGet(fd); e != nil && e.reader == nil && e.writer == nil {
		l.setInterest(e, 0)
	}
}

// setInterest changes the selector's interest for e to m, dropping the
// entry when m is empty. When the selector no longer knows the file (it
// was closed with interest parked and its number reused: epoll reports
// ENOENT, or EBADF if the number is free), the entry is registered afresh.
func (l *Loop) setInterest(e *fdHandlers, m selector.Event) error {
	if m == e.mask {
		return nil
	}
	if m == 0 && !e.owned {
		l.dropEntry(e)
		return nil
	}
	if !e.inSel {
		if err := l.sel.Register(e.fd, m); err != nil {
			return err
		}
		e.inSel, e.mask = true, m
		return nil
	}
	err := l.sel.Modify(e.fd, m)
	if err != nil && (errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EBADF)) {
		l.sel.Unregister(e.fd)
		if err = l.sel.Register(e.fd, m); err != nil {
			e.mask = 0
			l.fds.Delete(e.fd)
			e.dead = true
			return err
		}
	}
	if err != nil {
		return err
	}
	e.mask = m
	return nil
}

func (l *Loop) dropEntry(e *fdHandlers) {
	if e.inSel {
		l.sel.Unregister(e.fd) // nil for a closed fd; the kernel forgot it
	}
	e.mask, e.inSel, e.owned = 0, false, false
	l.fds.Delete(e.fd)
	e.dead = true
}

// dispatchIO queues the handlers of a ready descriptor. A parked slot that
// fires runs nothing: its sweep is queued for this very pass, so the
// interest is dropped before the next poll and cannot make the loop spin
// (and if no sweep were queued, it is dropped at once).
func (l *Loop) dispatchIO(ev selector.Ready) {
	e := l.fdsGet(ev.FD)
	if e == nil {
		return
	}
	idle := false
	if ev.Events&selector.Read != 0 {
		if e.reader != nil {
			l.ready.push(e.reader)
		} else {
			idle = true
		}
	}
	if ev.Events&selector.Write != 0 {
		if e.writer != nil {
			l.ready.push(e.writer)
		} else {
			idle = true
		}
	}
	if idle && !e.swept {
		l.setInterest(e, e.want())
	}
}

// own reserves fd for a transport or server: from now on AddReader,
// AddWriter and the socket operations refuse it, and the entry lives until
// disown, whatever its interest. A registration that a finished socket
// operation left parked under fd is dropped first: it may belong to a file
// closed since, whose number the kernel handed out again.
func (l *Loop) own(fd int) (*fdHandlers, error) {
	if l.closed {
		return nil, ErrLoopClosed
	}
	if e := l.fdsGet(fd); e != nil {
		if e.owned || e.reader != nil || e.writer != nil {
			return nil, fmt.Errorf("rt: fd %d: %w", fd, ErrFDBusy)
		}
		l.dropEntry(e)
	}
	e := &fdHandlers{loop: l, fd: fd, owned: true}
	l.fds.Set(fd, e)
	return e, nil
}

// disown removes an owned fd from the selector and the loop: the step
// before the owner closes it, so the kernel never sees a closed number
// still registered (or the number reused under a live registration).
func (l *Loop) disown(e *fdHandlers) {
	if e.dead {
		return
	}
	e.reader, e.writer = nil, nil
	l.dropEntry(e)
}

// setSlot makes cb (or nil) the reader or writer of an owned fd and
// brings the selector's interest in line: one epoll_ctl when it changes,
// none otherwise.
func (l *Loop) setSlot(e *fdHandlers, ev selector.Event, cb callback) error {
	if e.dead {
		return ErrLoopClosed
	}
	*e.slot(ev) = cb
	return l.setInterest(e, e.want())
}

// fdsGet returns fd's entry, or nil.
func (l *Loop) fdsGet(fd int) *fdHandlers {
	e, _ := l.fds.Get(fd)
	return e
}
