package generated_test

import (
	"github.com/asyncgen/asyncgen/rt"
)

// Templates for leaving a range-over-func loop (issue 9 class 2): by
// return, goto (forward and backward), a labelled break or continue of an
// outer loop, a failed Must or a panic, the iterator is finished (its yield
// returns false, or the panic unwinds it; its defers run) before control
// reaches the target and before the template's own defers run, whether or
// not the body awaits, at any depth. Each comes in two versions: "a" awaits
// in the body, "n" does not (the loop is then flattened only because
// something else in the template suspends).

//asyncgen:coroutine
func exitReturnA(e *Env) int {
	defer e.Add("template defer")
	for v := range e.Count(3) {
		rt.Must(e.I(v))
		if v == 1 {
			return v
		}
	}
	return -1
}

//asyncgen:coroutine
func exitReturnN(e *Env) int {
	defer e.Add("template defer")
	rt.Must(e.I(0))
	for v := range e.Count(3) {
		if v == 1 {
			return v
		}
	}
	return -1
}

//asyncgen:coroutine
func exitGotoForwardA(e *Env) int {
	n := 0
	for v := range e.Count(3) {
		n += rt.Must(e.I(v))
		if v == 1 {
			goto out
		}
	}
	e.Add("not reached")
out:
	e.Add("at out")
	return n
}

//asyncgen:coroutine
func exitGotoBackwardA(e *Env) int {
	n := 0
again:
	e.Add("again %d", n)
	for v := range e.Count(3) {
		n += rt.Must(e.I(1))
		if v == 1 && n < 4 {
			goto again
		}
	}
	return n
}

//asyncgen:coroutine
func exitGotoBackwardN(e *Env) int {
	n := rt.Must(e.I(0))
again:
	e.Add("again %d", n)
	for v := range e.Count(3) {
		n++
		if v == 1 && n < 4 {
			goto again
		}
	}
	return n
}

//asyncgen:coroutine
func exitBreakOuterA(e *Env) int {
	n := 0
outer:
	for i := 0; i < 3; i++ {
		for v := range e.Count(3) {
			n += rt.Must(e.I(1))
			if v == 1 {
				if i == 0 {
					continue outer
				}
				break outer
			}
		}
	}
	e.Add("after")
	return n
}

//asyncgen:coroutine
func exitBreakOuterN(e *Env) int {
	n := rt.Must(e.I(0))
outer:
	for i := 0; i < 3; i++ {
		for v := range e.Count(3) {
			n++
			if v == 1 {
				if i == 0 {
					continue outer
				}
				break outer
			}
		}
	}
	e.Add("after")
	return n
}

//asyncgen:coroutine
func exitNestedA(e *Env) int {
	defer e.Add("template defer")
	for v := range e.Count(2) {
		for w := range e.Count(2) {
			if rt.Must(e.I(v+w)) == 1 {
				return 10*v + w
			}
		}
	}
	return -1
}

//asyncgen:coroutine
func exitMustFailsN(e *Env) (res int, err error) {
	defer e.Add("template defer")
	for v := range e.Count(3) {
		if v == 1 {
			rt.Must(Fail[int](e, "boom"))
		}
	}
	return 0, nil
}

//asyncgen:coroutine
func exitPanicN(e *Env) (res string) {
	defer func() {
		if r := recover(); r != nil {
			e.Add("recovered %v", r)
			res = "recovered"
		}
	}()
	rt.Must(e.I(0))
	for v := range e.Count(3) {
		if v == 1 {
			panic("in body")
		}
	}
	return "end"
}
