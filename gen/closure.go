package gen

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Coroutine func literals. rt.Async(func() (T, error) {...}) and
// rt.AsyncVoid(func() error {...}) in a template's own code make the literal
// a coroutine. Each literal becomes a template of its own, synthesised from
// it before checking and lowering: its body is the literal's, and the
// variables it captures from the enclosing template(s) are its parameters,
// passed by pointer. The call in the enclosing template becomes a call of
// the literal's constructor with the addresses of those variables, so the
// enclosing template treats them like any variable whose address is taken:
// a frame field, or a cell fresh at each iteration of the loop that declares
// it. The literal's frame reads and writes them through the pointers, which
// shares them exactly as a Go closure does (Go 1.22 loop variables
// included). A literal in a plain func literal is rejected: the plain
// literal is not lowered, so nothing could compile the coroutine in it.

// extractClosures replaces the coroutine literals of t's body by calls of
// their constructors and returns their templates, the literals nested in
// them following each (outermost first). taken holds the package-level
// names already used; the synthesised names are added to it.
func extractClosures(t *template, taken map[string]bool, d *diags) []*template {
	info := t.pkg.TypesInfo
	// Number the literals the way gc names them: the func literals of a
	// function, in source order, are f.func1, f.func2, ...; those of a
	// literal f.func1 are f.func1.1, f.func1.2, ...
	num := map[*ast.FuncLit]int{}
	ast.Inspect(t.decl.Body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok {
			num[lit] = len(num) + 1
			return false
		}
		return true
	})
	lits := map[*ast.CallExpr]*ast.FuncLit{}
	ast.PreorderStack(t.decl.Body, nil, func(n ast.Node, stack []ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		if k := callIntrinsic(info, call); k != inAsync && k != inAsyncVoid {
			return true
		}
		lit, ok := ast.Unparen(call.Args[0]).(*ast.FuncLit)
		if !ok {
			// A func value runs on the reference driver, as it would
			// outside a template.
			return true
		}
		for i := len(stack) - 1; i >= 0; i-- {
			if outer, ok := stack[i].(*ast.FuncLit); ok {
				hint := "make the enclosing literal a coroutine with rt.Async too"
				if returnsCoro(info, outer) {
					// rt.RunGroup's and rt.RunTimeout's bodies: the
					// literal must stay a plain func returning a Coro.
					hint = "write the coroutine it returns as a template of its own and return its constructor's call, as in func(tg *rt.TaskGroup) rt.Coro[T] { return bodyAsync(tg) }"
				}
				d.errorf(call.Pos(), "coroutine func literal inside a plain func literal: only the template's own code is compiled (%s)", hint)
				return false
			}
		}
		lits[call] = lit
		return false
	})
	if len(lits) == 0 {
		return nil
	}
	var out []*template
	byCall := map[*ast.CallExpr]*template{}
	// Synthesise in source order, so that names are deterministic.
	ast.Inspect(t.decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || lits[call] == nil {
			return true
		}
		s := t.closureTemplate(lits[call], num[lits[call]], taken)
		byCall[call] = s
		out = append(out, s)
		return false
	})
	astutil.Apply(t.decl.Body, func(c *astutil.Cursor) bool {
		call, ok := c.Node().(*ast.CallExpr)
		if !ok || byCall[call] == nil {
			return true
		}
		c.Replace(byCall[call].ctorCall(call))
		return false
	}, nil)
	var all []*template
	for _, s := range out {
		all = append(all, s)
		all = append(all, extractClosures(s, taken, d)...)
	}
	return all
}

// closureTemplate synthesises the template of the n-th literal of t.
func (t *template) closureTemplate(lit *ast.FuncLit, n int, taken map[string]bool) *template {
	info := t.pkg.TypesInfo
	base := strings.TrimSuffix(frameBase(t), "Frame") + "Func" + itoa(n)
	name := base
	for i := 2; taken[name] || taken[name+"Async"] || taken[lowerFirst(name)+"Frame"]; i++ {
		name = base + "_" + itoa(i)
	}
	taken[name], taken[name+"Async"], taken[lowerFirst(name)+"Frame"] = true, true, true
	inherited := map[*types.Var]bool{}
	for _, v := range t.captures {
		inherited[v] = true
	}
	var caps []*types.Var
	seen := map[*types.Var]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || v.IsField() || seen[v] {
			return true
		}
		if inherited[v] || isLocalTo(v, t.decl) && v.Pos() < lit.Pos() {
			seen[v] = true
			caps = append(caps, v)
		}
		return true
	})
	sig := info.TypeOf(lit).(*types.Signature)
	fname := funcName(t) + ".func" + itoa(n)
	if t.outer != nil {
		fname = funcName(t) + "." + itoa(n)
	}
	s := &template{
		pkg: t.pkg, file: t.file, sig: sig,
		decl:  &ast.FuncDecl{Name: &ast.Ident{NamePos: lit.Type.Func, Name: name}, Type: lit.Type, Body: lit.Body},
		outer: t, captures: caps, funcName: fname, lit: lit,
	}
	s.classify() // rt.Async's and rt.AsyncVoid's types allow only (T, error) and error
	return s
}

// ctorCall is the call that replaces rt.Async(lit) in the enclosing
// template: the literal's constructor applied to the addresses of the
// variables it captures.
func (s *template) ctorCall(orig *ast.CallExpr) *ast.CallExpr {
	info := s.pkg.TypesInfo
	pos := orig.Pos()
	var fun ast.Expr = &ast.Ident{NamePos: pos, Name: s.decl.Name.Name + "Async"}
	if tps, _ := typeParamNames(s.root().sig); tps.Len() > 0 {
		ix := &ast.IndexListExpr{X: fun, Lbrack: pos, Rbrack: pos}
		for i := 0; i < tps.Len(); i++ {
			id := &ast.Ident{NamePos: pos, Name: tps.At(i).Obj().Name()}
			info.Uses[id] = tps.At(i).Obj()
			ix.Indices = append(ix.Indices, id)
		}
		fun = ix
	}
	s.outer.ctors = append(s.outer.ctors, s.decl.Name.Name+"Async")
	call := &ast.CallExpr{Fun: fun, Lparen: orig.Lparen, Rparen: orig.Rparen}
	for _, v := range s.captures {
		id := &ast.Ident{NamePos: pos, Name: v.Name()}
		info.Uses[id] = v
		info.Types[id] = types.TypeAndValue{Type: v.Type()}
		addr := &ast.UnaryExpr{OpPos: pos, Op: token.AND, X: id}
		info.Types[addr] = types.TypeAndValue{Type: types.NewPointer(v.Type())}
		call.Args = append(call.Args, addr)
	}
	info.Types[call] = info.Types[orig]
	return call
}

// typeParamNames returns the type parameters of a template's frame (its
// own, or its receiver's) as a declaration list and an argument list.
func typeParamNames(sig *types.Signature) (*types.TypeParamList, string) {
	tps := sig.TypeParams()
	if sig.RecvTypeParams().Len() > 0 {
		tps = sig.RecvTypeParams()
	}
	if tps.Len() == 0 {
		return tps, ""
	}
	var args []string
	for i := 0; i < tps.Len(); i++ {
		args = append(args, tps.At(i).Obj().Name())
	}
	return tps, "[" + strings.Join(args, ", ") + "]"
}

// returnsCoro reports whether lit's one result is an rt.Coro, as the
// bodies of rt.RunGroup and rt.RunTimeout are.
func returnsCoro(info *types.Info, lit *ast.FuncLit) bool {
	sig, ok := info.TypeOf(lit).(*types.Signature)
	if !ok || sig.Results().Len() != 1 {
		return false
	}
	named, ok := types.Unalias(sig.Results().At(0).Type()).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == rtPath && named.Obj().Name() == "Coro"
}
