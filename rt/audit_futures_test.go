package rt_test

// Audit of test_futures.py: Future behaviours the older tests did not pin
// down.

import (
	"errors"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// test_cancel: once cancelled, every setter fails and a second Cancel
// reports false.
func TestAuditFutureCancelledRefusesSettersAndSecondCancel(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[int](l)
	if !f.Cancel() || !f.Cancelled() || !f.Done() {
		t.Fatal("Cancel of a pending future did not cancel it")
	}
	if err := f.SetResult(1); !errors.Is(err, rt.ErrInvalidState) {
		t.Fatalf("SetResult after cancel: %v", err)
	}
	if err := f.SetException(errors.New("x")); !errors.Is(err, rt.ErrInvalidState) {
		t.Fatalf("SetException after cancel: %v", err)
	}
	if f.Cancel() {
		t.Fatal("second Cancel returned true")
	}
	if _, err := f.Result(); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("Result: %v", err)
	}
	if err := f.Exception(); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("Exception: %v", err)
	}
}

// test_yield_from_twice: a done future awaited again gives the same
// outcome without suspending.
func TestAuditFutureAwaitedTwiceGivesTheSameResult(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[int](l)
	task := prGo(l, func() (int, error) {
		a, err := rt.Await(f)
		if err != nil {
			return 0, err
		}
		b, err := rt.Await(f)
		return a + b, err
	})
	prBriefly(t, l)
	f.SetResult(21)
	prWait(t, l, task)
	if v, err := task.Result(); v != 42 || err != nil {
		t.Fatalf("got %d, %v, want 42", v, err)
	}
}

// test_tb_logger_not_called_after_cancel: cancelling a future that already
// failed counts as retrieving its error.
func TestAuditFutureCancelAfterErrorMarksItRetrieved(t *testing.T) {
	l := prLoop(t)
	got := collectErrors(l)
	f := rt.NewFuture[int](l)
	f.SetException(errors.New("boom"))
	if f.Cancel() {
		t.Fatal("Cancel of a done future returned true")
	}
	l.Close()
	if len(*got) != 0 {
		t.Fatalf("reported %v, want nothing", *got)
	}
}

// test_tb_logger_result_unretrieved: an unread result is never reported.
func TestAuditFutureUnreadResultIsNotReported(t *testing.T) {
	l := prLoop(t)
	got := collectErrors(l)
	f := rt.NewFuture[int](l)
	f.SetResult(1)
	l.Close()
	if len(*got) != 0 {
		t.Fatalf("reported %v, want nothing", *got)
	}
}

// test_tb_logger_exception_result_retrieved: reading the error through
// Result retrieves it too.
func TestAuditFutureErrorReadThroughResultIsNotReported(t *testing.T) {
	l := prLoop(t)
	got := collectErrors(l)
	f := rt.NewFuture[int](l)
	f.SetException(errors.New("boom"))
	f.Result()
	l.Close()
	if len(*got) != 0 {
		t.Fatalf("reported %v, want nothing", *got)
	}
}

// test_callbacks_invoked_on_set_exception: done callbacks run in
// registration order on failure too.
func TestAuditDoneCallbacksRunInOrderOnSetException(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[int](l)
	var got []int
	f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, 42) })
	f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, 17) })
	f.SetException(errors.New("x"))
	if len(got) != 0 {
		t.Fatal("a callback ran inline")
	}
	prBriefly(t, l)
	if len(got) != 2 || got[0] != 42 || got[1] != 17 {
		t.Fatalf("order %v, want [42 17]", got)
	}
	f.Exception()
}

// test_callbacks_remove_first_callback, _first_and_second, _third: removing
// some callbacks keeps the others in order.
func TestAuditRemovingDoneCallbacksKeepsTheOthersInOrder(t *testing.T) {
	for _, remove := range [][]int{{0}, {0, 1}, {2}, {1}} {
		l := prLoop(t)
		f := rt.NewFuture[int](l)
		var got []int
		var ids []rt.CallbackID
		for i := range 3 {
			ids = append(ids, f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, i) }))
		}
		for _, i := range remove {
			if n := f.RemoveDoneCallback(ids[i]); n != 1 {
				t.Fatalf("remove %d: removed %d", i, n)
			}
		}
		f.SetResult(0)
		prBriefly(t, l)
		var want []int
		for i := range 3 {
			removed := false
			for _, r := range remove {
				removed = removed || r == i
			}
			if !removed {
				want = append(want, i)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("remove %v: ran %v, want %v", remove, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("remove %v: ran %v, want %v", remove, got, want)
			}
		}
	}
}

// test_remove_done_callbacks_list_mutation / list_clear: a callback that
// removes another one that is already scheduled does not stop it
// (callbacks are all scheduled when the future completes).
func TestAuditDoneCallbackRemovedAfterCompletionStillRuns(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[int](l)
	var got []int
	var second rt.CallbackID
	f.AddDoneCallback(func(f *rt.Future[int]) {
		got = append(got, 1)
		if n := f.RemoveDoneCallback(second); n != 0 {
			t.Errorf("removed %d callbacks from a done future", n)
		}
	})
	second = f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, 2) })
	f.SetResult(0)
	prBriefly(t, l)
	if len(got) != 2 {
		t.Fatalf("ran %v, want both", got)
	}
}

// test_schedule_callbacks_list_mutation_1: a callback added by another
// callback of the same (done) future is scheduled, after it.
func TestAuditDoneCallbackAddedByACallbackRunsLater(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[int](l)
	var got []string
	f.AddDoneCallback(func(f *rt.Future[int]) {
		got = append(got, "first")
		f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, "added") })
	})
	f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, "second") })
	f.SetResult(0)
	prBriefly(t, l)
	prBriefly(t, l)
	if len(got) != 3 || got[0] != "first" || got[1] != "second" || got[2] != "added" {
		t.Fatalf("order %v", got)
	}
}

// Mixing internal callbacks (a task awaiting the future) with public ones
// and removing a public one keeps registration order.
func TestAuditRemovingAPublicCallbackKeepsTheAwaitingTaskOrder(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[int](l)
	var got []string
	drop := f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, "dropped") })
	task := prGo(l, func() (int, error) {
		v, err := rt.Await(f)
		got = append(got, "task")
		return v, err
	})
	prBriefly(t, l) // the task now waits on f, after the first callback
	f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, "last") })
	f.RemoveDoneCallback(drop)
	f.SetResult(1)
	prWait(t, l, task)
	prBriefly(t, l)
	if len(got) != 2 || got[0] != "task" || got[1] != "last" {
		t.Fatalf("order %v, want [task last]", got)
	}
}
