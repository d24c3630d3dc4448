package rt

// Shield protects a from cancellation (asyncio.shield): cancelling the task
// that awaits the Shield makes the await fail with a *CancelledError but
// leaves a running; cancelling a itself cancels the await. A coroutine is
// wrapped in a task on the running loop when the Shield is first awaited,
// so it keeps running on its own once shielded.
func Shield[T any](a Awaitable[T]) Coro[T] { return &shieldCoro[T]{a: a} }

// shieldCoro parks its task on a private outer future, never on the inner
// one, so that Task.Cancel cancels only the outer.
type shieldCoro[T any] struct {
	a       Awaitable[T]
	inner   typedFuture[T]
	outer   Future[Void]
	started bool
	done    bool
	res     T
	err     error
}

// run is the inner future's done callback (asyncio's _inner_done_callback).
// If the awaiting task was cancelled in the meantime, nobody will read the
// inner outcome through this Shield; like asyncio, its error then counts as
// retrieved rather than being reported as lost.
//
// An inner cancellation cancels the outer future, without a message, as
// asyncio's shield does: the awaiter then gets that cancellation, even if
// its task is cancelled too before it runs again (the task passes on the
// cancellation of the future it waited on rather than making its own).
func (s *shieldCoro[T]) run() {
	if s.outer.Cancelled() {
		if !s.inner.Cancelled() {
			s.inner.Exception()
		}
		return
	}
	if s.inner.Cancelled() {
		s.outer.cancel("")
		return
	}
	if !s.outer.Done() {
		s.outer.SetResult(Void{})
	}
}

func (s *shieldCoro[T]) Send(c *Ctx) Yield {
	if s.done {
		return Yield{}
	}
	if !s.started {
		s.started = true
		inner, err := ensureFuture(c.Loop(), s.a)
		if err != nil {
			s.finish(err)
			return Yield{}
		}
		s.inner = inner
		if inner.Done() {
			s.res, s.err = inner.Result()
			s.done = true
			return Yield{}
		}
		s.outer.loop = c.Loop()
		inner.base().addCallback(s)
		return Yield{fut: &s.outer, kind: yieldFuture}
	}
	if !s.outer.Done() {
		return Yield{fut: &s.outer, kind: yieldFuture} // spurious wake-up
	}
	if s.outer.Cancelled() {
		// The awaiting task was cancelled, and the inner future goes
		// on; or the inner future was cancelled, which cancelled the
		// outer one without a message (see run), so the awaiter's
		// CancelledError is a fresh one and not the inner's. (An inner
		// already cancelled before the await is awaited directly and
		// keeps its message.)
		s.finish(s.outer.failure())
		return Yield{}
	}
	s.res, s.err = s.inner.Result()
	s.done = true
	return Yield{}
}

// finish ends the await with err, leaving the inner future running on its
// own: like asyncio, an error it ends with later is then reported as never
// retrieved unless someone else awaits it.
func (s *shieldCoro[T]) finish(err error) {
	s.done, s.err = true, err
	if s.inner != nil {
		s.inner.base().removeCallback(s)
		s.outer.cancel("")
	}
}

func (s *shieldCoro[T]) Throw(_ *Ctx, err error) Yield {
	if !s.done {
		if !s.started {
			s.started = true
			if _, ok := asFuture(s.a); !ok && s.a != nil {
				s.a.Close() // never shielded, never started
			}
		}
		s.finish(err)
	}
	return Yield{}
}

func (s *shieldCoro[T]) Close() {
	if !s.done {
		s.Throw(nil, errRefClosed)
	}
}

func (s *shieldCoro[T]) Result() (T, error) {
	if !s.done {
		var zero T
		return zero, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return s.res, s.err
}
