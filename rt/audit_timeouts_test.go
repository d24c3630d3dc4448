package rt_test

// Audit of test_timeouts.py (Python 3.12's timeout(): the entry records the
// task's Cancelling count) and of TimeoutScope.Reschedule's edges.

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func isTimeout(err error) bool {
	return errors.Is(err, rt.ErrTimeout) && !errors.Is(err, rt.ErrCancelled)
}

// test_nested_timeout_in_finally: a timeout entered in the clean-up of an
// expired one converts its own expiry, and the outer one still converts.
func TestAuditTimeoutNestedInCleanupOfAnExpiredOneConvertsItsOwn(t *testing.T) {
	l := prLoop(t)
	var innerErr error
	task := rt.CreateTask(l, rt.Timeout(10*time.Millisecond, rt.Async(func() (rt.Void, error) {
		_, err := rt.Await(rt.Sleep(time.Second))
		// The clean-up runs under a timeout of its own.
		_, innerErr = rt.Await(rt.Timeout(10*time.Millisecond, rt.Sleep(10*time.Second)))
		return rt.Void{}, err
	})))
	err := prWait(t, l, task)
	if !isTimeout(innerErr) || !isTimeout(err) {
		t.Fatalf("inner %v, outer %v: want two timeouts", innerErr, err)
	}
	if l.Time() != 20*time.Millisecond || task.Cancelling() != 0 {
		t.Fatalf("done at %v, cancelling %d", l.Time(), task.Cancelling())
	}
}

// test_timeout_exception_cause: the TimeoutError is "raised from" the
// cancellation it replaces.
func TestAuditTimeoutErrorCauseIsTheCancellation(t *testing.T) {
	l := prLoop(t)
	task := rt.CreateTask(l, rt.Timeout(time.Millisecond, rt.Sleep(time.Hour)))
	err := prWait(t, l, task)
	var te *rt.TimeoutError
	if !errors.As(err, &te) || !errors.Is(te.Cause, rt.ErrCancelled) {
		t.Fatalf("err %v, want a *TimeoutError caused by a cancellation", err)
	}
}

// test_foreign_exception_on_timeout: an error raised while the awaitable
// handles the expiry's cancellation is passed on, and the task is left
// uncancelled.
func TestAuditTimeoutPassesAnErrorRaisedWhileCancelling(t *testing.T) {
	l := prLoop(t)
	boom := errors.New("boom")
	task := rt.CreateTask(l, rt.Timeout(time.Millisecond, rt.Async(func() (rt.Void, error) {
		rt.Await(rt.Sleep(time.Second))
		return rt.Void{}, boom
	})))
	if err := prWait(t, l, task); err != boom || task.Cancelling() != 0 {
		t.Fatalf("err %v, cancelling %d; want boom and 0", err, task.Cancelling())
	}
}

// test_wait_for_cancel_suppressed (3.12): an awaitable that swallows the
// expiry's cancellation and returns a value gives that value.
func TestAuditTimeoutSwallowedCancellationGivesTheValue(t *testing.T) {
	l := prLoop(t)
	scope := rt.Timeout(time.Millisecond, rt.Async(func() (int, error) {
		if _, err := rt.Await(rt.Sleep(time.Second)); err != nil {
			return 42, nil
		}
		return 0, nil
	}))
	task := rt.CreateTask(l, scope)
	prWait(t, l, task)
	if v, err := task.Result(); v != 42 || err != nil || task.Cancelling() != 0 || !scope.Expired() {
		t.Fatalf("got %d, %v, cancelling %d, expired %v", v, err, task.Cancelling(), scope.Expired())
	}
}

// test_timeout_at_disabled
func TestAuditTimeoutAtNoTimeoutNeverExpires(t *testing.T) {
	l := prLoop(t)
	scope := rt.TimeoutAt(rt.NoTimeout, rt.Sleep(time.Minute))
	task := rt.CreateTask(l, scope)
	if err := prWait(t, l, task); err != nil || scope.Expired() || scope.When() != rt.NoTimeout {
		t.Fatalf("err %v, expired %v, When %v", err, scope.Expired(), scope.When())
	}
}

// test_timeout_expiring: while the expiry's cancellation is being handled
// inside the scope, the deadline can no longer move.
func TestAuditTimeoutRescheduleWhileExpiringFails(t *testing.T) {
	l := prLoop(t)
	var scope *rt.TimeoutCoro[rt.Void]
	var rerr error
	expired := false
	scope = rt.Timeout(time.Millisecond, rt.Async(func() (rt.Void, error) {
		_, err := rt.Await(rt.Sleep(time.Second))
		expired = scope.Expired()
		rerr = scope.Reschedule(l.Time() + time.Hour)
		return rt.Void{}, err
	}))
	task := rt.CreateTask(l, scope)
	if err := prWait(t, l, task); !isTimeout(err) {
		t.Fatalf("err %v, want a timeout", err)
	}
	if !expired || !isRuntimeError(rerr) {
		t.Fatalf("inside: expired %v, Reschedule %v; want true and a *RuntimeError", expired, rerr)
	}
}

// test_timeout_expired and test_timeout_finished: after the scope exits,
// expired or not, the deadline can no longer move.
func TestAuditTimeoutRescheduleAfterExitFails(t *testing.T) {
	for _, expire := range []bool{false, true} {
		l := prLoop(t)
		sleep := time.Millisecond
		if expire {
			sleep = time.Hour
		}
		scope := rt.Timeout(time.Second, rt.Sleep(sleep))
		prWait(t, l, rt.CreateTask(l, scope))
		if scope.Expired() != expire {
			t.Fatalf("expire %v: Expired() = %v", expire, scope.Expired())
		}
		if err := scope.Reschedule(l.Time() + time.Hour); !isRuntimeError(err) {
			t.Fatalf("expire %v: Reschedule after exit: %v", expire, err)
		}
	}
}

// test_timeout_not_entered (3.12: RuntimeError rather than an assertion).
func TestAuditTimeoutRescheduleBeforeEntryFails(t *testing.T) {
	scope := rt.Timeout(time.Second, rt.Sleep(0))
	if err := scope.Reschedule(time.Hour); !isRuntimeError(err) {
		t.Fatalf("Reschedule before entry: %v", err)
	}
}

// test_reschedule, moved earlier: the scope expires at the new, earlier
// deadline.
func TestAuditTimeoutRescheduleEarlierExpiresAtTheNewDeadline(t *testing.T) {
	l := prLoop(t)
	var scope *rt.TimeoutCoro[rt.Void]
	scope = rt.TimeoutAt(10*time.Second, rt.Async(func() (rt.Void, error) {
		if err := scope.Reschedule(2 * time.Second); err != nil {
			return rt.Void{}, err
		}
		return rt.Await(rt.Sleep(time.Hour))
	}))
	task := rt.CreateTask(l, scope)
	if err := prWait(t, l, task); !isTimeout(err) || l.Time() != 2*time.Second {
		t.Fatalf("err %v at %v, want a timeout at 2s", err, l.Time())
	}
}

// A deadline rescheduled into the past expires the scope in the next pass
// (asyncio's call_soon branch), and only once.
func TestAuditTimeoutRescheduleIntoThePastExpiresInTheNextPass(t *testing.T) {
	l := prLoop(t)
	scope := rt.TimeoutAt(10*time.Second, rt.Sleep(time.Hour))
	task := rt.CreateTask(l, scope)
	l.CallLater(5*time.Second, func() {
		if err := scope.Reschedule(time.Second); err != nil {
			t.Errorf("Reschedule: %v", err)
		}
		if task.Cancelling() != 0 {
			t.Error("Reschedule cancelled the task inline")
		}
	})
	if err := prWait(t, l, task); !isTimeout(err) || l.Time() != 5*time.Second {
		t.Fatalf("err %v at %v, want a timeout at 5s", err, l.Time())
	}
	if task.Cancelling() != 0 {
		t.Fatalf("cancelling %d after the timeout", task.Cancelling())
	}
}

// Rescheduling twice before the first (past) deadline fires leaves only
// the last deadline armed.
func TestAuditTimeoutRescheduleReplacesAPendingPastDeadline(t *testing.T) {
	l := prLoop(t)
	scope := rt.TimeoutAt(10*time.Second, rt.Sleep(20*time.Second))
	task := rt.CreateTask(l, scope)
	l.CallLater(5*time.Second, func() {
		scope.Reschedule(0)                // past: would fire in the next pass
		scope.Reschedule(30 * time.Second) // but is replaced at once
	})
	if err := prWait(t, l, task); err != nil || scope.Expired() || l.Time() != 20*time.Second {
		t.Fatalf("err %v, expired %v at %v; want the sleep to finish", err, scope.Expired(), l.Time())
	}
}

// test_nested_timeouts_loop_busy: the inner scope's deadline is earlier
// but both are due in the same pass (the loop was busy); the inner scope
// sees a second cancellation pending and passes it on, and only the outer
// one converts.
func TestAuditNestedTimeoutsDueInOnePassOnlyTheOuterConverts(t *testing.T) {
	clock := rt.NewVirtualClock()
	l, err := rt.NewLoop(rt.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var innerErr error
	task := rt.CreateTask(l, rt.TimeoutAt(2*time.Second, rt.Async(func() (rt.Void, error) {
		_, innerErr = rt.Await(rt.TimeoutAt(time.Second, rt.Async(func() (rt.Void, error) {
			clock.Advance(3 * time.Second) // a step that blocks the loop
			return rt.Await(rt.Sleep(time.Hour))
		})))
		return rt.Void{}, innerErr
	})))
	err = prWait(t, l, task)
	if !isTimeout(err) || !errors.Is(innerErr, rt.ErrCancelled) {
		t.Fatalf("outer %v, inner %v: want the inner cancellation, then the outer timeout", err, innerErr)
	}
	if task.Cancelling() != 0 {
		t.Fatalf("cancelling %d", task.Cancelling())
	}
}
