package generated_test

import (
	"errors"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates measured by bench_test.go.

// Source hands out the awaitables a benchmark awaits.
type Source interface {
	Next() rt.Coro[int]
}

// benchAwaitLoop awaits n things from src, one after another.
//
//asyncgen:coroutine
func benchAwaitLoop(src Source, n int) int {
	sum := 0
	for i := 0; i < n; i++ {
		sum += rt.Must(src.Next())
	}
	return sum
}

// benchChain delegates through depth coroutine frames to benchAwaitLoop,
// so every resume passes through depth+1 generated frames.
//
//asyncgen:coroutine
func benchChain(src Source, n, depth int) int {
	if depth == 0 {
		return rt.Must(benchAwaitLoopAsync(src, n))
	}
	return rt.Must(benchChainAsync(src, n, depth-1))
}

// benchWait awaits f once: the frame whose size BenchmarkSuspendedMemory
// reports.
//
//asyncgen:coroutine
func benchWait(f *rt.Future[rt.Void]) error {
	_, err := rt.Await(f)
	return err
}

// benchProduce yields 1 n times with no await in between: the cost of one
// value crossing from producer to consumer.
//
//asyncgen:coroutine
func benchProduce(n int, y *rt.Yielder[int]) error {
	for i := 0; i < n; i++ {
		if !rt.Must(y.Yield(1)) {
			return nil
		}
	}
	return nil
}

// benchConsume sums every value of it.
//
//asyncgen:coroutine
func benchConsume(it *rt.AsyncIter[int]) (int, error) {
	sum := 0
	for {
		v, err := rt.Await(it.Next())
		if errors.Is(err, rt.ErrStopAsyncIteration) {
			return sum, nil
		}
		if err != nil {
			return sum, err
		}
		sum += v
	}
}

// benchConsumeRange sums every value of it with the range form.
//
//asyncgen:coroutine
func benchConsumeRange(it *rt.AsyncIter[int]) (int, error) {
	sum := 0
	for v, err := range it.All() {
		if err != nil {
			return sum, err
		}
		sum += v
	}
	return sum, nil
}
