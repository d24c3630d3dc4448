package generated_test

import "github.com/asyncgen/asyncgen/rt"

// iterRangeCases are the range-over-All templates (iterrange_templates.go).
var iterRangeCases = []tcase{
	{"iterrange/sum", co(func(e *Env) rt.Coro[int] { return rangeSumAsync(e) }),
		"3", "", "yield 0; yield 1; yield 2; count end; count defer; after"},
	{"iterrange/break", co(func(e *Env) rt.Coro[int] { return rangeBreakAsync(e, false) }),
		"3", "", "yield 0; yield 1; yield 2; break; closed at 2; count defer; after"},
	{"iterrange/break-await", co(func(e *Env) rt.Coro[int] { return rangeBreakAsync(e, true) }),
		"3", "", "yield 0; yield 1; yield 2; break; closed at 2; count defer; after"},
	{"iterrange/continue-outer", co(func(e *Env) rt.Coro[string] { return rangeContinueOuterAsync(e) }),
		"001", "", "yield 0; continue outer; closed at 0; count defer; yield 0; yield 1; continue outer; closed at 1; count defer; after"},
	{"iterrange/break-outer", co(func(e *Env) rt.Coro[string] { return rangeBreakOuterAsync(e) }),
		"0 0;0 1;0 2;0 0;0 1;0 2;1 0;1 1;", "", "yield 0; yield 0; in defer; yield 1; in defer; iter end; yield 1; yield 0; in closed at 1; in defer; stopped; iter end; closed at 1; count defer; after"},
	{"iterrange/inner-break", co(func(e *Env) rt.Coro[string] { return rangeInnerBreakAsync(e) }),
		"0 0;0 1;1 0;1 1;", "", "yield 0; in closed at 1; in defer; inner left; yield 1; in closed at 1; in defer; inner left; count end; count defer"},
	{"iterrange/goto", co(func(e *Env) rt.Coro[string] { return rangeGotoAsync(e) }),
		"01012", "", "yield 0; yield 1; goto again; closed at 1; count defer; yield 0; yield 1; yield 2; goto done; closed at 2; count defer; done"},
	{"iterrange/return", co(func(e *Env) rt.Coro[int] { return rangeReturnAsync(e, false) }),
		"10", "", "yield 0; yield 1; result; closed at 1; count defer; consumer defer sees n=10; consumer defer n=0"},
	{"iterrange/return-await", co(func(e *Env) rt.Coro[int] { return rangeReturnAsync(e, true) }),
		"10", "", "yield 0; yield 1; result; closed at 1; count defer; consumer defer sees n=10; consumer defer n=0"},
	{"iterrange/return-nested", co(func(e *Env) rt.Coro[string] { return rangeReturnNestedAsync(e) }),
		"0 0 1", "", "yield 0; yield 0; yield 1; stopped; iter end; in closed at 0; in defer; closed at 0; count defer; consumer defer"},
	{"iterrange/must-fails", co(func(e *Env) rt.Coro[int] { return rangeMustFailsAsync(e) }),
		"0", "body failed", "yield 0; yield 1; count defer; consumer defer"},
	{"iterrange/panic", co(func(e *Env) rt.Coro[string] { return rangePanicAsync(e) }),
		"recovered", "", "yield 0; yield 1; count defer; recovered body panic"},
	{"iterrange/producer-error", co(func(e *Env) rt.Coro[string] { return rangeProducerErrorAsync(e) }),
		`a,err=producer broke v=""`, "", "failing defer; after"},
	{"iterrange/cleanup-awaits-break", co(func(e *Env) rt.Coro[int] { return rangeCleanupAwaitsAsync(e, false) }),
		"0", "", "cleanup start; cleanup awaited; cleanup defer; after; consumer defer"},
	{"iterrange/cleanup-awaits-return", co(func(e *Env) rt.Coro[int] { return rangeCleanupAwaitsAsync(e, true) }),
		"1", "", "cleanup start; cleanup awaited; cleanup defer; consumer defer"},
	{"iterrange/close-error-break", co(func(e *Env) rt.Coro[int] { return rangeCloseErrorAsync(e, false) }),
		"0", "close failed", "consumer defer recovered close failed"},
	{"iterrange/close-error-return", co(func(e *Env) rt.Coro[int] { return rangeCloseErrorAsync(e, true) }),
		"0", "close failed", "result; consumer defer recovered close failed"},
	{"iterrange/cancel-in-producer", co(func(e *Env) rt.Coro[string] { return rangeCancelInProducerAsync(e) }),
		"", "cancelled: stop", "got 1; slow saw cancel=true; slow defer; loop err cancelled=true"},
	{"iterrange/cancel-in-body-must", co(func(e *Env) rt.Coro[string] { return rangeCancelInBodyAsync(e, true) }),
		"", "cancelled: stop", "yield 0; count defer; consumer defer"},
	{"iterrange/cancel-in-body-await", co(func(e *Env) rt.Coro[string] { return rangeCancelInBodyAsync(e, false) }),
		"", "cancelled: stop", "yield 0; body err cancelled=true; closed at 0; count defer; consumer defer"},
	{"iterrange/forms", co(func(e *Env) rt.Coro[string] { return rangeFormsAsync(e) }),
		"n=2 last=1 v=1 err=<nil>", "", "yield 0; yield 1; count end; count defer; yield 0; yield 1; count end; count defer; yield 0; yield 1; switch break; closed at 1; count defer"},
	{"iterrange/captures", co(func(e *Env) rt.Coro[string] { return rangeCapturesAsync(e) }),
		"0 <nil>,1 <nil>,2 <nil>", "", "yield 0; yield 1; yield 2; count end; count defer"},
	{"iterrange/generic", co(func(e *Env) rt.Coro[string] { return rangeGenericAsync(e, []string{"a", "b"}) }),
		";a;b;", "", ""},
	{"iterrange/coroutine-literal", co(func(e *Env) rt.Coro[int] { return rangeInLiteralAsync(e) }),
		"1", "", "yield 0; yield 1; closed at 1; count defer"},
	{"iterrange/hand-written-async", co(func(e *Env) rt.Coro[int] { return rangeAsyncHand(e) }),
		"3", "", "yield 0; yield 1; yield 2; closed at 2; count defer"},
	{"iterrange/collect-partial", co(func(e *Env) rt.Coro[string] { return rangeCollectPartialAsync(e) }),
		`["a"] err=producer broke`, "", "failing defer"},
}

// iterRangeMoreCases: cancellation during the awaited close, returns from
// nested verbatim code.
var iterRangeMoreCases = []tcase{
	{"iterrange/cancel-in-close", co(func(e *Env) rt.Coro[int] { return rangeCancelInCloseAsync(e) }),
		"0", "cancelled: stop in close", "cleanup cancelled=true; cleanup defer; consumer defer"},
	{"iterrange/deep-return-switch", co(func(e *Env) rt.Coro[string] { return rangeDeepReturnAsync(e, 1) }),
		"switch 1 1", "", "yield 0; yield 1; closed at 1; count defer; consumer defer 1"},
	{"iterrange/deep-return-loop", co(func(e *Env) rt.Coro[string] { return rangeDeepReturnAsync(e, 9) }),
		"loop", "", "yield 0; yield 1; yield 2; yield 3; closed at 3; count defer; consumer defer 9"},
}

// iterRangeResultCases: returns from the loop in each result shape.
var iterRangeResultCases = []tcase{
	{"iterrange/return-error-only", co(func(e *Env) rt.Coro[rt.Void] { return rangeErrOnlyAsync(e) }),
		"{}", "stopped at 1", "yield 0; yield 1; closed at 1; count defer"},
	{"iterrange/return-nothing", co(func(e *Env) rt.Coro[rt.Void] { return rangeNoResultAsync(e) }),
		"{}", "", "yield 0; yield 1; closed at 1; count defer; consumer defer"},
	{"iterrange/awaited-operand", co(func(e *Env) rt.Coro[int] { return rangeAwaitedOperandAsync(e) }),
		"1", "", "yield 0; yield 1; closed at 1; count defer"},
	{"iterrange/return-awaits", co(func(e *Env) rt.Coro[int] { return rangeReturnAwaitsAsync(e) }),
		"100", "", "yield 0; yield 1; result awaited; closed at 1; count defer"},
}
