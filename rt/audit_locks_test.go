package rt_test

// Audit of test_locks.py: waiter fairness of Lock and Semaphore under
// cancellation.

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// test_finished_waiter_cancelled: a waiter woken by Release and cancelled
// before it ran passes the lock to the next waiter.
func TestAuditLockWokenWaiterCancelledHandsTheLockOn(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	prWait(t, l, rt.CreateTask(l, lock.Acquire()))
	tb := rt.CreateTask(l, lock.Acquire())
	prBriefly(t, l)
	tc := rt.CreateTask(l, lock.Acquire())
	tb.Cancel()
	lock.Release()
	prBriefly(t, l)
	if !lock.Locked() || !tc.Done() || tc.Exception() != nil || !tb.Cancelled() {
		t.Fatalf("locked %v, tc done %v (%v), tb cancelled %v", lock.Locked(), tc.Done(), tc.Exception(), tb.Cancelled())
	}
	if s := lock.String(); s != "<Lock [locked]>" {
		t.Fatalf("%s: waiters left behind", s)
	}
}

// test_release_no_waiters
func TestAuditLockReleaseWithoutWaitersUnlocks(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	prWait(t, l, rt.CreateTask(l, lock.Acquire()))
	if err := lock.Release(); err != nil || lock.Locked() {
		t.Fatalf("Release: %v, locked %v", err, lock.Locked())
	}
}

// test_acquire_cancel_before_awoken: waiters cancelled before a Release
// are skipped; the unit goes to the first live waiter only.
func TestAuditSemaphoreCancelledBeforeWakeUpAreSkipped(t *testing.T) {
	l := prLoop(t)
	sem := rt.NewSemaphore(0)
	var ts []*rt.Task[rt.Void]
	for range 4 {
		ts = append(ts, rt.CreateTask(l, sem.Acquire()))
	}
	prBriefly(t, l)
	ts[0].Cancel()
	ts[1].Cancel()
	sem.Release()
	prBriefly(t, l)
	prBriefly(t, l)
	if !ts[2].Done() || ts[3].Done() || ts[2].Exception() != nil {
		t.Fatalf("t3 done %v (%v), t4 done %v", ts[2].Done(), ts[2].Exception(), ts[3].Done())
	}
	ts[3].Cancel()
	prBriefly(t, l)
}

// test_acquire_hang: a waiter cancelled in the same pass as a Release does
// not strand the unit; the next waiter gets it.
func TestAuditSemaphoreCancelAndReleaseTogetherWakesTheNext(t *testing.T) {
	l := prLoop(t)
	sem := rt.NewSemaphore(0)
	t1 := rt.CreateTask(l, sem.Acquire())
	t2 := rt.CreateTask(l, sem.Acquire())
	prBriefly(t, l)
	t1.Cancel()
	sem.Release()
	prBriefly(t, l)
	prBriefly(t, l)
	if !sem.Locked() || !t2.Done() || t2.Exception() != nil {
		t.Fatalf("locked %v, t2 done %v (%v)", sem.Locked(), t2.Done(), t2.Exception())
	}
}

// test_acquire_no_hang: a holder that cancels the next waiter right after
// releasing leaves the semaphore acquirable.
func TestAuditSemaphoreWaiterCancelledAfterReleaseLeavesItAcquirable(t *testing.T) {
	l := prLoop(t)
	sem := rt.NewSemaphore(1)
	var t2 *rt.Task[int]
	t1 := prGo(l, func() (int, error) {
		rt.Await(sem.Acquire())
		rt.Await(rt.Sleep(0))
		sem.Release()
		t2.Cancel()
		return 0, nil
	})
	t2 = prGo(l, func() (int, error) {
		if _, err := rt.Await(sem.Acquire()); err != nil {
			return 0, err
		}
		sem.Release()
		return 1, errAudit // must not get here
	})
	prWait(t, l, t1)
	if err := prWait(t, l, t2); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("t2: %v, want cancelled", err)
	}
	third := rt.CreateTask(l, rt.WaitFor(sem.Acquire(), time.Second))
	if err := prWait(t, l, third); err != nil {
		t.Fatalf("acquire after the race: %v", err)
	}
}

// test_acquire_fifo_order_3: with the first two waiters cancelled, two
// Releases serve the third waiter and leave one unit.
func TestAuditSemaphoreCancelledHeadWaitersKeepFIFOForTheRest(t *testing.T) {
	l := prLoop(t)
	sem := rt.NewSemaphore(0)
	var got []string
	waiter := func(name string) *rt.Task[int] {
		return prGo(l, func() (int, error) {
			if _, err := rt.Await(sem.Acquire()); err != nil {
				got = append(got, name+" cancelled")
				return 0, nil
			}
			got = append(got, name)
			return 0, nil
		})
	}
	t1, t2, t3 := waiter("c1"), waiter("c2"), waiter("c3")
	prBriefly(t, l)
	t1.Cancel()
	t2.Cancel()
	sem.Release()
	sem.Release()
	for _, task := range []*rt.Task[int]{t1, t2, t3} {
		prWait(t, l, task)
	}
	if want := []string{"c1 cancelled", "c2 cancelled", "c3"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if sem.Locked() {
		t.Fatal("the second unit was lost")
	}
}
