package rt_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// semAcquirer starts a task that acquires sem and then records n.
func semAcquirer(l *rt.Loop, sem *rt.Semaphore, order *[]int, n int) *rt.Task[rt.Void] {
	return prGo(l, func() (rt.Void, error) {
		_, err := rt.Await(sem.Acquire())
		if err == nil {
			*order = append(*order, n)
		}
		return rt.Void{}, err
	})
}

func TestSemaphoreAcquireCountsDown(t *testing.T) {
	l := prLoop(t)
	sem := rt.NewSemaphore(3)
	for range 2 {
		prWait(t, l, rt.CreateTask(l, sem.Acquire()))
	}
	if sem.Locked() || sem.String() != "<Semaphore [unlocked, value:1]>" {
		t.Fatalf("after two acquires: %v", sem)
	}
	var order []int
	t1, t2, t3 := semAcquirer(l, sem, &order, 1), semAcquirer(l, sem, &order, 2), semAcquirer(l, sem, &order, 3)
	prBriefly(t, l)
	if fmt.Sprint(order) != "[1]" || !sem.Locked() || sem.String() != "<Semaphore [locked, waiters:2]>" {
		t.Fatalf("order %v, %v", order, sem)
	}
	t4 := semAcquirer(l, sem, &order, 4)
	sem.Release()
	sem.Release()
	prBriefly(t, l)
	if fmt.Sprint(order) != "[1 2 3]" || !sem.Locked() || t4.Done() {
		t.Fatalf("order %v, %v", order, sem)
	}
	sem.Release()
	for _, task := range []*rt.Task[rt.Void]{t1, t2, t3, t4} {
		if err := prWait(t, l, task); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewSemaphoreNegativePanics(t *testing.T) {
	for name, mk := range map[string]func(){
		"Semaphore":        func() { rt.NewSemaphore(-1) },
		"BoundedSemaphore": func() { rt.NewBoundedSemaphore(-1) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			mk()
		})
	}
}

func TestSemaphoreCancelledAcquireLeavesNoWaiter(t *testing.T) {
	l := prLoop(t)
	sem := rt.NewSemaphore(1)
	prWait(t, l, rt.CreateTask(l, sem.Acquire()))
	a := rt.CreateTask(l, sem.Acquire())
	l.CallSoon(func() { a.Cancel() })
	if err := prWait(t, l, a); !errors.Is(err, rt.ErrCancelled) {
		t.Fatal(err)
	}
	if s := sem.String(); s != "<Semaphore [locked]>" {
		t.Fatal(s)
	}
	sem.Release()
	if sem.Locked() {
		t.Fatal("still locked after the release")
	}
}

// A unit released while waiters are cancelled goes to the first waiter
// that is still live, whether the cancelled ones were woken first or not
// (CPython's test_acquire_cancel_before_awoken, test_acquire_hang,
// test_acquire_no_hang).
func TestSemaphoreCancelledWaitersPassTheUnitOn(t *testing.T) {
	for _, wokenFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("wokenFirst=%v", wokenFirst), func(t *testing.T) {
			l := prLoop(t)
			sem := rt.NewSemaphore(0)
			var order []int
			t1, t2 := semAcquirer(l, sem, &order, 1), semAcquirer(l, sem, &order, 2)
			t3, t4 := semAcquirer(l, sem, &order, 3), semAcquirer(l, sem, &order, 4)
			prBriefly(t, l)
			if wokenFirst {
				sem.Release()
				t1.Cancel()
				t2.Cancel()
			} else {
				t1.Cancel()
				t2.Cancel()
				sem.Release()
			}
			prBriefly(t, l)
			prBriefly(t, l)
			if !t1.Cancelled() || !t2.Cancelled() || !t3.Done() || t4.Done() || fmt.Sprint(order) != "[3]" {
				t.Fatalf("order %v; t3 done %v, t4 done %v", order, t3.Done(), t4.Done())
			}
			if !sem.Locked() {
				t.Fatal("the single unit was handed out twice")
			}
			t4.Cancel()
			prBriefly(t, l)
		})
	}
}

func TestSemaphoreWaitersServedInFIFOOrder(t *testing.T) {
	l := prLoop(t)
	sem := rt.NewSemaphore(1)
	var got []string
	worker := func(tag string) *rt.Task[rt.Void] {
		return prGo(l, func() (rt.Void, error) {
			for round := 1; round <= 2; round++ {
				if _, err := rt.Await(sem.Acquire()); err != nil {
					return rt.Void{}, err
				}
				got = append(got, fmt.Sprintf("%s_%d", tag, round))
				rt.Await(rt.Sleep(10 * time.Millisecond))
				sem.Release()
			}
			return rt.Void{}, nil
		})
	}
	tasks := []*rt.Task[rt.Void]{worker("c1"), worker("c2"), worker("c3")}
	for _, task := range tasks {
		prWait(t, l, task)
	}
	if fmt.Sprint(got) != "[c1_1 c2_1 c3_1 c1_2 c2_2 c3_2]" {
		t.Fatal(got)
	}
}

// A task that releases and re-acquires queues behind the waiters already
// there, even though the counter is positive (CPython's
// test_acquire_fifo_order_2).
func TestSemaphoreReacquireQueuesBehindWaiters(t *testing.T) {
	l := prLoop(t)
	sem := rt.NewSemaphore(1)
	var order []int
	t1 := semAcquirer(l, sem, &order, 1)
	t2 := prGo(l, func() (rt.Void, error) {
		rt.Must(sem.Acquire())
		order = append(order, 2)
		sem.Release()
		rt.Must(sem.Acquire())
		order = append(order, 4)
		return rt.Void{}, nil
	})
	t3 := semAcquirer(l, sem, &order, 3)
	prBriefly(t, l)
	sem.Release()
	sem.Release()
	for _, task := range []*rt.Task[rt.Void]{t1, t2, t3} {
		if err := prWait(t, l, task); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(order) != "[1 2 3 4]" {
		t.Fatal(order)
	}
}

// A waiter that acquires wakes the others the counter allows, in order
// (CPython's test_acquire_fifo_order_4).
func TestSemaphoreAcquireWakesFollowingWaiters(t *testing.T) {
	l := prLoop(t)
	sem := rt.NewSemaphore(0)
	var order []int
	var t4 *rt.Task[rt.Void]
	t1 := prGo(l, func() (rt.Void, error) {
		rt.Must(sem.Acquire())
		t4 = prGo(l, func() (rt.Void, error) { order = append(order, 4); return rt.Void{}, nil })
		order = append(order, 1)
		return rt.Void{}, nil
	})
	lockedAfterReleases := false
	t2 := prGo(l, func() (rt.Void, error) {
		sem.Release()
		sem.Release()
		sem.Release()
		lockedAfterReleases = sem.Locked() // t1 has not run yet
		rt.Must(sem.Acquire())
		order = append(order, 2)
		return rt.Void{}, nil
	})
	t3 := semAcquirer(l, sem, &order, 3)
	for _, task := range []*rt.Task[rt.Void]{t1, t2, t3} {
		if err := prWait(t, l, task); err != nil {
			t.Fatal(err)
		}
	}
	prWait(t, l, t4)
	if !lockedAfterReleases || fmt.Sprint(order) != "[1 2 3 4]" {
		t.Fatalf("locked after releases %v, order %v", lockedAfterReleases, order)
	}
}

func TestBoundedSemaphoreReleaseAboveBoundFails(t *testing.T) {
	l := prLoop(t)
	sem := rt.NewBoundedSemaphore(1)
	if err := sem.Release(); !errors.Is(err, rt.ErrSemaphoreOverReleased) {
		t.Fatalf("release of a full semaphore: %v", err)
	}
	prWait(t, l, rt.CreateTask(l, sem.Acquire()))
	if !sem.Locked() {
		t.Fatal("not locked after acquire")
	}
	if err := sem.Release(); err != nil {
		t.Fatal(err)
	}
	if s := sem.String(); s != "<BoundedSemaphore [unlocked, value:1]>" {
		t.Fatal(s)
	}
}

func TestSemaphoreUncontendedAcquireDoesNotAllocate(t *testing.T) {
	prInTask(t, func(c *rt.Ctx) {
		sem := rt.NewSemaphore(2)
		n := testing.AllocsPerRun(100, func() {
			awaitNow(c, sem.Acquire())
			sem.Release()
		})
		if n != 0 {
			t.Errorf("uncontended Acquire/Release: %v allocs", n)
		}
	})
}

func ExampleSemaphore() {
	sem := rt.NewSemaphore(2)
	inside, most := 0, 0
	rt.Run(rt.Async(func() (rt.Void, error) {
		l := rt.RunningLoop()
		var tasks []*rt.Task[rt.Void]
		for range 5 {
			tasks = append(tasks, rt.CreateTask(l, rt.Async(func() (rt.Void, error) {
				rt.Must(sem.Acquire())
				defer sem.Release()
				inside++
				most = max(most, inside)
				rt.Await(rt.Sleep(time.Millisecond))
				inside--
				return rt.Void{}, nil
			})))
		}
		for _, task := range tasks {
			rt.Await(task)
		}
		return rt.Void{}, nil
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println("at most", most, "at once")
	// Output: at most 2 at once
}
