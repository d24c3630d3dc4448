package generated_test

import "github.com/asyncgen/asyncgen/rt"

// Cases for labels on declarations (label_templates.go): every pass
// through the label declares fresh variables, which the closures of
// earlier passes do not see change.
var labelCases = []tcase{
	{"label/short-decl-captured", co(func(e *Env) rt.Coro[string] { return labelShortDeclAsync(e) }), "0 10 30 ", "", ""},
	{"label/var-decls-captured", co(func(e *Env) rt.Coro[string] { return labelVarDeclAsync(e) }), "0 11 22 ", "", ""},
	{"label/zero-decl-captured", co(func(e *Env) rt.Coro[string] { return labelZeroDeclAsync(e) }), "0 10 20 ", "", "v; v; v"},
	{"label/multi-decl-captured", co(func(e *Env) rt.Coro[string] { return labelMultiDeclAsync(e) }), "1 102 2 103 ", "", ""},
	{"label/awaiting-decl-captured", co(func(e *Env) rt.Coro[string] { return labelAwaitingDeclAsync(e) }), "0 1 2 ", "", "v; v; v"},
	{"label/decl-in-loop-body", co(func(e *Env) rt.Coro[string] { return labelInLoopAsync(e) }), "0 1 10 11 ", "", ""},
	{"label/cell-assigned-after-await", co(func(e *Env) rt.Coro[string] { return cellAssignedAfterAwaitAsync(e) }), "0 10 20 ", "", "v; v; v"},
	{"label/two-labels", co(func(e *Env) rt.Coro[string] { return labelNestedAsync(e) }), "0 1 2 ", "", ""},
}
