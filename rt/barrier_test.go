package rt_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// barrierParties starts n tasks that each wait once at b.
func barrierParties(l *rt.Loop, b *rt.Barrier, n int) []*rt.Task[int] {
	var tasks []*rt.Task[int]
	for range n {
		tasks = append(tasks, rt.CreateTask(l, b.Wait()))
	}
	return tasks
}

func TestBarrierReleasesAllPartiesWithDistinctIndexes(t *testing.T) {
	l := prLoop(t)
	b := rt.NewBarrier(3)
	tasks := barrierParties(l, b, 2)
	prBriefly(t, l)
	if b.NWaiting() != 2 || tasks[0].Done() || tasks[1].Done() {
		t.Fatalf("before the last party: %v", b)
	}
	last := rt.CreateTask(l, b.Wait())
	tasks = append(tasks, last)
	var got []int
	for _, task := range tasks {
		if err := prWait(t, l, task); err != nil {
			t.Fatal(err)
		}
		i, _ := task.Result()
		got = append(got, i)
	}
	if i, _ := last.Result(); i != 2 {
		t.Fatalf("the last party got index %d", i)
	}
	slices.Sort(got)
	if fmt.Sprint(got) != "[0 1 2]" || b.NWaiting() != 0 || b.Broken() {
		t.Fatalf("indexes %v, %v", got, b)
	}
	if s := b.String(); s != "<Barrier [filling, waiters:0/3]>" {
		t.Fatal(s)
	}
}

func TestBarrierOfOnePartyPassesAtOnce(t *testing.T) {
	l := prLoop(t)
	b := rt.NewBarrier(1)
	for range 2 {
		task := rt.CreateTask(l, b.Wait())
		if err := prWait(t, l, task); err != nil {
			t.Fatal(err)
		}
		if i, _ := task.Result(); i != 0 {
			t.Fatalf("index %d", i)
		}
	}
}

func TestNewBarrierWithoutPartiesPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	rt.NewBarrier(0)
}

// Parties arriving while the previous round drains wait for the next round
// (CPython's test_blocking_tasks_while_draining).
func TestBarrierBlocksArrivalsWhileDraining(t *testing.T) {
	l := prLoop(t)
	b := rt.NewBarrier(2)
	round1 := barrierParties(l, b, 2)
	late := rt.CreateTask(l, b.Wait())
	prBriefly(t, l)
	prBriefly(t, l)
	if !round1[0].Done() || !round1[1].Done() {
		t.Fatal("the first round did not pass")
	}
	if late.Done() || b.NWaiting() != 1 {
		t.Fatalf("late party: done %v, %v", late.Done(), b)
	}
	other := rt.CreateTask(l, b.Wait())
	prWait(t, l, late)
	prWait(t, l, other)
	i, _ := late.Result()
	j, _ := other.Result()
	if i+j != 1 {
		t.Fatalf("second round indexes %d, %d", i, j)
	}
}

func TestBarrierPartiesWaitRepeatedly(t *testing.T) {
	l := prLoop(t)
	b := rt.NewBarrier(3)
	passes := 0
	var tasks []*rt.Task[rt.Void]
	for range 3 {
		tasks = append(tasks, prGo(l, func() (rt.Void, error) {
			for range 2 {
				if _, err := rt.Await(b.Wait()); err != nil {
					return rt.Void{}, err
				}
				passes++
			}
			return rt.Void{}, nil
		}))
	}
	for _, task := range tasks {
		if err := prWait(t, l, task); err != nil {
			t.Fatal(err)
		}
	}
	if passes != 6 {
		t.Fatalf("%d passes", passes)
	}
}

func TestBarrierCancelledPartyLeaves(t *testing.T) {
	l := prLoop(t)
	b := rt.NewBarrier(3)
	waiting := barrierParties(l, b, 2)
	prBriefly(t, l)
	waiting[0].Cancel()
	if err := prWait(t, l, waiting[0]); !errors.Is(err, rt.ErrCancelled) {
		t.Fatal(err)
	}
	if b.NWaiting() != 1 {
		t.Fatalf("after the cancel: %v", b)
	}
	more := barrierParties(l, b, 2)
	for _, task := range append(more, waiting[1]) {
		if err := prWait(t, l, task); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBarrierResetBreaksCurrentWaitersOnly(t *testing.T) {
	l := prLoop(t)
	b := rt.NewBarrier(3)
	waiting := barrierParties(l, b, 2)
	prBriefly(t, l)
	b.Reset()
	for _, task := range waiting {
		if err := prWait(t, l, task); !errors.Is(err, rt.ErrBrokenBarrier) {
			t.Fatalf("waiter after Reset: %v", err)
		}
	}
	if b.Broken() || b.NWaiting() != 0 {
		t.Fatalf("after Reset: %v", b)
	}
	for _, task := range barrierParties(l, b, 3) {
		if err := prWait(t, l, task); err != nil {
			t.Fatalf("round after Reset: %v", err)
		}
	}
}

// A Reset while the released parties are still leaving makes those not
// yet out fail, and the barrier fills again once they are out.
func TestBarrierResetWhileDraining(t *testing.T) {
	l := prLoop(t)
	b := rt.NewBarrier(2)
	first := rt.CreateTask(l, b.Wait())
	prBriefly(t, l)
	last := rt.CreateTask(l, b.Wait())
	l.CallSoon(b.Reset) // runs after last released the barrier, before first resumes
	prWait(t, l, first)
	if err := last.Exception(); err != nil {
		t.Fatalf("the releasing party: %v", err)
	}
	if err := first.Exception(); !errors.Is(err, rt.ErrBrokenBarrier) {
		t.Fatalf("the party still leaving: %v", err)
	}
	if s := b.String(); s != "<Barrier [filling, waiters:0/2]>" {
		t.Fatal(s)
	}
}

func TestBarrierAbortBreaksUntilReset(t *testing.T) {
	l := prLoop(t)
	b := rt.NewBarrier(2)
	w := rt.CreateTask(l, b.Wait())
	prBriefly(t, l)
	b.Abort()
	if err := prWait(t, l, w); !errors.Is(err, rt.ErrBrokenBarrier) {
		t.Fatalf("waiter after Abort: %v", err)
	}
	if err := prWait(t, l, rt.CreateTask(l, b.Wait())); !errors.Is(err, rt.ErrBrokenBarrier) || !b.Broken() {
		t.Fatalf("arrival after Abort: %v", err)
	}
	if s := b.String(); s != "<Barrier [broken]>" {
		t.Fatal(s)
	}
	b.Reset()
	for _, task := range barrierParties(l, b, 2) {
		if err := prWait(t, l, task); err != nil {
			t.Fatalf("round after Reset: %v", err)
		}
	}
}

func ExampleBarrier() {
	b := rt.NewBarrier(3)
	rt.Run(rt.Async(func() (rt.Void, error) {
		l := rt.RunningLoop()
		var tasks []*rt.Task[int]
		for range 3 {
			tasks = append(tasks, rt.CreateTask(l, b.Wait()))
		}
		for _, task := range tasks {
			i := rt.Must(task)
			fmt.Println("passed with index", i)
		}
		return rt.Void{}, nil
	}))
	// Output:
	// passed with index 0
	// passed with index 1
	// passed with index 2
}
