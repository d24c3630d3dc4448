package rt

import (
	"sync/atomic"
	"time"
)

// Clock is the loop's notion of time: a monotonic reading as a duration
// since an arbitrary epoch (asyncio's loop.time()).
type Clock interface {
	Now() time.Duration
}

// monoClock reads Go's monotonic clock.
type monoClock struct{ start time.Time }

func (c monoClock) Now() time.Duration { return time.Since(c.start) }

// VirtualClock is a Clock that moves only when told to, or when a loop using
// it has nothing to do but wait for a timer: then the loop jumps straight to
// the timer's deadline instead of sleeping. Timer-heavy code (timeouts,
// retries, rate limits) thus runs instantly and deterministically in tests,
// in the same order it would on the wall clock.
//
// I/O readiness is still real: a loop on a virtual clock polls its selector
// without blocking before it jumps, so a timer can fire "before" a socket
// that is merely slow. Use it for logic around timers, not for timing I/O.
// Likewise, callbacks other goroutines have already queued with
// CallSoonThreadsafe run before a jump, but work still under way on another
// goroutine is invisible to the loop; the exception is RunInExecutor jobs,
// which the loop waits for, so blocking work takes no virtual time.
//
// A VirtualClock is safe for concurrent use; share one between loops only
// if jumps made by one loop may move time for the others.
type VirtualClock struct {
	now atomic.Int64
}

// NewVirtualClock returns a clock that starts at 0.
func NewVirtualClock() *VirtualClock { return &VirtualClock{} }

// Now returns the virtual time.
func (c *VirtualClock) Now() time.Duration { return time.Duration(c.now.Load()) }

// Advance moves the clock forward by d (never backward).
func (c *VirtualClock) Advance(d time.Duration) {
	if d > 0 {
		c.now.Add(int64(d))
	}
}

// advanceTo moves the clock to t if t is later.
func (c *VirtualClock) advanceTo(t time.Duration) {
	for {
		cur := c.now.Load()
		if int64(t) <= cur || c.now.CompareAndSwap(cur, int64(t)) {
			return
		}
	}
}
