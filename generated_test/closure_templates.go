package generated_test

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for closures created in loops and called after later awaits:
// Go 1.22 gives every iteration its own variables, and the generated frame
// must not collapse them into one field.

// closuresPerIteration makes a closure in every iteration of each loop kind
// and calls them all at the end.
//
//asyncgen:coroutine
func closuresPerIteration(e *Env) string {
	var fs []func() string
	for i := 0; i < 2; i++ {
		fs = append(fs, func() string { return fmt.Sprint("for", i) })
		rt.Must(e.I(0))
	}
	for i, v := range []string{"a", "b"} {
		fs = append(fs, func() string { return fmt.Sprint("sl", i, v) })
		rt.Must(e.I(0))
	}
	arr := [2]int{5, 6}
	for i, v := range arr {
		fs = append(fs, func() string { return fmt.Sprint("arr", i, v) })
		rt.Must(e.I(0))
	}
	for i, v := range &arr {
		fs = append(fs, func() string { return fmt.Sprint("parr", i, v) })
		rt.Must(e.I(0))
	}
	for i, r := range "xy" {
		fs = append(fs, func() string { return fmt.Sprint("str", i, string(r)) })
		rt.Must(e.I(0))
	}
	for k, v := range map[string]int{"only": 1} {
		fs = append(fs, func() string { return fmt.Sprint("map", k, v) })
		rt.Must(e.I(0))
	}
	ch := make(chan int, 2)
	ch <- 7
	ch <- 8
	close(ch)
	for v := range ch {
		fs = append(fs, func() string { return fmt.Sprint("ch", v) })
		rt.Must(e.I(0))
	}
	for i := range 2 {
		fs = append(fs, func() string { return fmt.Sprint("int", i) })
		rt.Must(e.I(0))
	}
	for v := range e.Count(2) {
		fs = append(fs, func() string { return fmt.Sprint("fn", v) })
		rt.Must(e.I(0))
	}
	for i := 0; i < 2; i++ {
		x := i * 10
		rt.Must(e.I(0))
		fs = append(fs, func() string { return fmt.Sprint("body", x) })
	}
	rt.Must(e.I(0))
	out := ""
	for _, f := range fs {
		out += f() + " "
	}
	return out
}

// closureChangesLoopVar changes the loop variable from a closure after an
// await: the change carries into the next iteration's copy.
//
//asyncgen:coroutine
func closureChangesLoopVar(e *Env) int {
	n := 0
	for i := 0; i < 6; i++ {
		inc := func() { i++ }
		rt.Must(e.I(0))
		inc()
		e.Add("i=%d", i)
		n++
	}
	return n
}

// closureSharedAcrossAwait shares a variable between the frame and a
// closure that a callback runs while the coroutine is suspended.
//
//asyncgen:coroutine
func closureSharedAcrossAwait(e *Env) int {
	count := 0
	bump := func() { count++ }
	e.L.CallSoon(bump)
	rt.Must(e.I(0))
	e.Add("count=%d", count)
	count += 10
	bump()
	return count
}

// closureAnnotatedLiteral calls a plain func literal (no awaits in it) that
// captures variables updated by awaits.
//
//asyncgen:coroutine
func closureAnnotatedLiteral(e *Env) string {
	total := 0
	add := func(n int) int {
		total += n
		return total
	}
	for i := range 3 {
		add(rt.Must(e.I(i + 1)))
	}
	return fmt.Sprint(total, " ", add(0))
}
