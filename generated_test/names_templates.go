package generated_test

import "github.com/asyncgen/asyncgen/rt"

// Templates whose generated names could collide or break (issue 9 classes 4
// and 5): unnamed and blank receivers, identifiers starting with a
// non-ASCII letter, and a method whose frame name would be that of a
// function in another file (names2_templates.go's acctDep).

// Acct is a receiver type for the name-collision templates.
type Acct struct{ bal int }

// dep is a method whose frame would be acctDepFrame, like the function
// acctDep's in names2_templates.go.
//
//asyncgen:coroutine
func (a *Acct) dep(e *Env, n int) int {
	a.bal += rt.Must(e.I(n))
	return a.bal
}

// unnamedRecv has an unnamed receiver.
//
//asyncgen:coroutine
func (Acct) unnamedRecv(e *Env) int { return rt.Must(e.I(1)) + 1 }

// blankRecv has a blank receiver.
//
//asyncgen:coroutine
func (_ *Acct) blankRecv(e *Env) int { return rt.Must(e.I(2)) + 2 }

// Ärger starts with a non-ASCII capital letter; ärger, with its lower case:
// their frames must still get distinct names.
//
//asyncgen:coroutine
func Ärger(e *Env) int { return rt.Must(e.I(3)) }

//asyncgen:coroutine
func ärger(e *Env) int { return rt.Must(e.I(4)) + rt.Must(ÄrgerAsync(e)) }

// Ölfass is a receiver type with a non-ASCII name.
type Ölfass struct{ l int }

//asyncgen:coroutine
func (ö *Ölfass) fülle(e *Env) int {
	ö.l += rt.Must(e.I(5))
	return ö.l
}
