package rt

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrSemaphoreOverReleased is returned by BoundedSemaphore.Release when it
// would raise the counter above its initial value (asyncio's ValueError).
// Its text never changes.
var ErrSemaphoreOverReleased = errors.New("BoundedSemaphore released too many times")

// Semaphore is asyncio.Semaphore: a counter that Acquire decrements and
// Release increments, where Acquire waits while it is zero. Waiters are
// served in FIFO order, even when the counter is positive again before they
// have run; a waiter cancelled after being woken gives its unit back and
// wakes the next one.
//
// The zero Semaphore has a count of zero. A Semaphore must not be copied
// after first use, and, like the loop, is used from the loop's goroutine.
type Semaphore struct {
	loopBound
	waiters waitq
	value   int
	op      semAcquire // handed out by Acquire while not in use
}

// NewSemaphore returns a Semaphore with counter n. It panics if n is
// negative, a programming error like make with a negative size.
func NewSemaphore(n int) *Semaphore {
	if n < 0 {
		panic("rt: NewSemaphore: initial value must be >= 0")
	}
	return &Semaphore{value: n}
}

// Locked reports whether Acquire would have to wait: the counter is zero,
// or waiters that are not cancelled are queued ahead.
func (s *Semaphore) Locked() bool {
	if s.value == 0 {
		return true
	}
	for i := 0; i < s.waiters.len(); i++ {
		if !s.waiters.at(i).Cancelled() {
			return true
		}
	}
	return false
}

// Acquire returns a coroutine that decrements the counter, waiting (FIFO)
// while it is zero. Awaiting it when the semaphore is not locked does not
// suspend and does not allocate.
func (s *Semaphore) Acquire() Coro[Void] {
	if s.op.lent {
		return &semAcquire{s: s}
	}
	s.op = semAcquire{s: s, primOp: primOp{lent: true}}
	return &s.op
}

// Release increments the counter and wakes the first waiter. It never fails
// on a Semaphore; the error is for BoundedSemaphore's sake.
func (s *Semaphore) Release() error {
	s.value++
	s.wakeUpNext()
	return nil
}

// wakeUpNext hands one unit to the first waiter that is not done yet and
// reports whether there was one.
func (s *Semaphore) wakeUpNext() bool {
	for i := 0; i < s.waiters.len(); i++ {
		if f := s.waiters.at(i); !f.Done() {
			s.value--
			f.SetResult(Void{})
			return true
		}
	}
	return false
}

func (s *Semaphore) describe(kind string) string {
	st := "locked"
	if !s.Locked() {
		st = "unlocked, value:" + strconv.Itoa(s.value)
	}
	if n := s.waiters.len(); n > 0 {
		st += ", waiters:" + strconv.Itoa(n)
	}
	return fmt.Sprintf("<%s [%s]>", kind, st)
}

// String describes the semaphore like asyncio's repr: "<Semaphore [unlocked, value:1]>".
func (s *Semaphore) String() string { return s.describe("Semaphore") }

// BoundedSemaphore is asyncio.BoundedSemaphore: a Semaphore whose Release
// fails instead of raising the counter above its initial value, which
// catches releases that were never matched by an acquire.
type BoundedSemaphore struct {
	Semaphore
	bound int
}

// NewBoundedSemaphore returns a BoundedSemaphore with counter and bound n.
// It panics if n is negative.
func NewBoundedSemaphore(n int) *BoundedSemaphore {
	if n < 0 {
		panic("rt: NewBoundedSemaphore: initial value must be >= 0")
	}
	return &BoundedSemaphore{Semaphore: Semaphore{value: n}, bound: n}
}

// Release increments the counter, or returns ErrSemaphoreOverReleased if it
// is already at its initial value.
func (b *BoundedSemaphore) Release() error {
	if b.value >= b.bound {
		return ErrSemaphoreOverReleased
	}
	return b.Semaphore.Release()
}

// String describes the semaphore like asyncio's repr.
func (b *BoundedSemaphore) String() string { return b.describe("BoundedSemaphore") }

// semAcquire is the coroutine returned by Semaphore.Acquire.
type semAcquire struct {
	primOp
	s *Semaphore
}

func (a *semAcquire) Send(c *Ctx) Yield {
	switch a.state {
	case primNew:
		return a.start(c)
	case primWaiting:
		if !a.fut.Done() {
			return a.suspend() // spurious wake-up
		}
		a.wake(a.fut.failure())
	}
	return Yield{}
}

func (a *semAcquire) Throw(_ *Ctx, err error) Yield {
	if a.thrown(err) {
		a.wake(err)
	}
	return Yield{}
}

func (a *semAcquire) start(c *Ctx) Yield {
	s := a.s
	if !s.Locked() {
		s.value--
		a.finish(nil)
		return Yield{}
	}
	y, err := a.bindWait(c, &s.loopBound, "Semaphore", &s.waiters)
	if err != nil {
		a.finish(err)
	}
	return y
}

// wake ends the wait; err is what ended it, nil when Release woke us (and
// already counted our unit).
func (a *semAcquire) wake(err error) {
	s := a.s
	removeWaiter(&s.waiters, &a.fut)
	if err != nil && a.fut.Done() && !a.fut.Cancelled() {
		// Woken, but not acquiring after all: give the unit back.
		s.value++
	}
	// Waiters that arrived while we were being woken had to queue for
	// FIFO's sake: wake as many as the counter allows.
	for s.value > 0 && s.wakeUpNext() {
	}
	a.finish(err)
}

// Close abandons the acquisition like a cancellation.
func (a *semAcquire) Close() {
	if a.state == primWaiting {
		a.wake(errRefClosed)
	}
	a.close()
}
