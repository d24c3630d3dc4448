package gen

import (
	"go/ast"
	"go/token"
	"go/types"
)

// isTerminating reports whether s is a terminating statement in the sense
// of the Go spec: control never reaches what follows it. A verbatim
// statement that terminates makes the filler return after it unreachable,
// which vet reports.
func isTerminating(info *types.Info, s ast.Stmt) bool {
	return terminatingStmt(info, s, "")
}

func terminatingStmt(info *types.Info, s ast.Stmt, label string) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.GOTO
	case *ast.ExprStmt:
		if c, ok := ast.Unparen(s.X).(*ast.CallExpr); ok {
			b, ok := info.Uses[identOf(ast.Unparen(c.Fun))].(*types.Builtin)
			return ok && b.Name() == "panic"
		}
	case *ast.BlockStmt:
		return terminatingList(info, s.List)
	case *ast.IfStmt:
		return s.Else != nil && terminatingList(info, s.Body.List) && terminatingStmt(info, s.Else, "")
	case *ast.ForStmt:
		return s.Cond == nil && !breaksOut(s.Body, label)
	case *ast.LabeledStmt:
		return terminatingStmt(info, s.Stmt, s.Label.Name)
	case *ast.SwitchStmt:
		return terminatingClauses(info, s.Body, label)
	case *ast.TypeSwitchStmt:
		return terminatingClauses(info, s.Body, label)
	case *ast.SelectStmt:
		if breaksOut(s.Body, label) {
			return false
		}
		for _, c := range s.Body.List {
			if !terminatingList(info, c.(*ast.CommClause).Body) {
				return false
			}
		}
		return true
	}
	return false
}

// terminatingList reports whether a statement list ends in a terminating
// statement (empty statements at the end do not count).
func terminatingList(info *types.Info, list []ast.Stmt) bool {
	for i := len(list) - 1; i >= 0; i-- {
		if _, ok := list[i].(*ast.EmptyStmt); ok {
			continue
		}
		return terminatingStmt(info, list[i], "")
	}
	return false
}

// terminatingClauses is the spec's rule for switch statements: no break
// out of it, a default clause, and every clause ending in a terminating
// statement or a fallthrough.
func terminatingClauses(info *types.Info, body *ast.BlockStmt, label string) bool {
	if breaksOut(body, label) {
		return false
	}
	hasDefault := false
	for _, c := range body.List {
		cc := c.(*ast.CaseClause)
		if cc.List == nil {
			hasDefault = true
		}
		if n := len(cc.Body); n > 0 {
			if b, ok := cc.Body[n-1].(*ast.BranchStmt); ok && b.Tok == token.FALLTHROUGH {
				continue
			}
		}
		if !terminatingList(info, cc.Body) {
			return false
		}
	}
	return hasDefault
}

// breaksOut reports whether body holds a break that leaves the statement
// owning body: an unlabelled one outside nested for, switch and select
// statements, or one naming label.
func breaksOut(body ast.Node, label string) bool {
	found := false
	var walk func(n ast.Node, nested bool)
	walk = func(n ast.Node, nested bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if found || m == nil {
				return false
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BranchStmt:
				if m.Tok == token.BREAK && (m.Label == nil && !nested || m.Label != nil && m.Label.Name == label) {
					found = true
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if m != n {
					walk(m, true)
					return false
				}
			}
			return true
		})
	}
	walk(body, false)
	return found
}
