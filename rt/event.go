package rt

import (
	"fmt"
	"strconv"
)

// Event is asyncio.Event: a flag that coroutines can wait for. Set wakes
// every waiter at once; Clear makes later waiters block again.
//
// The zero Event is clear and ready to use. An Event must not be copied
// after first use, and, like the loop, is used from the loop's goroutine.
type Event struct {
	loopBound
	waiters waitq
	value   bool
	op      eventWait // handed out by Wait while not in use
}

// NewEvent returns a clear Event; it binds to a loop when a coroutine first
// has to wait for it.
func NewEvent() *Event { return &Event{} }

// IsSet reports whether the flag is set.
func (e *Event) IsSet() bool { return e.value }

// Set sets the flag and wakes every waiter. Waiting afterwards does not
// block until Clear is called.
func (e *Event) Set() {
	if e.value {
		return
	}
	e.value = true
	for i := 0; i < e.waiters.len(); i++ {
		if f := e.waiters.at(i); !f.Done() {
			f.SetResult(Void{})
		}
	}
}

// Clear resets the flag, so that Wait blocks until the next Set. Waiters
// already woken by a Set still return.
func (e *Event) Clear() { e.value = false }

// Wait returns a coroutine that completes once the flag is set (at once if
// it is set when awaited, without allocating).
func (e *Event) Wait() Coro[Void] {
	if e.op.lent {
		return &eventWait{e: e}
	}
	e.op = eventWait{e: e, primOp: primOp{lent: true}}
	return &e.op
}

// String describes the event like asyncio's repr: "<Event [set]>".
func (e *Event) String() string {
	s := "unset"
	if e.value {
		s = "set"
	}
	if n := e.waiters.len(); n > 0 {
		s += ", waiters:" + strconv.Itoa(n)
	}
	return fmt.Sprintf("<Event [%s]>", s)
}

// eventWait is the coroutine returned by Event.Wait.
type eventWait struct {
	primOp
	e *Event
}

func (w *eventWait) Send(c *Ctx) Yield {
	switch w.state {
	case primNew:
		e := w.e
		if e.value {
			w.finish(nil)
			return Yield{}
		}
		y, err := w.bindWait(c, &e.loopBound, "Event", &e.waiters)
		if err != nil {
			w.finish(err)
		}
		return y
	case primWaiting:
		if !w.fut.Done() {
			return w.suspend() // spurious wake-up
		}
		w.leave(w.fut.failure())
	}
	return Yield{}
}

func (w *eventWait) Throw(_ *Ctx, err error) Yield {
	if w.thrown(err) {
		w.leave(err)
	}
	return Yield{}
}

func (w *eventWait) leave(err error) {
	removeWaiter(&w.e.waiters, &w.fut)
	w.finish(err)
}

func (w *eventWait) Close() {
	if w.state == primWaiting {
		w.leave(errRefClosed)
	}
	w.close()
}
