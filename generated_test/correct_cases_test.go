package generated_test

import "github.com/asyncgen/asyncgen/rt"

// Cases for the rules of issue 9's correctness classes: select operands
// (sel2_templates.go) and awaits in every expression position
// (pos_templates.go). The expectations follow the Go spec; the reference
// build runs the templates as plain Go and must agree.

var sel2Cases = []tcase{
	// c is read on entering the select, before the later operand's await
	// points it at b: the first case receives from a.
	{"select/var-changed-by-later-await", co(func(e *Env) rt.Coro[string] { return sel2LaterAwaitChangesVarAsync(e) }),
		"first 1", "", "await; second"},
	{"select/operands-in-source-order", co(func(e *Env) rt.Coro[string] { return sel2SendValueOrderAsync(e) }),
		"4", "", "ch1; v1; ch2; v2; ch3; ch4; v4await; v4; sent 4"},
	{"select/send-value-read-before-await", co(func(e *Env) rt.Coro[string] { return sel2ReadBeforeAwaitAsync(e) }),
		"1 9", "", ""},
}

var posCases = []tcase{
	// The left side of a receive case is evaluated once the case is
	// chosen, after the channel operand.
	{"pos/select-recv-lhs", co(func(e *Env) rt.Coro[string] { return posSelectRecvLHSAsync(e) }),
		"[0 7 0] true", "", "chan; index; received"},
	{"pos/range-key-lhs", co(func(e *Env) rt.Coro[string] { return posRangeKeyLHSAsync(e) }),
		"[1 0 0] [ b ]", "", "k; v; body; k; v; body"},
	{"pos/range-func-key-lhs", co(func(e *Env) rt.Coro[string] { return posRangeFuncKeyLHSAsync(e) }),
		"[0 0 1]", "", "yield 0; k; yield 1; k; iter end"},
	{"pos/for-cond-and-post", co(func(e *Env) rt.Coro[int] { return posForPostAsync(e) }),
		"2", "", "cond; post; cond; post; cond"},
	{"pos/literals-indices-slices", co(func(e *Env) rt.Coro[string] { return posLiteralsAsync(e) }),
		"map[1:3] [3 5 9] [3 5]", "", "key; val; s0; lo; hi; idx; inc; mk"},
	{"pos/switch-case-expr", co(func(e *Env) rt.Coro[string] { return posSwitchCaseAsync(e) }),
		"three", "", "case1; case3"},
	{"pos/var-decl-and-label", co(func(e *Env) rt.Coro[int] { return posVarDeclAsync(e) }),
		"6", "", "a; b; c"},
	{"pos/defer-and-go-args", co(func(e *Env) rt.Coro[string] { return posDeferArgsAsync(e) }),
		"got 5 deferred 4", "", "defer arg; go arg"},
	{"pos/range-int-operand", co(func(e *Env) rt.Coro[int] { return posRangeIntAsync(e) }),
		"3", "", "n"},
}

var namesCases = []tcase{
	{"names/method-and-func-frames-in-two-files", co(func(e *Env) rt.Coro[int] { return namesBothAsync(e) }),
		"43", "", ""},
	{"names/unnamed-receiver", co(func(e *Env) rt.Coro[int] { return Acct{}.unnamedRecvAsync(e) }), "2", "", ""},
	{"names/blank-receiver", co(func(e *Env) rt.Coro[int] { return (&Acct{}).blankRecvAsync(e) }), "4", "", ""},
	{"names/non-ascii-initials", co(func(e *Env) rt.Coro[int] { return ärgerAsync(e) }), "7", "", ""},
	{"names/non-ascii-receiver", co(func(e *Env) rt.Coro[int] { return (&Ölfass{l: 1}).fülleAsync(e) }), "6", "", ""},
}
