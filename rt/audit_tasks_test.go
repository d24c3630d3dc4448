package rt_test

// Audit of test_tasks.py (CPython 3.11, 3.12 where DESIGN.md section 4 says
// so): behaviours of Task, Gather, Shield and Wait that the older test files
// did not pin down.

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func cancelMsg(err error) (string, bool) {
	var ce *rt.CancelledError
	if !errors.As(err, &ce) {
		return "", false
	}
	return ce.Msg, true
}

// test_cancel_with_message_then_future_result
func TestAuditTaskCancelMessageReachesTheAwaiter(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[int](l)
	task := prGo(l, func() (int, error) { return rt.Await(f) })
	prBriefly(t, l)
	task.Cancel("stop now")
	err := prWait(t, l, task)
	if msg, ok := cancelMsg(err); !ok || msg != "stop now" || !task.Cancelled() {
		t.Fatalf("err %v cancelled %v, want cancelled with the message", err, task.Cancelled())
	}
	if msg, _ := cancelMsg(f.Exception()); msg != "stop now" {
		t.Fatalf("awaited future's error %v, want the message", f.Exception())
	}
}

// test_cancel_with_message_before_starting_task
func TestAuditTaskCancelledBeforeStartKeepsTheMessage(t *testing.T) {
	l := prLoop(t)
	ran := false
	task := prGo(l, func() (int, error) { ran = true; return 1, nil })
	task.Cancel("early")
	err := prWait(t, l, task)
	if msg, ok := cancelMsg(err); !ok || msg != "early" || ran {
		t.Fatalf("err %v ran %v, want cancelled with %q before running", err, ran, "early")
	}
}

// test_cancel_yield: a task cancelled while it sits on a bare yield gets
// the cancellation from that yield.
func TestAuditTaskCancelledAtBareYieldIsCancelled(t *testing.T) {
	l := prLoop(t)
	after := false
	task := prGo(l, func() (int, error) {
		if _, err := rt.Await(rt.Sleep(0)); err != nil {
			return 0, err
		}
		after = true
		return 1, nil
	})
	runOnce(t, l) // the task yields bare
	if !task.Cancel() {
		t.Fatal("Cancel of a pending task returned false")
	}
	if err := prWait(t, l, task); !errors.Is(err, rt.ErrCancelled) || after {
		t.Fatalf("err %v after %v, want the cancellation at the yield", err, after)
	}
}

// test_cancel_both_task_and_inner_future
func TestAuditTaskCancelAfterItsFutureWasCancelledEndsCancelled(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[int](l)
	task := prGo(l, func() (int, error) {
		if _, err := rt.Await(f); err != nil {
			return 0, err
		}
		return 12, nil
	})
	prBriefly(t, l)
	f.Cancel()
	if !task.Cancel() {
		t.Fatal("Cancel returned false")
	}
	if err := prWait(t, l, task); !errors.Is(err, rt.ErrCancelled) || !task.Cancelled() || !f.Cancelled() {
		t.Fatalf("err %v, task cancelled %v, future cancelled %v", err, task.Cancelled(), f.Cancelled())
	}
}

// test_cancel_task_ignoring: a swallowed cancellation lets the task go on
// to await (and not cancel) the next future.
func TestAuditTaskIgnoringCancelAwaitsTheNextFutureUncancelled(t *testing.T) {
	l := prLoop(t)
	f1, f2, f3 := rt.NewFuture[int](l), rt.NewFuture[int](l), rt.NewFuture[int](l)
	task := prGo(l, func() (int, error) {
		if _, err := rt.Await(f1); err != nil {
			return 0, err
		}
		rt.Await(f2) // the cancellation is dropped
		return rt.Await(f3)
	})
	prBriefly(t, l)
	f1.SetResult(0)
	prBriefly(t, l)
	task.Cancel()
	if !f2.Cancelled() {
		t.Fatal("Cancel did not cancel the awaited future")
	}
	prBriefly(t, l)
	f3.SetResult(42)
	if err := prWait(t, l, task); err != nil || f3.Cancelled() || task.Cancelled() {
		t.Fatalf("err %v, f3 cancelled %v, task cancelled %v", err, f3.Cancelled(), task.Cancelled())
	}
	if v, _ := task.Result(); v != 42 {
		t.Fatalf("result %d, want 42", v)
	}
}

// test_cancel_awaited_task (bpo-34872): a task that cancels itself and then
// awaits another task cancels that task.
func TestAuditTaskCancelledThenAwaitingATaskCancelsThatTask(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[int](l)
	var nested *rt.Task[int]
	var task *rt.Task[int]
	task = prGo(l, func() (int, error) {
		nested = prGo(l, func() (int, error) { return rt.Await(f) })
		rt.Await(rt.Sleep(0))
		task.Cancel()
		return rt.Await(nested)
	})
	if err := prWait(t, l, task); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("err %v, want a cancellation", err)
	}
	if !task.Cancelled() || !nested.Cancelled() || !f.Cancelled() {
		t.Fatalf("cancelled: task %v nested %v future %v", task.Cancelled(), nested.Cancelled(), f.Cancelled())
	}
}

// A task cancelled while it awaits another task that is already being
// cancelled (and is not done yet): both cancellations are counted on their
// own task, and the outer one ends cancelled once the inner one is.
func TestAuditTaskCancelWhileAwaitingATaskBeingCancelled(t *testing.T) {
	l := prLoop(t)
	inner := prGo(l, func() (int, error) {
		_, err := rt.Await(rt.Sleep(time.Hour))
		if err != nil {
			// Clean-up that itself takes a step.
			rt.Await(rt.Sleep(time.Second))
		}
		return 0, err
	})
	outer := prGo(l, func() (int, error) { return rt.Await(inner) })
	prBriefly(t, l)
	inner.Cancel("inner")
	prBriefly(t, l) // inner is in its clean-up now
	if !outer.Cancel("outer") {
		t.Fatal("Cancel of the outer task returned false")
	}
	if inner.Cancelling() != 2 || outer.Cancelling() != 1 {
		t.Fatalf("cancelling: inner %d outer %d, want 2 and 1", inner.Cancelling(), outer.Cancelling())
	}
	err := prWait(t, l, outer)
	if !outer.Cancelled() || !inner.Cancelled() || !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("err %v, outer cancelled %v, inner cancelled %v", err, outer.Cancelled(), inner.Cancelled())
	}
	// inner returns the first cancellation it saw; the second one only
	// cut its clean-up short.
	if msg, _ := cancelMsg(inner.Exception()); msg != "inner" || l.Time() != 0 {
		t.Fatalf("inner ended with %v at %v, want its own message at once", inner.Exception(), l.Time())
	}
}

// test_current_task_with_interleaving_tasks
func TestAuditCurrentTaskFollowsInterleavedTasks(t *testing.T) {
	l := prLoop(t)
	f1, f2 := rt.NewFuture[int](l), rt.NewFuture[int](l)
	var bad []string
	var t1, t2 *rt.Task[int]
	body := func(self **rt.Task[int], mine, other *rt.Future[int]) func() (int, error) {
		return func() (int, error) {
			if rt.Current() != *self {
				bad = append(bad, "before")
			}
			other.SetResult(0)
			rt.Await(mine)
			if rt.Current() != *self {
				bad = append(bad, "after")
			}
			return 0, nil
		}
	}
	t1 = prGo(l, body(&t1, f1, f2))
	t2 = prGo(l, body(&t2, f2, f1))
	prWait(t, l, t1)
	prWait(t, l, t2)
	if len(bad) > 0 || l.CurrentTask() != nil {
		t.Fatalf("wrong current task at %v; outside a step: %v", bad, l.CurrentTask())
	}
}

// test_get_coro: the coroutine stays reachable after the task is done.
func TestAuditTaskCoroIsKeptAfterTheTaskIsDone(t *testing.T) {
	l := prLoop(t)
	c := rt.Async(func() (int, error) { return 1, nil })
	task := rt.CreateTask[int](l, c)
	prWait(t, l, task)
	if task.Coro() != rt.Coro[int](c) {
		t.Fatalf("Coro() = %v after completion, want the coroutine", task.Coro())
	}
}

// test_create_task_with_noncoroutine: a nil coroutine is refused at once.
func TestAuditCreateTaskOfNilCoroutinePanicsWithRuntimeError(t *testing.T) {
	l := prLoop(t)
	defer func() {
		v := recover()
		if err, ok := v.(error); !ok || !isRuntimeError(err) {
			t.Fatalf("recovered %v, want a *RuntimeError", v)
		}
	}()
	rt.CreateTask[int](l, nil)
}

// test_exception_marking: once Gather failed with the first error, the
// errors of the other children are not reported as never retrieved.
func TestAuditGatherMarksLaterChildErrorsRetrieved(t *testing.T) {
	l := prLoop(t)
	got := collectErrors(l)
	a, b := rt.NewFuture[int](l), rt.NewFuture[int](l)
	task := rt.CreateTask(l, rt.Gather[int](a, b))
	prBriefly(t, l)
	a.SetException(errors.New("first"))
	b.SetException(errors.New("second"))
	if err := prWait(t, l, task); err == nil || err.Error() != "first" {
		t.Fatalf("err %v, want first", err)
	}
	prBriefly(t, l)
	l.Close()
	if len(*got) != 0 {
		t.Fatalf("reported %v, want nothing", *got)
	}
}

// The cancellation that ends a cancelled GatherReturnErrors is made from
// the last argument, as in asyncio (whose done callback reuses the loop
// variable of its results loop): with a last argument that finished
// normally, the message given to Cancel is not carried.
func TestAuditGatherReturnErrorsCancelIsMadeFromTheLastArgument(t *testing.T) {
	for _, lastCancelled := range []bool{false, true} {
		l := prLoop(t)
		first := rt.NewFuture[int](l)
		last := rt.NewFuture[int](l)
		task := rt.CreateTask(l, rt.GatherReturnErrors[int](first, last))
		prBriefly(t, l)
		if !lastCancelled {
			last.SetResult(1)
			prBriefly(t, l)
		}
		task.Cancel("bye")
		want := ""
		if lastCancelled {
			want = "bye"
		}
		err := prWait(t, l, task)
		if msg, ok := cancelMsg(err); !ok || msg != want {
			t.Fatalf("last cancelled %v: err %v, want a cancellation carrying %q", lastCancelled, err, want)
		}
	}
}

// test_gather_shield: cancelling a Gather of shields cancels the shields,
// not what they protect.
func TestAuditGatherOfShieldsCancelsOnlyTheShields(t *testing.T) {
	l := prLoop(t)
	c1, c2 := rt.NewFuture[int](l), rt.NewFuture[int](l)
	task := rt.CreateTask(l, rt.Gather(rt.Shield[int](c1), rt.Shield[int](c2)))
	prBriefly(t, l)
	task.Cancel()
	if err := prWait(t, l, task); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("err %v, want a cancellation", err)
	}
	if c1.Done() || c2.Done() {
		t.Fatal("a shielded future was cancelled")
	}
	c1.SetResult(1)
	c2.SetResult(2)
	prBriefly(t, l)
}

// test_shield_exception
func TestAuditShieldPassesTheInnerError(t *testing.T) {
	l := prLoop(t)
	inner := rt.NewFuture[int](l)
	task := rt.CreateTask(l, rt.Shield[int](inner))
	prBriefly(t, l)
	boom := errors.New("boom")
	inner.SetException(boom)
	if err := prWait(t, l, task); err != boom {
		t.Fatalf("err %v, want the inner error", err)
	}
}

// test_wait_really_done: Wait returns only when each child is done, even
// when a child takes several steps to finish.
func TestAuditWaitAllCompletedSeesEveryChildDone(t *testing.T) {
	l := prLoop(t)
	slow := prGo(l, func() (int, error) {
		rt.Await(rt.Sleep(0))
		rt.Await(rt.Sleep(0))
		return 1, nil
	})
	fast := prGo(l, func() (int, error) { return 2, nil })
	task := rt.CreateTask(l, rt.Wait([]rt.AnyFuture{slow, fast}, rt.AllCompleted, rt.NoTimeout))
	prWait(t, l, task)
	res, err := task.Result()
	if err != nil || len(res.Done) != 2 || len(res.Pending) != 0 {
		t.Fatalf("%+v %v, want both done", res, err)
	}
}

// test_wait_with_exception: a child error does not make Wait fail.
func TestAuditWaitChildErrorIsNotWaitsError(t *testing.T) {
	l := prLoop(t)
	bad := prGo(l, func() (int, error) { return 0, errors.New("x") })
	good := prGo(l, func() (int, error) { rt.Await(rt.Sleep(time.Second)); return 1, nil })
	task := rt.CreateTask(l, rt.Wait([]rt.AnyFuture{bad, good}, rt.AllCompleted, rt.NoTimeout))
	if err := prWait(t, l, task); err != nil {
		t.Fatalf("Wait failed with %v", err)
	}
	res, _ := task.Result()
	if len(res.Done) != 2 || bad.Exception() == nil {
		t.Fatalf("%+v, want both done and bad failed", res)
	}
}

// A task cancelled twice while it waits, before it runs again, sees the
// first message: the first Cancel cancelled the future it awaits, whose
// CancelledError it is woken with; the second only records that it must
// cancel, which the error in hand already does (asyncio's __step keeps a
// CancelledError it is thrown rather than making a new one).
func TestAuditTaskCancelledTwiceWhileWaitingSeesTheFirstMessage(t *testing.T) {
	for _, started := range []bool{true, false} {
		l := prLoop(t)
		fut := rt.NewFuture[int](l)
		seen := ""
		task := prGo(l, func() (int, error) {
			_, err := rt.Await(fut)
			seen, _ = cancelMsg(err)
			return 0, err
		})
		if started {
			prBriefly(t, l) // the task now waits on fut
		}
		task.Cancel("first")
		task.Cancel("second")
		prWait(t, l, task)
		msg, _ := cancelMsg(task.Exception())
		if started && (seen != "first" || msg != "first") {
			t.Errorf("waiting: the coroutine saw %q and the task ended with %q, want the first message", seen, msg)
		}
		// Never started: asyncio throws into the coroutine before its
		// first line, with the message in force then, the last one.
		if !started && msg != "second" {
			t.Errorf("not started: the task ended with %q, want %q", msg, "second")
		}
	}
}

// A shielded task or future that is cancelled while shielded cancels the
// awaiter with a fresh cancellation that carries no message: asyncio's
// shield cancels its outer future without one. A shielded future that was
// already cancelled before the await is awaited directly and keeps its
// message.
func TestAuditShieldedInnerCancelledWhileAwaitedGivesNoMessage(t *testing.T) {
	l := prLoop(t)
	var inner *rt.Task[int]
	inner = prGo(l, func() (int, error) {
		rt.Await(rt.Sleep(0))
		inner.Cancel("inner's own")
		_, err := rt.Await(rt.Sleep(time.Second))
		return 0, err
	})
	fut := rt.NewFuture[int](l)
	early := rt.NewFuture[int](l)
	early.Cancel("early")
	shielded := func(a rt.Awaitable[int]) *rt.Task[int] {
		return rt.CreateTask(l, rt.Shield(a))
	}
	overTask, overFut, overEarly := shielded(inner), shielded(fut), shielded(early)
	prBriefly(t, l)
	fut.Cancel("future's own")
	for _, tc := range []struct {
		name string
		task *rt.Task[int]
		want string
	}{{"task cancelled while shielded", overTask, ""}, {"future cancelled while shielded", overFut, ""}, {"future cancelled before", overEarly, "early"}} {
		err := prWait(t, l, tc.task)
		if msg, ok := cancelMsg(err); !ok || msg != tc.want || !tc.task.Cancelled() {
			t.Errorf("%s: awaiter ended with %v (cancelled %v), want a cancellation carrying %q", tc.name, err, tc.task.Cancelled(), tc.want)
		}
	}
}

// GatherReturnErrors reports a cancelled future child with the message it
// was cancelled with, but a cancelled task child with an empty one, started
// or not: an asyncio task drops the message when it settles as cancelled,
// and gather builds the returned CancelledError from that stored message.
func TestAuditGatherReturnErrorsCancelledTaskChildHasNoMessage(t *testing.T) {
	l := prLoop(t)
	sleeper := func() rt.Coro[int] {
		return rt.Async(func() (int, error) {
			_, err := rt.Await(rt.Sleep(10 * time.Second))
			return 0, err
		})
	}
	fut := rt.NewFuture[int](l)
	running := rt.CreateTask(l, sleeper())
	g := rt.CreateTask(l, rt.GatherReturnErrors[int](fut, running))
	prBriefly(t, l)
	fut.Cancel("future's")
	running.Cancel("task's")
	unstarted := rt.CreateTask(l, sleeper())
	unstarted.Cancel("never ran")
	g2 := rt.CreateTask(l, rt.GatherReturnErrors[int](unstarted))
	prWait(t, l, g)
	prWait(t, l, g2)
	outs, err := g.Result()
	outs2, err2 := g2.Result()
	if err != nil || err2 != nil {
		t.Fatalf("gathers failed: %v, %v", err, err2)
	}
	for i, tc := range []struct {
		name string
		err  error
		want string
	}{{"future", outs[0].Err, "future's"}, {"running task", outs[1].Err, ""}, {"unstarted task", outs2[0].Err, ""}} {
		if msg, ok := cancelMsg(tc.err); !ok || msg != tc.want {
			t.Errorf("%d %s: outcome error %v, want a cancellation carrying %q", i, tc.name, tc.err, tc.want)
		}
	}
	// The task itself still reports the cancellation it ended with.
	if msg, _ := cancelMsg(running.Exception()); msg != "task's" {
		t.Errorf("the task's own error is %v, want its message", running.Exception())
	}
}
