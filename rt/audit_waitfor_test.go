package rt_test

// Audit of test_waitfor.py as of Python 3.12 (wait_for rebuilt on
// timeout(), gh-96764), including its WaitForShieldTests.

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// test_wait_for_issue86296: a task cancelled right after the task it waits
// for finished (its wake-up still pending) ends cancelled instead of
// running on.
func TestAuditWaitForCancelledAfterTheInnerFinishedStillCancels(t *testing.T) {
	l := prLoop(t)
	inner := prGo(l, func() (string, error) { return "done", nil })
	reachedEnd := false
	task := prGo(l, func() (string, error) {
		v, err := rt.Await(rt.WaitFor[string](inner, 100*time.Second))
		if err != nil {
			return "", err
		}
		if _, err := rt.Await(rt.Sleep(time.Second)); err != nil {
			return "", err
		}
		reachedEnd = true
		return v, nil
	})
	runOnce(t, l) // both start; inner finishes, task waits on it
	task.Cancel()
	if err := prWait(t, l, task); !errors.Is(err, rt.ErrCancelled) || reachedEnd {
		t.Fatalf("err %v, reached end %v; want a cancellation", err, reachedEnd)
	}
	if v, err := inner.Result(); v != "done" || err != nil {
		t.Fatalf("inner %q, %v", v, err)
	}
}

// test_wait_for_cancel_suppressed
func TestAuditWaitForReturnsTheValueOfACoroutineThatSwallowsTheTimeout(t *testing.T) {
	l := prLoop(t)
	task := rt.CreateTask(l, rt.WaitFor[int](rt.Async(func() (int, error) {
		if _, err := rt.Await(rt.Sleep(10 * time.Second)); err != nil {
			return 42, nil
		}
		return 0, nil
	}), 100*time.Millisecond))
	prWait(t, l, task)
	if v, err := task.Result(); v != 42 || err != nil {
		t.Fatalf("got %d, %v; want 42", v, err)
	}
}

// test_wait_for_waits_for_task_cancellation_w_timeout_0: with a timeout of
// 0 the task is cancelled and waited for, and the timeout is caused by its
// cancellation.
func TestAuditWaitForZeroWaitsForTheTaskToFinishCancelling(t *testing.T) {
	l := prLoop(t)
	innerDone := false
	inner := prGo(l, func() (int, error) {
		defer func() { innerDone = true }()
		_, err := rt.Await(rt.Sleep(10 * time.Second))
		if err != nil {
			rt.Await(rt.Sleep(time.Millisecond))
		}
		return 0, err
	})
	task := prGo(l, func() (int, error) {
		rt.Await(rt.Sleep(time.Millisecond))
		return rt.Await(rt.WaitFor[int](inner, 0))
	})
	err := prWait(t, l, task)
	var te *rt.TimeoutError
	if !errors.As(err, &te) || !errors.Is(te.Cause, rt.ErrCancelled) || !innerDone {
		t.Fatalf("err %v, inner done %v; want a timeout caused by the cancellation", err, innerDone)
	}
	if l.Time() != 2*time.Millisecond {
		t.Fatalf("done at %v, want after the inner clean-up", l.Time())
	}
}

// test_cancel_wait_for / test_cancel_blocking_wait_for (bpo-23219):
// cancelling the task running WaitFor cancels the awaited task, with or
// without a timeout.
func TestAuditWaitForCancelledCancelsTheAwaitedTask(t *testing.T) {
	for _, timeout := range []time.Duration{rt.NoTimeout, 60 * time.Second} {
		l := prLoop(t)
		blocked := prGo(l, func() (int, error) { return rt.Await(rt.NewFuture[int](l)) })
		wait := rt.CreateTask(l, rt.WaitFor[int](blocked, timeout))
		l.CallSoon(func() { wait.Cancel() })
		if err := prWait(t, l, wait); !errors.Is(err, rt.ErrCancelled) {
			t.Fatalf("timeout %v: err %v", timeout, err)
		}
		prBriefly(t, l)
		if !blocked.Cancelled() {
			t.Fatalf("timeout %v: the awaited task was not cancelled", timeout)
		}
	}
}

// test_zero_timeout (WaitForShieldTests): a shield given a timeout of 0 is
// given up at once; the shielded task runs on.
func TestAuditWaitForZeroOfAShieldLeavesTheTaskRunning(t *testing.T) {
	l := prLoop(t)
	task := prGo(l, func() (string, error) {
		rt.Await(rt.Sleep(10 * time.Millisecond))
		return "done", nil
	})
	waiter := rt.CreateTask(l, rt.WaitFor(rt.Shield[string](task), 0))
	if err := prWait(t, l, waiter); !isTimeout(err) {
		t.Fatalf("err %v, want a timeout", err)
	}
	if task.Done() {
		t.Fatal("the shielded task was stopped")
	}
	if err := prWait(t, l, task); err != nil {
		t.Fatalf("shielded task: %v", err)
	}
}

// test_shielded_timeout and test_none_timeout (WaitForShieldTests).
func TestAuditWaitForOfAShieldTimesOutWithoutCancellingTheTask(t *testing.T) {
	l := prLoop(t)
	task := prGo(l, func() (string, error) {
		rt.Await(rt.Sleep(100 * time.Millisecond))
		return "done", nil
	})
	first := rt.CreateTask(l, rt.WaitFor(rt.Shield[string](task), 10*time.Millisecond))
	if err := prWait(t, l, first); !isTimeout(err) || task.Done() {
		t.Fatalf("err %v, task done %v; want a timeout and the task running", err, task.Done())
	}
	second := rt.CreateTask(l, rt.WaitFor(rt.Shield[string](task), rt.NoTimeout))
	prWait(t, l, second)
	if v, err := second.Result(); v != "done" || err != nil || task.Cancelled() {
		t.Fatalf("got %q, %v; task cancelled %v", v, err, task.Cancelled())
	}
}

// test_wait_for_blocking: without a timeout a coroutine that never
// suspends gives its value.
func TestAuditWaitForWithoutTimeoutOfAnImmediateCoroutine(t *testing.T) {
	l := prLoop(t)
	task := rt.CreateTask(l, rt.WaitFor[int](rt.Async(func() (int, error) { return 7, nil }), rt.NoTimeout))
	prWait(t, l, task)
	if v, err := task.Result(); v != 7 || err != nil {
		t.Fatalf("got %d, %v", v, err)
	}
}

// test_wait_for_race_condition: a future completed before the deadline
// gives its result.
func TestAuditWaitForFutureCompletedBeforeTheDeadline(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[string](l)
	l.CallLater(100*time.Millisecond, func() { f.SetResult("ok") })
	task := rt.CreateTask(l, rt.WaitFor[string](f, 200*time.Millisecond))
	prWait(t, l, task)
	if v, err := task.Result(); v != "ok" || err != nil {
		t.Fatalf("got %q, %v", v, err)
	}
}
