package asyncvet

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// checkGoStmts reports methods of an *rt.Loop called by a go statement's
// goroutine on a loop it did not create: the loop's methods belong to the
// loop's goroutine, and only CallSoonThreadsafe may be called from others
// (asyncio's call_soon_threadsafe). In debug mode the loop panics on such a
// call; otherwise it corrupts the loop's queues.
func checkGoStmts(pass *analysis.Pass, body *ast.BlockStmt) {
	info := pass.TypesInfo
	ast.Inspect(body, func(n ast.Node) bool {
		g, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		// go l.RunForever() makes the new goroutine the loop's.
		if loopMethod(info, g.Call) != nil && ranLoop(info, g.Call) == nil {
			report(pass, g.Call)
		}
		lit, ok := ast.Unparen(g.Call.Fun).(*ast.FuncLit)
		if !ok {
			return true
		}
		own := loopsMadeIn(info, lit.Body)
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			if _, nested := n.(*ast.GoStmt); nested {
				return false // visited on its own by the outer walk
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel := loopMethod(info, call)
			if sel == nil {
				return true
			}
			if root := rootVar(info, sel.X); root != nil && (root.Pos() < lit.Pos() || root.Pos() >= lit.End()) && !own[root] {
				report(pass, call)
			}
			return true
		})
		return true
	})
}

func report(pass *analysis.Pass, call *ast.CallExpr) {
	sel := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	pass.Reportf(call.Pos(), "%s called from another goroutine than the loop's: only CallSoonThreadsafe may be; use %s.CallSoonThreadsafe(func() { … })",
		types.ExprString(sel), types.ExprString(sel.X))
}

// loopMethod returns the selector of a call of a loop-only method of
// *rt.Loop, or nil.
func loopMethod(info *types.Info, call *ast.CallExpr) *ast.SelectorExpr {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	fn := callee(info, call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != rtPath || recvName(fn) != "Loop" || fn.Name() == "CallSoonThreadsafe" {
		return nil
	}
	return sel
}

// rootVar is the variable an expression like l, s.loop, (*p).l starts
// from, or nil.
func rootVar(info *types.Info, e ast.Expr) types.Object {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			if v, ok := info.Uses[x].(*types.Var); ok {
				return v
			}
			return nil
		case *ast.SelectorExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// loopsMadeIn lists the variables that body assigns a new loop to
// (l, err = rt.NewLoop()), and those of the loops it runs (l.RunForever(),
// l.RunUntilComplete(f), rt.RunUntilComplete(l, c)): the goroutine
// running body is that loop's goroutine.
func loopsMadeIn(info *types.Info, body *ast.BlockStmt) map[types.Object]bool {
	own := map[types.Object]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if root := ranLoop(info, call); root != nil {
				own[root] = true
			}
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 {
			return true
		}
		call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		if !ok || !isRT(callee(info, call), "NewLoop") {
			return true
		}
		if id, ok := as.Lhs[0].(*ast.Ident); ok {
			if obj := info.ObjectOf(id); obj != nil {
				own[obj] = true
			}
		}
		return true
	})
	return own
}

// ranLoop returns the variable of the loop call runs, when call runs one
// on the calling goroutine, or nil.
func ranLoop(info *types.Info, call *ast.CallExpr) types.Object {
	fn := callee(info, call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != rtPath {
		return nil
	}
	switch {
	case recvName(fn) == "Loop" && (fn.Name() == "RunForever" || fn.Name() == "RunUntilComplete"):
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			return rootVar(info, sel.X)
		}
	case isRT(fn, "RunUntilComplete") && len(call.Args) > 0:
		return rootVar(info, call.Args[0])
	}
	return nil
}
