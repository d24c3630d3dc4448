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
