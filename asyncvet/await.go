package asyncvet

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// checkAwaits reports rt.Await and rt.Must in a function that is not a
// template and that no hand-written coroutine can be running: asyncgen
// leaves such a call as written, and it panics when it runs. The mistake
// it catches is a helper called by a template: the helper's await panics in
// the generated state machine, yet works in reference mode, where the
// template's goroutine runs it. Awaits inside func literals, and in the
// functions called from one, are left alone: a literal handed to rt.Async
// is a coroutine written by hand, run on a goroutine in both modes.
func checkAwaits(pass *analysis.Pass, refReached map[*types.Func]bool) {
	if pass.Pkg.Path() == rtPath {
		return
	}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || hasLine(fd.Doc, coroutineMark) || refReached[funcOf(pass, fd)] {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncLit:
					return false
				case *ast.CallExpr:
					fn := callee(pass.TypesInfo, n)
					if isRT(fn, "Await") || isRT(fn, "Must") {
						pass.Reportf(n.Pos(), "rt.%s outside a coroutine template: only a function marked %s suspends (elsewhere the call panics); mark %s, or await in the template that calls it",
							fn.Name(), coroutineMark, fd.Name.Name)
					}
				}
				return true
			})
		}
	}
}

// refReachable lists the functions of the package that a func literal
// calls, directly or through each other: code a hand-written coroutine
// (rt.Async) may be running.
func refReachable(pass *analysis.Pass) map[*types.Func]bool {
	decls := map[*types.Func]*ast.FuncDecl{}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				decls[funcOf(pass, fd)] = fd
			}
		}
	}
	reached := map[*types.Func]bool{}
	var work []*types.Func
	calls := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if fn := callee(pass.TypesInfo, c); fn != nil && decls[fn] != nil && !reached[fn] {
					reached[fn] = true
					work = append(work, fn)
				}
			}
			return true
		})
	}
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.FuncLit); ok {
				calls(lit.Body)
				return false
			}
			return true
		})
	}
	for len(work) > 0 {
		fn := work[len(work)-1]
		work = work[:len(work)-1]
		calls(decls[fn].Body)
	}
	return reached
}

func funcOf(pass *analysis.Pass, fd *ast.FuncDecl) *types.Func {
	fn, _ := pass.TypesInfo.Defs[fd.Name].(*types.Func)
	return fn
}

// checkDiscarded reports coroutine objects dropped where they are made:
// a call returning an rt.Coro as a statement, or assigned to _. A coroutine
// object runs only when awaited or scheduled, so the call did nothing.
func checkDiscarded(pass *analysis.Pass, f *ast.File) {
	report := func(call *ast.CallExpr) {
		pass.Reportf(call.Pos(), "the coroutine %s returns is never awaited: it does nothing until awaited (rt.Await), scheduled (rt.CreateTask) or returned",
			types.ExprString(call.Fun)+"(…)")
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok && isCoro(pass.TypesInfo.TypeOf(call)) {
				report(call)
			}
		case *ast.AssignStmt:
			if len(s.Lhs) != len(s.Rhs) {
				return true
			}
			for i, l := range s.Lhs {
				id, ok := l.(*ast.Ident)
				call, isCall := ast.Unparen(s.Rhs[i]).(*ast.CallExpr)
				if ok && id.Name == "_" && isCall && isCoro(pass.TypesInfo.TypeOf(call)) {
					report(call)
				}
			}
		}
		return true
	})
}

// isCoro reports whether t is an instance of rt.Coro.
func isCoro(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	o := n.Origin().Obj()
	return o.Pkg() != nil && o.Pkg().Path() == rtPath && o.Name() == "Coro"
}
