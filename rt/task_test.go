package rt_test

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"weak"

	"github.com/asyncgen/asyncgen/rt"
)

// script is a hand-written coroutine for tests that need exact control of
// each step: step gets the resumption number (0 first) and the error thrown
// in, and returns what to yield; when it returns a done Yield the outcome is
// res, err.
type script struct {
	step   func(s *script, c *rt.Ctx, n int, thrown error) rt.Yield
	n      int
	res    int
	err    error
	closed bool
}

func (s *script) Send(c *rt.Ctx) rt.Yield { s.n++; return s.step(s, c, s.n-1, nil) }
func (s *script) Throw(c *rt.Ctx, err error) rt.Yield {
	s.n++
	return s.step(s, c, s.n-1, err)
}
func (s *script) Close()               { s.closed = true }
func (s *script) Result() (int, error) { return s.res, s.err }

// bare is a bare yield ("reschedule me"), as Sleep(0) produces it.
func bare(c *rt.Ctx) rt.Yield { return rt.Sleep(0).Send(c) }

// awaitFut is a hand-written coroutine that awaits one future, the shape
// asyncgen generates for `return rt.Await(f)`.
type awaitFut struct {
	f   *rt.Future[int]
	aw  rt.Awaiting[int]
	res int
	err error
}

func (a *awaitFut) Send(c *rt.Ctx) rt.Yield {
	var y rt.Yield
	var suspend bool
	if a.aw.Pending() {
		y, suspend = a.aw.Resume(c, nil)
	} else {
		y, suspend = a.aw.Start(c, a.f)
	}
	if suspend {
		return y
	}
	a.res, a.err = a.aw.Result()
	return rt.Yield{}
}

func (a *awaitFut) Throw(c *rt.Ctx, err error) rt.Yield {
	if !a.aw.Pending() {
		a.err = err
		return rt.Yield{}
	}
	if y, suspend := a.aw.Resume(c, err); suspend {
		return y
	}
	a.res, a.err = a.aw.Result()
	return rt.Yield{}
}

func (a *awaitFut) Close()               { a.aw.Close() }
func (a *awaitFut) Result() (int, error) { return a.res, a.err }

func TestTaskRunsCoroutineToResult(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		v, err := rt.Await(f)
		return v * 2, err
	}))
	l.CallSoon(func() { f.SetResult(21) })
	v, err := rt.RunUntilComplete[int](l, task)
	if v != 42 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestTaskStartsOnNextPass(t *testing.T) {
	l := newLoop(t)
	var got []string
	l.CallSoon(func() { got = append(got, "before") })
	rt.CreateTask(l, &script{step: func(s *script, c *rt.Ctx, n int, _ error) rt.Yield {
		got = append(got, "task")
		return rt.Yield{}
	}})
	if len(got) != 0 {
		t.Fatal("the task started eagerly")
	}
	runOnce(t, l)
	if !slices.Equal(got, []string{"before", "task"}) {
		t.Fatalf("got %v", got)
	}
}

func TestTaskBareYieldLetsQueuedCallbacksRunFirst(t *testing.T) {
	l := newLoop(t)
	var got []string
	task := rt.CreateTask(l, &script{step: func(s *script, c *rt.Ctx, n int, _ error) rt.Yield {
		got = append(got, "step")
		if n == 0 {
			c.Loop().CallSoon(func() { got = append(got, "callback") })
			return bare(c)
		}
		return rt.Yield{}
	}})
	if err := l.RunUntilComplete(task); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"step", "callback", "step"}) {
		t.Fatalf("got %v", got)
	}
}

func TestTaskAwaitingItselfGetsError(t *testing.T) {
	l := newLoop(t)
	var task *rt.Task[int]
	var thrownIn error
	task = rt.CreateTask(l, &script{step: func(s *script, c *rt.Ctx, n int, thrown error) rt.Yield {
		if n == 0 {
			return task.Send(c)
		}
		thrownIn = thrown
		s.res = 1
		return rt.Yield{}
	}})
	if v, err := rt.RunUntilComplete[int](l, task); v != 1 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
	var re *rt.RuntimeError
	if !errors.As(thrownIn, &re) || !strings.Contains(re.Msg, "cannot await on itself") {
		t.Fatalf("thrown in: %v", thrownIn)
	}
}

func TestTaskAwaitingFutureOfAnotherLoopGetsError(t *testing.T) {
	l, other := newLoop(t), newLoop(t)
	foreign := rt.NewFuture[int](other)
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		return rt.Await(foreign)
	}))
	_, err := rt.RunUntilComplete[int](l, task)
	var re *rt.RuntimeError
	if !errors.As(err, &re) || !strings.Contains(re.Msg, "different loop") {
		t.Fatalf("got %v", err)
	}
}

func TestTaskCancelBeforeStartNeverRunsBody(t *testing.T) {
	l := newLoop(t)
	ran := false
	task := rt.CreateTask(l, rt.Async(func() (int, error) { ran = true; return 1, nil }))
	if !task.Cancel("early") {
		t.Fatal("Cancel returned false")
	}
	err := l.RunUntilComplete(task)
	var ce *rt.CancelledError
	if !errors.As(err, &ce) || ce.Msg != "early" || !task.Cancelled() || ran {
		t.Fatalf("err=%v cancelled=%v ran=%v", err, task.Cancelled(), ran)
	}
	if task.Cancel() {
		t.Fatal("Cancel of a done task returned true")
	}
}

func TestTaskCancelCancelsAwaitedFuture(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	var seen error
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		_, err := rt.Await(f)
		seen = err
		return 0, err
	}))
	runOnce(t, l)
	task.Cancel("stop")
	if !f.Cancelled() {
		t.Fatal("the awaited future was not cancelled")
	}
	err := l.RunUntilComplete(task)
	var ce *rt.CancelledError
	if !errors.As(err, &ce) || ce.Msg != "stop" || !errors.Is(seen, rt.ErrCancelled) {
		t.Fatalf("task err %v, coroutine saw %v", err, seen)
	}
}

func TestTaskCancellingCountsAndUncancel(t *testing.T) {
	l := newLoop(t)
	task := rt.CreateTask(l, rt.Async(func() (int, error) { return 1, nil }))
	if task.Cancelling() != 0 {
		t.Fatal("fresh task is cancelling")
	}
	task.Cancel()
	if !task.Cancel() || task.Cancelling() != 2 {
		t.Fatalf("repeated Cancel: cancelling=%d", task.Cancelling())
	}
	if n := task.Uncancel(); n != 1 {
		t.Fatalf("Uncancel returned %d", n)
	}
	task.Uncancel()
	if n := task.Uncancel(); n != 0 {
		t.Fatalf("Uncancel below zero: %d", n)
	}
	// Uncancel does not withdraw the pending cancellation itself.
	if err := l.RunUntilComplete(task); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("got %v, want cancelled", err)
	}
}

func TestTaskSwallowingCancellationFinishesNormally(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		if _, err := rt.Await(f); errors.Is(err, rt.ErrCancelled) {
			return 42, nil
		}
		return 0, nil
	}))
	runOnce(t, l)
	task.Cancel()
	v, err := rt.RunUntilComplete[int](l, task)
	if v != 42 || err != nil || task.Cancelled() || task.Cancelling() != 1 {
		t.Fatalf("got %v, %v cancelled=%v cancelling=%d", v, err, task.Cancelled(), task.Cancelling())
	}
}

func TestTaskCancelledDuringLastStepEndsCancelled(t *testing.T) {
	l := newLoop(t)
	var task *rt.Task[int]
	task = rt.CreateTask(l, &script{step: func(s *script, c *rt.Ctx, n int, _ error) rt.Yield {
		task.Cancel("at end")
		s.res = 1
		return rt.Yield{}
	}})
	err := l.RunUntilComplete(task)
	var ce *rt.CancelledError
	if !errors.As(err, &ce) || ce.Msg != "at end" {
		t.Fatalf("got %v", err)
	}
}

func TestTaskCancelledDuringLastStepKeepsItsError(t *testing.T) {
	l := newLoop(t)
	boom := errors.New("boom")
	var task *rt.Task[int]
	task = rt.CreateTask(l, &script{step: func(s *script, c *rt.Ctx, n int, _ error) rt.Yield {
		task.Cancel()
		s.err = boom
		return rt.Yield{}
	}})
	if err := l.RunUntilComplete(task); err != boom || task.Cancelled() {
		t.Fatalf("got %v cancelled=%v, want boom (asyncio stores the exception)", err, task.Cancelled())
	}
}

func TestTaskCancelledThenAwaitingCancelsThatFuture(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	var task *rt.Task[int]
	aw := &awaitFut{f: f}
	task = rt.CreateTask(l, &script{step: func(s *script, c *rt.Ctx, n int, thrown error) rt.Yield {
		if n == 0 {
			task.Cancel("self")
		}
		y := aw.Send(c)
		if !y.Done() {
			return y
		}
		s.res, s.err = aw.Result()
		return y
	}})
	err := l.RunUntilComplete(task)
	if !f.Cancelled() || !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("future cancelled=%v, task err %v", f.Cancelled(), err)
	}
}

func TestTaskCancelWhileWakeupPendingThrowsCancellation(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	aw := &awaitFut{f: f}
	task := rt.CreateTask[int](l, aw)
	runOnce(t, l)
	f.SetResult(1) // the wake-up is queued, f can no longer be cancelled
	task.Cancel("late")
	err := l.RunUntilComplete(task)
	var ce *rt.CancelledError
	if !errors.As(err, &ce) || ce.Msg != "late" || !errors.Is(aw.err, rt.ErrCancelled) {
		t.Fatalf("task %v, coroutine saw %v", err, aw.err)
	}
}

func TestTaskCancelWhileAwaitingTaskThatSwallowsIt(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	inner := rt.CreateTask(l, rt.Async(func() (int, error) {
		if _, err := rt.Await(f); err != nil {
			return 5, nil // swallow
		}
		return 0, nil
	}))
	outer := rt.CreateTask(l, rt.Async(func() (int, error) {
		v, err := rt.Await(inner)
		return v + 1, err
	}))
	runOnce(t, l)
	outer.Cancel()
	if !f.Cancelled() {
		t.Fatal("the cancellation did not reach the innermost future")
	}
	// As in asyncio 3.11: the inner task swallowed it, so the outer task
	// gets the inner result and is not cancelled.
	v, err := rt.RunUntilComplete[int](l, outer)
	if v != 6 || err != nil || outer.Cancelled() || outer.Cancelling() != 1 {
		t.Fatalf("outer: %v, %v cancelled=%v cancelling=%d", v, err, outer.Cancelled(), outer.Cancelling())
	}
}

func TestTaskReturningCancelledErrorIsCancelled(t *testing.T) {
	l := newLoop(t)
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		return 0, &rt.CancelledError{Msg: "own"}
	}))
	err := l.RunUntilComplete(task)
	var ce *rt.CancelledError
	if !task.Cancelled() || !errors.As(err, &ce) || ce.Msg != "own" {
		t.Fatalf("cancelled=%v err=%v", task.Cancelled(), err)
	}
}

func TestTaskPanicBecomesPanicErrorWithStack(t *testing.T) {
	tests := []struct {
		name string
		coro rt.Coro[int]
	}{
		{"reference coroutine", rt.Async(func() (int, error) { panic("boom") })},
		{"hand-written coroutine", &script{step: func(*script, *rt.Ctx, int, error) rt.Yield { panic("boom") }}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLoop(t)
			task := rt.CreateTask(l, tc.coro)
			err := l.RunUntilComplete(task)
			var pe *rt.PanicError
			if !errors.As(err, &pe) || pe.Value != "boom" || !strings.Contains(string(pe.Stack), "task_test.go") {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestTaskErrorAndResultThroughMust(t *testing.T) {
	l := newLoop(t)
	boom := errors.New("boom")
	f := rt.NewFuture[int](l)
	f.SetException(boom)
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		return rt.Must[int](f) + 1, nil
	}))
	if err := l.RunUntilComplete(task); err != boom {
		t.Fatalf("got %v", err)
	}
}

func TestTaskNames(t *testing.T) {
	l := newLoop(t)
	noop := func() (int, error) { return 0, nil }
	a := rt.CreateTask(l, rt.Async(noop))
	b := rt.CreateTask(l, rt.Async(noop))
	if a.Name() != "Task-1" || b.Name() != "Task-2" {
		t.Fatalf("names %q %q", a.Name(), b.Name())
	}
	b.SetName("worker")
	if b.Name() != "worker" || !strings.Contains(b.String(), "worker") {
		t.Fatalf("renamed: %q %s", b.Name(), b)
	}
	l.RunUntilComplete(b)
}

func TestCurrentTask(t *testing.T) {
	l := newLoop(t)
	var inTask, inCallback rt.AnyTask
	var viaCtx rt.AnyTask
	task := rt.CreateTask(l, &script{step: func(s *script, c *rt.Ctx, n int, _ error) rt.Yield {
		inTask = l.CurrentTask()
		viaCtx = c.Task()
		if c.Loop() != l {
			t.Error("Ctx.Loop")
		}
		return rt.Yield{}
	}})
	l.CallSoon(func() { inCallback = l.CurrentTask() })
	l.RunUntilComplete(task)
	if inTask != task || viaCtx != task || inCallback != nil || l.CurrentTask() != nil {
		t.Fatalf("in task %v, via ctx %v, in callback %v", inTask, viaCtx, inCallback)
	}
	var ref rt.AnyTask
	refTask := rt.CreateTask(l, rt.Async(func() (int, error) { ref = rt.Current(); return 0, nil }))
	l.RunUntilComplete(refTask)
	if ref != refTask {
		t.Fatal("rt.Current inside a reference coroutine")
	}
}

func TestAllTasksListsPendingTasksInCreationOrder(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	a := rt.CreateTask[int](l, &awaitFut{f: f})
	b := rt.CreateTask(l, rt.Async(func() (int, error) { return 0, nil }))
	c := rt.CreateTask[int](l, &awaitFut{f: f})
	if got := l.AllTasks(); !slices.Equal(got, []rt.AnyTask{a, b, c}) {
		t.Fatalf("AllTasks %v", got)
	}
	l.RunUntilComplete(b)
	if got := l.AllTasks(); !slices.Equal(got, []rt.AnyTask{a, c}) {
		t.Fatalf("AllTasks after b finished %v", got)
	}
	f.SetResult(1)
	l.RunUntilComplete(c)
	if got := l.AllTasks(); len(got) != 0 {
		t.Fatalf("AllTasks at the end %v", got)
	}
}

func TestTaskSetResultIsRejected(t *testing.T) {
	l := newLoop(t)
	task := rt.CreateTask(l, rt.Async(func() (int, error) { return 1, nil }))
	var re *rt.RuntimeError
	if err := task.SetResult(2); !errors.As(err, &re) {
		t.Fatalf("SetResult on a task: %v", err)
	}
	if err := task.SetException(errors.New("x")); !errors.As(err, &re) {
		t.Fatalf("SetException on a task: %v", err)
	}
	if v, err := rt.RunUntilComplete[int](l, task); v != 1 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestCancelOfDoneTaskMarksErrorRetrieved(t *testing.T) {
	l := newLoop(t)
	errs := collectErrors(l)
	task := rt.CreateTask(l, rt.Async(func() (int, error) { return 0, errors.New("boom") }))
	runOnce(t, l)
	if !task.Done() || task.Cancel() {
		t.Fatal("task not done, or Cancel returned true")
	}
	l.Close()
	if len(*errs) != 0 {
		t.Fatalf("reported %+v; asyncio's cancel() clears the log flag even when done", *errs)
	}
}

// TestLoopKeepsRunningTasksAlive checks gh-88831: a task nobody references,
// awaiting a future only it references, survives a GC and completes.
func TestLoopKeepsRunningTasksAlive(t *testing.T) {
	l := newLoop(t)
	finished := rt.NewFuture[int](l)
	var wp weak.Pointer[rt.Future[int]]
	func() {
		f := rt.NewFuture[int](l)
		wp = weak.Make(f)
		task := rt.CreateTask[int](l, &awaitFut{f: f})
		task.AddDoneCallback(func(t *rt.Task[int]) {
			v, _ := t.Result()
			finished.SetResult(v)
		})
	}()
	runOnce(t, l) // the task is now suspended on f
	runtime.GC()
	runtime.GC()
	f := wp.Value()
	if f == nil {
		t.Fatal("the suspended task was collected")
	}
	f.SetResult(7)
	if v, err := rt.RunUntilComplete[int](l, finished); v != 7 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestHundredThousandTasksUseNoGoroutines(t *testing.T) {
	const n = 100_000
	l := newLoop(t)
	before := runtime.NumGoroutine()
	futs := make([]*rt.Future[int], n)
	tasks := make([]*rt.Task[int], n)
	for i := range futs {
		futs[i] = rt.NewFuture[int](l)
		tasks[i] = rt.CreateTask[int](l, &awaitFut{f: futs[i]})
	}
	runOnce(t, l) // every task is suspended on its future
	during := runtime.NumGoroutine()
	for i, f := range futs {
		l.CallSoon(func() { f.SetResult(i) })
	}
	all := rt.NewFuture[int](l)
	left := n
	for _, task := range tasks {
		task.AddDoneCallback(func(*rt.Task[int]) {
			if left--; left == 0 {
				all.SetResult(0)
			}
		})
	}
	if err := l.RunUntilComplete(all); err != nil {
		t.Fatal(err)
	}
	after := runtime.NumGoroutine()
	// A little slack for goroutines other tests left winding down.
	if during > before+2 || after > before+2 {
		t.Fatalf("goroutines before %d, during %d, after %d", before, during, after)
	}
	for i, task := range tasks {
		if v, err := task.Result(); v != i || err != nil {
			t.Fatalf("task %d: %v, %v", i, v, err)
		}
	}
}
