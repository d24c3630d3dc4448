package asyncvet

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// checkRangeAll reports a range over an rt.AsyncIter's All that has no
// error variable: All yields a producer's failure as (zero, err), once, at
// the end, so a loop that does not look at err runs its body once more
// with the zero value and the failure is lost.
func checkRangeAll(pass *analysis.Pass) {
	waive := waivers(pass, droperrMark)
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			s, ok := n.(*ast.RangeStmt)
			if !ok || !rangesOverAll(pass.TypesInfo, s.X) {
				return true
			}
			if (s.Value == nil || isBlankIdent(s.Value)) && !waivedAt(pass, waive, s.For) {
				pass.Reportf(s.For, "this range over %s drops the producer's error, which comes as (zero, err) and runs the body once more: range with v, err and check err",
					types.ExprString(s.X))
			}
			return true
		})
	}
}

// rangesOverAll reports whether x calls the All method of rt.AsyncIter.
func rangesOverAll(info *types.Info, x ast.Expr) bool {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn := callee(info, call)
	if fn == nil || fn.Name() != "All" || fn.Pkg() == nil || fn.Pkg().Path() != rtPath {
		return false
	}
	recv := fn.Type().(*types.Signature).Recv()
	if recv == nil {
		return false
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Origin().Obj().Name() == "AsyncIter"
}

func isBlankIdent(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}
