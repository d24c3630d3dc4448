package rt_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// Helpers shared by the tests of the synchronization primitives and queues
// (lock_test.go, event_test.go, condition_test.go, semaphore_test.go,
// barrier_test.go, queue_test.go).

// prLoop returns a loop on a virtual clock, closed when the test ends.
func prLoop(t testing.TB) *rt.Loop {
	t.Helper()
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// prBriefly lets every runnable task take its next steps: asyncio's
// test_utils.run_briefly, which is about two passes of the loop.
func prBriefly(t testing.TB, l *rt.Loop) {
	t.Helper()
	prWait(t, l, rt.CreateTask(l, rt.Sleep(0)))
}

// prGo starts body as a task driven by the reference driver.
func prGo[T any](l *rt.Loop, body func() (T, error)) *rt.Task[T] {
	return rt.CreateTask(l, rt.Async(body))
}

// prWait runs l until f is done and returns f's error. A guard timer an
// hour of virtual time away stops a loop that would otherwise wait forever.
func prWait(t testing.TB, l *rt.Loop, f rt.AnyFuture) error {
	t.Helper()
	guard := l.CallLater(time.Hour, l.Stop)
	defer guard.Cancel()
	err := l.RunUntilComplete(f)
	if !f.Done() {
		t.Fatalf("loop stopped before %v was done: %v", f, err)
	}
	return err
}

// ctxFn is a hand-written coroutine that runs fn with its driver in its
// first step: what a generated frame does between two suspensions, used to
// measure the no-suspension paths without the reference driver's cost.
type ctxFn struct{ fn func(c *rt.Ctx) }

func (f *ctxFn) Send(c *rt.Ctx) rt.Yield       { f.fn(c); return rt.Yield{} }
func (f *ctxFn) Throw(*rt.Ctx, error) rt.Yield { return rt.Yield{} }
func (f *ctxFn) Close()                        {}
func (f *ctxFn) Result() (rt.Void, error)      { return rt.Void{}, nil }

// prInTask runs fn inside a step of a task on a fresh loop.
func prInTask(t testing.TB, fn func(c *rt.Ctx)) {
	t.Helper()
	l := prLoop(t)
	if err := l.RunUntilComplete(rt.CreateTask[rt.Void](l, &ctxFn{fn: fn})); err != nil {
		t.Fatal(err)
	}
}

// awaitNow awaits a in the current step the way generated code does, and
// fails if a had to suspend.
func awaitNow[T any](c *rt.Ctx, a rt.Awaitable[T]) (T, error) {
	var w rt.Awaiting[T]
	if _, suspend := w.Start(c, a); suspend {
		panic("awaitNow: the awaitable suspended")
	}
	return w.Result()
}

func isRuntimeError(err error) bool {
	var re *rt.RuntimeError
	return errors.As(err, &re)
}

func TestLockAcquireAndRelease(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	task := prGo(l, func() (bool, error) {
		if _, err := rt.Await(lock.Acquire()); err != nil {
			return false, err
		}
		return lock.Locked(), lock.Release()
	})
	if err := prWait(t, l, task); err != nil {
		t.Fatal(err)
	}
	if locked, _ := task.Result(); !locked || lock.Locked() {
		t.Fatalf("locked inside = %v, after release = %v", locked, lock.Locked())
	}
}

func TestLockReleaseUnlockedIsRuntimeError(t *testing.T) {
	if err := rt.NewLock().Release(); !isRuntimeError(err) {
		t.Fatalf("Release of an unlocked lock: %v", err)
	}
}

func TestLockWaitersAcquireInFIFOOrder(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	var order []int
	locker := func(n int) *rt.Task[rt.Void] {
		return prGo(l, func() (rt.Void, error) {
			_, err := rt.Await(lock.Acquire())
			order = append(order, n)
			return rt.Void{}, err
		})
	}
	prWait(t, l, rt.CreateTask(l, lock.Acquire()))
	t1, t2 := locker(1), locker(2)
	prBriefly(t, l)
	if len(order) != 0 {
		t.Fatalf("acquired while locked: %v", order)
	}
	lock.Release()
	prBriefly(t, l)
	prBriefly(t, l)
	if fmt.Sprint(order) != "[1]" {
		t.Fatalf("after one release: %v", order)
	}
	t3 := locker(3)
	lock.Release()
	prBriefly(t, l)
	if fmt.Sprint(order) != "[1 2]" {
		t.Fatalf("after two releases: %v", order)
	}
	lock.Release()
	prBriefly(t, l)
	if fmt.Sprint(order) != "[1 2 3]" || !t1.Done() || !t2.Done() || !t3.Done() {
		t.Fatalf("after three releases: %v", order)
	}
}

func TestLockCancelledAcquireLeavesNoWaiter(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	prWait(t, l, rt.CreateTask(l, lock.Acquire()))
	task := rt.CreateTask(l, lock.Acquire())
	l.CallSoon(func() { task.Cancel() })
	if err := prWait(t, l, task); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("cancelled acquire: %v", err)
	}
	if s := lock.String(); s != "<Lock [locked]>" {
		t.Fatalf("lock after the cancelled waiter left: %s", s)
	}
}

// A waiter cancelled while the holder releases must not get the lock or
// keep the next waiter from getting it (CPython's test_cancel_race).
func TestLockCancelledWaiterIsSkippedOnRelease(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	lockit := func(blocker *rt.Future[rt.Void]) *rt.Task[rt.Void] {
		return prGo(l, func() (rt.Void, error) {
			if _, err := rt.Await(lock.Acquire()); err != nil {
				return rt.Void{}, err
			}
			defer lock.Release()
			if blocker != nil {
				return rt.Await(blocker)
			}
			return rt.Void{}, nil
		})
	}
	fa := rt.NewFuture[rt.Void](l)
	ta := lockit(fa)
	prBriefly(t, l)
	tb := lockit(nil)
	prBriefly(t, l)
	tc := lockit(nil)
	prBriefly(t, l)
	if !strings.Contains(lock.String(), "waiters:2") {
		t.Fatalf("setup: %s", lock)
	}
	fa.SetResult(rt.Void{})
	tb.Cancel()
	prBriefly(t, l)
	if !ta.Done() || !tb.Cancelled() {
		t.Fatalf("ta done %v, tb cancelled %v", ta.Done(), tb.Cancelled())
	}
	if err := prWait(t, l, tc); err != nil || lock.Locked() {
		t.Fatalf("tc: %v, locked %v", err, lock.Locked())
	}
}

// Cancelling the first waiter in the same pass as the release hands the
// lock to exactly one other waiter (CPython's test_cancel_release_race,
// bpo-32734).
func TestLockCancelReleaseRaceTakesLockOnce(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	taken := 0
	lockit := func() *rt.Task[rt.Void] {
		return prGo(l, func() (rt.Void, error) {
			if _, err := rt.Await(lock.Acquire()); err != nil {
				return rt.Void{}, err
			}
			taken++
			return rt.Void{}, nil
		})
	}
	prWait(t, l, rt.CreateTask(l, lock.Acquire()))
	t1, t2, t3 := lockit(), lockit(), lockit()
	prBriefly(t, l)
	l.CallSoon(func() {
		t1.Cancel()
		lock.Release()
	})
	if err := prWait(t, l, t1); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("t1: %v", err)
	}
	prBriefly(t, l)
	if taken != 1 || !t2.Done() || t3.Done() {
		t.Fatalf("taken %d, t2 done %v, t3 done %v", taken, t2.Done(), t3.Done())
	}
	t3.Cancel()
	prBriefly(t, l)
	if !t3.Cancelled() {
		t.Fatal("t3 not cancelled")
	}
}

// A waiter woken by Release and then cancelled before it ran passes the
// wake-up to the next waiter (CPython's test_finished_waiter_cancelled).
func TestLockWokenThenCancelledWaiterPassesWakeUp(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	prWait(t, l, rt.CreateTask(l, lock.Acquire()))
	tb := rt.CreateTask(l, lock.Acquire())
	prBriefly(t, l)
	tc := rt.CreateTask(l, lock.Acquire())
	tb.Cancel()
	lock.Release()
	prBriefly(t, l)
	if !lock.Locked() || !tb.Cancelled() {
		t.Fatalf("locked %v, tb cancelled %v", lock.Locked(), tb.Cancelled())
	}
	if err := prWait(t, l, tc); err != nil {
		t.Fatal(err)
	}
}

// A waiter woken by Release, whose task is cancelled before it resumes,
// does not take the lock; the next waiter does.
func TestLockWakeUpThenCancelGoesToNextWaiter(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	prWait(t, l, rt.CreateTask(l, lock.Acquire()))
	tb := rt.CreateTask(l, lock.Acquire())
	tc := rt.CreateTask(l, lock.Acquire())
	prBriefly(t, l)
	lock.Release()
	tb.Cancel() // tb's future is already done: the cancel is thrown in
	if err := prWait(t, l, tc); err != nil || !tb.Cancelled() || !lock.Locked() {
		t.Fatalf("tc %v, tb cancelled %v, locked %v", err, tb.Cancelled(), lock.Locked())
	}
}

func TestLockBoundToOneLoop(t *testing.T) {
	l1, l2 := prLoop(t), prLoop(t)
	lock := rt.NewLock()
	prWait(t, l1, rt.CreateTask(l1, lock.Acquire()))
	waiter := rt.CreateTask(l1, lock.Acquire())
	prBriefly(t, l1)
	other := rt.CreateTask(l2, lock.Acquire())
	if err := prWait(t, l2, other); !isRuntimeError(err) {
		t.Fatalf("acquire from a second loop: %v", err)
	}
	lock.Release()
	if err := prWait(t, l1, waiter); err != nil {
		t.Fatal(err)
	}
}

func TestLockString(t *testing.T) {
	l := prLoop(t)
	lock := rt.NewLock()
	if s := lock.String(); s != "<Lock [unlocked]>" {
		t.Fatal(s)
	}
	prWait(t, l, rt.CreateTask(l, lock.Acquire()))
	waiter := rt.CreateTask(l, lock.Acquire())
	prBriefly(t, l)
	if s := lock.String(); s != "<Lock [locked, waiters:1]>" {
		t.Fatal(s)
	}
	lock.Release()
	prWait(t, l, waiter)
}

func TestLockUncontendedAcquireDoesNotAllocate(t *testing.T) {
	prInTask(t, func(c *rt.Ctx) {
		lock := rt.NewLock()
		n := testing.AllocsPerRun(100, func() {
			if _, err := awaitNow(c, lock.Acquire()); err != nil {
				panic(err)
			}
			lock.Release()
		})
		if n != 0 {
			t.Errorf("uncontended Acquire/Release: %v allocs", n)
		}
	})
}

func BenchmarkLockUncontended(b *testing.B) {
	prInTask(b, func(c *rt.Ctx) {
		lock := rt.NewLock()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			var w rt.Awaiting[rt.Void]
			w.Start(c, lock.Acquire())
			w.Result()
			lock.Release()
		}
	})
}

func BenchmarkSyncMutexUncontended(b *testing.B) {
	var mu sync.Mutex
	b.ReportAllocs()
	for range b.N {
		mu.Lock()
		mu.Unlock() //nolint:staticcheck // the empty section is the point
	}
}

func ExampleLock() {
	lock := rt.NewLock()
	var log []string
	worker := func(name string) rt.Coro[rt.Void] {
		return rt.Async(func() (rt.Void, error) {
			if _, err := rt.Await(lock.Acquire()); err != nil {
				return rt.Void{}, err
			}
			defer lock.Release()
			log = append(log, name+" in")
			rt.Await(rt.Sleep(0)) // the others queue up meanwhile
			log = append(log, name+" out")
			return rt.Void{}, nil
		})
	}
	rt.Run(rt.Async(func() (rt.Void, error) {
		l := rt.RunningLoop()
		a, b := rt.CreateTask(l, worker("a")), rt.CreateTask(l, worker("b"))
		rt.Await(a)
		return rt.Await(b)
	}))
	fmt.Println(strings.Join(log, ", "))
	// Output: a in, a out, b in, b out
}
