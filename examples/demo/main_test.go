package main

import (
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// The demo's whole tour runs to completion, on a virtual clock so that its
// sleeps, timeouts and cancellations take no real time.
func TestDemoRunsToCompletion(t *testing.T) {
	if _, err := rt.Run(demoAsync(), rt.WithClock(rt.NewVirtualClock())); err != nil {
		t.Fatal(err)
	}
}

// The consumer sums exactly what the producer put, through a queue small
// enough to make both wait.
func TestProducerConsumerSum(t *testing.T) {
	q := rt.NewQueue[int](2)
	sum, err := rt.Run(rt.Coro[int](consumeThenProduce(q)), rt.WithClock(rt.NewVirtualClock()))
	if err != nil || sum != 55 {
		t.Fatalf("sum %d, %v; want 55", sum, err)
	}
}

// consumeThenProduce starts the producer as a task and awaits the consumer.
func consumeThenProduce(q *rt.Queue[int]) rt.Coro[int] {
	return rt.Async(func() (int, error) {
		rt.CreateTask(rt.RunningLoop(), produceAsync(q, 10))
		return rt.Await(consumeAsync(q))
	})
}
