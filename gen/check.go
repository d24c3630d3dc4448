package gen

import (
	"go/ast"
	"go/types"
)

// check reports the suspensions asyncgen cannot compile correctly: those that
// would suspend another goroutine or another function than the template's
// frame, and the intrinsics used as values instead of being called.
func check(t *template, d *diags) {
	info := t.pkg.TypesInfo
	checkBlankTypeParams(t, d)
	ast.PreorderStack(t.decl.Body, nil, func(n ast.Node, stack []ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if !isSuspension(info, n) {
				return true
			}
			if msg := suspensionContext(n, stack); msg != "" {
				d.errorf(n.Pos(), "%s", msg)
			}
		case *ast.SelectorExpr:
			if isAsyncAll(info, n) {
				if msg := asyncAllContext(info, n, stack); msg != "" {
					d.errorf(n.Sel.Pos(), "%s", msg)
				}
			}
		case *ast.Ident:
			k := intrinsicObj(info, n)
			if k == notIntrinsic {
				return true
			}
			if !calledDirectly(n, stack) {
				d.errorf(n.Pos(), "%s must be called, not used as a value", n.Name)
			}
		}
		return true
	})
	checkOuterTypes(t, d)
}

// checkOuterTypes reports the types a coroutine literal uses that are
// declared in its template outside it: the literal's frame and step method
// are declared at package level, where those declarations (moved to the top
// of the template's own step method) are not in scope.
func checkOuterTypes(t *template, d *diags) {
	if t.lit == nil {
		return
	}
	root := t.root().decl
	ast.Inspect(t.lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		tn, ok := t.pkg.TypesInfo.Uses[id].(*types.TypeName)
		if !ok || !isLocalTypeName(tn) || tn.Pos() < root.Pos() || tn.Pos() >= root.End() ||
			tn.Pos() >= t.lit.Pos() && tn.Pos() < t.lit.End() {
			return true
		}
		d.errorf(id.Pos(), "coroutine literal uses %s, a type declared outside it in %s: the literal's frame cannot see it (declare %s at package level or inside the literal)",
			tn.Name(), root.Name.Name, tn.Name())
		return true
	})
}

// suspensionContext says why a suspension at the end of stack is rejected,
// or "" when it is fine.
func suspensionContext(call *ast.CallExpr, stack []ast.Node) string {
	if len(stack) > 0 {
		switch s := stack[len(stack)-1].(type) {
		case *ast.GoStmt:
			if s.Call == call {
				return "await inside a go statement: the goroutine would run it, outside the coroutine"
			}
		case *ast.DeferStmt:
			if s.Call == call {
				return "deferred await: the call would run as the coroutine finishes, after its last suspension; await in a deferred function's arguments or before the defer"
			}
		}
	}
	for i := len(stack) - 1; i >= 0; i-- {
		switch s := stack[i].(type) {
		case *ast.GoStmt:
			// The function value and the arguments of a go statement
			// are evaluated by the template itself, like a defer's;
			// an await in the goroutine's body is a function literal's.
			return ""
		case *ast.FuncLit:
			if i > 1 {
				if c, ok := stack[i-1].(*ast.CallExpr); ok && c.Fun == s {
					if _, ok := stack[i-2].(*ast.DeferStmt); ok {
						return "await inside a deferred function literal"
					}
				}
			}
			return "await inside a function literal (only the template itself is a coroutine)"
		}
	}
	return ""
}

// asyncAllContext says why a use of rt.AsyncIter's All at the end of stack
// cannot be lowered, or "" when it is the operand of a range statement of
// the template's own code, called on a *rt.AsyncIter. All's own code awaits
// in a yield callback, which only the reference driver can suspend.
func asyncAllContext(info *types.Info, sel *ast.SelectorExpr, stack []ast.Node) string {
	const only = "asyncgen lowers rt.AsyncIter's All only as the operand of a range statement in a template's own code (for v, err := range it.All() { ... })"
	var child ast.Node = sel
	i := len(stack) - 1
	for ; i >= 0; i-- {
		if _, ok := stack[i].(*ast.ParenExpr); !ok {
			break
		}
		child = stack[i]
	}
	call, ok := stackAt(stack, i).(*ast.CallExpr)
	if !ok || call.Fun != child {
		return only + ": used as a value here"
	}
	rs, ok := stackAt(stack, i-1).(*ast.RangeStmt)
	if !ok || ast.Unparen(rs.X) != call {
		return only + ": called outside a range statement here"
	}
	for _, s := range stack {
		if _, ok := s.(*ast.FuncLit); ok {
			return only + ": this range is inside a function literal (only the template itself is a coroutine)"
		}
	}
	if s := info.Selections[sel]; s == nil || s.Kind() != types.MethodVal || len(s.Index()) != 1 {
		return only + ": call it on the *rt.AsyncIter itself, not through an embedding type"
	}
	if _, ok := types.Unalias(info.TypeOf(sel.X)).(*types.Pointer); !ok {
		return only + ": call it on a *rt.AsyncIter, not on an rt.AsyncIter value"
	}
	return ""
}

// stackAt is stack[i], or nil out of range.
func stackAt(stack []ast.Node, i int) ast.Node {
	if i < 0 || i >= len(stack) {
		return nil
	}
	return stack[i]
}

// calledDirectly reports whether the intrinsic named by id is the function of
// a call (possibly explicitly instantiated, possibly parenthesised).
func calledDirectly(id *ast.Ident, stack []ast.Node) bool {
	var child ast.Node = id
	for i := len(stack) - 1; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.SelectorExpr:
			if p.Sel != child {
				return false
			}
		case *ast.ParenExpr, *ast.IndexExpr, *ast.IndexListExpr:
			if ix, ok := p.(*ast.IndexExpr); ok && ix.X != child {
				return true // a type argument position: not ours to judge
			}
		case *ast.CallExpr:
			return ast.Unparen(p.Fun) == child || p.Fun == child
		default:
			return false
		}
		child = stack[i]
	}
	return false
}

// hasSuspension marks every node of the body that contains a suspension
// (itself included).
func hasSuspension(info *types.Info, body ast.Node) map[ast.Node]bool {
	m := map[ast.Node]bool{}
	ast.PreorderStack(body, nil, func(n ast.Node, stack []ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if returnsFromRangeFunc(info, n) {
			m[n.(*ast.RangeStmt).Body] = true
		}
		if isSuspension(info, n) || returnsFromRangeFunc(info, n) || isAsyncRange(info, n) {
			m[n] = true
			for _, s := range stack {
				m[s] = true
			}
		}
		return true
	})
	return m
}

// returnsFromRangeFunc reports whether n is a range over a function whose
// body returns from the template. Such a loop is lowered like one that
// suspends (pulled, its return finishing the iterator before the
// template's defers run): left as Go code, the rewritten return would run
// the template's defers inside the loop body, before the iterator ends.
func returnsFromRangeFunc(info *types.Info, n ast.Node) bool {
	rs, ok := n.(*ast.RangeStmt)
	if !ok {
		return false
	}
	if _, ok := coreType(info.TypeOf(rs.X)).(*types.Signature); !ok || asyncAllCall(info, rs.X) != nil {
		return false
	}
	return hasReturn(rs.Body)
}

// checkBlankTypeParams rejects a blank type parameter, of the template or of
// its receiver: the frame is generic over the same parameters and must
// name them to instantiate itself.
func checkBlankTypeParams(t *template, d *diags) {
	lists := []*ast.FieldList{t.decl.Type.TypeParams}
	if r := t.decl.Recv; r != nil && len(r.List) == 1 {
		x := r.List[0].Type
		if st, ok := x.(*ast.StarExpr); ok {
			x = st.X
		}
		var idx []ast.Expr
		switch x := x.(type) {
		case *ast.IndexExpr:
			idx = []ast.Expr{x.Index}
		case *ast.IndexListExpr:
			idx = x.Indices
		}
		for _, e := range idx {
			if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
				d.errorf(id.Pos(), "blank type parameter in the receiver of a coroutine method: name it (the generated frame refers to it)")
			}
		}
	}
	for _, l := range lists {
		if l == nil {
			continue
		}
		for _, f := range l.List {
			for _, id := range f.Names {
				if id.Name == "_" {
					d.errorf(id.Pos(), "blank type parameter of a coroutine: name it (the generated frame refers to it)")
				}
			}
		}
	}
}
