package generated_test

import (
	"errors"
	"fmt"
	"iter"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates whose result and range types are spelled through aliases,
// named types and type parameters (issue 9 class 6): the generator goes by
// types, never by spellings.

// failure is an alias of error.
type failure = error

// count is a named integer type.
type count int

// typesAliasErr's only result is error spelled through an alias.
//
//asyncgen:coroutine
func typesAliasErr(e *Env) failure {
	if rt.Must(e.I(1)) == 1 {
		return errors.New("via alias")
	}
	return nil
}

// typesNamedPair returns a named type with an aliased error.
//
//asyncgen:coroutine
func typesNamedPair(e *Env) (count, failure) {
	return count(rt.Must(e.I(4))), nil
}

// typesParamSeq ranges over an iterator whose type is a type parameter.
//
//asyncgen:coroutine
func typesParamSeq[S iter.Seq[int]](e *Env, seq S) int {
	n := 0
	for v := range seq {
		n += rt.Must(e.I(v))
	}
	return n
}

// typesZeroYield ranges over a func(yield func() bool).
//
//asyncgen:coroutine
func typesZeroYield(e *Env) int {
	n := 0
	for range func(yield func() bool) {
		defer e.Add("iter end")
		for i := 0; i < 3 && yield(); i++ {
		}
	} {
		n += rt.Must(e.I(1))
	}
	return n
}

// typesAwaitAliasErr awaits the alias-of-error template: its constructor's
// type must be the same while generating (from the stubs) as after.
//
//asyncgen:coroutine
func typesAwaitAliasErr(e *Env) string {
	v, err := rt.Await(typesAliasErrAsync(e))
	return fmt.Sprint(v, err)
}
