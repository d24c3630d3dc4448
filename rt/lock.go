package rt

import (
	"fmt"
	"strconv"
)

// This file holds asyncio.Lock; primop.go holds what its awaitable shares
// with those of the other primitives of locks.py and queues.py.

// Lock is asyncio.Lock: a mutual-exclusion lock for coroutines of one loop.
// It is not owned by a task: any coroutine may release it. Waiters acquire
// it in FIFO order, and a waiter cancelled after it was woken passes the
// wake-up on to the next one, so a cancellation never strands the lock.
//
// The zero Lock is unlocked and ready to use. A Lock must not be copied
// after first use, and, like the loop, is used from the loop's goroutine.
type Lock struct {
	loopBound
	waiters waitq
	locked  bool
	op      lockAcquire // handed out by Acquire while not in use
}

// NewLock returns an unlocked Lock; it binds to a loop when a coroutine
// first has to wait for it.
func NewLock() *Lock { return &Lock{} }

// Locked reports whether the lock is held.
func (l *Lock) Locked() bool { return l.locked }

// Acquire returns a coroutine that takes the lock, waiting in FIFO order
// while it is held. Awaiting it on a free lock does not suspend and does not
// allocate. If the waiting task is cancelled, the await returns the
// *CancelledError and the lock is not taken.
func (l *Lock) Acquire() Coro[Void] {
	if l.op.lent {
		return &lockAcquire{l: l}
	}
	l.op = lockAcquire{l: l, primOp: primOp{lent: true}}
	return &l.op
}

// Release unlocks the lock and wakes the first waiter. It returns a
// *RuntimeError if the lock is not held.
func (l *Lock) Release() error {
	if !l.locked {
		return &RuntimeError{Msg: "rt: Lock is not acquired"}
	}
	l.locked = false
	l.wakeUpFirst()
	return nil
}

// free reports whether an acquirer may take the lock without queueing:
// unlocked, and nobody is waiting except cancelled waiters that have not
// yet left the queue (asyncio lets those be jumped).
func (l *Lock) free() bool {
	if l.locked {
		return false
	}
	for i := 0; i < l.waiters.len(); i++ {
		if !l.waiters.at(i).Cancelled() {
			return false
		}
	}
	return true
}

// wakeUpFirst makes sure the first waiter will run. A first waiter that is
// already done is either about to take the lock or, if it was cancelled,
// will call wakeUpFirst again when it leaves.
func (l *Lock) wakeUpFirst() {
	if l.waiters.len() == 0 {
		return
	}
	if f := l.waiters.at(0); !f.Done() {
		f.SetResult(Void{})
	}
}

// String describes the lock like asyncio's repr: "<Lock [locked, waiters:1]>".
func (l *Lock) String() string {
	s := "unlocked"
	if l.locked {
		s = "locked"
	}
	if n := l.waiters.len(); n > 0 {
		s += ", waiters:" + strconv.Itoa(n)
	}
	return fmt.Sprintf("<Lock [%s]>", s)
}

// lockAcquire is the coroutine returned by Lock.Acquire.
type lockAcquire struct {
	primOp
	l *Lock
}

func (a *lockAcquire) Send(c *Ctx) Yield {
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

func (a *lockAcquire) Throw(_ *Ctx, err error) Yield {
	if a.thrown(err) {
		a.wake(err)
	}
	return Yield{}
}

func (a *lockAcquire) start(c *Ctx) Yield {
	l := a.l
	if l.free() {
		l.locked = true
		a.finish(nil)
		return Yield{}
	}
	y, err := a.bindWait(c, &l.loopBound, "Lock", &l.waiters)
	if err != nil {
		a.finish(err)
	}
	return y
}

// wake ends the wait: err is the cancellation (or other error) that ended
// it, nil if Release woke us.
func (a *lockAcquire) wake(err error) {
	l := a.l
	removeWaiter(&l.waiters, &a.fut)
	if err != nil {
		// Keep the invariant: if the lock is free and somebody waits,
		// the head of the queue will run. We may have been that head.
		if !l.locked {
			l.wakeUpFirst()
		}
		a.finish(err)
		return
	}
	l.locked = true
	a.finish(nil)
}

// Close abandons the acquisition like a cancellation, so that a wake-up
// already given to this waiter is passed on.
func (a *lockAcquire) Close() {
	if a.state == primWaiting {
		a.wake(errRefClosed)
	}
	a.close()
}
