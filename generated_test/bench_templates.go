package generated_test

import "github.com/asyncgen/asyncgen/rt"

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
