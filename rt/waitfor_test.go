package rt_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func TestWaitForReturnsAResultInTime(t *testing.T) {
	for _, timeout := range []time.Duration{time.Minute, rt.NoTimeout} {
		t.Run(fmt.Sprint(timeout), func(t *testing.T) {
			v, at, err := cmbTimed(t, func() (int, error) {
				return rt.Await(rt.WaitFor(cmbAfter(time.Second, 4, nil), timeout))
			})
			if v != 4 || err != nil || at != time.Second {
				t.Fatalf("got %v, %v at %v", v, err, at)
			}
		})
	}
}

func TestWaitForTimeoutCancelsTheInnerTask(t *testing.T) {
	var inner *rt.Task[int]
	_, at, err := cmbTimed(t, func() (int, error) {
		inner = rt.CreateTask(rt.RunningLoop(), cmbAfter(time.Hour, 1, nil))
		return rt.Await(rt.WaitFor[int](inner, time.Second))
	})
	if !cmbIsTimeout(err) || at != time.Second || !inner.Cancelled() {
		t.Fatalf("got %v at %v, inner cancelled %v", err, at, inner.Cancelled())
	}
}

func TestWaitForZeroNeverStartsACoroutine(t *testing.T) {
	for _, timeout := range []time.Duration{0, -time.Second} {
		t.Run(timeout.String(), func(t *testing.T) {
			started := false
			c := rt.Async(func() (int, error) { started = true; return 1, nil })
			_, _, err := cmbTimed(t, func() (int, error) {
				return rt.Await(rt.WaitFor[int](c, timeout))
			})
			if !cmbIsTimeout(err) || started {
				t.Fatalf("got %v, started %v", err, started)
			}
		})
	}
}

func TestWaitForZeroReturnsADoneFuturesResult(t *testing.T) {
	v, _, err := cmbTimed(t, func() (int, error) {
		f := rt.NewFuture[int](rt.RunningLoop())
		f.SetResult(8)
		return rt.Await(rt.WaitFor[int](f, 0))
	})
	if v != 8 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

// cmbSlowToCancel is a task body that needs d to clean up once cancelled,
// then ends with what finish says.
func cmbSlowToCancel(d time.Duration, finish func(error) (int, error)) rt.Coro[int] {
	return rt.Async(func() (int, error) {
		_, err := rt.Await(rt.Sleep(time.Hour))
		if err == nil {
			return 0, nil
		}
		rt.Await(rt.Sleep(d))
		return finish(err)
	})
}

func TestWaitForWaitsForTheInnerTaskToFinishCancelling(t *testing.T) {
	reraise := func(err error) (int, error) { return 0, err }
	for _, timeout := range []time.Duration{0, time.Second} {
		t.Run(timeout.String(), func(t *testing.T) {
			var inner *rt.Task[int]
			_, at, err := cmbTimed(t, func() (int, error) {
				inner = rt.CreateTask(rt.RunningLoop(), cmbSlowToCancel(5*time.Second, reraise))
				rt.Await(rt.Sleep(0)) // let it start
				return rt.Await(rt.WaitFor[int](inner, timeout))
			})
			if !cmbIsTimeout(err) || at != timeout+5*time.Second || !inner.Cancelled() {
				t.Fatalf("got %v at %v", err, at)
			}
		})
	}
}

func TestWaitForReturnsTheValueWhenTheInnerSwallowsTheCancel(t *testing.T) {
	swallow := func(error) (int, error) { return 9, nil }
	for _, timeout := range []time.Duration{0, time.Second} {
		t.Run(timeout.String(), func(t *testing.T) {
			v, _, err := cmbTimed(t, func() (int, error) {
				inner := rt.CreateTask(rt.RunningLoop(), cmbSlowToCancel(time.Second, swallow))
				rt.Await(rt.Sleep(0))
				return rt.Await(rt.WaitFor[int](inner, timeout))
			})
			if v != 9 || err != nil {
				t.Fatalf("got %v, %v", v, err)
			}
		})
	}
}

func TestWaitForReraisesAnErrorRaisedWhileCancelling(t *testing.T) {
	fail := func(error) (int, error) { return 0, errCmbBoom }
	for _, timeout := range []time.Duration{0, time.Second} {
		t.Run(timeout.String(), func(t *testing.T) {
			_, _, err := cmbTimed(t, func() (int, error) {
				inner := rt.CreateTask(rt.RunningLoop(), cmbSlowToCancel(time.Second, fail))
				rt.Await(rt.Sleep(0))
				return rt.Await(rt.WaitFor[int](inner, timeout))
			})
			if !errors.Is(err, errCmbBoom) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestWaitForNeverSwallowsACancelOfItsTask(t *testing.T) {
	l := cmbLoop(t)
	var inner *rt.Task[int]
	outer := rt.CreateTask(l, rt.Async(func() (int, error) {
		inner = rt.CreateTask(rt.RunningLoop(), cmbAfter(time.Hour, 1, nil))
		return rt.Await(rt.WaitFor[int](inner, time.Minute))
	}))
	l.CallLater(time.Second, func() { outer.Cancel() })
	err := l.RunUntilComplete(outer)
	if !cmbIsCancel(err) || errors.Is(err, rt.ErrTimeout) || !outer.Cancelled() || !inner.Cancelled() {
		t.Fatalf("got %v; outer cancelled %v, inner cancelled %v", err, outer.Cancelled(), inner.Cancelled())
	}
}

func TestWaitForRacingCancelAndTimeoutStaysACancellation(t *testing.T) {
	// gh-96764: the task is cancelled at the very moment the timeout
	// expires; the cancellation must not be turned into a timeout.
	l := cmbLoop(t)
	outer := rt.CreateTask(l, rt.Async(func() (int, error) {
		return rt.Await(rt.WaitFor(cmbAfter(time.Hour, 1, nil), time.Second))
	}))
	l.CallLater(time.Second, func() { outer.Cancel() })
	err := l.RunUntilComplete(outer)
	if !cmbIsCancel(err) || errors.Is(err, rt.ErrTimeout) {
		t.Fatalf("got %v", err)
	}
}

func TestWaitForZeroCancelledWhileWaitingPropagates(t *testing.T) {
	l := cmbLoop(t)
	inner := rt.CreateTask(l, cmbSlowToCancel(time.Hour, func(err error) (int, error) { return 0, err }))
	outer := rt.CreateTask(l, rt.Async(func() (int, error) {
		rt.Await(rt.Sleep(0))
		return rt.Await(rt.WaitFor[int](inner, 0))
	}))
	l.CallLater(time.Second, func() { outer.Cancel() })
	err := l.RunUntilComplete(outer)
	if !cmbIsCancel(err) || errors.Is(err, rt.ErrTimeout) || l.Time() != time.Second {
		t.Fatalf("got %v at %v", err, l.Time())
	}
}

func ExampleWaitFor() {
	v, err := rt.Run(rt.Async(func() (string, error) {
		if _, err := rt.Await(rt.WaitFor(cmbAfter(time.Hour, "late", nil), time.Second)); err != nil {
			fmt.Println("first:", err)
		}
		return rt.Await(rt.WaitFor(cmbAfter(time.Second, "on time", nil), time.Minute))
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(v, err)
	// Output:
	// first: timeout
	// on time <nil>
}
