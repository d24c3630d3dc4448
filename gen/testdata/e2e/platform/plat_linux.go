// Package platform holds a template in a file whose name limits it to
// linux, and one of the same name for the other systems: each generated
// file must build exactly where its template's file does.
package platform

import "github.com/asyncgen/asyncgen/rt"

// system says which file it comes from.
//
//asyncgen:coroutine
func system(c rt.Coro[string]) string { return rt.Must(c) + " linux" }
