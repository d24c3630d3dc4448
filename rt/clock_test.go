package rt_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func TestVirtualClockMovesOnlyForward(t *testing.T) {
	c := rt.NewVirtualClock()
	if c.Now() != 0 {
		t.Fatalf("starts at %v", c.Now())
	}
	c.Advance(time.Second)
	c.Advance(-time.Hour)
	c.Advance(0)
	if c.Now() != time.Second {
		t.Fatalf("Now %v, want 1s", c.Now())
	}
}

func TestVirtualClockJumpsToNextTimer(t *testing.T) {
	l := newLoop(t)
	var at []time.Duration
	l.CallLater(90*time.Minute, func() { at = append(at, l.Time()) })
	l.CallLater(48*time.Hour, func() { at = append(at, l.Time()); l.Stop() })
	l.RunForever()
	if !slices.Equal(at, []time.Duration{90 * time.Minute, 48 * time.Hour}) {
		t.Fatalf("fired at %v", at)
	}
}

func TestTenThousandTimersOverAnHourRunInstantlyInOrder(t *testing.T) {
	const n = 10_000
	l := newLoop(t)
	r := rand.New(rand.NewPCG(7, 11))
	type fire struct{ when, at time.Duration }
	var got []fire
	for range n {
		d := time.Duration(r.Int64N(int64(time.Hour)))
		l.CallLater(d, func() { got = append(got, fire{d, l.Time()}) })
	}
	l.CallLater(time.Hour, l.Stop)
	start := time.Now()
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d timers fired, want %d", len(got), n)
	}
	for i, f := range got {
		if f.at != f.when {
			t.Fatalf("timer for %v fired at %v", f.when, f.at)
		}
		if i > 0 && f.when < got[i-1].when {
			t.Fatalf("timer for %v fired after one for %v", f.when, got[i-1].when)
		}
	}
	if l.Time() != time.Hour {
		t.Fatalf("ended at %v", l.Time())
	}
	// Not a timing assertion, a sanity bound: an hour of virtual time must
	// not be spent on the wall clock.
	if d := time.Since(start); d > time.Minute {
		t.Fatalf("took %v of real time", d)
	}
}

func TestSleepOnVirtualClock(t *testing.T) {
	var woke time.Duration
	_, err := rt.Run(rt.Async(func() (int, error) {
		l := rt.RunningLoop()
		if _, err := rt.Await(rt.Sleep(time.Hour)); err != nil {
			return 0, err
		}
		woke = l.Time()
		return 0, nil
	}), rt.WithClock(rt.NewVirtualClock()))
	if err != nil || woke != time.Hour {
		t.Fatalf("woke at %v, err %v", woke, err)
	}
}

func TestVirtualClockDoesNotJumpOverThreadsafeCallbacks(t *testing.T) {
	l := newLoop(t)
	fired := false
	l.CallLater(time.Hour, func() { fired = true })
	f := rt.NewFuture[int](l)
	// Queued from another goroutine before the loop runs: the first pass
	// must run it, not jump an hour ahead first.
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.CallSoonThreadsafe(func() { f.SetResult(1) })
	}()
	<-done
	if err := l.RunUntilComplete(f); err != nil {
		t.Fatal(err)
	}
	if fired || l.Time() != 0 {
		t.Fatalf("jumped to %v", l.Time())
	}
}
