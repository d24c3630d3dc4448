package rt_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

var errCmbOther = errors.New("other")

// cmbGroup runs body in a RunGroup inside a task and reports the outcome
// and the loop time at its end.
func cmbGroup(t *testing.T, body func(tg *rt.TaskGroup) (int, error)) (int, time.Duration, error) {
	t.Helper()
	return cmbTimed(t, func() (int, error) {
		return rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
			return rt.Async(func() (int, error) { return body(tg) })
		}))
	})
}

func TestTaskGroupWaitsForEveryChild(t *testing.T) {
	var kids []*rt.Task[int]
	v, at, err := cmbGroup(t, func(tg *rt.TaskGroup) (int, error) {
		for i, d := range []time.Duration{time.Second, 3 * time.Second} {
			k, err := rt.Spawn(tg, cmbAfter(d, i, nil))
			if err != nil {
				return 0, err
			}
			kids = append(kids, k)
		}
		return 42, nil
	})
	if v != 42 || err != nil || at != 3*time.Second {
		t.Fatalf("got %v, %v at %v", v, err, at)
	}
	for _, k := range kids {
		if !k.Done() || k.Cancelled() {
			t.Fatalf("child %v", k)
		}
	}
}

func TestTaskGroupFirstErrorCancelsSiblingsAndBody(t *testing.T) {
	var sibling *rt.Task[int]
	var bodyErr error
	_, at, err := cmbGroup(t, func(tg *rt.TaskGroup) (int, error) {
		rt.Spawn(tg, cmbAfter(time.Second, 0, errCmbBoom))
		sibling, _ = rt.Spawn(tg, cmbAfter(time.Hour, 0, nil))
		_, bodyErr = rt.Await(rt.Sleep(time.Hour))
		return 0, bodyErr
	})
	if !errors.Is(err, errCmbBoom) || cmbIsCancel(err) || at != time.Second {
		t.Fatalf("got %v at %v", err, at)
	}
	if !cmbIsCancel(bodyErr) || !sibling.Cancelled() {
		t.Fatalf("body saw %v; sibling cancelled %v", bodyErr, sibling.Cancelled())
	}
}

func TestTaskGroupJoinsEveryChildError(t *testing.T) {
	_, _, err := cmbGroup(t, func(tg *rt.TaskGroup) (int, error) {
		rt.Spawn(tg, cmbAfter(time.Second, 0, errCmbBoom))
		// Fails in its turn when the group cancels it.
		rt.Spawn(tg, rt.Async(func() (int, error) {
			rt.Await(rt.Sleep(time.Hour))
			return 0, errCmbOther
		}))
		return 0, nil
	})
	if !errors.Is(err, errCmbBoom) || !errors.Is(err, errCmbOther) {
		t.Fatalf("got %v", err)
	}
	if j, ok := err.(interface{ Unwrap() []error }); !ok || len(j.Unwrap()) != 2 {
		t.Fatalf("%v is not errors.Join of both", err)
	}
}

func TestTaskGroupUncancelsTheParentItCancelled(t *testing.T) {
	v, at, err := cmbTimed(t, func() (int, error) {
		_, err := rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[rt.Void] {
			rt.Spawn(tg, cmbAfter(time.Second, 0, errCmbBoom))
			return rt.Sleep(time.Hour)
		}))
		if !errors.Is(err, errCmbBoom) {
			return 0, fmt.Errorf("group: %v", err)
		}
		if n := rt.Current().Cancelling(); n != 0 {
			return 0, fmt.Errorf("Cancelling() = %d", n)
		}
		return rt.Await(cmbAfter(time.Second, 5, nil)) // not interrupted
	})
	if v != 5 || err != nil || at != 2*time.Second {
		t.Fatalf("got %v, %v at %v", v, err, at)
	}
}

func TestTaskGroupChildFailingWhileExitingUncancelsTheParent(t *testing.T) {
	v, _, err := cmbTimed(t, func() (int, error) {
		_, err := rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[rt.Void] {
			rt.Spawn(tg, cmbAfter(time.Second, 0, errCmbBoom))
			rt.Spawn(tg, cmbAfter(time.Hour, 0, nil))
			return rt.Sleep(0) // the body is over before the failure
		}))
		if !errors.Is(err, errCmbBoom) {
			return 0, fmt.Errorf("group: %v", err)
		}
		if n := rt.Current().Cancelling(); n != 0 {
			return 0, fmt.Errorf("Cancelling() = %d", n)
		}
		return 1, nil
	})
	if v != 1 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestTaskGroupExternalCancelPropagatesAndCancelsChildren(t *testing.T) {
	l := cmbLoop(t)
	var kid *rt.Task[int]
	parent := rt.CreateTask(l, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		kid, _ = rt.Spawn(tg, cmbAfter(time.Hour, 0, nil))
		return cmbAfter(time.Hour, 0, nil)
	}))
	l.CallLater(time.Second, func() { parent.Cancel() })
	err := l.RunUntilComplete(parent)
	if !cmbIsCancel(err) || !parent.Cancelled() || !kid.Cancelled() {
		t.Fatalf("got %v; kid cancelled %v", err, kid.Cancelled())
	}
}

func TestTaskGroupExternalCancelWhileExitingPropagates(t *testing.T) {
	l := cmbLoop(t)
	var kid *rt.Task[int]
	parent := rt.CreateTask(l, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[rt.Void] {
		kid, _ = rt.Spawn(tg, cmbAfter(time.Hour, 0, nil))
		return rt.Sleep(0)
	}))
	l.CallLater(time.Second, func() { parent.Cancel() })
	err := l.RunUntilComplete(parent)
	if !cmbIsCancel(err) || !kid.Cancelled() || l.Time() != time.Second {
		t.Fatalf("got %v at %v; kid cancelled %v", err, l.Time(), kid.Cancelled())
	}
}

func TestTaskGroupBodyErrorAfterACancelIsJoined(t *testing.T) {
	// asyncio's test_taskgroup_18: the body turns the parent's
	// cancellation into an error of its own.
	l := cmbLoop(t)
	parent := rt.CreateTask(l, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			if _, err := rt.Await(rt.Sleep(time.Hour)); err != nil {
				return 0, errCmbBoom
			}
			return 0, nil
		})
	}))
	l.CallLater(time.Second, func() { parent.Cancel() })
	err := l.RunUntilComplete(parent)
	if !errors.Is(err, errCmbBoom) || cmbIsCancel(err) || parent.Cancelled() {
		t.Fatalf("got %v", err)
	}
}

func TestTaskGroupChildErrorsOutrankACancellation(t *testing.T) {
	l := cmbLoop(t)
	parent := rt.CreateTask(l, rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[rt.Void] {
		rt.Spawn(tg, rt.Async(func() (int, error) {
			rt.Await(rt.Sleep(time.Hour))
			return 0, errCmbBoom // fails when cancelled
		}))
		return rt.Sleep(time.Hour)
	}))
	l.CallLater(time.Second, func() { parent.Cancel() })
	err := l.RunUntilComplete(parent)
	if !errors.Is(err, errCmbBoom) || cmbIsCancel(err) {
		t.Fatalf("got %v", err)
	}
}

func TestTaskGroupSpawnFailsWhileShuttingDown(t *testing.T) {
	var spawnErr error
	var late rt.Coro[int]
	_, _, err := cmbGroup(t, func(tg *rt.TaskGroup) (int, error) {
		rt.Spawn(tg, cmbAfter(time.Second, 0, errCmbBoom))
		rt.Spawn(tg, rt.Async(func() (int, error) {
			_, err := rt.Await(rt.Sleep(time.Hour))
			late = cmbAfter(0, 1, nil)
			_, spawnErr = rt.Spawn(tg, late)
			return 0, err
		}))
		return 0, nil
	})
	var re *rt.RuntimeError
	if !errors.Is(err, errCmbBoom) || !errors.As(spawnErr, &re) {
		t.Fatalf("group %v, spawn %v", err, spawnErr)
	}
	if _, err := late.Result(); !errors.Is(err, rt.ErrInvalidState) {
		t.Fatalf("the refused coroutine was touched: %v", err)
	}
}

func TestTaskGroupMisuseIsRefused(t *testing.T) {
	_, _, err := cmbTimed(t, func() (int, error) {
		tg := rt.NewTaskGroup()
		var re *rt.RuntimeError
		if _, err := rt.Spawn(tg, cmbAfter(0, 0, nil)); !errors.As(err, &re) {
			return 0, fmt.Errorf("Spawn before Enter: %v", err)
		}
		if _, err := rt.Await(tg.Exit(nil)); !errors.As(err, &re) {
			return 0, fmt.Errorf("Exit before Enter: %v", err)
		}
		if _, err := rt.Await(tg.Enter()); err != nil {
			return 0, err
		}
		if _, err := rt.Await(tg.Enter()); !errors.As(err, &re) {
			return 0, fmt.Errorf("second Enter: %v", err)
		}
		if _, err := rt.Await(tg.Exit(nil)); err != nil {
			return 0, err
		}
		if _, err := rt.Spawn(tg, cmbAfter(0, 0, nil)); !errors.As(err, &re) {
			return 0, fmt.Errorf("Spawn after Exit: %v", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTaskGroupWithoutAParentTaskFails(t *testing.T) {
	e := rt.NewTaskGroup().Enter()
	e.Send(&rt.Ctx{})
	var re *rt.RuntimeError
	if _, err := e.Result(); !errors.As(err, &re) {
		t.Fatalf("got %v", err)
	}
}

func TestTaskGroupEnterAndExitByHand(t *testing.T) {
	var order []int
	_, _, err := cmbTimed(t, func() (int, error) {
		tg := rt.NewTaskGroup()
		if _, err := rt.Await(tg.Enter()); err != nil {
			return 0, err
		}
		for i := 3; i > 0; i-- {
			rt.Spawn(tg, rt.Async(func() (int, error) {
				_, err := rt.Await(rt.Sleep(time.Duration(i) * time.Second))
				order = append(order, i)
				return i, err
			}))
		}
		_, err := rt.Await(tg.Exit(nil))
		return 0, err
	})
	if err != nil || !slices.Equal(order, []int{1, 2, 3}) {
		t.Fatalf("got %v, order %v", err, order)
	}
}

func TestRunGroupBodyPanicIsAnErrorAndChildrenStillEnd(t *testing.T) {
	var kid *rt.Task[int]
	_, _, err := cmbTimed(t, func() (int, error) {
		return rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
			kid, _ = rt.Spawn(tg, cmbAfter(time.Hour, 0, nil))
			return cmbPanicky{}
		}))
	})
	var pe *rt.PanicError
	if !errors.As(err, &pe) || !kid.Cancelled() {
		t.Fatalf("got %v; kid cancelled %v", err, kid.Cancelled())
	}
}

// cmbPanicky is a hand-written coroutine that panics when started.
type cmbPanicky struct{}

func (cmbPanicky) Send(*rt.Ctx) rt.Yield         { panic("bad body") }
func (cmbPanicky) Throw(*rt.Ctx, error) rt.Yield { return rt.Yield{} }
func (cmbPanicky) Close()                        {}
func (cmbPanicky) Result() (int, error)          { return 0, nil }

func ExampleRunGroup() {
	v, err := rt.Run(rt.Async(func() (int, error) {
		var a, b *rt.Task[int]
		_, err := rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[rt.Void] {
			a, _ = rt.Spawn(tg, cmbAfter(time.Second, 20, nil))
			b, _ = rt.Spawn(tg, cmbAfter(2*time.Second, 22, nil))
			return rt.Sleep(0)
		}))
		if err != nil {
			return 0, err
		}
		x, _ := a.Result()
		y, _ := b.Result()
		return x + y, nil
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(v, err)

	_, err = rt.Run(rt.Async(func() (rt.Void, error) {
		return rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[rt.Void] {
			rt.Spawn(tg, cmbAfter(time.Second, 0, errors.New("disk full")))
			rt.Spawn(tg, cmbAfter(time.Hour, 0, nil)) // cancelled by the failure
			return rt.Sleep(time.Hour)                // so is the body
		}))
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(err)
	// Output:
	// 42 <nil>
	// disk full
}

func TestTaskGroupCancelsABodyThatOnlyYields(t *testing.T) {
	var bodyErr error
	_, at, err := cmbGroup(t, func(tg *rt.TaskGroup) (int, error) {
		rt.Spawn(tg, cmbAfter(time.Second, 0, errCmbBoom))
		for {
			// Never parked on a future: the cancel is thrown in.
			if _, bodyErr = rt.Await(rt.Sleep(0)); bodyErr != nil {
				return 0, bodyErr
			}
			if _, bodyErr = rt.Await(rt.Sleep(time.Millisecond)); bodyErr != nil {
				return 0, bodyErr
			}
		}
	})
	if !errors.Is(err, errCmbBoom) || !cmbIsCancel(bodyErr) || at != time.Second {
		t.Fatalf("got %v at %v; body saw %v", err, at, bodyErr)
	}
}
