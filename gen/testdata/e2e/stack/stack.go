// Package stack checks the async stack trace of a task suspended in a
// chain of generated coroutines: each frame names its template and the
// template line of the await it is suspended at.
package stack

import "github.com/asyncgen/asyncgen/rt"

//asyncgen:coroutine
func outer(f *rt.Future[int]) int {
	return rt.Must(middleAsync(f)) + 1 // AWAIT outer
}

//asyncgen:coroutine
func middle(f *rt.Future[int]) (int, error) {
	rt.Must(rt.Sleep(0))
	v, err := rt.Await(innerAsync(f)) // AWAIT middle
	return v, err
}

//asyncgen:coroutine
func inner(f *rt.Future[int]) int {
	n := 0
	for i := 0; i < 2; i++ {
		n += rt.Must(f) // AWAIT inner
	}
	return n
}
