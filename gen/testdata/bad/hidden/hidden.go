// Package hidden returns values of unexported types, which code outside
// it can hold but not name.
package hidden

import "github.com/asyncgen/asyncgen/rt"

type impl struct{ n int }

func (i *impl) N() int { return i.n }

// New returns an *impl.
func New() *impl { return &impl{n: 1} }

// Later returns a coroutine whose result is an *impl.
func Later() rt.Coro[*impl] { return nil }

// Anon returns a value of an unnamed struct type with an unexported field:
// code outside the package can hold it, but a type it spells with the same
// fields is another type.
func Anon() struct{ A, b int } { return struct{ A, b int }{1, 2} }

// Methods returns a value of an unnamed interface type with an unexported
// method.
func Methods() []interface{ m() } { return nil }
