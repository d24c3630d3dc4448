package generated_test

import "github.com/asyncgen/asyncgen/rt"

// A template that panics after a resume, for the test that the task's
// PanicError points at this file and line.

// panicsAfterAwait writes to a nil map after resuming.
//
//asyncgen:coroutine
func panicsAfterAwait(e *Env) int {
	x := rt.Must(e.I(1))
	var m map[string]int
	m["boom"] = x // PANIC LINE
	return x
}

// panicsWithError panics with an error value, which the PanicError wraps.
//
//asyncgen:coroutine
func panicsWithError(e *Env) int {
	rt.Must(e.I(0))
	panic(errPanicValue)
}
