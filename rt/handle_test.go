package rt_test

import (
	"slices"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func TestTimersFireInDeadlineOrder(t *testing.T) {
	l := newLoop(t)
	var got []int
	for _, d := range []int{5, 1, 4, 2, 3} {
		l.CallLater(time.Duration(d)*time.Second, func() { got = append(got, d) })
	}
	l.CallLater(6*time.Second, l.Stop)
	l.RunForever()
	if !slices.Equal(got, []int{1, 2, 3, 4, 5}) {
		t.Fatalf("fired %v", got)
	}
}

func TestTimersWithEqualDeadlinesFireInSchedulingOrder(t *testing.T) {
	l := newLoop(t)
	var got []int
	for i := range 12 { // the case that came out shuffled on CPython
		l.CallAt(time.Second, func() { got = append(got, i) })
	}
	l.CallAt(2*time.Second, l.Stop)
	l.RunForever()
	if !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
		t.Fatalf("fired %v", got)
	}
}

func TestTimerWhen(t *testing.T) {
	clk := rt.NewVirtualClock()
	clk.Advance(time.Minute)
	l := newLoop(t, rt.WithClock(clk))
	if w := l.CallLater(time.Second, func() {}).When(); w != time.Minute+time.Second {
		t.Fatalf("CallLater When %v", w)
	}
	if w := l.CallAt(42*time.Second, func() {}).When(); w != 42*time.Second {
		t.Fatalf("CallAt When %v", w)
	}
}

func TestTimerNegativeOrZeroDelayRunsNextPass(t *testing.T) {
	l := newLoop(t)
	var got []string
	l.CallLater(-time.Hour, func() { got = append(got, "negative") })
	l.CallLater(0, func() { got = append(got, "zero") })
	runOnce(t, l)
	if !slices.Equal(got, []string{"negative", "zero"}) || l.Time() != 0 {
		t.Fatalf("got %v at %v", got, l.Time())
	}
}

func TestTimerRunsAfterCallbacksAlreadyReady(t *testing.T) {
	l := newLoop(t)
	var got []string
	l.CallLater(0, func() { got = append(got, "timer") })
	l.CallSoon(func() { got = append(got, "soon") })
	runOnce(t, l)
	if !slices.Equal(got, []string{"soon", "timer"}) {
		t.Fatalf("got %v", got)
	}
}

func TestCancelledTimerDoesNotFire(t *testing.T) {
	l := newLoop(t)
	fired := false
	h := l.CallLater(time.Second, func() { fired = true })
	h.Cancel()
	h.Cancel()
	l.CallLater(2*time.Second, l.Stop)
	l.RunForever()
	if fired || !h.Cancelled() {
		t.Fatalf("fired=%v cancelled=%v", fired, h.Cancelled())
	}
}

func TestTimerCancelledAfterBecomingReadyDoesNotRun(t *testing.T) {
	l := newLoop(t)
	fired := false
	var h *rt.TimerHandle
	// Both are due in the same pass; the first cancels the second after
	// it has left the heap for the ready queue.
	l.CallLater(time.Second, func() { h.Cancel() })
	h = l.CallLater(time.Second, func() { fired = true })
	l.CallLater(2*time.Second, l.Stop)
	l.RunForever()
	if fired {
		t.Fatal("a timer cancelled while ready still ran")
	}
}

func TestManyCancelledTimersDoNotFire(t *testing.T) {
	l := newLoop(t)
	fired := 0
	var hs []*rt.TimerHandle
	for i := range 300 {
		hs = append(hs, l.CallLater(time.Duration(i+1)*time.Millisecond, func() { fired++ }))
	}
	for i, h := range hs {
		if i%3 != 0 {
			h.Cancel()
		}
	}
	l.CallLater(time.Second, l.Stop)
	l.RunForever()
	if fired != 100 {
		t.Fatalf("fired %d, want 100", fired)
	}
}
