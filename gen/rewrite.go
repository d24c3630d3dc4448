package gen

import (
	"go/ast"
	"go/token"
	"go/types"
)

// node is the rewrite applied to template code as it is printed: flat
// objects are renamed (f.x, x, (*f.x)), and outside function literals
// return finishes the frame, defer pushes onto the frame's defer stack,
// break and continue out of flattened statements become gotos, and
// RunningLoop/Current read the frame's driver.
func (r *renderer) node(n ast.Node) ast.Node {
	info := r.l.info
	switch n := n.(type) {
	case *ast.Ident:
		if name, ok := r.scratchName(n); ok {
			return &ast.Ident{NamePos: n.NamePos, Name: name}
		}
		if v := r.l.varOf(n); v != nil {
			return r.ref(v, n.NamePos)
		}
		switch obj := info.Uses[n].(type) {
		case *types.PkgName:
			r.l.imp.use(obj.Imported())
		case nil:
		default:
			if p := obj.Pkg(); p != nil && p != r.l.t.pkg.Types && obj.Parent() == p.Scope() {
				r.l.imp.useDot(p.Path())
			}
		}
	case *ast.SelectorExpr:
		return &ast.SelectorExpr{X: r.node(n.X).(ast.Expr), Sel: clone(n.Sel)}
	case *ast.FuncLit:
		r.inFunc++
		defer func() { r.inFunc-- }()
	case *ast.ReturnStmt:
		if r.inFunc == 0 {
			return r.ret(n)
		}
	case *ast.DeferStmt:
		if r.inFunc == 0 {
			return r.deferStmt(n)
		}
	case *ast.BranchStmt:
		if fix := r.l.branchTo[n]; fix != nil {
			return r.branch(n, fix)
		}
	case *ast.CallExpr:
		if r.inFunc == 0 {
			switch intrinsicObj(info, n.Fun) {
			case inRunningLoop:
				return r.ctxCall(n, "Loop")
			case inCurrent:
				return r.ctxCall(n, "Task")
			}
			if k := callIntrinsic(info, n); k == inAwait || k == inMust {
				// Every suspension must have been lifted into the state
				// machine; printed as is it would panic at run time
				// ("rt.Await called outside a coroutine").
				r.l.d.errorf(n.Pos(), "asyncgen cannot lower this await here (generator bug: it would run outside the state machine)")
			}
		}
	}
	return copyNode(n, r.node)
}

func (r *renderer) scratchName(id *ast.Ident) (string, bool) {
	if !r.l.scratchIdents[id] {
		return "", false
	}
	if r.l.scratchName == nil {
		r.l.scratchName = map[*ast.Ident]string{}
	}
	name, ok := r.l.scratchName[id]
	if !ok {
		name = r.l.scratch.fresh(id.Name)
		r.l.scratchName[id] = name
	}
	return name, true
}

func (r *renderer) ctxCall(n *ast.CallExpr, method string) ast.Expr {
	return &ast.CallExpr{
		Fun:    &ast.SelectorExpr{X: &ast.Ident{NamePos: n.Pos(), Name: r.l.nm.ctx}, Sel: ast.NewIdent(method)},
		Lparen: n.Lparen, Rparen: n.Rparen,
	}
}

func (r *renderer) recvCall(pos token.Pos, method string, args ...ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{
		Fun:  &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: r.l.nm.recv}, Sel: &ast.Ident{NamePos: pos, Name: method}},
		Args: args,
	}
}

// ret rewrites a return of the template. Without deferred calls to run it
// finishes the frame at once, otherwise done stores the results where the
// deferred calls see them and runs them:
//
//	return a, b  ->  return f.Finish(a, b)        (rt.Void{} for no value, nil for no error)
//	return a, b  ->  return f.done(a, b)          (with defers)
//	return       ->  return f.Finish(f.x, f.err)  (named results x, err)
func (r *renderer) ret(n *ast.ReturnStmt) ast.Stmt {
	var args []ast.Expr
	if len(n.Results) == 0 {
		for _, v := range r.l.results {
			args = append(args, r.ref(v, n.Return))
		}
	} else {
		for _, e := range n.Results {
			args = append(args, r.node(e).(ast.Expr))
		}
	}
	if r.cur != nil && r.cur.ret != "" {
		// Inside a loop over an async iterator: the results are set
		// first, as Go does, then the stub closes the iterators and
		// exits.
		blk := &ast.BlockStmt{Lbrace: n.Return}
		if len(n.Results) > 0 {
			var lhs []ast.Expr
			for _, v := range r.l.results {
				lhs = append(lhs, r.ref(v, n.Return))
			}
			blk.List = append(blk.List, &ast.AssignStmt{Lhs: lhs, TokPos: n.Return, Tok: token.ASSIGN, Rhs: args})
		}
		blk.List = append(blk.List, gotoStmt(n.Return, r.cur.ret))
		return blk
	}
	if r.l.hasDefer || r.l.hasPull || r.l.hasAsyncRange {
		if len(args) == 0 {
			return &ast.ReturnStmt{Return: n.Return, Results: []ast.Expr{r.recvCall(n.Return, "exit", ast.NewIdent("nil"))}}
		}
		return &ast.ReturnStmt{Return: n.Return, Results: []ast.Expr{r.recvCall(n.Return, "done", args...)}}
	}
	void := func() ast.Expr {
		var t ast.Expr = ast.NewIdent("Void")
		if p := r.l.imp.usePath(rtPath, "rt"); p != "" {
			t = &ast.SelectorExpr{X: ast.NewIdent(p), Sel: ast.NewIdent("Void")}
		}
		return &ast.CompositeLit{Type: t}
	}
	switch r.l.t.kind {
	case resNone:
		args = []ast.Expr{void(), ast.NewIdent("nil")}
	case resErr:
		args = append([]ast.Expr{void()}, args...)
	case resVal:
		args = append(args, ast.NewIdent("nil"))
	}
	return &ast.ReturnStmt{Return: n.Return, Results: []ast.Expr{r.recvCall(n.Return, "Finish", args...)}}
}

// branch turns a break or continue that leaves flattened statements into a
// goto, stopping the range-over-func iterators it leaves.
func (r *renderer) branch(n *ast.BranchStmt, fix *branchFix) ast.Stmt {
	g := gotoStmt(n.TokPos, fix.label)
	if len(fix.stops) == 0 {
		return g
	}
	blk := &ast.BlockStmt{Lbrace: n.Pos()}
	for _, s := range fix.stops {
		blk.List = append(blk.List,
			&ast.ExprStmt{X: &ast.CallExpr{Fun: r.ref(s, n.Pos())}},
			&ast.AssignStmt{Lhs: []ast.Expr{r.ref(s, n.Pos())}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent("nil")}})
	}
	blk.List = append(blk.List, g)
	return blk
}

// deferStmt pushes the deferred call onto the frame's defer stack. The
// function value and the arguments are evaluated now, as Go does. When the
// template defers only calls without arguments (or results), the stack
// holds the functions themselves:
//
//	defer func() { ... }()  ->  f.defers = append(f.defers, func() { ... })
//	defer mu.Unlock()       ->  f.defers = append(f.defers, mu.Unlock)
//
// Otherwise (chain mode, see the frame's unwind) each entry defers its call
// itself, so that the deferred function is still the one the runtime calls
// and its recover() sees the frame's panic, as in Go:
//
//	defer g(x, 1)           ->  { d := x; f.defers = append(f.defers, func(next func()) { defer g(d, 1); next() }) }
//	defer mu.Unlock()       ->  f.defers = append(f.defers, f.later(mu.Unlock))
func (r *renderer) deferStmt(n *ast.DeferStmt) ast.Stmt {
	info := r.l.info
	call := n.Call
	fun := ast.Unparen(call.Fun)
	defers := &ast.SelectorExpr{X: ast.NewIdent(r.l.nm.recv), Sel: ast.NewIdent("defers")}
	push := func(fn ast.Expr) ast.Stmt {
		return &ast.AssignStmt{Lhs: []ast.Expr{defers}, TokPos: n.Defer, Tok: token.ASSIGN,
			Rhs: []ast.Expr{&ast.CallExpr{Fun: &ast.Ident{NamePos: n.Defer, Name: "append"}, Args: []ast.Expr{defers, fn}}}}
	}
	_, isBuiltin := info.Uses[identOf(fun)].(*types.Builtin)
	sig, _ := info.TypeOf(call.Fun).Underlying().(*types.Signature)
	if plainDefer(info, call) {
		fn := r.node(call.Fun).(ast.Expr)
		if r.l.deferChain {
			r.l.usesLater = true
			fn = r.recvCall(n.Defer, "later", fn)
		}
		return push(fn)
	}
	blk := &ast.BlockStmt{Lbrace: n.Defer}
	var fn ast.Expr
	if _, lit := fun.(*ast.FuncLit); isBuiltin || isStaticFunc(info, fun) || lit && r.l.deferChain {
		// Evaluating it later gives the same function.
		fn = r.node(call.Fun).(ast.Expr)
	} else {
		name := r.l.scratch.fresh("fn")
		blk.List = append(blk.List, define(name, r.node(call.Fun).(ast.Expr)))
		fn = ast.NewIdent(name)
	}
	var args []ast.Expr
	for i, a := range call.Args {
		tv := info.Types[a]
		if tv.Value != nil || tv.IsNil() || tv.IsType() {
			args = append(args, r.node(a).(ast.Expr))
			continue
		}
		if tuple, ok := tv.Type.(*types.Tuple); ok {
			as := &ast.AssignStmt{Tok: token.DEFINE, Rhs: []ast.Expr{r.node(a).(ast.Expr)}}
			for j := 0; j < tuple.Len(); j++ {
				name := r.l.scratch.fresh("d")
				as.Lhs = append(as.Lhs, ast.NewIdent(name))
				args = append(args, ast.NewIdent(name))
			}
			blk.List = append(blk.List, as)
			continue
		}
		val := r.node(a).(ast.Expr)
		if b, ok := tv.Type.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 && sig != nil {
			pt := paramType(sig, i, call.Ellipsis.IsValid())
			val = &ast.CallExpr{Fun: ast.NewIdent(r.typeString(pt)), Args: []ast.Expr{val}}
		}
		name := r.l.scratch.fresh("d")
		blk.List = append(blk.List, define(name, val))
		args = append(args, ast.NewIdent(name))
	}
	deferred := &ast.CallExpr{Fun: fn, Args: args, Ellipsis: call.Ellipsis}
	var lit *ast.FuncLit
	if r.l.deferChain {
		if r.next == "" {
			r.next = r.l.scratch.fresh("next")
		}
		next := r.next
		lit = &ast.FuncLit{
			Type: &ast.FuncType{Params: &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent(next)}, Type: &ast.FuncType{Params: &ast.FieldList{}}}}}},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.DeferStmt{Call: deferred}, &ast.ExprStmt{X: &ast.CallExpr{Fun: ast.NewIdent(next)}}}},
		}
	} else {
		lit = &ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: deferred}}}}
	}
	blk.List = append(blk.List, push(lit))
	if len(blk.List) == 1 {
		return blk.List[0]
	}
	return blk
}

// plainDefer reports whether a deferred call can be pushed onto the defer
// stack as the function value it calls: no arguments, no results, not a
// builtin.
func plainDefer(info *types.Info, call *ast.CallExpr) bool {
	if _, ok := info.Uses[identOf(ast.Unparen(call.Fun))].(*types.Builtin); ok {
		return false
	}
	sig, _ := info.TypeOf(call.Fun).Underlying().(*types.Signature)
	return len(call.Args) == 0 && sig != nil && sig.Results().Len() == 0
}

// chainedDefer reports whether a deferred call needs chain mode to keep
// Go's semantics: anything but a plain call or a builtin other than
// recover (which, deferred directly, does not stop a panic).
func chainedDefer(info *types.Info, call *ast.CallExpr) bool {
	if b, ok := info.Uses[identOf(ast.Unparen(call.Fun))].(*types.Builtin); ok {
		return b.Name() == "recover"
	}
	return !plainDefer(info, call)
}

func define(name string, e ast.Expr) ast.Stmt {
	return &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name)}, Tok: token.DEFINE, Rhs: []ast.Expr{e}}
}

func identOf(e ast.Expr) *ast.Ident {
	switch x := e.(type) {
	case *ast.Ident:
		return x
	case *ast.SelectorExpr:
		return x.Sel
	case *ast.IndexExpr:
		return identOf(x.X)
	case *ast.IndexListExpr:
		return identOf(x.X)
	}
	return nil
}

// isStaticFunc reports whether e names a declared function (not a method
// value or a function variable): evaluating it has no effect.
func isStaticFunc(info *types.Info, e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.IndexExpr:
		return isStaticFunc(info, x.X)
	case *ast.IndexListExpr:
		return isStaticFunc(info, x.X)
	case *ast.SelectorExpr:
		if info.Selections[x] != nil {
			return false
		}
	}
	id := identOf(e)
	if id == nil {
		return false
	}
	fn, ok := info.Uses[id].(*types.Func)
	return ok && fn.Type().(*types.Signature).Recv() == nil
}

func paramType(sig *types.Signature, i int, spread bool) types.Type {
	n := sig.Params().Len()
	if sig.Variadic() && i >= n-1 && !spread {
		return sig.Params().At(n - 1).Type().(*types.Slice).Elem()
	}
	if i < n {
		return sig.Params().At(i).Type()
	}
	return types.Typ[types.Invalid]
}
