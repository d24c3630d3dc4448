package rt_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// condWaiter starts a task that takes cond's lock, waits once, records n
// and releases the lock.
func condWaiter(l *rt.Loop, cond *rt.Condition, order *[]int, n int) *rt.Task[rt.Void] {
	return prGo(l, func() (rt.Void, error) {
		if _, err := rt.Await(cond.Acquire()); err != nil {
			return rt.Void{}, err
		}
		defer cond.Release()
		if _, err := rt.Await(cond.Wait()); err != nil {
			return rt.Void{}, err
		}
		*order = append(*order, n)
		return rt.Void{}, nil
	})
}

// condLock takes cond's lock on behalf of the test (a lock has no owner).
func condLock(t *testing.T, l *rt.Loop, cond *rt.Condition) {
	t.Helper()
	if err := prWait(t, l, rt.CreateTask(l, cond.Acquire())); err != nil {
		t.Fatal(err)
	}
}

func TestConditionNotifyWakesWaitersInFIFOOrder(t *testing.T) {
	l := prLoop(t)
	cond := rt.NewCondition(nil)
	var order []int
	tasks := []*rt.Task[rt.Void]{
		condWaiter(l, cond, &order, 1), condWaiter(l, cond, &order, 2), condWaiter(l, cond, &order, 3),
	}
	prBriefly(t, l)
	if len(order) != 0 || cond.Locked() {
		t.Fatalf("before notify: %v, locked %v", order, cond.Locked())
	}
	condLock(t, l, cond)
	cond.Notify(1)
	prBriefly(t, l)
	if len(order) != 0 {
		t.Fatalf("a notified waiter returned without the lock: %v", order)
	}
	cond.Release()
	prBriefly(t, l)
	if fmt.Sprint(order) != "[1]" {
		t.Fatalf("after notify(1): %v", order)
	}
	condLock(t, l, cond)
	cond.Notify(1)
	cond.Notify(2048)
	cond.Release()
	prBriefly(t, l)
	prBriefly(t, l)
	if fmt.Sprint(order) != "[1 2 3]" {
		t.Fatalf("after notify(2048): %v", order)
	}
	for _, task := range tasks {
		if !task.Done() || task.Exception() != nil {
			t.Fatalf("%v", task)
		}
	}
}

func TestConditionNotifyAllWakesEveryWaiter(t *testing.T) {
	l := prLoop(t)
	cond := rt.NewCondition(nil)
	var order []int
	t1, t2 := condWaiter(l, cond, &order, 1), condWaiter(l, cond, &order, 2)
	prBriefly(t, l)
	condLock(t, l, cond)
	if err := cond.NotifyAll(); err != nil {
		t.Fatal(err)
	}
	cond.Release()
	prWait(t, l, t1)
	prWait(t, l, t2)
	if fmt.Sprint(order) != "[1 2]" {
		t.Fatal(order)
	}
}

func TestConditionUnacquiredIsRuntimeError(t *testing.T) {
	l := prLoop(t)
	cond := rt.NewCondition(nil)
	if err := cond.Notify(1); !isRuntimeError(err) {
		t.Errorf("Notify: %v", err)
	}
	if err := cond.NotifyAll(); !isRuntimeError(err) {
		t.Errorf("NotifyAll: %v", err)
	}
	if err := prWait(t, l, rt.CreateTask(l, cond.Wait())); !isRuntimeError(err) {
		t.Errorf("Wait: %v", err)
	}
	// WaitFor checks its predicate first: a true one needs no lock.
	if err := prWait(t, l, rt.CreateTask(l, cond.WaitFor(func() bool { return true }))); err != nil {
		t.Errorf("WaitFor(true): %v", err)
	}
	if err := prWait(t, l, rt.CreateTask(l, cond.WaitFor(func() bool { return false }))); !isRuntimeError(err) {
		t.Errorf("WaitFor(false): %v", err)
	}
}

func TestConditionWaitCancelledReacquiresLock(t *testing.T) {
	l := prLoop(t)
	cond := rt.NewCondition(nil)
	condLock(t, l, cond)
	w := rt.CreateTask(l, cond.Wait())
	l.CallSoon(func() { w.Cancel() })
	if err := prWait(t, l, w); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	if !cond.Locked() || cond.String() != "<Condition [locked]>" {
		t.Fatalf("after the cancelled wait: %v", cond)
	}
}

// A notified waiter whose cancellation arrives while it fights for the
// lock still returns with the lock held (CPython's
// test_wait_cancel_contested).
func TestConditionWaitCancelWhileContestingLockKeepsLock(t *testing.T) {
	l := prLoop(t)
	cond := rt.NewCondition(nil)
	condLock(t, l, cond)
	w := rt.CreateTask(l, cond.Wait())
	prBriefly(t, l)
	if cond.Locked() {
		t.Fatal("Wait did not release the lock")
	}
	condLock(t, l, cond)
	cond.Notify(1)
	l.CallSoon(func() { w.Cancel() })
	l.CallSoon(func() { cond.Release() })
	prWait(t, l, w)
	if !cond.Locked() {
		t.Fatal("the waiter returned without the lock")
	}
}

// bpo-32841: a waiter cancelled after it was notified, while it waits to
// get the lock back, ends cancelled.
func TestConditionWaitCancelAfterNotifyEndsCancelled(t *testing.T) {
	l := prLoop(t)
	cond := rt.NewCondition(nil)
	waited := false
	w := prGo(l, func() (rt.Void, error) {
		if _, err := rt.Await(cond.Acquire()); err != nil {
			return rt.Void{}, err
		}
		defer cond.Release()
		waited = true
		return rt.Await(cond.Wait())
	})
	prBriefly(t, l)
	condLock(t, l, cond)
	cond.Notify(1)
	prBriefly(t, l)
	w.Cancel()
	prBriefly(t, l)
	cond.Release()
	prBriefly(t, l)
	if !w.Cancelled() || !waited {
		t.Fatalf("cancelled %v, waited %v", w.Cancelled(), waited)
	}
}

func TestConditionWaitForRechecksPredicateOnEachNotify(t *testing.T) {
	l := prLoop(t)
	cond := rt.NewCondition(nil)
	ready, checks := false, 0
	w := prGo(l, func() (rt.Void, error) {
		if _, err := rt.Await(cond.Acquire()); err != nil {
			return rt.Void{}, err
		}
		defer cond.Release()
		return rt.Await(cond.WaitFor(func() bool { checks++; return ready }))
	})
	prBriefly(t, l)
	for _, set := range []bool{false, true} {
		ready = set
		condLock(t, l, cond)
		cond.Notify(1)
		cond.Release()
		prBriefly(t, l)
		prBriefly(t, l)
	}
	if !w.Done() || w.Exception() != nil || checks != 3 {
		t.Fatalf("done %v, err %v, %d checks", w.Done(), w.Exception(), checks)
	}
}

// The cancellation that ends WaitFor, whether it arrives while waiting for
// the notification or while taking the lock back, is the task's own, with
// its message (CPython's test_cancelled_error_wakeup and
// test_cancelled_error_re_aquire).
func TestConditionWaitForReturnsTheCancellation(t *testing.T) {
	for _, whileRelocking := range []bool{false, true} {
		t.Run(fmt.Sprintf("relocking=%v", whileRelocking), func(t *testing.T) {
			l := prLoop(t)
			cond := rt.NewCondition(nil)
			wake := false
			var seen error
			task := prGo(l, func() (rt.Void, error) {
				if _, err := rt.Await(cond.Acquire()); err != nil {
					return rt.Void{}, err
				}
				defer cond.Release()
				_, seen = rt.Await(cond.WaitFor(func() bool { return wake }))
				return rt.Void{}, seen
			})
			prBriefly(t, l)
			if whileRelocking {
				condLock(t, l, cond)
				wake = true
				cond.Notify(1)
				prBriefly(t, l)
				task.Cancel("foo")
				cond.Release()
			} else {
				task.Cancel("foo")
			}
			err := prWait(t, l, task)
			var ce *rt.CancelledError
			if !errors.As(seen, &ce) || ce.Msg != "foo" || !errors.As(err, &ce) || ce.Msg != "foo" {
				t.Fatalf("WaitFor returned %v, task %v", seen, err)
			}
			if cond.Locked() {
				t.Fatal("lock still held after the task ended")
			}
		})
	}
}

// A consumer cancelled at the moment it is notified passes the
// notification on, so the item is consumed by another (CPython's
// test_cancelled_wakeup and test_cancelled_wakeup_relock).
func TestConditionCancelledWakeupIsPassedOn(t *testing.T) {
	for _, whileRelocking := range []bool{false, true} {
		t.Run(fmt.Sprintf("relocking=%v", whileRelocking), func(t *testing.T) {
			l := prLoop(t)
			cond := rt.NewCondition(nil)
			state := 0
			consumer := func() *rt.Task[rt.Void] {
				return prGo(l, func() (rt.Void, error) {
					if _, err := rt.Await(cond.Acquire()); err != nil {
						return rt.Void{}, err
					}
					defer cond.Release()
					for {
						if _, err := rt.Await(cond.WaitFor(func() bool { return state != 0 })); err != nil {
							return rt.Void{}, err
						}
						if state < 0 {
							return rt.Void{}, nil
						}
						state--
					}
				})
			}
			c0, c1 := consumer(), consumer()
			prBriefly(t, l)
			condLock(t, l, cond)
			state++
			cond.Notify(1)
			if whileRelocking {
				prBriefly(t, l) // c0 now waits for the lock
			}
			c0.Cancel()
			cond.Release()
			for range 4 {
				prBriefly(t, l)
			}
			if state != 0 || !c0.Cancelled() {
				t.Fatalf("state %d, c0 cancelled %v", state, c0.Cancelled())
			}
			condLock(t, l, cond)
			state = -1
			cond.NotifyAll()
			cond.Release()
			if err := prWait(t, l, c1); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestConditionSharesExplicitLock(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	cond := rt.NewCondition(lock)
	if cond.Lock() != lock {
		t.Fatal("Lock() is not the lock given")
	}
	prWait(t, l, rt.CreateTask(l, cond.Acquire()))
	if !lock.Locked() || !cond.Locked() {
		t.Fatal("acquiring the condition did not take the lock")
	}
	lock.Release()
	if cond.Locked() {
		t.Fatal("releasing the lock did not release the condition")
	}
}

func TestConditionBoundToOneLoop(t *testing.T) {
	l1, l2 := prLoop(t), prLoop(t)
	cond := rt.NewCondition(nil)
	condLock(t, l1, cond)
	w := rt.CreateTask(l1, cond.Wait())
	prBriefly(t, l1)
	condLock(t, l1, cond)
	if err := prWait(t, l2, rt.CreateTask(l2, cond.Wait())); !isRuntimeError(err) || !cond.Locked() {
		t.Fatalf("Wait from a second loop: %v, locked %v", err, cond.Locked())
	}
	cond.Notify(1)
	cond.Release()
	if err := prWait(t, l1, w); err != nil {
		t.Fatal(err)
	}
}

func ExampleCondition() {
	cond := rt.NewCondition(nil)
	var items []string
	rt.Run(rt.Async(func() (rt.Void, error) {
		l := rt.RunningLoop()
		consumer := rt.CreateTask(l, rt.Async(func() (string, error) {
			rt.Must(cond.Acquire())
			defer cond.Release()
			rt.Must(cond.WaitFor(func() bool { return len(items) > 0 }))
			return items[0], nil
		}))
		rt.Await(rt.Sleep(0))
		rt.Must(cond.Acquire())
		items = append(items, "apple")
		cond.Notify(1)
		cond.Release()
		fmt.Println(rt.Must(consumer))
		return rt.Void{}, nil
	}))
	// Output: apple
}
