package generated_test

import (
	"fmt"
	"iter"
	"runtime"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates ranging over iterators that break the range-over-func
// contract: Go checks it at run time and panics with a runtime.Error when
// an iterator calls yield after it returned false, after the loop ended,
// or after a panic of the body, and when it swallows a panic of the body.
// A generated loop must panic the same way, with an await in the body.

// sloppy is an iterator over 0..n-1 that ignores yield's result, a
// common mistake: it goes on calling yield after the loop body broke out.
func (e *Env) sloppy(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer e.Add("sloppy end")
		for i := range n {
			e.Add("yield %d", i)
			yield(i)
		}
	}
}

// swallowing recovers whatever panics in the loop body and, if again,
// yields once more before it returns.
func (e *Env) swallowing(again bool) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer func() {
			e.Add("iter recovered %v", recover())
			if again {
				yield(1)
			}
		}()
		yield(0)
	}
}

// stashing yields 0 and keeps its yield in e.stash for a later call.
func (e *Env) stashing() iter.Seq[int] {
	return func(yield func(int) bool) {
		e.stash = yield
		yield(0)
	}
}

// rangeRecovered names a runtime error recovered from a loop (with the
// text Go gives it) or says that nothing panicked.
func rangeRecovered(r any) string {
	if _, ok := r.(runtime.Error); ok {
		return fmt.Sprint("runtime error recovered: ", r)
	}
	return fmt.Sprint("recovered ", r)
}

// rangeCheckBreak breaks out of a loop over sloppy after an await: the
// iterator's next yield panics, its defers run, then the template's.
//
//asyncgen:coroutine
func rangeCheckBreak(e *Env) (res string) {
	defer func() { res = rangeRecovered(recover()) }()
	for i := range e.sloppy(3) {
		rt.Must(e.I(i))
		if i == 1 {
			break
		}
	}
	e.Add("after loop")
	return "not reached"
}

// rangeCheckReturn returns from inside a loop over sloppy: the panic comes
// while the loop is left, before the template's defers.
//
//asyncgen:coroutine
func rangeCheckReturn(e *Env) (res string) {
	defer func() { res = rangeRecovered(recover()) }()
	for i := range e.sloppy(3) {
		if rt.Must(e.I(i)) == 0 {
			return "returned"
		}
	}
	return "not reached"
}

// rangeCheckSwallowed panics in the body of a loop over an iterator that
// recovers it and returns: Go panics because the body's panic went missing.
//
//asyncgen:coroutine
func rangeCheckSwallowed(e *Env) (res string) {
	defer func() { res = rangeRecovered(recover()) }()
	for i := range e.swallowing(false) {
		rt.Must(e.I(i))
		panic("body")
	}
	return "not reached"
}

// rangeCheckAfterPanic panics in the body of a loop over an iterator that
// recovers it and yields again: that yield panics.
//
//asyncgen:coroutine
func rangeCheckAfterPanic(e *Env) (res string) {
	defer func() { res = rangeRecovered(recover()) }()
	for i := range e.swallowing(true) {
		rt.Must(e.I(i))
		panic(fmt.Sprint("body ", i))
	}
	return "not reached"
}

// rangeCheckAfterExit calls the yield of a loop that has ended.
//
//asyncgen:coroutine
func rangeCheckAfterExit(e *Env) (res string) {
	defer func() { res = rangeRecovered(recover()) }()
	for i := range e.stashing() {
		rt.Must(e.I(i))
	}
	rt.Must(e.I(0))
	e.Add("stash gives %v", e.stash(5))
	return "not reached"
}
