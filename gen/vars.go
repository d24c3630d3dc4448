package gen

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
)

// varKind says what a flat object is.
type varKind int

const (
	kVar   varKind = iota // a variable of the flat region (or a temporary)
	kParam                // receiver, parameter or result: always a field
	kConst                // a constant or type hoisted to the top of step
)

// variable is an object of the flat region whose name the lowering owns: a
// template variable declared at the top level of the flattened code, a
// parameter, a result, or a temporary the lowering introduced.
type variable struct {
	name  string     // the template's name, or the temporary's base name
	typ   types.Type // nil for constants and types
	obj   types.Object
	kind  varKind
	cell  bool      // *T, fresh per declaration (invariant 5)
	field bool      // lives in the frame
	pos   token.Pos // where a temporary was introduced
	frame bool      // is a field of the embedded rtimpl.Frame (Res, Err)
	out   string
}

// newTemp creates a temporary.
func (l *lowerer) newTemp(t types.Type, hint string) *variable {
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		t = types.Default(t)
	}
	v := &variable{name: hint, typ: t, pos: l.pos}
	l.varList = append(l.varList, v)
	return v
}

// dropTemp forgets a temporary that no rendered code refers to any more,
// so that it is not declared.
func (l *lowerer) dropTemp(v *variable) {
	if i := slices.Index(l.varList, v); i >= 0 {
		l.varList = slices.Delete(l.varList, i, i+1)
	}
}

// ref returns a new identifier standing for v in lowered code.
func (l *lowerer) ref(v *variable) *ast.Ident {
	id := ast.NewIdent(v.name)
	l.synth[id] = v
	return id
}

// varOf returns the flat object an identifier of lowered code stands for.
func (l *lowerer) varOf(id *ast.Ident) *variable {
	if v, ok := l.synth[id]; ok {
		return v
	}
	if obj := l.info.ObjectOf(id); obj != nil {
		return l.vars[obj]
	}
	return nil
}

// declare makes obj a flat variable.
func (l *lowerer) declare(obj types.Object) *variable {
	if v := l.vars[obj]; v != nil {
		return v
	}
	v := &variable{name: obj.Name(), typ: obj.Type(), obj: obj}
	v.cell = l.captured[obj] && (l.loopDepth > 0 || l.hasGoto)
	l.vars[obj] = v
	l.varList = append(l.varList, v)
	return v
}

// declareIdents declares the new variables among the identifiers of lhs.
func (l *lowerer) declareIdents(lhs []ast.Expr) []*variable {
	var out []*variable
	for _, e := range lhs {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			if obj, ok := l.info.Defs[id].(*types.Var); ok {
				out = append(out, l.declare(obj))
			}
		}
	}
	return out
}

// declareLocalName registers a constant or type declared in the flat region.
func (l *lowerer) declareLocalName(id *ast.Ident) {
	if obj := l.info.Defs[id]; obj != nil && id.Name != "_" {
		v := &variable{name: obj.Name(), obj: obj, kind: kConst}
		l.vars[obj] = v
		l.varList = append(l.varList, v)
	}
}

// identVars lists the flat variables assigned as a whole by lhs.
func (l *lowerer) identVars(lhs []ast.Expr) []*variable {
	var out []*variable
	for _, e := range lhs {
		if id, ok := e.(*ast.Ident); ok {
			if v := l.varOf(id); v != nil && v.kind == kVar {
				out = append(out, v)
			}
		}
	}
	return out
}

// scanBody collects what the lowering must know before it starts: the
// variables captured by closures or whose address is taken, the labels
// targeted by goto, and whether the template defers.
func (l *lowerer) scanBody(body *ast.BlockStmt) {
	var inLit []*ast.FuncLit
	ast.PreorderStack(body, nil, func(n ast.Node, stack []ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			inLit = append(inLit, n)
			ast.Inspect(n.Body, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					if v, ok := l.info.Uses[id].(*types.Var); ok && !v.IsField() && v.Pos() < n.Pos() && v.Pos() > l.fnPos {
						l.captured[v] = true
					}
				}
				return true
			})
			return false
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				l.hasGoto = true
				l.gotoLabels[n.Label.Name] = true
			}
		case *ast.LabeledStmt:
			l.labels[n.Label.Name] = true
		case *ast.AssignStmt:
			for _, e := range n.Lhs {
				l.markAssigned(e)
			}
		case *ast.IncDecStmt:
			l.markAssigned(n.X)
		case *ast.DeferStmt:
			l.hasDefer = true
			l.deferChain = l.deferChain || chainedDefer(l.info, n.Call)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				l.markAssigned(n.Key)
				l.markAssigned(n.Value)
			}
			// The lowering pulls the iterator when the loop is
			// flattened: its body, key or value suspends, or it is
			// labelled (rangeStmt).
			_, labelled := stackTop(stack).(*ast.LabeledStmt)
			flat := l.susp[n.Body] || l.susp[n.Key] || l.susp[n.Value] || labelled && l.susp[n]
			if asyncAllCall(l.info, n.X) != nil {
				l.hasAsyncRange = true
			} else if _, ok := coreType(l.info.TypeOf(n.X)).(*types.Signature); ok && flat {
				l.hasPull = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				l.addrTaken(n.X)
			}
		case *ast.SliceExpr:
			if _, ok := types.Unalias(l.info.TypeOf(n.X)).Underlying().(*types.Array); ok {
				l.addrTaken(n.X)
			}
		case *ast.SelectorExpr:
			if sel := l.info.Selections[n]; sel != nil && sel.Kind() != types.FieldVal {
				if sig, ok := sel.Obj().Type().(*types.Signature); ok && sig.Recv() != nil {
					if _, ptr := types.Unalias(sig.Recv().Type()).(*types.Pointer); ptr {
						if _, isPtr := types.Unalias(l.info.TypeOf(n.X)).Underlying().(*types.Pointer); !isPtr {
							l.addrTaken(n.X)
						}
					}
				}
			}
		}
		return true
	})
}

// markAssigned marks the variable at the root of an assigned expression (a
// variable declared by := is in Defs, not Uses, and is not marked).
func (l *lowerer) markAssigned(e ast.Expr) {
	for e != nil {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			if v, ok := l.info.Uses[x].(*types.Var); ok {
				l.assigned[v] = true
			}
			return
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		default:
			return
		}
	}
}

// stable reports whether e is a variable of the template that keeps its
// value: nothing assigns it, no closure captures it, no pointer reaches
// it. Evaluating it again gives the same value.
func (l *lowerer) stable(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := l.info.Uses[id].(*types.Var)
	return ok && isLocalTo(v, l.t.decl) && !l.captured[v] && !l.assigned[v]
}

// addrTaken marks the variable at the root of an addressable expression.
func (l *lowerer) addrTaken(e ast.Expr) {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			if v, ok := l.info.Uses[x].(*types.Var); ok && !v.IsField() {
				l.captured[v] = true
			}
			return
		case *ast.SelectorExpr:
			if sel := l.info.Selections[x]; sel == nil || sel.Indirect() {
				return
			}
			if _, ok := types.Unalias(l.info.TypeOf(x.X)).Underlying().(*types.Pointer); ok {
				return
			}
			e = x.X
		case *ast.IndexExpr:
			if _, ok := types.Unalias(l.info.TypeOf(x.X)).Underlying().(*types.Array); !ok {
				return
			}
			e = x.X
		default:
			return
		}
	}
}

// stackTop is the innermost node of stack, or nil.
func stackTop(stack []ast.Node) ast.Node {
	if len(stack) == 0 {
		return nil
	}
	return stack[len(stack)-1]
}
