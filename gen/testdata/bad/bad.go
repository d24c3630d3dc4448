package bad

import (
	"github.com/asyncgen/asyncgen/rt"
)

func fut() rt.Coro[int] { return nil }

//asyncgen:coroutine
func inGo() {
	go rt.Must(fut()) // want "await inside a go statement"
}

//asyncgen:coroutine
func inLiteral() int {
	f := func() int {
		return rt.Must(fut()) // want "await inside a function literal"
	}
	return f()
}

//asyncgen:coroutine
func inDefer() {
	defer func() {
		rt.Must(fut()) // want "await inside a deferred function literal"
	}()
}

//asyncgen:coroutine
func badResults() (int, string) { // want "must return nothing, error, T or \\(T, error\\)"
	return 0, ""
}

//asyncgen:coroutine
func asValue() {
	g := rt.Must[int] // want "Must must be called, not used as a value"
	_ = g
}
