// Command demo shows the asyncgen runtime at work: coroutines written as
// ordinary Go, turned into state machines by asyncgen, run by one loop
// goroutine. It counts down concurrently, cancels a task, times an
// operation out, passes work through a queue, and parks 100,000 tasks to
// show what they cost.
//
//	go run ./examples/demo
package main

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// countdown prints n, n-1, ... 1, one per tick, and returns how many it
// printed.
//
//asyncgen:coroutine
func countdown(name string, n int, tick time.Duration) (int, error) {
	for i := n; i > 0; i-- {
		fmt.Printf("  %s: %d\n", name, i)
		if _, err := rt.Await(rt.Sleep(tick)); err != nil {
			return n - i, err
		}
	}
	return n, nil
}

// produce puts 1..n into q, then shuts it down.
//
//asyncgen:coroutine
func produce(q *rt.Queue[int], n int) error {
	for i := 1; i <= n; i++ {
		if _, err := rt.Await(q.Put(i)); err != nil {
			return err
		}
	}
	q.Shutdown(false)
	return nil
}

// consume sums what it gets from q until q is shut down.
//
//asyncgen:coroutine
func consume(q *rt.Queue[int]) int {
	sum := 0
	for {
		v, err := rt.Await(q.Get())
		if err != nil {
			return sum
		}
		sum += v
	}
}

// park waits on f; the demo parks many tasks this way.
//
//asyncgen:coroutine
func park(f *rt.Future[int]) int {
	return rt.Must(f) + 1
}

// demo runs the tour.
//
//asyncgen:coroutine
func demo() error {
	loop := rt.RunningLoop()

	fmt.Println("three countdowns, concurrently, on one goroutine:")
	counts, err := rt.Await(rt.Gather(
		countdownAsync("a", 3, 30*time.Millisecond),
		countdownAsync("b", 2, 45*time.Millisecond),
		countdownAsync("c", 1, 60*time.Millisecond),
	))
	if err != nil {
		return err
	}
	fmt.Println("gathered:", counts)

	fmt.Println("cancelling a task that would sleep for an hour:")
	sleeper := rt.CreateTask(loop, rt.Sleep(time.Hour))
	loop.CallLater(20*time.Millisecond, func() { sleeper.Cancel("demo over") })
	_, err = rt.Await(sleeper)
	fmt.Println("  sleeper:", err, "- cancelled:", sleeper.Cancelled())

	fmt.Println("an hour-long sleep under WaitFor(20ms):")
	_, err = rt.Await(rt.WaitFor(rt.Sleep(time.Hour), 20*time.Millisecond))
	fmt.Println("  WaitFor:", err)

	fmt.Println("a producer and a consumer through a bounded queue:")
	q := rt.NewQueue[int](4)
	rt.CreateTask(loop, produceAsync(q, 100))
	fmt.Println("  sum of 1..100 =", rt.Must(consumeAsync(q)))

	const n = 100_000
	fmt.Printf("parking %d tasks, each awaiting its own future:\n", n)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	futs := make([]*rt.Future[int], n)
	tasks := make([]rt.Awaitable[int], n)
	for i := range futs {
		futs[i] = rt.NewFuture[int](loop)
		tasks[i] = rt.CreateTask(loop, parkAsync(futs[i]))
	}
	rt.Must(rt.Sleep(0)) // let every task run up to its await
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Printf("  goroutines: %d, heap per parked task: about %d bytes\n",
		runtime.NumGoroutine(), (after.HeapAlloc-before.HeapAlloc)/n)
	for i, f := range futs {
		f.SetResult(i)
	}
	results := rt.Must(rt.Gather(tasks...))
	fmt.Println("  all woke up; last result:", results[n-1])
	return nil
}

func main() {
	if _, err := rt.Run(demoAsync()); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}
