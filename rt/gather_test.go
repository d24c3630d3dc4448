package rt_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func TestGatherReturnsResultsInArgumentOrder(t *testing.T) {
	got, err := cmbRun(t, func() ([]int, error) {
		return rt.Await(rt.Gather(
			cmbAfter(3*time.Second, 0, nil),
			cmbAfter(time.Second, 1, nil),
			cmbAfter(2*time.Second, 2, nil),
		))
	})
	if err != nil || !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestGatherRunsChildrenConcurrently(t *testing.T) {
	at, err := cmbRun(t, func() (time.Duration, error) {
		_, err := rt.Await(rt.Gather(cmbAfter(time.Second, 0, nil), cmbAfter(time.Second, 1, nil)))
		return cmbNow(), err
	})
	if err != nil || at != time.Second {
		t.Fatalf("done at %v, %v", at, err)
	}
}

func TestGatherOfNothingReturnsEmptyWithoutSuspending(t *testing.T) {
	g := rt.Gather[int]()
	if y := g.Send(&rt.Ctx{}); !y.Done() {
		t.Fatal("Gather() suspended")
	}
	if v, err := g.Result(); err != nil || v == nil || len(v) != 0 {
		t.Fatalf("got %#v, %v", v, err)
	}
}

func TestGatherRunsARepeatedArgumentOnce(t *testing.T) {
	runs := 0
	c := rt.Async(func() (int, error) {
		runs++
		_, err := rt.Await(rt.Sleep(time.Second))
		return 7, err
	})
	got, err := cmbRun(t, func() ([]int, error) {
		return rt.Await(rt.Gather[int](c, c, cmbAfter(0, 1, nil), c))
	})
	if err != nil || !slices.Equal(got, []int{7, 7, 1, 7}) || runs != 1 {
		t.Fatalf("got %v, %v after %d runs", got, err, runs)
	}
}

func TestGatherUsesFuturesAndTasksAsTheyAre(t *testing.T) {
	got, err := cmbRun(t, func() ([]int, error) {
		l := rt.RunningLoop()
		f := rt.NewFuture[int](l)
		l.CallLater(time.Second, func() { f.SetResult(1) })
		task := rt.CreateTask(l, cmbAfter(2*time.Second, 2, nil))
		return rt.Await(rt.Gather[int](f, task))
	})
	if err != nil || !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestGatherFirstErrorLandsAtOnceWhileSiblingsRun(t *testing.T) {
	l := cmbLoop(t)
	sibling := rt.CreateTask(l, cmbAfter(5*time.Second, 1, nil))
	_, err := rt.RunUntilComplete(l, rt.Gather[int](cmbAfter(time.Second, 0, errCmbBoom), sibling))
	if !errors.Is(err, errCmbBoom) || l.Time() != time.Second {
		t.Fatalf("got %v at %v", err, l.Time())
	}
	if sibling.Done() {
		t.Fatal("the sibling was stopped")
	}
	if v, err := rt.RunUntilComplete(l, sibling); v != 1 || err != nil {
		t.Fatalf("sibling ended with %v, %v", v, err)
	}
}

func TestGatherChildCancelFailsTheAwaitWithCancelledError(t *testing.T) {
	l := cmbLoop(t)
	child := rt.CreateTask(l, cmbAfter(5*time.Second, 1, nil))
	other := rt.CreateTask(l, cmbAfter(5*time.Second, 2, nil))
	l.CallLater(time.Second, func() { child.Cancel("child") })
	outer := rt.CreateTask(l, rt.Gather[int](child, other))
	err := l.RunUntilComplete(outer)
	var ce *rt.CancelledError
	if !errors.As(err, &ce) || ce.Msg != "child" || l.Time() != time.Second {
		t.Fatalf("got %v at %v", err, l.Time())
	}
	if other.Done() {
		t.Fatal("a child cancel stopped its sibling")
	}
}

func TestGatherCancelCancelsEveryChild(t *testing.T) {
	for _, returnErrors := range []bool{false, true} {
		t.Run(fmt.Sprint("returnErrors=", returnErrors), func(t *testing.T) {
			l := cmbLoop(t)
			ts := cmbTasks(l, 5*time.Second, 6*time.Second)
			var outer rt.AnyTask
			if returnErrors {
				// bpo-32684: the cancel propagates in this mode too.
				outer = rt.CreateTask(l, rt.GatherReturnErrors[int](ts[0], ts[1]))
			} else {
				outer = rt.CreateTask(l, rt.Gather[int](ts[0], ts[1]))
			}
			l.CallLater(time.Second, func() { outer.Cancel() })
			err := l.RunUntilComplete(outer)
			if !cmbIsCancel(err) || !outer.Cancelled() {
				t.Fatalf("outer ended with %v", err)
			}
			if !ts[0].Cancelled() || !ts[1].Cancelled() {
				t.Fatal("children not cancelled")
			}
		})
	}
}

func TestGatherCancelWaitsForChildrenToFinish(t *testing.T) {
	l := cmbLoop(t)
	stubborn := rt.CreateTask(l, rt.Async(func() (int, error) {
		_, err := rt.Await(rt.Sleep(time.Hour))
		if err != nil {
			// Takes a while to clean up, then swallows the cancel.
			rt.Await(rt.Sleep(2 * time.Second))
		}
		return 1, nil
	}))
	outer := rt.CreateTask(l, rt.Gather[int](stubborn))
	l.CallLater(time.Second, func() { outer.Cancel() })
	err := l.RunUntilComplete(outer)
	if !cmbIsCancel(err) || l.Time() != 3*time.Second {
		t.Fatalf("got %v at %v, want a cancellation at 3s", err, l.Time())
	}
}

func TestGatherReturnErrorsCollectsEveryOutcome(t *testing.T) {
	l := cmbLoop(t)
	cancelled := rt.CreateTask(l, cmbAfter(time.Hour, 9, nil))
	l.CallLater(time.Second, func() { cancelled.Cancel() })
	got, err := rt.RunUntilComplete(l, rt.GatherReturnErrors(
		cmbAfter(3*time.Second, 0, nil),
		cmbAfter(time.Second, 0, errCmbBoom),
		cancelled,
		cmbAfter(2*time.Second, 3, nil),
	))
	if err != nil || len(got) != 4 || l.Time() != 3*time.Second {
		t.Fatalf("got %v, %v at %v", got, err, l.Time())
	}
	if got[0].Err != nil || got[0].Value != 0 || got[3].Value != 3 ||
		!errors.Is(got[1].Err, errCmbBoom) || !cmbIsCancel(got[2].Err) {
		t.Fatalf("outcomes %+v", got)
	}
}

func TestGatherRejectsAFutureOfAnotherLoop(t *testing.T) {
	l, other := cmbLoop(t), cmbLoop(t)
	_, err := rt.RunUntilComplete(l, rt.Gather[int](rt.NewFuture[int](other)))
	if err == nil {
		t.Fatal("want an error")
	}
}

func TestGatherThrownBeforeStartRunsNothing(t *testing.T) {
	started := false
	c := rt.Async(func() (int, error) { started = true; return 0, nil })
	g := rt.Gather[int](c)
	g.Throw(&rt.Ctx{}, &rt.CancelledError{})
	if _, err := g.Result(); !cmbIsCancel(err) {
		t.Fatalf("got %v", err)
	}
	if _, err := c.Result(); err == nil || started {
		t.Fatal("the child coroutine was not closed unstarted")
	}
}

func ExampleGather() {
	square := func(n int) rt.Coro[int] {
		return rt.Async(func() (int, error) {
			_, err := rt.Await(rt.Sleep(time.Duration(10-n) * time.Second))
			return n * n, err
		})
	}
	v, err := rt.Run(rt.Async(func() ([]int, error) {
		return rt.Await(rt.Gather(square(1), square(2), square(3)))
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(v, err)
	// Output: [1 4 9] <nil>
}

func ExampleGatherReturnErrors() {
	v, _ := rt.Run(rt.Async(func() ([]rt.Outcome[int], error) {
		return rt.Await(rt.GatherReturnErrors(
			cmbAfter(time.Second, 1, nil),
			cmbAfter(time.Second, 0, errors.New("no luck")),
		))
	}), rt.WithClock(rt.NewVirtualClock()))
	for _, o := range v {
		fmt.Println(o.Value, o.Err)
	}
	// Output:
	// 1 <nil>
	// 0 no luck
}

// Futures and tasks of one result type gather with their type inferred, as
// in asyncio: no rt.Gather[int](…). (Results of different types gather as
// Gather[any] over Awaitable[any] values.)
func ExampleGather_futuresAndTasks() {
	v, err := rt.Run(rt.Async(func() ([]int, error) {
		l := rt.RunningLoop()
		f := rt.NewFuture[int](l)
		l.CallLater(time.Second, func() { f.SetResult(1) })
		task := rt.CreateTask(l, rt.Async(func() (int, error) { return 2, nil }))
		shielded := rt.CreateTask(l, rt.Shield(task))
		return rt.Await(rt.WaitFor(rt.Gather(f, task, shielded), time.Minute))
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(v, err)
	// Output: [1 2 2] <nil>
}

// TestGatherOfMixedTypesThroughAsAny gathers a future, a task and a
// coroutine of three result types: AsAny makes each an Awaitable[any], the
// results come back in argument order, and the future and the task are
// awaited as they are (the gather's cancellation reaches them) rather than
// wrapped in tasks.
func TestGatherOfMixedTypesThroughAsAny(t *testing.T) {
	l := cmbLoop(t)
	count := rt.NewFuture[int](l)
	l.CallLater(time.Second, func() { count.SetResult(3) })
	name := rt.CreateTask(l, cmbAfter(2*time.Second, "three", nil))
	before := len(l.AllTasks())
	var during int
	main := rt.CreateTask(l, rt.Async(func() ([]any, error) {
		l.CallSoon(func() { during = len(l.AllTasks()) })
		return rt.Await(rt.Gather(rt.AsAny(count), rt.AsAny(name), rt.AsAny(cmbAfter(0, 3.0, nil))))
	}))
	if err := l.RunUntilComplete(main); err != nil {
		t.Fatal(err)
	}
	vs, _ := main.Result()
	n, s, f := vs[0].(int), vs[1].(string), vs[2].(float64)
	if n != 3 || s != "three" || f != 3.0 {
		t.Fatalf("got %v", vs)
	}
	// main and the coroutine's task are new; count and name were not wrapped.
	if during != before+2 {
		t.Fatalf("%d tasks while gathering, %d before: the future or the task got a task of its own", during, before)
	}

	// Cancelling the gather cancels the future it awaits.
	pending := rt.NewFuture[int](l)
	g := rt.CreateTask(l, rt.Gather(rt.AsAny(pending), rt.AsAny(cmbAfter(time.Hour, "x", nil))))
	l.CallLater(time.Second, func() { g.Cancel() })
	l.RunUntilComplete(g)
	if !g.Cancelled() || !pending.Cancelled() {
		t.Fatalf("gather cancelled %v, its future cancelled %v", g.Cancelled(), pending.Cancelled())
	}
}
