package rt

import (
	"fmt"
	"strconv"
)

// This file holds asyncio.Lock and what every primitive of locks.py and
// queues.py shares: lazy loop binding (asyncio's _LoopBoundMixin) and the
// shape of their awaitables.
//
// Each blocking method returns a hand-written coroutine ("op") that does its
// work when first sent, like calling an async def in Python: nothing happens
// until it is awaited. An op that has to block waits on a Future embedded
// in itself and queued in the primitive's FIFO of waiters, so blocking costs
// one allocation (the op) and not blocking costs none: every primitive keeps
// one op of each kind inline and hands it out while it is not in use; it is
// free again once its outcome has been read (Result) or it was closed.
// Like a Python coroutine, an op must be awaited at most once.

// primState is where a hand-written primitive awaitable is in its life.
type primState uint8

const (
	primNew     primState = iota // created, not yet sent
	primWaiting                  // suspended on its waiter future
	primDone                     // finished; Result holds the outcome
)

func errNotFinished() error {
	return &InvalidStateError{Msg: "coroutine has not finished"}
}

// loopBound binds a primitive to the loop of the first caller that has to
// wait (asyncio's _LoopBoundMixin), so primitives are created without a
// loop; using one from a second loop is an error.
type loopBound struct{ loop *Loop }

func (b *loopBound) bindLoop(c *Ctx, what string) (*Loop, error) {
	l := c.Loop()
	if b.loop == nil {
		b.loop = l
	}
	if b.loop != l {
		return nil, &RuntimeError{Msg: "rt: " + what + " is bound to a different event loop"}
	}
	return l, nil
}

// armWaiter makes f a fresh pending future of l (f may be a reused one).
func armWaiter(f *Future[Void], l *Loop) {
	*f = Future[Void]{}
	f.loop = l
}

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
	opBusy  bool
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
	if !l.opBusy {
		l.opBusy = true
		l.op = lockAcquire{l: l, pooled: true}
		return &l.op
	}
	return &lockAcquire{l: l}
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
	l      *Lock
	fut    Future[Void]
	err    error
	state  primState
	pooled bool
}

func (a *lockAcquire) Send(c *Ctx) Yield {
	switch a.state {
	case primNew:
		return a.start(c)
	case primWaiting:
		if !a.fut.Done() {
			return Yield{fut: &a.fut, kind: yieldFuture} // spurious wake-up
		}
		a.wake(a.fut.err)
	}
	return Yield{}
}

func (a *lockAcquire) Throw(_ *Ctx, err error) Yield {
	switch a.state {
	case primNew:
		a.finish(err)
	case primWaiting:
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
	loop, err := l.bindLoop(c, "Lock")
	if err != nil {
		a.finish(err)
		return Yield{}
	}
	armWaiter(&a.fut, loop)
	l.waiters.pushBack(&a.fut)
	a.state = primWaiting
	return Yield{fut: &a.fut, kind: yieldFuture}
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

func (a *lockAcquire) finish(err error) {
	a.state = primDone
	a.err = err
}

// Close abandons the acquisition like a cancellation, so that a wake-up
// already given to this waiter is passed on.
func (a *lockAcquire) Close() {
	if a.state == primWaiting {
		a.wake(errRefClosed)
	}
	a.state = primDone
	a.recycle()
}

func (a *lockAcquire) Result() (Void, error) {
	if a.state != primDone {
		return Void{}, errNotFinished()
	}
	err := a.err
	a.recycle()
	return Void{}, err
}

func (a *lockAcquire) recycle() {
	if a.pooled {
		a.pooled = false
		a.err = nil
		a.l.opBusy = false
	}
}
