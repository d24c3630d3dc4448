package rt

import (
	"errors"
	"fmt"
	"strconv"
)

// Condition is asyncio.Condition: a condition variable over a Lock. A
// coroutine holding the lock waits for a notification with Wait, which
// releases the lock while waiting and takes it back before returning — even
// when the wait is cancelled. Follows CPython 3.13: a waiter that leaves
// with an error after it may have been notified passes one notification on,
// so Wait may return spuriously; callers re-check their predicate (WaitFor
// does).
//
// A Condition must not be copied after first use, and, like the loop, is
// used from the loop's goroutine.
type Condition struct {
	loopBound
	lock    *Lock
	waiters waitq
	op      condWait // handed out by Wait while not in use
	forBusy bool
	forOp   condWaitFor // handed out by WaitFor while not in use
}

// NewCondition returns a Condition over lock, or over a new Lock if lock
// is nil. Several conditions may share one lock.
func NewCondition(lock *Lock) *Condition {
	if lock == nil {
		lock = NewLock()
	}
	return &Condition{lock: lock}
}

// Lock returns the underlying lock.
func (cv *Condition) Lock() *Lock { return cv.lock }

// Locked reports whether the underlying lock is held.
func (cv *Condition) Locked() bool { return cv.lock.Locked() }

// Acquire returns a coroutine that takes the underlying lock.
func (cv *Condition) Acquire() Coro[Void] { return cv.lock.Acquire() }

// Release releases the underlying lock (a *RuntimeError if it is not held).
func (cv *Condition) Release() error { return cv.lock.Release() }

// Wait returns a coroutine that releases the lock, waits until notified
// and takes the lock back. It fails with a *RuntimeError if the lock is not
// held when awaited. Cancellation is returned only once the lock is held
// again.
func (cv *Condition) Wait() Coro[Void] {
	if cv.op.lent {
		return &condWait{cv: cv}
	}
	cv.op = condWait{cv: cv, primOp: primOp{lent: true}}
	return &cv.op
}

// WaitFor returns a coroutine that waits until pred returns true: pred is
// checked first, then after every notification, always with the lock held.
func (cv *Condition) WaitFor(pred func() bool) Coro[Void] {
	if !cv.forBusy {
		cv.forBusy = true
		cv.forOp = condWaitFor{cv: cv, pred: pred, pooled: true}
		return &cv.forOp
	}
	return &condWaitFor{cv: cv, pred: pred}
}

// Notify wakes up to n waiters. The caller must hold the lock (a
// *RuntimeError otherwise); the woken waiters return from Wait only once
// they get the lock back.
func (cv *Condition) Notify(n int) error {
	if !cv.lock.Locked() {
		return &RuntimeError{Msg: "rt: cannot notify on un-acquired lock"}
	}
	cv.notify(n)
	return nil
}

// NotifyAll wakes every waiter; the caller must hold the lock.
func (cv *Condition) NotifyAll() error { return cv.Notify(cv.waiters.len()) }

func (cv *Condition) notify(n int) {
	woken := 0
	for i := 0; i < cv.waiters.len() && woken < n; i++ {
		if f := cv.waiters.at(i); !f.Done() {
			woken++
			f.SetResult(Void{})
		}
	}
}

// String describes the condition like asyncio's repr: "<Condition [locked, waiters:2]>".
func (cv *Condition) String() string {
	s := "unlocked"
	if cv.lock.Locked() {
		s = "locked"
	}
	if n := cv.waiters.len(); n > 0 {
		s += ", waiters:" + strconv.Itoa(n)
	}
	return fmt.Sprintf("<Condition [%s]>", s)
}

// condReacquire is condWait's extra state: taking the lock back.
const condReacquire = primDone + 1

// condWait is the coroutine returned by Condition.Wait.
type condWait struct {
	primOp
	cv      *Condition
	acq     Awaiting[Void] // the lock acquisition while reacquiring
	waitErr error          // what ended the wait itself
	cancel  error          // the last cancellation while reacquiring
}

func (w *condWait) Send(c *Ctx) Yield {
	switch w.state {
	case primNew:
		return w.start(c)
	case primWaiting:
		if !w.fut.Done() {
			return w.suspend() // spurious wake-up
		}
		return w.reacquire(c, w.fut.failure())
	case condReacquire:
		return w.resumeAcquire(c, nil)
	}
	return Yield{}
}

func (w *condWait) Throw(c *Ctx, err error) Yield {
	switch w.state {
	case primNew:
		w.finish(err)
	case primWaiting:
		return w.reacquire(c, err)
	case condReacquire:
		return w.resumeAcquire(c, err)
	}
	return Yield{}
}

func (w *condWait) start(c *Ctx) Yield {
	cv := w.cv
	if !cv.lock.Locked() {
		w.finish(&RuntimeError{Msg: "rt: cannot wait on un-acquired lock"})
		return Yield{}
	}
	loop, err := cv.bindLoop(c, "Condition")
	if err != nil {
		w.finish(err)
		return Yield{}
	}
	cv.lock.Release()
	return w.wait(&cv.waiters, loop)
}

// reacquire leaves the waiters (err ended the wait, nil if notified) and
// starts taking the lock back.
func (w *condWait) reacquire(c *Ctx, err error) Yield {
	removeWaiter(&w.cv.waiters, &w.fut)
	w.waitErr = err
	w.state = condReacquire
	return w.acquire(c)
}

func (w *condWait) acquire(c *Ctx) Yield {
	for {
		if y, suspend := w.acq.Start(c, w.cv.lock.Acquire()); suspend {
			return y
		}
		if w.acquired() {
			return Yield{}
		}
	}
}

func (w *condWait) resumeAcquire(c *Ctx, err error) Yield {
	if y, suspend := w.acq.Resume(c, err); suspend {
		return y
	}
	if w.acquired() {
		return Yield{}
	}
	return w.acquire(c)
}

// acquired reads the outcome of one acquisition attempt and reports whether
// the wait is over; a cancelled attempt is retried, because Wait returns
// only with the lock held.
func (w *condWait) acquired() bool {
	_, err := w.acq.Result()
	switch {
	case err == nil:
		err = w.waitErr
		if w.cancel != nil {
			err = w.cancel
		}
	case errors.Is(err, ErrCancelled):
		w.cancel = err
		return false
	}
	if err != nil {
		// We may have been notified: pass one notification on.
		w.cv.notify(1)
	}
	w.finish(err)
	return true
}

func (w *condWait) finish(err error) {
	w.primOp.finish(err)
	w.waitErr, w.cancel = nil, nil
}

// Close abandons the wait without taking the lock back, passing on a
// notification it may have received.
func (w *condWait) Close() {
	switch w.state {
	case primWaiting:
		removeWaiter(&w.cv.waiters, &w.fut)
		w.cv.notify(1)
	case condReacquire:
		w.acq.Close()
		w.cv.notify(1)
	}
	w.close()
}

// condWaitFor is the coroutine returned by Condition.WaitFor.
type condWaitFor struct {
	cv      *Condition
	pred    func() bool
	wait    Awaiting[Void]
	err     error
	started bool
	done    bool
	pooled  bool
}

func (w *condWaitFor) Send(c *Ctx) Yield {
	if w.done {
		return Yield{}
	}
	if !w.started {
		w.started = true
		return w.loop(c)
	}
	return w.resume(c, nil)
}

func (w *condWaitFor) Throw(c *Ctx, err error) Yield {
	if w.done {
		return Yield{}
	}
	if !w.started {
		w.started = true
		w.finish(err)
		return Yield{}
	}
	return w.resume(c, err)
}

// loop checks the predicate and waits until it holds.
func (w *condWaitFor) loop(c *Ctx) Yield {
	for !w.pred() {
		if y, suspend := w.wait.Start(c, w.cv.Wait()); suspend {
			return y
		}
		if _, err := w.wait.Result(); err != nil {
			w.finish(err)
			return Yield{}
		}
	}
	w.finish(nil)
	return Yield{}
}

func (w *condWaitFor) resume(c *Ctx, err error) Yield {
	if y, suspend := w.wait.Resume(c, err); suspend {
		return y
	}
	if _, err := w.wait.Result(); err != nil {
		w.finish(err)
		return Yield{}
	}
	return w.loop(c)
}

func (w *condWaitFor) finish(err error) {
	w.done = true
	w.err = err
	w.pred = nil
}

func (w *condWaitFor) Close() {
	w.wait.Close()
	w.done = true
	w.recycle()
}

func (w *condWaitFor) Result() (Void, error) {
	if !w.done {
		return Void{}, errNotFinished()
	}
	err := w.err
	w.recycle()
	return Void{}, err
}

func (w *condWaitFor) recycle() {
	if w.pooled {
		w.pooled = false
		w.err = nil
		w.cv.forBusy = false
	}
}
