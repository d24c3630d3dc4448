package generated_test

import "github.com/asyncgen/asyncgen/rt"

var reviewCases = []tcase{
	{"review/goto-inside", co(func(e *Env) rt.Coro[string] { return rvGotoInsideAsync(e) }), "0;;2;", "", "yield 0; yield 1; yield 2; count end; count defer"},
	{"review/continue", co(func(e *Env) rt.Coro[string] { return rvContinueAsync(e) }), "2", "", "yield 0; yield 1; yield 2; count end; count defer"},
	{"review/defer-in-body", co(func(e *Env) rt.Coro[string] { return rvDeferInBodyAsync(e) }), "ret", "", "yield 0; yield 1; closed at 1; count defer; body defer 1; body defer 0; outer defer"},
	{"review/select-break", co(func(e *Env) rt.Coro[string] { return rvSelectBreakAsync(e) }), "0d2d", "", "yield 0; yield 1; yield 2; count end; count defer"},
	{"review/closure-return", co(func(e *Env) rt.Coro[int] { return rvClosureReturnAsync(e) }), "21", "", "yield 0; yield 1; yield 2; closed at 2; count defer"},
	{"review/panic-producer", co(func(e *Env) rt.Coro[string] { return rvPanicProducerAsync(e) }), "err", "panic: producer panic [generated_test/review_templates.go:150]", "got 1 <nil>; panicker defer; got 0 panic: producer panic [generated_test/review_templates.go:150]"},
	{"review/nested-labelled", co(func(e *Env) rt.Coro[string] { return rvNestedLabelledAsync(e) }), "0 0 0;0 0 1;0 0 2;0 1 0;0 1 1;0 1 2;0 2 0;0 2 1;0 2 2;1 0 0;1 0 1;1 0 2;1 1 0;", "", "yield 0; yield 1; yield 2; iter end; yield 0; yield 1; yield 2; iter end; yield 0; yield 1; yield 2; iter end; b defer; yield 0; yield 1; yield 2; iter end; yield 0; yield 1; stopped; iter end; b closed at 1; b defer; a closed at 1; a defer; after"},
	{"review/switch-label-break", co(func(e *Env) rt.Coro[string] { return rvSwitchLabelBreakAsync(e, 1) }), "0", "", "yield 0; yield 1; closed at 1; count defer; after switch"},
	{"review/return-order", co(func(e *Env) rt.Coro[int] { return rvReturnOrderAsync(e) }), "1", "", "yield 0; yield 1; result; closed at 1; count defer"},
	{"review/panic-defers", co(func(e *Env) rt.Coro[string] { return rvPanicDefersAsync(e) }), "recovered", "", "yield 0; yield 1; count defer; body defer 1; body defer 0; consumer defer; recovered body panic"},
	{"review/ignored-close", co(func(e *Env) rt.Coro[string] { return rvIgnoredCloseAsync(e) }), "", "async iterator ignored close: the producer yielded after Yield returned false", "yield 0 -> false; stubborn defer"},
	{"review/goto-out-forward", co(func(e *Env) rt.Coro[string] { return rvGotoOutForwardAsync(e) }), "ok", "", "yield 0; yield 1; closed at 1; count defer; out"},
	{"review/outer-continue-switch", co(func(e *Env) rt.Coro[string] { return rvOuterContinueFromSwitchAsync(e) }), "0 0;1 0;", "", "yield 0; yield 1; yield 2; count end; count defer; yield 0; yield 1; yield 2; count end; count defer"},
}

var reviewCases2 = []tcase{
	{"review/label-self", co(func(e *Env) rt.Coro[string] { return rvLabelSelfAsync(e) }), "1 0;1 1;", "", "yield 0; yield 1; yield 2; closed at 2; count defer; after"},
	{"review/select-await-break", co(func(e *Env) rt.Coro[string] { return rvSelectAwaitBreakAsync(e) }), "0;;2;", "", "yield 0; yield 1; yield 2; count end; count defer"},
	{"review/rerange", co(func(e *Env) rt.Coro[string] { return rvRerangeAsync(e) }), "0", "", "yield 0; closed at 0; count defer"},
	{"review/all-in-select", co(func(e *Env) rt.Coro[string] { return rvAllInSelectAsync(e) }), "0", "", "yield 0; yield 1; closed at 1; count defer; after select"},
	{"review/sw-fall-0", co(func(e *Env) rt.Coro[string] { return rvSwFallAsync(e, 0) }), "ab|", "", ""},
	{"review/sw-fall-2", co(func(e *Env) rt.Coro[string] { return rvSwFallAsync(e, 2) }), "2|", "", ""},
	{"review/sw-fall-9", co(func(e *Env) rt.Coro[string] { return rvSwFallAsync(e, 9) }), "d|", "", ""},
	{"review/sw-label-0", co(func(e *Env) rt.Coro[string] { return rvSwLabelBreakAsync(e, 0) }), "i|", "", ""},
	{"review/sw-label-1", co(func(e *Env) rt.Coro[string] { return rvSwLabelBreakAsync(e, 1) }), "1|", "", ""},
	{"review/sw-label-2", co(func(e *Env) rt.Coro[string] { return rvSwLabelBreakAsync(e, 2) }), "n|", "", ""},
	{"review/sw-label-3", co(func(e *Env) rt.Coro[string] { return rvSwLabelBreakAsync(e, 3) }), "s|", "", ""},
	{"review/sw-label-9", co(func(e *Env) rt.Coro[string] { return rvSwLabelBreakAsync(e, 9) }), "d|", "", ""},
	{"review/sw-empty-default-0", co(func(e *Env) rt.Coro[string] { return rvSwEmptyDefaultAsync(e, 0) }), "0|", "", ""},
	{"review/sw-empty-default-1", co(func(e *Env) rt.Coro[string] { return rvSwEmptyDefaultAsync(e, 1) }), "one|", "", ""},
	{"review/sw-empty-default-9", co(func(e *Env) rt.Coro[string] { return rvSwEmptyDefaultAsync(e, 9) }), "|", "", ""},
	{"review/sw-default-first", co(func(e *Env) rt.Coro[string] { return rvSwDefaultFirstAsync(e) }), "d;1;d;", "", ""},
}

var reviewCases3 = []tcase{
	{"review/sw-fallout-0", co(func(e *Env) rt.Coro[string] { return rvSwFallOutAsync(e, 0) }), "|i|s|n|ce|j,", "", ""},
	{"review/sw-fallout-1", co(func(e *Env) rt.Coro[string] { return rvSwFallOutAsync(e, 1) }), "1|1|1|1|1|1,1,", "", ""},
}

var reviewCases4 = []tcase{
	{"review/close-error-named", co(func(e *Env) rt.Coro[int] { return rvCloseErrNamedAsync(e) }), "7", "recovered", "recovered close failed with n=7"},
	{"review/cleanup-sees-result", co(func(e *Env) rt.Coro[int] { return rvCleanupSeesResultAsync(e) }), "7", "", "cleanup sees n=7"},
}

var reviewCases5 = []tcase{
	{"review/goto-mid", co(func(e *Env) rt.Coro[string] { return rvGotoMidAsync(e) }), "b0m0;c0m1;c0m2;", "", "b closed at 1; b defer; yield 0; yield 1; stopped; iter end; yield 0; yield 1; stopped; iter end; a defer"},
	{"review/continue-func-outer", co(func(e *Env) rt.Coro[string] { return rvContinueFuncOuterAsync(e) }), "0 0;1 0;", "", "yield 0; yield 0; yield 1; closed at 1; count defer; yield 1; yield 0; yield 1; closed at 1; count defer; iter end"},
}

var reviewCases6 = []tcase{
	{"review/shapes", co(func(e *Env) rt.Coro[string] { return rvShapesAsync(e, 0) }), "0 <nil>0 01 000", "", "yield 0; closed at 0; count defer; yield 0; closed at 0; count defer; yield 0; closed at 0; count defer; yield 0; closed at 0; count defer; yield 0; closed at 0; count defer"},
}

var reviewCases7 = []tcase{
	{"review/sw-panic-line-0", co(func(e *Env) rt.Coro[string] { return rvSwPanicLineAsync(e, 0) }), "", "panic: in the flattened clause [generated_test/review_templates.go:749]", ""},
	{"review/sw-panic-line-1", co(func(e *Env) rt.Coro[string] { return rvSwPanicLineAsync(e, 1) }), "", "panic: in an inline clause after it [generated_test/review_templates.go:752]", ""},
	{"review/sw-panic-line-2", co(func(e *Env) rt.Coro[string] { return rvSwPanicLineAsync(e, 2) }), "", "panic: in an inline clause spread over lines [generated_test/review_templates.go:754]", ""},
	{"review/sw-panic-line-9", co(func(e *Env) rt.Coro[string] { return rvSwPanicLineAsync(e, 9) }), "", "panic: in the default [generated_test/review_templates.go:758]", ""},
}

var reviewCases8 = []tcase{
	{"review/sw-panic-line-nodefault-1", co(func(e *Env) rt.Coro[string] { return rvSwPanicLineNoDefaultAsync(e, 1) }), "", "panic: in an inline clause after it [generated_test/review_templates.go:777]", ""},
}
