package generated_test

import "github.com/asyncgen/asyncgen/rt"

// rangeCheckCases: iterators that break the range-over-func contract get
// Go's run-time panics (the texts are the runtime's).
var rangeCheckCases = []tcase{
	{"rangecheck/yield-after-break", co(func(e *Env) rt.Coro[string] { return rangeCheckBreakAsync(e) }),
		"runtime error recovered: runtime error: range function continued iteration after function for loop body returned false", "",
		"yield 0; yield 1; yield 2; sloppy end"},
	{"rangecheck/yield-after-return", co(func(e *Env) rt.Coro[string] { return rangeCheckReturnAsync(e) }),
		"runtime error recovered: runtime error: range function continued iteration after function for loop body returned false", "",
		"yield 0; yield 1; sloppy end"},
	{"rangecheck/panic-swallowed", co(func(e *Env) rt.Coro[string] { return rangeCheckSwallowedAsync(e) }),
		"runtime error recovered: runtime error: range function recovered a loop body panic and did not resume panicking", "",
		"iter recovered body"},
	{"rangecheck/yield-after-panic", co(func(e *Env) rt.Coro[string] { return rangeCheckAfterPanicAsync(e) }),
		"runtime error recovered: runtime error: range function continued iteration after loop body panic", "",
		"iter recovered body 0"},
	{"rangecheck/yield-after-loop", co(func(e *Env) rt.Coro[string] { return rangeCheckAfterExitAsync(e) }),
		"runtime error recovered: runtime error: range function continued iteration after whole loop exit", "", ""},
}
