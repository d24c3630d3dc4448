package generated_test

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Per-iteration loop variables with awaits in the loop header, and exits
// from nested range-over-func loops.

// loopvarAwaitedHeader captures the loop variable of a three-clause loop
// whose init and post statements await; a closure also changes the
// variable before the post statement copies it.
//
//asyncgen:coroutine
func loopvarAwaitedHeader(e *Env) string {
	var fs []func() string
	for i := rt.Must(e.I(0)); i < 6; i += rt.Must(e.I(1)) {
		fs = append(fs, func() string { return fmt.Sprint(i) })
		if i == 2 {
			bump := func() { i += 2 }
			bump()
		}
	}
	out := ""
	for _, f := range fs {
		out += f()
	}
	return out
}

// loopvarNestedIterators leaves two nested range-over-func loops by a
// labelled continue and by a return: the iterators are stopped innermost
// first.
//
//asyncgen:coroutine
func loopvarNestedIterators(e *Env) string {
	out := ""
outer:
	for a := range e.Count(3) {
		for b := range e.Pairs("x", "y") {
			rt.Must(e.I(0))
			if a == 0 && b == 1 {
				continue outer
			}
			if a == 1 {
				return out + "ret"
			}
			out += fmt.Sprint(a, b, " ")
		}
	}
	return out
}

// loopvarSelectContinue continues an outer loop from a select clause after
// an await.
//
//asyncgen:coroutine
func loopvarSelectContinue(e *Env) string {
	out := ""
	ch := make(chan int, 1)
loop:
	for i := range 4 {
		ch <- i
		select { //asyncvet:nonblocking one case is always ready
		case v := <-ch:
			if rt.Must(e.I(v))%2 == 0 {
				continue loop
			}
			out += fmt.Sprint(v)
		}
		out += "."
	}
	return out
}

// loopvarDeferInIterator registers a defer with an awaited argument inside
// a range-over-func body.
//
//asyncgen:coroutine
func loopvarDeferInIterator(e *Env) int {
	for v := range e.Count(2) {
		defer e.Add("deferred %d", rt.Must(e.I(v*10)))
	}
	e.Add("loop done")
	return 1
}
