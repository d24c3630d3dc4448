package rt_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// Timers fire in deadline order; timers with the same deadline fire in the
// order they were scheduled. The loop keeps them in a min-heap, so
// scheduling and firing a timer cost O(log n).
func ExampleLoop_CallAt() {
	l, _ := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	defer l.Close()
	timers := []struct {
		name string
		at   time.Duration
	}{{"c", 3 * time.Second}, {"a", time.Second}, {"b", 2 * time.Second}, {"b'", 2 * time.Second}}
	for _, tm := range timers {
		l.CallAt(tm.at, func() { fmt.Println(tm.name, "fired at", l.Time()) })
	}
	l.CallAt(4*time.Second, l.Stop)
	l.RunForever()
	// Output:
	// a fired at 1s
	// b fired at 2s
	// b' fired at 2s
	// c fired at 3s
}

// Callbacks run in the order they were scheduled; one scheduled by a
// running callback waits for the next pass of the loop.
func ExampleLoop_CallSoon() {
	l, _ := rt.NewLoop()
	defer l.Close()
	l.CallSoon(func() {
		fmt.Println("first")
		l.CallSoon(func() { fmt.Println("scheduled by first"); l.Stop() })
	})
	l.CallSoon(func() { fmt.Println("second") })
	l.RunForever()
	// Output:
	// first
	// second
	// scheduled by first
}

// Run is asyncio.run: it runs the main coroutine on a new loop and returns
// its outcome. On a virtual clock an hour of sleeping takes no time.
func ExampleRun() {
	v, err := rt.Run(rt.Async(func() (string, error) {
		start := rt.RunningLoop().Time()
		if _, err := rt.Await(rt.Sleep(time.Hour)); err != nil {
			return "", err
		}
		return fmt.Sprint("slept ", rt.RunningLoop().Time()-start), nil
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(v, err)
	// Output: slept 1h0m0s <nil>
}

// A Future's done callbacks never run inline: they are scheduled on the
// loop when the future completes.
func ExampleFuture_AddDoneCallback() {
	l, _ := rt.NewLoop()
	defer l.Close()
	f := rt.NewFuture[int](l)
	f.AddDoneCallback(func(f *rt.Future[int]) {
		v, err := f.Result()
		fmt.Println("callback sees", v, err)
	})
	f.SetResult(42)
	fmt.Println("result set")
	l.RunUntilComplete(f)
	// Output:
	// result set
	// callback sees 42 <nil>
}

// Cancelling a task makes its pending await return a *CancelledError; a
// task that lets it through ends cancelled.
func ExampleTask_Cancel() {
	l, _ := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	defer l.Close()
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		_, err := rt.Await(rt.Sleep(time.Hour))
		fmt.Println("sleep returned:", err)
		return 0, err
	}))
	l.CallLater(time.Minute, func() { task.Cancel("shutting down") })
	err := l.RunUntilComplete(task)
	fmt.Println(task.Cancelled(), errors.Is(err, rt.ErrCancelled), l.Time())
	// Output:
	// sleep returned: cancelled: shutting down
	// true true 1m0s
}

// Blocking work runs on the loop's pool of goroutines and comes back as a
// Future.
func ExampleRunInExecutor() {
	l, _ := rt.NewLoop()
	defer l.Close()
	f := rt.RunInExecutor(l, func() (int, error) {
		return 6 * 7, nil // a blocking call would go here
	})
	v, err := rt.RunUntilComplete[int](l, f)
	fmt.Println(v, err)
	// Output: 42 <nil>
}

// A VirtualClock lets timer-heavy code run instantly: when the loop has
// nothing to do but wait, it jumps to the next deadline.
func ExampleVirtualClock() {
	clock := rt.NewVirtualClock()
	l, _ := rt.NewLoop(rt.WithClock(clock))
	defer l.Close()
	l.CallLater(24*time.Hour, func() { fmt.Println("a day later:", clock.Now()); l.Stop() })
	l.RunForever()
	// Output: a day later: 24h0m0s
}

// Gather takes awaitables of one result type; AsAny gathers different ones
// together, each result to be asserted back to its type.
func ExampleAsAny() {
	vs, err := rt.Run(rt.Async(func() ([]any, error) {
		l := rt.RunningLoop()
		count := rt.NewFuture[int](l)
		l.CallLater(time.Second, func() { count.SetResult(3) })
		name := rt.CreateTask(l, rt.Async(func() (string, error) { return "three", nil }))
		return rt.Await(rt.Gather(rt.AsAny(count), rt.AsAny(name)))
	}), rt.WithClock(rt.NewVirtualClock()))
	n, s := vs[0].(int), vs[1].(string)
	fmt.Println(n, s, err)
	// Output: 3 three <nil>
}

// RunTimeout hands the scope to the code under the deadline, which may
// move it: asyncio's "async with timeout(d) as cm: cm.reschedule(...)".
func ExampleRunTimeout() {
	v, err := rt.Run(rt.RunTimeout(time.Second, func(s *rt.TimeoutScope) rt.Coro[string] {
		return rt.Async(func() (string, error) {
			s.Reschedule(s.When() + time.Second) // this one needs 1.5s
			if _, err := rt.Await(rt.Sleep(1500 * time.Millisecond)); err != nil {
				return "", err
			}
			return fmt.Sprint("done at ", rt.RunningLoop().Time(), ", deadline ", s.When()), nil
		})
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(v, err)
	// Output: done at 1.5s, deadline 2s <nil>
}
