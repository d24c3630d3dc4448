package generated_test

import (
	"errors"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// The expected outcomes below are worked out from the Go spec (evaluation
// order, range semantics, defer/recover rules) and asyncio's task
// semantics; see each template's comment for what it exercises.

var exprCases = []tcase{
	{"expr/call-args", co(func(e *Env) rt.Coro[int] { return exprCallArgsAsync(e) }),
		"7", "", "f; a; b; c; f(7); x=7"},
	{"expr/nested", co(func(e *Env) rt.Coro[int] { return exprNestedAsync(e) }),
		"25", "", "inner; mid; outer; tail"},
	{"expr/composite-index-slice-conv", co(func(e *Env) rt.Coro[string] { return exprCompositeAsync(e) }),
		"{1 2} [10 20 30] map[k:5] [7 8] 20 [20 30] 1.5 A {3 4}", "",
		"x; y; s0; s1; m; arr; idx; lo; hi; conv; rune; px"},
	{"expr/assign", co(func(e *Env) rt.Coro[string] { return exprAssignAsync(e) }),
		"a=[10 5 4] x=36 p=2 q=11 m=map[7:8] n=4 err=<nil> st={[0 6]}", "",
		"i; r; inc; j; add; p; q; pq; key; mv; a0; ix; fi; fv"},
	{"expr/short-circuit", co(func(e *Env) rt.Coro[string] { return exprShortCircuitAsync(e) }),
		"false true false true", "",
		"l1; l2; l3; r3; l4; r5; l5; r6; c1; c2; then; loop; body 0; loop; body 1; loop"},
	{"expr/return-direct", co(func(e *Env) rt.Coro[int] { return exprReturnAsync(e, true) }),
		"3", "", ""},
	{"expr/return-sum", co(func(e *Env) rt.Coro[int] { return exprReturnAsync(e, false) }),
		"3", "", "r1; r2"},
	{"expr/ready-future-does-not-suspend", co(func(e *Env) rt.Coro[int] { return exprReadyAsync(e) }),
		"6", "", "after ready v=6 err=<nil>; tick; after later"},
	{"expr/await-errors-and-sleep", co(func(e *Env) rt.Coro[string] { return exprAwaitErrorsAsync(e) }),
		"<nil>", "", "v=0 err=bad; t=1s err=<nil>; t=3s"},
	{"expr/address-taken", co(func(e *Env) rt.Coro[string] { return exprAddrTakenAsync(e) }),
		"6 6 {1 12}", "", "x=5"},
	{"expr/multi-type-values", co(func(e *Env) rt.Coro[string] { return exprMultiValueAsync(e) }),
		"str [1.5 2.5] 10", "", "call 6"},
}

var ctrlCases = []tcase{
	{"ctrl/if-then-guard-changed", co(func(e *Env) rt.Coro[int] { return ctrlIfAsync(e, 3) }),
		"-1", "", "init; pos y=3 x=-1"},
	{"ctrl/if-else-if", co(func(e *Env) rt.Coro[int] { return ctrlIfAsync(e, -10) }),
		"-10", "", "init; cond2; very neg"},
	{"ctrl/if-else", co(func(e *Env) rt.Coro[int] { return ctrlIfAsync(e, -1) }),
		"100", "", "init; cond2; else y=-1"},
	{"ctrl/switch-fallthrough-after-await", co(func(e *Env) rt.Coro[string] { return ctrlSwitchTagAsync(e, 1) }),
		"onetwo x=2", "", "tag; c1"},
	{"ctrl/switch-awaited-case", co(func(e *Env) rt.Coro[string] { return ctrlSwitchTagAsync(e, 2) }),
		"two x=2", "", "tag; c1; c2"},
	{"ctrl/switch-list-case", co(func(e *Env) rt.Coro[string] { return ctrlSwitchTagAsync(e, 4) }),
		"three-or-four x=4", "", "tag; c1; c2; c4"},
	{"ctrl/switch-after-default", co(func(e *Env) rt.Coro[string] { return ctrlSwitchTagAsync(e, 5) }),
		"five x=5", "", "tag; c1; c2; c4"},
	{"ctrl/switch-default-fallthrough", co(func(e *Env) rt.Coro[string] { return ctrlSwitchTagAsync(e, 9) }),
		"defaultfive x=9", "", "tag; c1; c2; c4"},
	{"ctrl/tagless-first", co(func(e *Env) rt.Coro[string] { return ctrlSwitchTaglessAsync(e, 20) }),
		"big", "", ""},
	{"ctrl/tagless-awaited-case-guard-changed", co(func(e *Env) rt.Coro[string] { return ctrlSwitchTaglessAsync(e, 7) }),
		"mid x=0", "", "mid?"},
	{"ctrl/tagless-break", co(func(e *Env) rt.Coro[string] { return ctrlSwitchTaglessAsync(e, 3) }),
		"end x=100", "", "mid?"},
	{"ctrl/tagless-none", co(func(e *Env) rt.Coro[string] { return ctrlSwitchTaglessAsync(e, -1) }),
		"end x=-1", "", "mid?"},
	{"ctrl/typeswitch-int", co(func(e *Env) rt.Coro[string] { return ctrlTypeSwitchAsync(e, 21) }),
		"int 42", "", ""},
	{"ctrl/typeswitch-string", co(func(e *Env) rt.Coro[string] { return ctrlTypeSwitchAsync(e, "s") }),
		"str-ish s", "", ""},
	{"ctrl/typeswitch-bytes", co(func(e *Env) rt.Coro[string] { return ctrlTypeSwitchAsync(e, []byte("b")) }),
		"str-ish [98]", "", ""},
	{"ctrl/typeswitch-nil", co(func(e *Env) rt.Coro[string] { return ctrlTypeSwitchAsync(e, nil) }),
		"nil", "", ""},
	{"ctrl/typeswitch-error", co(func(e *Env) rt.Coro[string] { return ctrlTypeSwitchAsync(e, errors.New("E")) }),
		"error E", "", ""},
	{"ctrl/typeswitch-default", co(func(e *Env) rt.Coro[string] { return ctrlTypeSwitchAsync(e, 1.5) }),
		"other float64", "", ""},
	{"ctrl/for-forms", co(func(e *Env) rt.Coro[int] { return ctrlForFormsAsync(e) }),
		"25", "", "lim; i=0; post; lim; i=1; post; lim; rng; r0; r1; i=2; w4"},
	{"ctrl/labels-continue-outer-guard-changed", co(func(e *Env) rt.Coro[string] { return ctrlLabelsAsync(e) }),
		"00 10 11 | ", "", "cont outer at i=0 j=10"},
	{"ctrl/switch-falls-out-into-awaiting-clause", co(func(e *Env) rt.Coro[string] { return ctrlSwitchFallOutAsync(e, 5) }),
		"0;odd;2;;4;", "", ""},
	{"ctrl/goto-loop", co(func(e *Env) rt.Coro[int] { return ctrlGotoAsync(e) }),
		"3", "", "step; step; step; n=3"},
	{"ctrl/goto-out-of-loop", co(func(e *Env) rt.Coro[string] { return ctrlGotoOutOfLoopAsync(e) }),
		"tries=3", "", "retry 1 at i=1; retry 2 at i=1"},
	{"ctrl/void-result", co(func(e *Env) rt.Coro[rt.Void] { return ctrlVoidAsync(e, 5) }),
		"{}", "", "void 0; void 1"},
	{"ctrl/error-only-nil", co(func(e *Env) rt.Coro[rt.Void] { return ctrlErrOnlyAsync(e, false) }),
		"{}", "", ""},
	{"ctrl/error-only-fails", co(func(e *Env) rt.Coro[rt.Void] { return ctrlErrOnlyAsync(e, true) }),
		"{}", "failed after 1", ""},
	{"ctrl/current-task-and-loop", co(func(e *Env) rt.Coro[string] { return ctrlIntrinsicsAsync(e) }),
		"true true", "", ""},
}

var rangeCases = []tcase{
	{"range/slice", co(func(e *Env) rt.Coro[string] { return rangeSliceAsync(e) }),
		"0:1 1:2 2:30 01....", "", ""},
	{"range/array-and-pointer", co(func(e *Env) rt.Coro[string] { return rangeArrayAsync(e) }),
		"0:1 1:2 2:3 | 0:1 1:2 2:300 | 0:x 1:y ", "", ""},
	{"range/string", co(func(e *Env) rt.Coro[string] { return rangeStringAsync(e) }),
		"0:U+0061 1:U+00E9 3:U+FFFD 4:U+007A 5:U+1F600 01", "", ""},
	{"range/map-deleted-entries-not-produced", co(func(e *Env) rt.Coro[string] { return rangeMapAsync(e) }),
		"[a b c] sum=6 n=1 m=map[a:10 b:20 c:30]", "", ""},
	{"range/chan", co(func(e *Env) rt.Coro[string] { return rangeChanAsync(e) }),
		"10 20 30 ", "", ""},
	{"range/int", co(func(e *Env) rt.Coro[string] { return rangeIntAsync(e) }),
		"012 int640 int641 n=10", "", ""},
	{"range/func", co(func(e *Env) rt.Coro[string] { return rangeFuncAsync(e) }),
		"01 0p 1q", "",
		"yield 0; body 0; yield 1; body 1; iter end; yield 0; body 0; yield 1; yield 2; body 2; stopped; iter end; after break"},
	{"range/func-return-with-defers", co(func(e *Env) rt.Coro[string] { return rangeFuncReturnAsync(e) }),
		"returned at 1", "",
		"yield 0; yield 1; stopped; iter end; body defer 1; body defer 0; deferred res=returned at 1"},
	{"range/nested-continue-label", co(func(e *Env) rt.Coro[string] { return rangeNestedAsync(e) }),
		"x1 x2 x3 y1 x4 x5 y4 x6 y6 z6 ", "", ""},
}

var deferCases = []tcase{
	{"defer/args-evaluated-at-defer", co(func(e *Env) rt.Coro[int] { return deferArgsAsync(e) }),
		"20", "", "darg; loop defer 2; loop defer 1; loop defer 0; awaited arg 7; closure x=2 res=20; deferred x=1"},
	{"defer/changes-named-result", co(func(e *Env) rt.Coro[int] { return deferChangesResultAsync(e, 3) }),
		"6", "", ""},
	{"defer/sets-named-error", co(func(e *Env) rt.Coro[int] { return deferChangesResultAsync(e, 6) }),
		"12", "too big: 12", ""},
	{"defer/recover-panic-after-resume", co(func(e *Env) rt.Coro[int] { return deferRecoverPanicAsync(e) }),
		"-1", "", "about to panic; recovered late"},
	{"defer/recover-raised-error", co(func(e *Env) rt.Coro[int] { return deferRecoverRaisedAsync(e) }),
		"42", "", "inner defer; raised boom; outer defer"},
	{"defer/unrecovered-must-error", co(func(e *Env) rt.Coro[int] { return deferUnrecoveredAsync(e) }),
		"0", "escaped", "helper recover nil=true; defer ran"},
	{"defer/repanic", co(func(e *Env) rt.Coro[int] { return deferRepanicAsync(e) }),
		"0", "", "first recover first; second recover again(first)"},
	{"defer/recover-swallows-cancel", co(func(e *Env) rt.Coro[int] { return deferSwallowCancelAsync(e) }),
		"7", "", "before; recovered cancelled=true"},
	{"cancel/await-returns-cancelled", co(func(e *Env) rt.Coro[int] { return cancelAwaitAsync(e) }),
		"5", "", "err=cancelled: go away"},
	{"cancel/propagates", co(func(e *Env) rt.Coro[int] { return cancelPropagateAsync(e) }),
		"0", "cancelled: bye", "cleanup"},
	{"cancel/thrown-through-delegation", co(func(e *Env) rt.Coro[int] { return cancelThrownAsync(e) }),
		"0", "cancelled: thrown", "child err=cancelled: thrown; child defer; parent v=10 err=cancelled: thrown"},
}

var closureCases = []tcase{
	{"closure/per-iteration-every-loop-kind", co(func(e *Env) rt.Coro[string] { return closuresPerIterationAsync(e) }),
		"for0 for1 sl0a sl1b arr0 5 arr1 6 parr0 5 parr1 6 str0x str1y maponly1 ch7 ch8 int0 int1 fn0 fn1 body0 body10 ", "",
		"yield 0; yield 1; iter end"},
	{"closure/changes-loop-var", co(func(e *Env) rt.Coro[int] { return closureChangesLoopVarAsync(e) }),
		"3", "", "i=1; i=3; i=5"},
	{"closure/shared-with-callback", co(func(e *Env) rt.Coro[int] { return closureSharedAcrossAwaitAsync(e) }),
		"12", "", "count=1"},
	{"closure/plain-literal-captures", co(func(e *Env) rt.Coro[string] { return closureAnnotatedLiteralAsync(e) }),
		"6 6", "", ""},
}

var methodCases = []tcase{
	{"method/pointer-receiver", co(func(e *Env) rt.Coro[int] { return (&Counter{n: 1}).bumpAsync(e, 5) }),
		"6", "", ""},
	{"method/value-receiver-and-addressable", co(func(e *Env) rt.Coro[string] { return methodCallsAsync(e) }),
		"k=1000 5 5", "", ""},
	{"generic/variadic-ints", co(func(e *Env) rt.Coro[int] { return sumAllAsync(e, 1, 2, 3) }),
		"6", "", ""},
	{"generic/variadic-spread", co(func(e *Env) rt.Coro[float64] { return sumAllAsync(e, []float64{1.5, 2}...) }),
		"3.5", "", ""},
	{"generic/variadic-empty", co(func(e *Env) rt.Coro[int64] { return sumAllAsync[int64](e) }),
		"0", "", ""},
	{"generic/two-type-params", co(func(e *Env) rt.Coro[[]string] {
		return mapEachAsync(e, []int{1, 2, 3}, func(i int) string { return strings.Repeat("x", i) })
	}), "[x xx xxx]", "", ""},
	{"generic/method-early-return-in-range", co(func(e *Env) rt.Coro[int] {
		return (&Box[string]{items: []string{"a", "b", "c", "b"}}).indexAsync(e, "b")
	}), "1", "", "found b at 1"},
	{"generic/method-not-found", co(func(e *Env) rt.Coro[int] {
		return (&Box[string]{items: []string{"a"}}).indexAsync(e, "z")
	}), "-1", "z not found", ""},
	{"generic/method-delegates", co(func(e *Env) rt.Coro[int] {
		return (&Box[string]{items: []string{"a", "b", "c", "b"}}).countAsync(e, "b")
	}), "2", "", "found b at 1; count n=2 err=<nil>"},
	{"generic/method-bare-return-error", co(func(e *Env) rt.Coro[int] {
		return (&Box[int]{items: []int{1}}).countAsync(e, 9)
	}), "0", "9 not found", "count n=0 err=9 not found"},
	{"named/bare-return", co(func(e *Env) rt.Coro[int] { return namedBareAsync(e, 3) }),
		"3", "", ""},
	{"named/bare-return-error", co(func(e *Env) rt.Coro[int] { return namedBareAsync(e, 5) }),
		"6", "too big", ""},
	{"shadowing", co(func(e *Env) rt.Coro[string] { return shadowingAsync(e, 2) }),
		"1 2", "", "inner x=inner; if x=20; for x=0.5; shadow err=e1; outer err=<nil>; n=200"},
}

var delegCases = []tcase{
	{"deleg/recursive-fib", co(func(e *Env) rt.Coro[int] { return fibAsync(e, 10) }),
		"55", "", ""},
	{"deleg/coroutine-and-task", co(func(e *Env) rt.Coro[int] { return delegateAsync(e) }),
		"2", "", "c start; t start; c end; t end"},
	{"deleg/errors", co(func(e *Env) rt.Coro[string] { return delegateErrorsAsync(e) }),
		"", "second", "v=5 err=first; void 0; void 1; void err=<nil>; value as value"},
	{"deleg/deep", co(func(e *Env) rt.Coro[int] { return delegateDeepAsync(e, 3) }),
		"7", "", "leaf; unwind 1; unwind 2; unwind 3"},
	{"deleg/await-finished-coroutine-again", co(func(e *Env) rt.Coro[string] { return delegateTwiceAsync(e) }),
		"1 1 <nil>", "", "once start; once end"},
}

var selectCases = []tcase{
	{"select/await-in-bodies", co(func(e *Env) rt.Coro[string] { return selectBodiesAsync(e) }),
		"ch1 ch2 10 true default ", "", ""},
	{"select/await-in-send-value", co(func(e *Env) rt.Coro[string] { return selectOperandsAsync(e) }),
		"3", "", "sendval; recvchan; sent"},
	{"select/break", co(func(e *Env) rt.Coro[int] { return selectBreakAsync(e) }),
		"2", "", ""},
}

var hardCases = []tcase{
	{"hard/for-post-await-on-continue", co(func(e *Env) rt.Coro[string] { return hardForPostContinueAsync(e) }),
		"00 01 02 20 30 31 32 ", "", "post; post; post; post"},
	{"hard/switch-inits", co(func(e *Env) rt.Coro[string] { return hardSwitchInitAsync(e) }),
		"gt1 int6", "", "init; init2"},
	{"hard/index-op-assign", co(func(e *Env) rt.Coro[string] { return hardIndexOpAssignAsync(e) }),
		"map[a:11 b:1] xyx [[0 0] [7 0]]", "", "key a; v; key b; r; c; val"},
	{"hard/range-operand-once", co(func(e *Env) rt.Coro[int] { return hardRangeOperandOnceAsync(e) }),
		"3", "", "once"},
	{"hard/constructor-method-value", co(func(e *Env) rt.Coro[int] { return hardConstructorValueAsync(e) }),
		"7", "", "created n=0"},
	{"hard/captured-params-and-results", co(func(e *Env) rt.Coro[int] { return hardCaptureParamsAsync(e, 1) }),
		"305", "", "get=304"},
	{"hard/goto-forward-skip", co(func(e *Env) rt.Coro[string] { return hardGotoForwardAsync(e, true) }),
		"at", "", ""},
	{"hard/goto-forward-noskip", co(func(e *Env) rt.Coro[string] { return hardGotoForwardAsync(e, false) }),
		"1t", "", ""},
	{"hard/defer-in-loop-awaited-args", co(func(e *Env) rt.Coro[int] { return hardDeferLoopAsync(e) }),
		"0", "", "arg; arg; arg; d2=20; d1=10; d0=0"},
	{"hard/await-in-if-init-err", co(func(e *Env) rt.Coro[string] { return hardAwaitInitAsync(e, true) }),
		"err x", "", ""},
	{"hard/await-in-if-init-else-if", co(func(e *Env) rt.Coro[string] { return hardAwaitInitAsync(e, false) }),
		"big 2", "", ""},
	{"hard/loop-guard-changed", co(func(e *Env) rt.Coro[int] { return hardLoopGuardChangedAsync(e) }),
		"1", "", "body x=0"},
}

var edgeCases = []tcase{
	{"edge/generated-names-in-template", co(func(e *Env) rt.Coro[rt.Void] { return edgeNamesAsync(e, 7, "th", 8) }),
		"{}", "", "frame=0 r=0; frame=1 r=1; res=7 true 8th aw=aw"},
	{"edge/blank-params", co(func(e *Env) rt.Coro[int] { return edgeBlankParamsAsync(e, 1, "x") }),
		"4", "", ""},
	{"edge/chan-filled-while-suspended", co(func(e *Env) rt.Coro[string] { return edgeChanFilledWhileSuspendedAsync(e) }),
		"123", "", ""},
	{"edge/var-read-after-await-gc-order", co(func(e *Env) rt.Coro[string] { return edgeReadAfterAwaitAsync(e) }),
		"10 20 0 true", "", "set"},
	{"edge/range-func-panic-unwinds-iterator", co(func(e *Env) rt.Coro[string] { return edgeRangeFuncPanicAsync(e) }),
		"recovered in body", "", "yield 0; yield 1; iter end"},
	{"edge/range-func-must-fails", co(func(e *Env) rt.Coro[int] { return edgeRangeFuncMustFailsAsync(e) }),
		"0", "failed in body", "yield 0; yield 1; iter end; template defer"},
	{"edge/child-panic-recovered-by-parent", co(func(e *Env) rt.Coro[string] { return edgeChildPanicsAsync(e) }),
		"child panicked: panic value", "", ""},
	{"edge/panic-in-defer-replaces", co(func(e *Env) rt.Coro[int] { return edgePanicInDeferAsync(e) }),
		"0", "", "outer sees second"},
	{"edge/defer-receiver-and-func-value", co(func(e *Env) rt.Coro[int] { return edgeDeferValuesAsync(e) }),
		"0", "", "fn one; log first"},
	{"edge/current-in-closure", co(func(e *Env) rt.Coro[bool] { return edgeCurrentInClosureAsync(e) }),
		"true", "", ""},
	{"edge/case-scoped-capture", co(func(e *Env) rt.Coro[string] { return edgeCaseScopedCaptureAsync(e, 2) }),
		"small0 small2 big5 ", "", ""},
	{"edge/renamed-rt-import", co(func(e *Env) rt.Coro[string] { return aliasImportAsync(e) }),
		"5 <nil>", "", ""},
}

var expr2Cases = []tcase{
	{"expr2/unary-deref", co(func(e *Env) rt.Coro[string] { return expr2UnaryAsync(e) }),
		"-3 true -1 {1 -2} 5 6", "", ""},
	{"expr2/comma-ok-recv-append-slice3-method", co(func(e *Env) rt.Coro[string] { return expr2FormsAsync(e) }),
		`"" false 1 true 9 true [1 2 3 4] [2] 5 map[key:[{7 8}]]`, "", ""},
	{"expr2/swap-tuple", co(func(e *Env) rt.Coro[string] { return expr2SwapAsync(e) }),
		"12 1 [100 2 3] 2", "", ""},
	{"expr2/range-var-writes", co(func(e *Env) rt.Coro[string] { return expr2RangeVarWritesAsync(e) }),
		"23456 10 1411 1612 18 135", "", ""},
	{"expr2/func-arg-and-shadowed-env", co(func(e *Env) rt.Coro[int] { return expr2FuncArgsAsync(e) }),
		"42", "", ""},
}

var loopvarCases = []tcase{
	{"loopvar/awaited-header-and-closure-write", co(func(e *Env) rt.Coro[string] { return loopvarAwaitedHeaderAsync(e) }),
		"0145", "", ""},
	{"loopvar/nested-iterators-exits", co(func(e *Env) rt.Coro[string] { return loopvarNestedIteratorsAsync(e) }),
		"0 0 ret", "", "yield 0; yield 1; stopped; iter end"},
	{"loopvar/select-continue", co(func(e *Env) rt.Coro[string] { return loopvarSelectContinueAsync(e) }),
		"1.3.", "", ""},
	{"loopvar/defer-in-iterator-body", co(func(e *Env) rt.Coro[int] { return loopvarDeferInIteratorAsync(e) }),
		"1", "", "yield 0; yield 1; iter end; loop done; deferred 10; deferred 0"},
}

var corolitCases = []tcase{
	{"corolit/taskgroup-per-iteration", co(func(e *Env) rt.Coro[int] { return litTaskGroupPerIterationAsync(e) }),
		"60", "", "kid1; spawned 1; kid1 sum=10; kid2; spawned 2; kid2 sum=30; kid3; spawned 3; kid3 sum=60"},
	{"corolit/taskgroup-verbatim-loop", co(func(e *Env) rt.Coro[string] { return litTaskGroupVerbatimLoopAsync(e) }),
		"a,b,c", "", ""},
	{"corolit/gather-sees-later-writes", co(func(e *Env) rt.Coro[[]int] { return litGatherAsync(e) }),
		"[200 201 202]", "", "lit0 base=2; lit1 base=2; lit2 base=2"},
	{"corolit/task-and-delegation", co(func(e *Env) rt.Coro[string] { return litTaskAndDelegationAsync(e) }),
		"task done d=7 n=12 v=12 err=lit failed", "", "deleg; task"},
	{"corolit/nested", co(func(e *Env) rt.Coro[string] { return litNestedAsync(e) }),
		"t1m2/m2/t1", "", ""},
	{"corolit/defer-on-cancel", co(func(e *Env) rt.Coro[string] { return litDeferCancelAsync(e) }),
		"waiting err=true deferred", "", ""},
	{"corolit/method-receiver", co(func(e *Env) rt.Coro[int] { c := &litCounter{n: 1}; return c.bumpAsync(e, 4) }),
		"5", "", ""},
	{"corolit/generic", co(func(e *Env) rt.Coro[string] { return litGenericAsync(e, "g") }),
		"[g g]", "", ""},
}

var corolit2Cases = []tcase{
	{"corolit/generic-method-shadowing", co(func(e *Env) rt.Coro[string] { b := &litBox[string]{}; return b.addAsync(e, "s") }),
		"12 11 [s]", "", "inner x=21"},
	{"corolit/range-func-select-defer", co(func(e *Env) rt.Coro[string] { return litInRangeFuncAndSelectAsync(e) }),
		"v0 v1 v2 got8", "", "yield 0; yield 1; yield 2; iter end; deferred task ran"},
	{"corolit/shared-while-suspended", co(func(e *Env) rt.Coro[string] { return litSharedWhileSuspendedAsync(e) }),
		"-1 50", "", "lit sees x=1; lit resumed x=5"},
}
