package gen

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
)

// rangeStmt lowers a range loop whose body suspends. The operand is
// evaluated once into a hidden variable and iterated with a hidden index,
// so a resumed loop never re-evaluates it:
//
//	x = operand; i = 0
//	head: if i >= len(x) { goto end }
//	k, v = i, x[i]          (fresh per iteration: cells for captured ones)
//	body...                  (continue: goto next; break: goto end)
//	next: i++; goto head
//	end:
//
// Strings decode one rune per iteration; maps iterate a snapshot of their
// keys and skip the keys deleted before they are reached (which is one of
// the orders Go allows: entries added during the loop are not produced, a
// key whose value is NaN-keyed cannot be looked up and is produced with its
// value at the snapshot); channels receive until closed; functions are
// pulled with iter.Pull and stopped when the loop is left.
func (l *lowerer) rangeStmt(s *ast.RangeStmt, lab *types.Label) {
	if sel := asyncAllCall(l.info, s.X); sel != nil {
		l.rangeAsync(s, lab, sel)
		return
	}
	if !l.susp[s.Body] && lab == nil && !l.susp[s.Key] && !l.susp[s.Value] {
		// Only the operand suspends. (A labelled loop is flattened
		// anyway: its label is gone, and its break and continue
		// become gotos.)
		x := l.expr(s.X)
		l.verbatim(&ast.RangeStmt{For: s.For, Key: s.Key, Value: s.Value, TokPos: s.TokPos, Tok: s.Tok, Range: s.Range, X: x, Body: s.Body})
		return
	}
	xt := l.info.TypeOf(s.X)
	head, next, end := l.newLabel("range"), l.newLabel("next"), l.newLabel("endrange")
	tgt := &target{brk: end, cont: next, label: lab}
	under := coreType(xt)
	if p, ok := under.(*types.Pointer); ok {
		under = coreType(p.Elem())
	}
	switch u := under.(type) {
	case *types.Basic:
		if u.Info()&types.IsString != 0 {
			l.rangeString(s, tgt, head)
		} else {
			l.rangeInt(s, tgt, head)
		}
	case *types.Slice, *types.Array:
		l.rangeIndexed(s, tgt, head)
	case *types.Map:
		l.rangeMap(s, u, tgt, head)
	case *types.Chan:
		l.rangeChan(s, u, tgt, head)
	case *types.Signature:
		l.rangeFunc(s, u, tgt, head)
		return
	default:
		l.d.errorf(s.X.Pos(), "asyncgen cannot range over %s", xt)
		return
	}
	l.label(end)
}

// loopBody lowers the body of a flattened loop, then its next step, unless
// no way through the body comes to the step (see stepReached); it reports
// whether the step was lowered.
func (l *lowerer) loopBody(s *ast.RangeStmt, tgt *target, next func()) bool {
	n := len(l.items)
	l.push(tgt)
	l.loopDepth++
	l.stmts(s.Body.List)
	l.loopDepth--
	l.pop()
	if !l.stepReached(n, tgt.cont) {
		return false
	}
	l.label(tgt.cont)
	next()
	return true
}

// iterVars assigns this iteration's values to the key and value of the
// range clause (declaring them when the clause uses :=).
func (l *lowerer) iterVars(s *ast.RangeStmt, key, val ast.Expr) {
	var lhs, rhs []ast.Expr
	if s.Key != nil && !isBlank(s.Key) && key != nil {
		lhs, rhs = append(lhs, s.Key), append(rhs, key)
	}
	if s.Value != nil && !isBlank(s.Value) && val != nil {
		lhs, rhs = append(lhs, s.Value), append(rhs, val)
	}
	if len(lhs) == 0 {
		return
	}
	as := &ast.AssignStmt{Lhs: lhs, TokPos: s.TokPos, Tok: token.ASSIGN, Rhs: rhs}
	if s.Tok == token.DEFINE {
		l.loopDepth++
		decl := l.declareIdents(lhs)
		l.loopDepth--
		l.emit(&item{stmt: as, decl: decl, defs: l.identVars(lhs)})
		return
	}
	l.emit(&item{stmt: &ast.AssignStmt{Lhs: l.lhs(lhs, false), TokPos: s.TokPos, Tok: token.ASSIGN, Rhs: rhs}})
}

// named reports whether a range clause's key or value is a variable (not
// missing, not blank).
func named(e ast.Expr) bool { return e != nil && !isBlank(e) }

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// hidden evaluates e into a new hidden variable.
func (l *lowerer) hidden(e ast.Expr, t types.Type, hint string) *variable {
	v := l.newTemp(t, hint)
	l.emit(&item{stmt: assignStmt(l.ref(v), e), defs: []*variable{v}, pos: l.exprPos(e)})
	return v
}

// counter declares the hidden index of a loop and sets it to 0. The key
// variable of the range clause is the index itself when the body neither
// assigns it nor captures it (then key reports true).
func (l *lowerer) counter(s *ast.RangeStmt, t types.Type) (i *variable, key bool) {
	if s.Tok == token.DEFINE && s.Key != nil && !isBlank(s.Key) {
		if obj, ok := l.info.Defs[s.Key.(*ast.Ident)].(*types.Var); ok && !l.captured[obj] && !l.assigned[obj] {
			i, key = l.declare(obj), true
		}
	}
	if i == nil {
		i = l.newTemp(t, "i")
	}
	l.text(s.For, "$0 = 0", i).defs = []*variable{i}
	return i, key
}

// operand is the range operand evaluated once: the expression itself when
// evaluating it again gives the same value (a constant, a stable variable),
// otherwise a hidden variable holding it.
func (l *lowerer) operand(s *ast.RangeStmt, t types.Type, hint string) ast.Expr {
	if tv := l.info.Types[s.X]; tv.Value != nil || l.stable(s.X) {
		return s.X
	}
	return l.ref(l.hidden(l.expr(s.X), t, hint))
}

func (l *lowerer) rangeInt(s *ast.RangeStmt, tgt *target, head string) {
	t := l.info.TypeOf(s.X)
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		t = types.Typ[types.Int]
		if s.Key != nil && s.Tok == token.ASSIGN {
			t = l.info.TypeOf(s.Key)
		}
	}
	n := l.operand(s, t, "n")
	i, key := l.counter(s, t)
	l.label(head)
	l.text(s.For, "if $0 >= $1 {\ngoto "+tgt.brk+"\n}", i, n).jumps = []string{tgt.brk}
	if !key {
		l.iterVars(s, l.ref(i), nil)
	}
	l.loopBody(s, tgt, func() {
		l.text(s.For, "$0++", i)
		l.jump(token.NoPos, head)
	})
}

func (l *lowerer) rangeIndexed(s *ast.RangeStmt, tgt *target, head string) {
	xt := l.info.TypeOf(s.X)
	needX := s.Value != nil && !isBlank(s.Value)
	_, isSlice := coreType(xt).(*types.Slice)
	var x, bound ast.Expr
	switch {
	case isSlice && l.stable(s.X):
		x = s.X
		bound = &ast.CallExpr{Fun: ast.NewIdent("len"), Args: []ast.Expr{x}}
	case needX || isSlice || hasCall(l.info, s.X):
		// An array is copied: the body may change its elements.
		x = l.ref(l.hidden(l.expr(s.X), xt, "x"))
		bound = &ast.CallExpr{Fun: ast.NewIdent("len"), Args: []ast.Expr{x}}
	default:
		// len is constant and the operand is not evaluated (the spec's
		// one exception).
		bound = &ast.CallExpr{Fun: ast.NewIdent("len"), Args: []ast.Expr{s.X}}
	}
	i, key := l.counter(s, types.Typ[types.Int])
	l.label(head)
	l.text(s.For, "if $0 >= $1 {\ngoto "+tgt.brk+"\n}", i, bound).jumps = []string{tgt.brk}
	var val ast.Expr
	if needX {
		val = &ast.IndexExpr{X: x, Index: l.ref(i)}
	}
	var k ast.Expr = l.ref(i)
	if key {
		k = nil
	}
	l.iterVars(s, k, val)
	l.loopBody(s, tgt, func() {
		l.text(s.For, "$0++", i)
		l.jump(token.NoPos, head)
	})
}

func (l *lowerer) rangeString(s *ast.RangeStmt, tgt *target, head string) {
	x := l.operand(s, l.info.TypeOf(s.X), "s")
	// utf8 takes a string: a named string type (or a type parameter)
	// needs converting.
	tail := func(x string) string { return x }
	if b, ok := types.Unalias(l.info.TypeOf(s.X)).(*types.Basic); !ok || b.Info()&types.IsString == 0 {
		tail = func(x string) string { return "string(" + x + ")" }
	}
	i, key := l.counter(s, types.Typ[types.Int])
	w := l.newTemp(types.Typ[types.Int], "w")
	l.label(head)
	l.text(s.For, "if $0 >= len($1) {\ngoto "+tgt.brk+"\n}", i, x).jumps = []string{tgt.brk}
	var val ast.Expr
	var r *variable
	decAt := len(l.items)
	if s.Value != nil && !isBlank(s.Value) {
		r = l.newTemp(types.Typ[types.Rune], "r")
		l.text(s.For, "$0, $1 = $utf8.DecodeRuneInString("+tail("$2[$3:]")+")", r, w, x, i).defs = []*variable{r, w}
		val = l.ref(r)
	} else {
		l.text(s.For, "_, $0 = $utf8.DecodeRuneInString("+tail("$1[$2:]")+")", w, x, i).defs = []*variable{w}
	}
	var k ast.Expr = l.ref(i)
	if key {
		k = nil
	}
	l.iterVars(s, k, val)
	stepped := l.loopBody(s, tgt, func() {
		l.text(s.For, "$0 += $1", i, w)
		l.jump(token.NoPos, head)
	})
	if !stepped {
		// The loop never comes to its second rune: the first one's
		// width, which only the step reads, is not kept (a variable
		// only assigned does not compile), nor, without a value, is
		// the decoding.
		l.dropTemp(w)
		if r != nil {
			dec := l.items[decAt]
			dec.text = "$0, _ = $utf8.DecodeRuneInString(" + tail("$1[$2:]") + ")"
			dec.args, dec.defs = []any{r, x, i}, []*variable{r}
		} else {
			l.items = slices.Delete(l.items, decAt, decAt+1)
		}
	}
}

func (l *lowerer) rangeMap(s *ast.RangeStmt, m *types.Map, tgt *target, head string) {
	x := l.hidden(l.expr(s.X), l.info.TypeOf(s.X), "m")
	keys := l.newTemp(types.NewSlice(m.Key()), "keys")
	l.text(s.For, "$0 = make($1, 0, len($2))\nfor k := range $2 {\n$0 = append($0, k)\n}", keys, typeArg{keys.typ}, x).defs = []*variable{keys}
	i := l.newTemp(types.Typ[types.Int], "i")
	l.text(s.For, "$0 = 0", i).defs = []*variable{i}
	k := l.newTemp(m.Key(), "k")
	l.label(head)
	l.text(s.For, "if $0 >= len($1) {\ngoto "+tgt.brk+"\n}", i, keys).jumps = []string{tgt.brk}
	l.text(s.For, "$0 = $1[$2]\n$2++", k, keys, i).defs = []*variable{k}
	var val ast.Expr
	if s.Value != nil && !isBlank(s.Value) {
		v := l.newTemp(m.Elem(), "v")
		ok := l.newTemp(types.Typ[types.Bool], "ok")
		l.text(s.For, "if $0, $1 = $2[$3]; !$1 && $3 == $3 {\ngoto "+head+"\n}", v, ok, x, k).jumps = []string{head}
		val = l.ref(v)
	} else {
		l.text(s.For, "if _, ok := $0[$1]; !ok && $1 == $1 {\ngoto "+head+"\n}", x, k).jumps = []string{head}
	}
	l.iterVars(s, l.ref(k), val)
	l.loopBody(s, tgt, func() { l.jump(token.NoPos, head) })
}

func (l *lowerer) rangeChan(s *ast.RangeStmt, c *types.Chan, tgt *target, head string) {
	x := l.hidden(l.expr(s.X), l.info.TypeOf(s.X), "ch")
	ok := l.newTemp(types.Typ[types.Bool], "ok")
	l.label(head)
	if !named(s.Key) {
		// No variable takes the value: one would be declared and not
		// used when the body never loops back.
		l.text(s.For, "if _, $0 = <-$1; !$0 {\ngoto "+tgt.brk+"\n}", ok, x).jumps = []string{tgt.brk}
		l.loopBody(s, tgt, func() { l.jump(token.NoPos, head) })
		return
	}
	v := l.newTemp(c.Elem(), "v")
	l.text(s.For, "if $0, $1 = <-$2; !$1 {\ngoto "+tgt.brk+"\n}", v, ok, x).jumps = []string{tgt.brk}
	l.iterVars(s, l.ref(v), nil)
	l.loopBody(s, tgt, func() { l.jump(token.NoPos, head) })
}

// rangeFunc pulls a push iterator. rtimpl.RangeSeq gives the iterator a
// yield with the checks of a native loop, which raises a panic leaving
// the loop body (see rtimpl.RangeInject.Leave) inside the iterator, as Go
// does. The yield declared around the operand's call is named apart from
// every name of the template ($yield), so that it hides nothing the
// operand names:
//
//	next, stop = iter.Pull(rtimpl.RangeSeq(func(yield func(K) bool) { x(yield) }, &f.inject))
//	head: if k, ok = next(); !ok { goto end }
//	body...
//	goto head
//	end: stop(); stop = nil
func (l *lowerer) rangeFunc(s *ast.RangeStmt, sig *types.Signature, tgt *target, head string) {
	yield := sig.Params().At(0).Type().Underlying().(*types.Signature).Params()
	fn := l.operand(s, l.info.TypeOf(s.X), "seq")
	stop := l.newTemp(types.NewSignatureType(nil, nil, nil, nil, nil, false), "stop")
	stop.kind = kParam // the frame's exit and Close call it
	tgt.stop, tgt.node = stop, s
	ok := l.newTemp(types.Typ[types.Bool], "ok")
	// The values the loop does not name are dropped as next returns them:
	// a variable that only took them would be declared and not used when
	// the body never loops back.
	var k, v *variable
	var kt, vt types.Type
	if yield.Len() > 0 {
		kt = yield.At(0).Type()
		if named(s.Key) {
			k = l.newTemp(kt, "k")
		}
	}
	if yield.Len() > 1 {
		vt = yield.At(1).Type()
		if named(s.Value) {
			v = l.newTemp(vt, "v")
		}
	}
	results := func(ts ...types.Type) *types.Tuple {
		var list []*types.Var
		for _, t := range ts {
			list = append(list, types.NewVar(0, nil, "", t))
		}
		return types.NewTuple(append(list, types.NewVar(0, nil, "", types.Typ[types.Bool]))...)
	}
	// lhs is next's left-hand side: $0 for ok, $1 for next, $2.. for the
	// named values.
	args := []any{ok, nil}
	lhs := func(tv *variable) string {
		if tv == nil {
			return "_, "
		}
		args = append(args, tv)
		return "$" + itoa(len(args)-1) + ", "
	}
	var next *variable
	var vars string
	switch yield.Len() {
	case 0:
		// next's struct{} result is dropped too.
		next = l.newTemp(types.NewSignatureType(nil, nil, nil, nil, results(types.NewStruct(nil, nil)), false), "next")
		l.text(s.For, "$0, $1 = $iter.Pull($rtimpl.RangeSeq0(func($yield func() bool) { $2($yield) }, &$f.inject))", next, stop, fn).defs = []*variable{next}
		vars = "_, "
	case 1:
		next = l.newTemp(types.NewSignatureType(nil, nil, nil, nil, results(kt), false), "next")
		l.text(s.For, "$0, $1 = $iter.Pull($rtimpl.RangeSeq(func($yield func($3) bool) { $2($yield) }, &$f.inject))", next, stop, fn, typeArg{kt}).defs = []*variable{next}
		vars = lhs(k)
	default:
		next = l.newTemp(types.NewSignatureType(nil, nil, nil, nil, results(kt, vt), false), "next")
		l.text(s.For, "$0, $1 = $iter.Pull2($rtimpl.RangeSeq2(func($yield func($3, $4) bool) { $2($yield) }, &$f.inject))", next, stop, fn, typeArg{kt}, typeArg{vt}).defs = []*variable{next}
		vars = lhs(k)
		vars += lhs(v)
	}
	args[1] = next
	l.label(head)
	l.text(s.For, "if "+vars+"$0 = $1(); !$0 {\ngoto "+tgt.brk+"\n}", args...).jumps = []string{tgt.brk}
	next.kind = kParam // exit resumes it to unwind a panic through the iterator
	l.pulls = append(l.pulls, pullLoop{next: next, stop: stop})
	var kv, vv ast.Expr
	if k != nil {
		kv = l.ref(k)
	}
	if v != nil {
		vv = l.ref(v)
	}
	l.iterVars(s, kv, vv)
	l.loopBody(s, tgt, func() { l.jump(token.NoPos, head) })
	l.label(tgt.brk)
	l.text(s.For, "$0()\n$0 = nil", stop)
}

// typeArg is a type substituted into scaffolding text.
type typeArg struct{ t types.Type }

// rangeAsync lowers a range over it.All() of an rt.AsyncIter: the iterator
// is pulled with awaited Nexts, and every way out of the loop but its end
// and a panic awaits its Close first (see exitStub); a panic leaving the
// template abandons it (the frame's exit):
//
//	it = x
//	head: f.aw.Begin(it.Next()); resume...; v, err = f.aw.Result()
//	if err == rt.ErrStopAsyncIteration { goto end }
//	body...                      (continue: goto next)
//	next: if it.Done() { goto end }     (after a failure)
//	goto head
//	brk: f.aw2.Begin(it.Close()); resume...; f.aw2.Must()
//	end:                         (it keeps the finished iterator until the frame ends)
func (l *lowerer) rangeAsync(s *ast.RangeStmt, lab *types.Label, sel *ast.SelectorExpr) {
	ptr, ok := types.Unalias(l.info.TypeOf(sel.X)).(*types.Pointer)
	if !ok {
		return // check reported it
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	if !ok || named.TypeArgs().Len() != 1 {
		return
	}
	elem := named.TypeArgs().At(0)
	if l.voidType == nil {
		l.voidType = named.Obj().Pkg().Scope().Lookup("Void").Type()
	}
	it := l.hidden(l.expr(sel.X), ptr, "it")
	it.kind = kParam // the frame's exit abandons it
	it.pos = s.For   // where its exit stubs await the close
	if l.asyncIters == nil {
		l.asyncIters = map[*variable]bool{}
	}
	l.asyncIters[it] = true
	head, next, brk, end := l.newLabel("range"), l.newLabel("next"), l.newLabel("closerange"), l.newLabel("endrange")
	tgt := &target{brk: brk, cont: next, label: lab, stop: it, node: s}
	l.pulls = append(l.pulls, pullLoop{stop: it})
	e := l.newTemp(errorType, "err")
	l.label(head)
	nextCall := &ast.CallExpr{Fun: &ast.SelectorExpr{X: l.ref(it), Sel: ast.NewIdent("Next")}}
	aw := l.suspendAt(elem, s.For, nextCall)
	var kv ast.Expr
	if s.Key != nil && !isBlank(s.Key) {
		v := l.newTemp(elem, "v")
		l.emit(&item{text: "$0, $1 = $f." + aw.name + ".Result()", args: []any{v, e}, defs: []*variable{v, e}, pos: s.For})
		kv = l.ref(v)
	} else {
		l.emit(&item{text: "_, $0 = $f." + aw.name + ".Result()", args: []any{e}, defs: []*variable{e}, pos: s.For})
	}
	l.text(s.For, "if $0 == $rt.ErrStopAsyncIteration {\ngoto "+end+"\n}", e).jumps = []string{end}
	l.iterVars(s, kv, l.ref(e))
	start := len(l.items)
	l.asyncDepth++
	l.loopBody(s, tgt, func() {
		// Dropped, like the goto, when the body never falls through.
		done := l.text(s.For, "if $0.Done() {\ngoto "+end+"\n}", it)
		done.jumps, done.filler = []string{end}, true
		l.jump(token.NoPos, head)
	})
	l.asyncDepth--
	if l.jumpedTo(brk, start) {
		l.label(brk)
		l.closeIter(it, s.For)
	}
	l.label(end)
}

// jumpedTo reports whether an item from start on, or an exit stub, goes to
// label.
func (l *lowerer) jumpedTo(label string, start int) bool {
	for _, it := range l.items[start:] {
		for _, j := range it.jumps {
			if j == label {
				return true
			}
		}
	}
	for _, st := range l.stubs {
		if st.to == label {
			return true
		}
	}
	return false
}

// closeIter awaits the Close of the async iterator it, failing as a failed
// rt.Must does, and forgets the iterator.
func (l *lowerer) closeIter(it *variable, pos token.Pos) {
	close := &ast.CallExpr{Fun: &ast.SelectorExpr{X: l.ref(it), Sel: ast.NewIdent("Close")}}
	aw := l.suspendAt(l.voidType, pos, close)
	l.text(pos, "$f."+aw.name+".Must()\n$0 = nil", it)
}
