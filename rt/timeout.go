package rt

import "time"

type scopeState uint8

const (
	scopeCreated  scopeState = iota
	scopeEntered             // running a, deadline armed
	scopeExpiring            // the deadline cancelled the task
	scopeExpired             // exited after expiring
	scopeExited              // exited before the deadline
)

var (
	errScopeNotEntered = &RuntimeError{Msg: "rt: Timeout has not been entered"}
	errScopeFinished   = &RuntimeError{Msg: "rt: cannot change the deadline of a finished Timeout"}
)

// TimeoutScope is the deadline of one Timeout or TimeoutAt (asyncio's
// Timeout context manager). Code running under it can read and move the
// deadline.
type TimeoutScope struct {
	when       time.Duration // loop time; NoTimeout for none
	relative   bool          // when is a delay until the scope is entered
	state      scopeState
	loop       *Loop
	task       AnyTask
	cancelling int // the task's Cancelling() on entry
	handle     interface{ Cancel() }
}

// When returns the deadline on the loop clock (Loop.Time), or NoTimeout if
// there is none. Like asyncio's, a Timeout created in a coroutine or a loop
// callback knows it at once: its delay counts from that moment. One created
// where no loop runs counts from when it is first awaited, and until then
// When returns NoTimeout.
func (s *TimeoutScope) When() time.Duration {
	if s.relative {
		return NoTimeout
	}
	return s.when
}

// Reschedule moves the deadline to loop time when (NoTimeout: none); a
// deadline already past expires the scope in the next loop pass. It fails
// unless the scope is running and has not expired yet.
func (s *TimeoutScope) Reschedule(when time.Duration) error {
	switch s.state {
	case scopeEntered:
	case scopeCreated:
		return errScopeNotEntered
	default:
		return errScopeFinished
	}
	s.when = when
	if s.handle != nil {
		s.handle.Cancel()
		s.handle = nil
	}
	switch {
	case when == NoTimeout:
	case when <= s.loop.Time():
		s.handle = s.loop.CallSoon(s.onTimeout)
	default:
		s.handle = s.loop.CallAt(when, s.onTimeout)
	}
	return nil
}

// Expired reports whether the deadline passed while the scope was running.
func (s *TimeoutScope) Expired() bool {
	return s.state == scopeExpiring || s.state == scopeExpired
}

// enter binds the scope to the task running it and arms the deadline.
func (s *TimeoutScope) enter(c *Ctx) error {
	if c == nil || c.task == nil {
		return errNoTaskToRun
	}
	s.loop, s.task = c.Loop(), c.task
	s.state = scopeEntered
	s.cancelling = s.task.Cancelling()
	s.fix(s.loop)
	return s.Reschedule(s.when)
}

func (s *TimeoutScope) onTimeout() {
	if s.state != scopeEntered {
		return
	}
	s.handle = nil
	s.state = scopeExpiring
	s.task.Cancel()
}

// exit disarms the deadline and, if it is what cancelled the task, absorbs
// that cancellation: err becomes a *TimeoutError when the task has no other
// cancellation pending. A cancellation from elsewhere passes through.
func (s *TimeoutScope) exit(err error) error {
	if s.handle != nil {
		s.handle.Cancel()
		s.handle = nil
	}
	switch s.state {
	case scopeExpiring:
		s.state = scopeExpired
		if s.task.Uncancel() <= s.cancelling && isCancellation(err) {
			return newTimeoutError(err)
		}
	case scopeEntered:
		s.state = scopeExited
	}
	return err
}

// newTimeoutError is Python's "raise TimeoutError from exc".
func newTimeoutError(cause error) *TimeoutError {
	return &TimeoutError{Cause: cause}
}

// TimeoutCoro runs an awaitable under a deadline, in the awaiting task
// itself; see Timeout. Its embedded TimeoutScope lets the awaitable read or
// move the deadline.
type TimeoutCoro[T any] struct {
	TimeoutScope
	a    Awaitable[T]
	aw   Awaiting[T]
	done bool
	res  T
	err  error
}

// Timeout awaits a with a deadline d from now (asyncio.timeout; NoTimeout:
// none), or, where no loop runs, from the moment it is first awaited. a runs
// in the awaiting task, not in a task of its own: at the deadline the task
// is cancelled, and the resulting cancellation comes out of the await as a
// *TimeoutError (errors.Is(err, ErrTimeout)). Only the scope whose deadline
// caused the cancellation converts it; a cancellation from elsewhere, or
// from an enclosing scope that expired too, comes out as the
// *CancelledError it is.
//
// The embedded TimeoutScope reads and moves the deadline (When, Reschedule,
// Expired); RunTimeout hands it to the code running under it.
func Timeout[T any](d time.Duration, a Awaitable[T]) *TimeoutCoro[T] {
	tc := &TimeoutCoro[T]{TimeoutScope: TimeoutScope{when: d, relative: true}, a: a}
	if l := runningLoopOrNil(); l != nil {
		tc.fix(l)
	}
	return tc
}

// RunTimeout runs the coroutine body makes under a Timeout of d, giving body
// the scope so that the code under the deadline can read or move it, as
// "async with asyncio.timeout(d) as cm:" gives cm:
//
//	v, err := rt.Await(rt.RunTimeout(time.Second, func(s *rt.TimeoutScope) rt.Coro[int] {
//		return fetchAsync(s) // fetchAsync may call s.Reschedule(s.When() + time.Second)
//	}))
//
// body is called at once; its coroutine starts when the Timeout is awaited.
func RunTimeout[T any](d time.Duration, body func(s *TimeoutScope) Coro[T]) *TimeoutCoro[T] {
	tc := Timeout[T](d, nil)
	tc.a = body(&tc.TimeoutScope)
	return tc
}

// TimeoutAt is Timeout with a deadline given as loop time (Loop.Time), like
// asyncio.timeout_at.
func TimeoutAt[T any](when time.Duration, a Awaitable[T]) *TimeoutCoro[T] {
	return &TimeoutCoro[T]{TimeoutScope: TimeoutScope{when: when}, a: a}
}

// fix turns a relative deadline into loop time on l.
func (s *TimeoutScope) fix(l *Loop) {
	if s.relative {
		s.relative = false
		if s.when != NoTimeout {
			s.when += l.Time()
		}
	}
}

// runningLoopOrNil is the loop running the calling coroutine or callback.
func runningLoopOrNil() *Loop {
	if d := currentRef(); d != nil && d.ctx != nil {
		return d.ctx.Loop()
	}
	return loopOfGoroutine()
}

// Send enters the scope on the first call, then runs the awaitable.
func (t *TimeoutCoro[T]) Send(c *Ctx) Yield {
	if t.done {
		return Yield{}
	}
	if t.state == scopeCreated {
		if err := t.enter(c); err != nil {
			t.done, t.err = true, err
			return Yield{}
		}
		if y, suspend := t.aw.Start(c, t.a); suspend {
			return y
		}
		return t.finish()
	}
	if y, suspend := t.aw.Resume(c, nil); suspend {
		return y
	}
	return t.finish()
}

// Throw passes err to the awaitable; a cancellation this scope caused
// comes out as a *TimeoutError.
func (t *TimeoutCoro[T]) Throw(c *Ctx, err error) Yield {
	if t.done {
		return Yield{}
	}
	if t.state == scopeCreated {
		// Never entered: a is abandoned unstarted.
		if _, ok := asFuture(t.a); !ok && t.a != nil {
			t.a.Close()
		}
		t.state = scopeExited
		t.done, t.err = true, err
		return Yield{}
	}
	if y, suspend := t.aw.Resume(c, err); suspend {
		return y
	}
	return t.finish()
}

func (t *TimeoutCoro[T]) finish() Yield {
	t.res, t.err = t.aw.Result()
	t.err = t.exit(t.err)
	t.done = true
	return Yield{}
}

// Close abandons the awaitable and disarms the deadline.
func (t *TimeoutCoro[T]) Close() {
	if t.done {
		return
	}
	t.aw.Close()
	if t.state == scopeCreated {
		t.Throw(nil, errRefClosed)
		return
	}
	t.exit(nil)
	t.done, t.err = true, errRefClosed
}

// Result returns the awaitable's outcome, converted as Timeout describes.
func (t *TimeoutCoro[T]) Result() (T, error) {
	if !t.done {
		var zero T
		return zero, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return t.res, t.err
}

// WaitFor awaits a with a timeout (asyncio.wait_for, as rebuilt on timeout()
// in Python 3.12, gh-96764): it is Timeout(timeout, a), so a coroutine runs
// in the awaiting task and a cancellation of that task is never swallowed.
// At the timeout a is cancelled, and WaitFor returns a *TimeoutError once a
// has finished cancelling — or a's own outcome if a swallowed the
// cancellation.
//
// A timeout of 0 or less gives up at once: a coroutine is closed without
// ever running; a future that is already done gives its result, any other is
// cancelled and waited for. NoTimeout waits for as long as it takes.
func WaitFor[T any](a Awaitable[T], timeout time.Duration) Coro[T] {
	return &waitForCoro[T]{a: a, timeout: timeout}
}

// waitForCoro is the coroutine behind WaitFor: a Timeout, or, for a timeout
// of 0 or less, asyncio's _cancel_and_wait.
type waitForCoro[T any] struct {
	a       Awaitable[T]
	timeout time.Duration
	tc      *TimeoutCoro[T]
	fut     typedFuture[T]
	waiter  Future[Void]
	started bool
	done    bool
	res     T
	err     error
}

func (w *waitForCoro[T]) Send(c *Ctx) Yield {
	switch {
	case w.done:
		return Yield{}
	case w.tc != nil:
		return w.pass(w.tc.Send(c))
	case w.fut != nil:
		return w.cancelled()
	}
	w.started = true
	if w.timeout == NoTimeout || w.timeout > 0 {
		// The loop is c's: no need for Timeout to look it up.
		w.tc = &TimeoutCoro[T]{TimeoutScope: TimeoutScope{when: w.timeout, relative: true}, a: w.a}
		w.tc.fix(c.Loop())
		return w.pass(w.tc.Send(c))
	}
	f, ok := asFuture(w.a)
	if !ok {
		if w.a == nil {
			return w.finish(*new(T), errNilAwaitable)
		}
		w.a.Close() // what asyncio's task cancelled before its first step
		return w.finish(*new(T), newTimeoutError(&CancelledError{}))
	}
	if f.Done() {
		v, err := f.Result()
		return w.finish(v, err)
	}
	if f.Loop() != c.Loop() {
		return w.finish(*new(T), errOtherLoop)
	}
	w.fut = f
	w.waiter.loop = c.Loop()
	f.base().addCallback(w)
	f.Cancel()
	return Yield{fut: &w.waiter, kind: yieldFuture}
}

// run is the cancelled future's done callback: it releases the waiter.
func (w *waitForCoro[T]) run() {
	if !w.waiter.Done() {
		w.waiter.SetResult(Void{})
	}
}

// cancelled runs once the future cancelled by a timeout of 0 is done.
func (w *waitForCoro[T]) cancelled() Yield {
	if !w.waiter.Done() {
		return Yield{fut: &w.waiter, kind: yieldFuture} // spurious wake-up
	}
	w.fut.base().removeCallback(w)
	if w.waiter.Cancelled() {
		return w.finish(*new(T), w.waiter.failure())
	}
	v, err := w.fut.Result()
	if isCancellation(err) {
		err = newTimeoutError(err)
	}
	return w.finish(v, err)
}

func (w *waitForCoro[T]) pass(y Yield) Yield {
	if y.kind == yieldDone {
		v, err := w.tc.Result()
		return w.finish(v, err)
	}
	return y
}

func (w *waitForCoro[T]) finish(v T, err error) Yield {
	w.started, w.done, w.res, w.err = true, true, v, err
	return Yield{}
}

func (w *waitForCoro[T]) Throw(c *Ctx, err error) Yield {
	switch {
	case w.done:
		return Yield{}
	case w.tc != nil:
		return w.pass(w.tc.Throw(c, err))
	case w.fut != nil:
		w.fut.base().removeCallback(w)
	case !w.started:
		if _, ok := asFuture(w.a); !ok && w.a != nil {
			w.a.Close()
		}
	}
	return w.finish(*new(T), err)
}

func (w *waitForCoro[T]) Close() {
	switch {
	case w.done:
		return
	case w.tc != nil:
		w.tc.Close()
		w.finish(*new(T), errRefClosed)
	default:
		w.Throw(nil, errRefClosed)
	}
}

func (w *waitForCoro[T]) Result() (T, error) {
	if !w.done {
		var zero T
		return zero, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return w.res, w.err
}
