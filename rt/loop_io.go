package rt

import "github.com/asyncgen/asyncgen/rt/selector"

// fdHandlers is what the loop watches one file descriptor for. The interest
// mask changes only when a reader or writer is added or removed, never per
// readiness event, so a busy connection costs no epoll_ctl.
type fdHandlers struct {
	reader, writer *Handle
	mask           selector.Event
}

// AddReader calls fn whenever fd is readable (level-triggered), replacing
// any reader already registered for fd.
func (l *Loop) AddReader(fd int, fn func()) error {
	return l.addHandler(fd, fn, selector.Read)
}

// AddWriter calls fn whenever fd is writable, replacing any writer already
// registered for fd.
func (l *Loop) AddWriter(fd int, fn func()) error {
	return l.addHandler(fd, fn, selector.Write)
}

// RemoveReader stops watching fd for reading; it reports whether a reader
// was registered.
func (l *Loop) RemoveReader(fd int) bool { return l.removeHandler(fd, selector.Read) }

// RemoveWriter stops watching fd for writing; it reports whether a writer
// was registered.
func (l *Loop) RemoveWriter(fd int) bool { return l.removeHandler(fd, selector.Write) }

func (l *Loop) addHandler(fd int, fn func(), ev selector.Event) error {
	if l.closed {
		return ErrLoopClosed
	}
	if l.debug && l.running {
		l.checkGoroutine("AddReader/AddWriter")
	}
	h := &Handle{fn: fn, loop: l}
	e := l.fds[fd]
	if e == nil {
		if err := l.sel.Register(fd, ev); err != nil {
			return err
		}
		e = &fdHandlers{mask: ev}
		l.fds[fd] = e
	} else if e.mask&ev == 0 {
		if err := l.sel.Modify(fd, e.mask|ev); err != nil {
			return err
		}
		e.mask |= ev
	}
	slot := &e.reader
	if ev == selector.Write {
		slot = &e.writer
	}
	if *slot != nil {
		(*slot).Cancel()
	}
	*slot = h
	return nil
}

func (l *Loop) removeHandler(fd int, ev selector.Event) bool {
	if l.closed {
		return false
	}
	e := l.fds[fd]
	if e == nil || e.mask&ev == 0 {
		return false
	}
	slot := &e.reader
	if ev == selector.Write {
		slot = &e.writer
	}
	(*slot).Cancel()
	*slot = nil
	e.mask &^= ev
	if e.mask == 0 {
		l.sel.Unregister(fd)
		delete(l.fds, fd)
	} else {
		l.sel.Modify(fd, e.mask)
	}
	return true
}

// dispatchIO queues the handlers of a ready descriptor.
func (l *Loop) dispatchIO(ev selector.Ready) {
	e := l.fds[ev.FD]
	if e == nil {
		return
	}
	if ev.Events&selector.Read != 0 && e.reader != nil {
		l.ready.push(e.reader)
	}
	if ev.Events&selector.Write != 0 && e.writer != nil {
		l.ready.push(e.writer)
	}
}
