package rt_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

func TestEventSetWakesAllWaiters(t *testing.T) {
	l := prLoop(t)
	ev := rt.NewEvent()
	var order []int
	waiter := func(n int) *rt.Task[rt.Void] {
		return prGo(l, func() (rt.Void, error) {
			_, err := rt.Await(ev.Wait())
			order = append(order, n)
			return rt.Void{}, err
		})
	}
	t1, t2 := waiter(1), waiter(2)
	prBriefly(t, l)
	if len(order) != 0 || ev.IsSet() {
		t.Fatalf("woken before Set: %v", order)
	}
	t3 := waiter(3) // not started yet: it finds the event set
	ev.Set()
	prBriefly(t, l)
	if fmt.Sprint(order) != "[3 1 2]" || !t1.Done() || !t2.Done() || !t3.Done() {
		t.Fatalf("order %v", order)
	}
}

func TestEventWaitOnSetEventReturnsAtOnce(t *testing.T) {
	ev := rt.NewEvent()
	ev.Set()
	prInTask(t, func(c *rt.Ctx) {
		if _, err := awaitNow(c, ev.Wait()); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(100, func() { awaitNow(c, ev.Wait()) }); n != 0 {
			t.Errorf("Wait on a set event: %v allocs", n)
		}
	})
}

func TestEventCancelledWaitLeavesNoWaiter(t *testing.T) {
	l := prLoop(t)
	ev := rt.NewEvent()
	w := rt.CreateTask(l, ev.Wait())
	l.CallSoon(func() { w.Cancel() })
	if err := prWait(t, l, w); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	if s := ev.String(); s != "<Event [unset]>" {
		t.Fatal(s)
	}
}

func TestEventClear(t *testing.T) {
	ev := rt.NewEvent()
	ev.Set()
	if !ev.IsSet() {
		t.Fatal("not set after Set")
	}
	ev.Clear()
	if ev.IsSet() {
		t.Fatal("set after Clear")
	}
}

// A waiter woken by Set still returns if the event is cleared before it
// runs (CPython's test_clear_with_waiters).
func TestEventClearAfterSetStillReleasesWokenWaiters(t *testing.T) {
	l := prLoop(t)
	ev := rt.NewEvent()
	w := rt.CreateTask(l, ev.Wait())
	prBriefly(t, l)
	ev.Set()
	ev.Clear()
	ev.Set()
	ev.Set()
	if s := ev.String(); s != "<Event [set, waiters:1]>" {
		t.Fatal(s)
	}
	prBriefly(t, l)
	if !w.Done() || w.Exception() != nil {
		t.Fatalf("waiter: done %v, %v", w.Done(), w.Exception())
	}
	if s := ev.String(); s != "<Event [set]>" {
		t.Fatal(s)
	}
}

func TestEventWaitAfterClearBlocks(t *testing.T) {
	l := prLoop(t)
	ev := rt.NewEvent()
	ev.Set()
	ev.Clear()
	w := rt.CreateTask(l, ev.Wait())
	prBriefly(t, l)
	if w.Done() {
		t.Fatal("Wait returned on a cleared event")
	}
	ev.Set()
	if err := prWait(t, l, w); err != nil {
		t.Fatal(err)
	}
}

func ExampleEvent() {
	ev := rt.NewEvent()
	rt.Run(rt.Async(func() (rt.Void, error) {
		l := rt.RunningLoop()
		waiter := rt.CreateTask(l, rt.Async(func() (rt.Void, error) {
			rt.Await(ev.Wait())
			fmt.Println("event seen")
			return rt.Void{}, nil
		}))
		rt.Await(rt.Sleep(0))
		fmt.Println("setting")
		ev.Set()
		return rt.Await(waiter)
	}))
	// Output:
	// setting
	// event seen
}
