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

// slowSteps awaits twice, for the test that debug mode's slow-callback
// report names the awaits between which a step ran.
//
//asyncgen:coroutine
func slowSteps(e *Env) int {
	a := rt.Must(e.I(1)) // FIRST AWAIT
	b := rt.Must(e.I(2)) // SECOND AWAIT
	return a + b
}
