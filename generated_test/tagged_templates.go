//go:build !asyncgen_never

package generated_test

import (
	"github.com/asyncgen/asyncgen/rt"
)

// A template in a file with a build constraint (one that always holds, so
// both test builds include it).

// taggedCount counts down with awaits.
//
//asyncgen:coroutine
func taggedCount(e *Env, n int) int {
	total := 0
	for n > 0 {
		total += rt.Must(e.I(n))
		n--
	}
	return total
}
