//go:build !linux

package platform

import "github.com/asyncgen/asyncgen/rt"

// system says which file it comes from.
//
//asyncgen:coroutine
func system(c rt.Coro[string]) string { return rt.Must(c) + " other" }
