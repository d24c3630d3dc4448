package rt_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func TestShieldReturnsTheInnerOutcome(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{{"Result", nil}, {"Error", errCmbBoom}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := cmbRun(t, func() (int, error) {
				return rt.Await(rt.Shield(cmbAfter(time.Second, 42, tc.err)))
			})
			if !errors.Is(err, tc.err) || (tc.err == nil && v != 42) {
				t.Fatalf("got %v, %v", v, err)
			}
		})
	}
}

func TestShieldCancelOuterLeavesInnerRunning(t *testing.T) {
	l := cmbLoop(t)
	inner := rt.CreateTask(l, cmbAfter(5*time.Second, 1, nil))
	outer := rt.CreateTask(l, rt.Shield(inner))
	l.CallLater(time.Second, func() { outer.Cancel() })
	if err := l.RunUntilComplete(outer); !cmbIsCancel(err) || l.Time() != time.Second {
		t.Fatalf("outer ended with %v at %v", err, l.Time())
	}
	if inner.Done() {
		t.Fatal("the inner task was cancelled")
	}
	if v, err := rt.RunUntilComplete(l, inner); v != 1 || err != nil {
		t.Fatalf("inner ended with %v, %v", v, err)
	}
}

func TestShieldCancelInnerCancelsOuter(t *testing.T) {
	l := cmbLoop(t)
	inner := rt.CreateTask(l, cmbAfter(5*time.Second, 1, nil))
	outer := rt.CreateTask(l, rt.Shield(inner))
	l.CallLater(time.Second, func() { inner.Cancel() })
	if err := l.RunUntilComplete(outer); !cmbIsCancel(err) || !outer.Cancelled() {
		t.Fatalf("outer ended with %v", err)
	}
}

func TestShieldOfADoneFutureDoesNotSuspend(t *testing.T) {
	l := cmbLoop(t)
	f := rt.NewFuture[int](l)
	f.SetResult(3)
	s := rt.Shield(f)
	v, err := rt.RunUntilComplete(l, rt.Async(func() (int, error) {
		// Nothing else is scheduled: a suspension would show as a
		// callback queued before it running first.
		ran := false
		rt.RunningLoop().CallSoon(func() { ran = true })
		v, err := rt.Await(s)
		if ran {
			return 0, errors.New("Shield suspended")
		}
		return v, err
	}))
	if v != 3 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestShieldKeepsAGatherRunning(t *testing.T) {
	l := cmbLoop(t)
	a := rt.CreateTask(l, cmbAfter(2*time.Second, 1, nil))
	b := rt.CreateTask(l, cmbAfter(3*time.Second, 2, nil))
	gathered := rt.CreateTask(l, rt.Gather(a, b))
	outer := rt.CreateTask(l, rt.Shield(gathered))
	l.CallLater(time.Second, func() { outer.Cancel() })
	if err := l.RunUntilComplete(outer); !cmbIsCancel(err) {
		t.Fatalf("outer ended with %v", err)
	}
	got, err := rt.RunUntilComplete(l, gathered)
	if err != nil || len(got) != 2 || a.Cancelled() || b.Cancelled() {
		t.Fatalf("gather ended with %v, %v", got, err)
	}
}

func ExampleShield() {
	v, _ := rt.Run(rt.Async(func() (string, error) {
		l := rt.RunningLoop()
		save := rt.CreateTask(l, cmbAfter(2*time.Second, "saved", nil))
		waiter := rt.CreateTask(l, rt.Shield(save))
		l.CallLater(time.Second, func() { waiter.Cancel() })
		if _, err := rt.Await(waiter); err != nil {
			fmt.Println("waiter:", err)
		}
		return rt.Await(save) // still running, untouched
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(v)
	// Output:
	// waiter: cancelled
	// saved
}
