// Package outside: an await in a function a template calls is refused the
// same way in both modes (a panic that fails the task), while a coroutine
// written by hand may await in the functions it calls.
package outside

import "github.com/asyncgen/asyncgen/rt"

// awaitIn awaits, but is no template.
func awaitIn(f *rt.Future[int]) int {
	v, _ := rt.Await(f)
	return v
}

// indirect hides the call from asyncgen's generate-time check.
var indirect = awaitIn

// viaHelper calls an awaiting function.
//
//asyncgen:coroutine
func viaHelper(f *rt.Future[int]) int {
	return indirect(f) + 1
}

// byHand is a coroutine written by hand: its body runs on a goroutine in
// both modes, and the functions it calls may await.
func byHand(f *rt.Future[int]) rt.Coro[int] {
	return rt.Async(func() (int, error) { return indirect(f) + 1, nil })
}
