package rt

import "time"

// sleeper is the coroutine behind Sleep: a future completed by a timer,
// awaited in place (the future is a field, not embedded, so a sleeper is not
// mistaken for a plain future and errors thrown at it reach Throw).
type sleeper struct {
	fut     Future[Void]
	d       time.Duration
	timer   *TimerHandle
	started bool
	err     error
}

// Sleep returns a coroutine that completes after d (asyncio.sleep).
// Sleep(0) (or less) suspends exactly once with a bare yield, letting every
// callback already scheduled run first. Cancelling the task that sleeps
// makes Sleep return a *CancelledError.
func Sleep(d time.Duration) Coro[Void] { return &sleeper{d: d} }

func (s *sleeper) Send(c *Ctx) Yield {
	if !s.started {
		s.started = true
		if s.d <= 0 {
			return Yield{kind: yieldBare}
		}
		s.fut.loop = c.Loop()
		s.timer = s.fut.loop.CallLater(s.d, s.fire)
		return Yield{fut: &s.fut, kind: yieldFuture}
	}
	if s.timer != nil && !s.fut.Done() {
		return Yield{fut: &s.fut, kind: yieldFuture} // spurious wake-up
	}
	s.finish(s.fut.failure())
	return Yield{}
}

func (s *sleeper) fire() {
	if !s.fut.Done() {
		s.fut.SetResult(Void{})
	}
}

func (s *sleeper) Throw(_ *Ctx, err error) Yield {
	s.started = true
	s.finish(err)
	return Yield{}
}

// finish releases the timer, as asyncio.sleep's "finally: h.cancel()".
func (s *sleeper) finish(err error) {
	if s.timer != nil {
		s.timer.Cancel()
		s.timer = nil
	}
	s.err = err
}

func (s *sleeper) Close() { s.finish(nil) }

func (s *sleeper) Result() (Void, error) { return Void{}, s.err }
