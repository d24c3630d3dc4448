package regress

import "github.com/asyncgen/asyncgen/rt"

// The templates of this file stand under //line directives, as the output
// of a generator of templates would: panics and async stack traces name
// the positions the directives give, in both builds.

// directiveInside meets a directive in its body: its first await is at its
// own line of linedir.go, the second at tmpl.y:10, and the nil dereference
// at tmpl.y:12.
//
//asyncgen:coroutine
func directiveInside(first, second rt.Coro[int]) int {
	rt.Must(first)
//line tmpl.y:10
	n := rt.Must(second)
	var p *int
	return *p + n
}

//line tmpl.y:20

// directiveAround stands whole under a directive: its await is at
// tmpl.y:26, its panic at tmpl.y:27.
//
//asyncgen:coroutine
func directiveAround(first rt.Coro[int]) int {
	n := rt.Must(first)
	panic(n)
}
