package generated_test

import "github.com/asyncgen/asyncgen/rt"

// acctDep's frame would be named like (*Acct).dep's in names_templates.go:
// names are unique per package, not per file.
//
//asyncgen:coroutine
func acctDep(e *Env, n int) int { return rt.Must(e.I(n)) * 10 }

// namesBoth runs both colliding templates.
//
//asyncgen:coroutine
func namesBoth(e *Env) int {
	return rt.Must((&Acct{bal: 1}).depAsync(e, 2)) + rt.Must(acctDepAsync(e, 4))
}
