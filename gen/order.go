package gen

// Expression lifting (the normalize step of the pipeline): every suspension
// is taken out of its expression into a temporary, in Go's evaluation order;
// see the invariants at the top of lower.go. The helpers follow order.go's
// verbs: expr lifts what must be lifted to keep the order of a suspension
// relative to the calls before it, safe makes an operand free of calls
// because something after it suspends, and the result MUST be used in place
// of the original expression.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// simple lowers a simple statement (or return, defer) that suspends.
func (l *lowerer) simple(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok && isSuspension(l.info, call) {
			l.await(call, nil, false)
			return
		}
		// A panic whose argument suspends still ends the way through:
		// the filler after it is dropped, as after a verbatim one.
		l.emit(&item{stmt: &ast.ExprStmt{X: l.expr(s.X)}, term: isTerminating(l.info, s)})
	case *ast.AssignStmt:
		l.assign(s)
	case *ast.IncDecStmt:
		l.emit(&item{stmt: &ast.IncDecStmt{X: l.expr(s.X), TokPos: s.TokPos, Tok: s.Tok}})
	case *ast.SendStmt:
		ops := l.operands([]ast.Expr{s.Chan, s.Value})
		l.emit(&item{stmt: &ast.SendStmt{Chan: ops[0], Arrow: s.Arrow, Value: ops[1]}})
	case *ast.ReturnStmt:
		res := s.Results
		if len(res) == 1 {
			if call, ok := ast.Unparen(res[0]).(*ast.CallExpr); ok && callIntrinsic(l.info, call) == inAwait {
				res = l.awaitTuple(call)
				l.emit(&item{stmt: &ast.ReturnStmt{Return: s.Return, Results: res}, term: true})
				return
			}
		}
		l.emit(&item{stmt: &ast.ReturnStmt{Return: s.Return, Results: l.operands(res)}, term: true})
	case *ast.DeferStmt:
		call := l.expr(s.Call).(*ast.CallExpr)
		// The rendering of a defer asks for the type of the deferred
		// function; a function value rebuilt around a lifted await (defer
		// rt.Must(x).Close()) is a new node the type checker never saw.
		if _, ok := l.info.Types[call.Fun]; !ok {
			l.info.Types[call.Fun] = l.info.Types[s.Call.Fun]
		}
		l.emit(&item{stmt: &ast.DeferStmt{Defer: s.Defer, Call: call}})
	case *ast.GoStmt:
		l.emit(&item{stmt: &ast.GoStmt{Go: s.Go, Call: l.expr(s.Call).(*ast.CallExpr)}})
	default:
		l.d.errorf(s.Pos(), "asyncgen cannot lower an await in a %T", s)
	}
}

// assign lowers an assignment whose right side or left operands suspend.
func (l *lowerer) assign(s *ast.AssignStmt) {
	define := s.Tok == token.DEFINE
	var decl []*variable
	if define {
		decl = l.declareIdents(s.Lhs)
	}
	if len(s.Rhs) == 1 {
		if call, ok := ast.Unparen(s.Rhs[0]).(*ast.CallExpr); ok && isSuspension(l.info, call) &&
			(s.Tok == token.ASSIGN || define) {
			lhs := l.lhs(s.Lhs, true)
			must := callIntrinsic(l.info, call) == inMust
			if !must || define && allNewOrBlank(l.info, s.Lhs) {
				l.await(call, lhs, define).decl = decl
				return
			}
			t := l.awaitValue(call)
			l.emit(&item{stmt: &ast.AssignStmt{Lhs: lhs, TokPos: s.TokPos, Tok: token.ASSIGN, Rhs: []ast.Expr{t}}, defs: l.identVars(lhs)})
			return
		}
	}
	if s.Tok != token.ASSIGN && !define {
		// x op= y: x's operands are evaluated first, x itself is read after y.
		lhs := l.lhs(s.Lhs, true)
		rhs := l.expr(s.Rhs[0])
		l.emit(&item{stmt: &ast.AssignStmt{Lhs: lhs, TokPos: s.TokPos, Tok: s.Tok, Rhs: []ast.Expr{rhs}}})
		return
	}
	lhs := l.lhs(s.Lhs, true)
	rhs := s.Rhs
	if len(rhs) == 1 {
		if call, ok := ast.Unparen(rhs[0]).(*ast.CallExpr); ok && callIntrinsic(l.info, call) == inAwait {
			rhs = l.awaitTuple(call)
		} else {
			rhs = []ast.Expr{l.expr(rhs[0])}
		}
	} else {
		rhs = l.operands(rhs)
	}
	l.emit(&item{stmt: &ast.AssignStmt{Lhs: lhs, TokPos: s.TokPos, Tok: s.Tok, Rhs: rhs}, define: define, decl: decl, defs: l.identVars(lhs)})
}

func allNewOrBlank(info *types.Info, lhs []ast.Expr) bool {
	for _, e := range lhs {
		id, ok := e.(*ast.Ident)
		if !ok || id.Name != "_" && info.Defs[id] == nil {
			return false
		}
	}
	return true
}

// lhs makes the operands of the assignment's left side (index operands,
// pointers) safe when the right side suspends.
func (l *lowerer) lhs(lhs []ast.Expr, later bool) []ast.Expr {
	out := make([]ast.Expr, len(lhs))
	for i, e := range lhs {
		switch x := ast.Unparen(e).(type) {
		case *ast.IndexExpr:
			ops := l.safeAll([]ast.Expr{x.X, x.Index})
			out[i] = &ast.IndexExpr{X: ops[0], Lbrack: x.Lbrack, Index: ops[1], Rbrack: x.Rbrack}
		case *ast.StarExpr:
			out[i] = &ast.StarExpr{Star: x.Star, X: l.safe(x.X)}
		case *ast.SelectorExpr:
			out[i] = &ast.SelectorExpr{X: l.safe(x.X), Sel: x.Sel}
		default:
			out[i] = e
		}
	}
	return out
}

func (l *lowerer) safeAll(list []ast.Expr) []ast.Expr {
	out := make([]ast.Expr, len(list))
	for i, e := range list {
		out[i] = l.safe(e)
	}
	return out
}

// operands lowers a list of operands evaluated left to right: those before
// the last one that suspends are made safe, the one that suspends is lifted,
// the ones after it stay as they are.
func (l *lowerer) operands(list []ast.Expr) []ast.Expr {
	last := -1
	for i, e := range list {
		if e != nil && l.susp[e] {
			last = i
		}
	}
	out := make([]ast.Expr, len(list))
	for i, e := range list {
		switch {
		case e == nil:
		case i < last:
			out[i] = l.safe(e)
		case i == last:
			out[i] = l.expr(e)
		default:
			out[i] = e
		}
	}
	return out
}

// expr returns e with its suspensions lifted into temporaries.
func (l *lowerer) expr(e ast.Expr) ast.Expr {
	if e == nil || !l.susp[e] {
		return e
	}
	return l.rebuild(e, l.operands)
}

// safe returns e with every call, receive and suspension in it lifted into
// temporaries, so that evaluating the result later has no effect.
func (l *lowerer) safe(e ast.Expr) ast.Expr {
	if e == nil || !hasCall(l.info, e) && !hasOrdered(l.info, e) {
		return e
	}
	if h := orderedHint(l.info, e); h != "" {
		// gc evaluates it here, among the calls: so does the temporary.
		typ := l.info.TypeOf(e)
		if hasCall(l.info, e) {
			e = l.rebuild(e, l.safeAll)
		}
		return l.tempOf(e, typ, h)
	}
	switch x := e.(type) {
	case *ast.CallExpr:
		if k := callIntrinsic(l.info, x); k == inAwait || k == inMust {
			return l.awaitValue(x)
		}
		if l.pureCall(x) {
			break
		}
		c := l.rebuild(x, l.operands)
		return l.tempOf(c, l.info.TypeOf(x), calleeName(x))
	case *ast.UnaryExpr:
		if x.Op == token.ARROW {
			return l.tempOf(&ast.UnaryExpr{OpPos: x.OpPos, Op: x.Op, X: l.safe(x.X)}, l.info.TypeOf(x), "recv")
		}
	}
	return l.rebuild(e, l.safeAll)
}

// orderedHint returns a name for the temporary of e when e is an operation
// gc evaluates in its place among the calls of its statement, as it does a
// call (its walk/order.go copies the result into a temporary), and reads a
// variable: a slice expression, len, cap, min, max, real, imag, complex or
// make, a conversion of a string to []byte or []rune, a map lookup by a
// []byte converted to a string, or a type assertion to a type that is not
// a pointer's shape. It returns "" for anything else; a plain
// read of a variable, an index, a field or another conversion is done
// after the calls.
func orderedHint(info *types.Info, e ast.Expr) string {
	if e == nil || info.Types[e].Value != nil {
		return ""
	}
	var ops []ast.Expr
	hint := ""
	switch x := ast.Unparen(e).(type) {
	case *ast.SliceExpr:
		ops, hint = []ast.Expr{x.X, x.Low, x.High, x.Max}, "slice"
	case *ast.TypeAssertExpr:
		// x.(T): gc copies the result where it stands unless the
		// interface holds T itself (a pointer's shape). A comma-ok
		// assertion (a tuple) and one to a type parameter stay as they
		// are.
		t := info.TypeOf(x)
		_, tuple := t.(*types.Tuple)
		_, param := t.(*types.TypeParam)
		if x.Type == nil || tuple || param || directIface(t) {
			return ""
		}
		ops, hint = []ast.Expr{x.X}, "assert"
	case *ast.IndexExpr:
		// m[string(b)]: gc looks the map up at once, not to copy b.
		conv, ok := ast.Unparen(x.Index).(*ast.CallExpr)
		if _, isMap := coreType(info.TypeOf(x.X)).(*types.Map); !isMap || !ok || len(conv.Args) != 1 ||
			!info.Types[conv.Fun].IsType() || !isBytesToString(info.TypeOf(conv), info.TypeOf(conv.Args[0])) {
			return ""
		}
		ops, hint = conv.Args, "v"
	case *ast.CallExpr:
		if tv := info.Types[x.Fun]; tv.IsType() {
			if len(x.Args) != 1 || !isStringToSlice(tv.Type, info.TypeOf(x.Args[0])) {
				return ""
			}
			ops, hint = x.Args, "bytes"
			if s, ok := tv.Type.Underlying().(*types.Slice); ok && !types.Identical(s.Elem().Underlying(), types.Typ[types.Byte]) {
				hint = "runes"
			}
			break
		}
		id, ok := ast.Unparen(x.Fun).(*ast.Ident)
		if !ok {
			return ""
		}
		b, ok := info.Uses[id].(*types.Builtin)
		if !ok {
			return ""
		}
		switch b.Name() {
		case "len", "cap", "min", "max", "real", "imag", "complex", "make":
			ops, hint = x.Args, b.Name()
		default:
			return ""
		}
	default:
		return ""
	}
	for _, op := range ops {
		if op != nil && info.Types[op].IsValue() && info.Types[op].Value == nil {
			return hint
		}
	}
	return ""
}

// directIface reports whether an interface holding a t holds it in its
// data word itself, as gc's types.IsDirectIface says: a pointer, channel,
// map, function or unsafe.Pointer, or a struct or one-element array of
// one such.
func directIface(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Pointer, *types.Chan, *types.Map, *types.Signature:
		return true
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Array:
		return u.Len() == 1 && directIface(u.Elem())
	case *types.Struct:
		return u.NumFields() == 1 && directIface(u.Field(0).Type())
	}
	return false
}

// isStringToSlice reports whether converting from to to turns a string into
// []byte or []rune.
func isStringToSlice(to, from types.Type) bool {
	if from == nil {
		return false
	}
	b, ok := from.Underlying().(*types.Basic)
	if !ok || b.Info()&types.IsString == 0 {
		return false
	}
	_, ok = to.Underlying().(*types.Slice)
	return ok
}

// isBytesToString reports whether converting from to to turns a []byte
// into a string.
func isBytesToString(to, from types.Type) bool {
	if to == nil || from == nil {
		return false
	}
	b, ok := to.Underlying().(*types.Basic)
	if !ok || b.Info()&types.IsString == 0 {
		return false
	}
	s, ok := from.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	e, ok := s.Elem().Underlying().(*types.Basic)
	return ok && e.Kind() == types.Byte
}

// hasOrdered reports whether e holds an operation orderedHint names.
func hasOrdered(info *types.Info, e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if found {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if x, ok := n.(ast.Expr); ok && orderedHint(info, x) != "" {
			found = true
		}
		return !found
	})
	return found
}

// rebuild lowers the operands of e with lower (operands or safeAll) and
// rebuilds e around them; && and || get their own control flow.
func (l *lowerer) rebuild(e ast.Expr, lower func([]ast.Expr) []ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.ParenExpr:
		return &ast.ParenExpr{Lparen: x.Lparen, X: lower([]ast.Expr{x.X})[0], Rparen: x.Rparen}
	case *ast.CallExpr:
		if k := callIntrinsic(l.info, x); k == inAwait || k == inMust {
			if k == inAwait {
				l.d.errorf(x.Pos(), "rt.Await returns two values; use it in an assignment, a return or as the only argument of a call")
			}
			return l.awaitValue(x)
		}
		if len(x.Args) == 1 {
			if a, ok := ast.Unparen(x.Args[0]).(*ast.CallExpr); ok && callIntrinsic(l.info, a) == inAwait {
				fun := l.safe(x.Fun)
				args := l.awaitTuple(a)
				return &ast.CallExpr{Fun: fun, Lparen: x.Lparen, Args: args, Rparen: x.Rparen}
			}
		}
		var ops []ast.Expr
		if l.info.Types[x.Fun].IsType() {
			ops = append([]ast.Expr{nil}, x.Args...)
		} else {
			ops = append([]ast.Expr{x.Fun}, x.Args...)
		}
		ops = lower(ops)
		fun := x.Fun
		if ops[0] != nil {
			fun = ops[0]
		}
		return &ast.CallExpr{Fun: fun, Lparen: x.Lparen, Args: ops[1:], Ellipsis: x.Ellipsis, Rparen: x.Rparen}
	case *ast.BinaryExpr:
		if x.Op == token.LAND || x.Op == token.LOR {
			return l.shortCircuit(x, lower)
		}
		ops := lower([]ast.Expr{x.X, x.Y})
		return &ast.BinaryExpr{X: ops[0], OpPos: x.OpPos, Op: x.Op, Y: ops[1]}
	case *ast.UnaryExpr:
		return &ast.UnaryExpr{OpPos: x.OpPos, Op: x.Op, X: lower([]ast.Expr{x.X})[0]}
	case *ast.StarExpr:
		return &ast.StarExpr{Star: x.Star, X: lower([]ast.Expr{x.X})[0]}
	case *ast.SelectorExpr:
		if l.info.Selections[x] == nil {
			return x // a package-qualified name
		}
		return &ast.SelectorExpr{X: lower([]ast.Expr{x.X})[0], Sel: x.Sel}
	case *ast.IndexExpr:
		if l.info.Types[x.X].IsValue() {
			ops := lower([]ast.Expr{x.X, x.Index})
			return &ast.IndexExpr{X: ops[0], Lbrack: x.Lbrack, Index: ops[1], Rbrack: x.Rbrack}
		}
		return x // an instantiation
	case *ast.SliceExpr:
		ops := lower([]ast.Expr{x.X, x.Low, x.High, x.Max})
		return &ast.SliceExpr{X: ops[0], Lbrack: x.Lbrack, Low: ops[1], High: ops[2], Max: ops[3], Slice3: x.Slice3, Rbrack: x.Rbrack}
	case *ast.TypeAssertExpr:
		return &ast.TypeAssertExpr{X: lower([]ast.Expr{x.X})[0], Lparen: x.Lparen, Type: x.Type, Rparen: x.Rparen}
	case *ast.CompositeLit:
		return l.compositeLit(x, lower)
	case *ast.KeyValueExpr:
		ops := lower([]ast.Expr{x.Key, x.Value})
		return &ast.KeyValueExpr{Key: ops[0], Colon: x.Colon, Value: ops[1]}
	}
	return e
}

// compositeLit lowers the elements of a composite literal in order; struct
// field keys are names, not operands.
func (l *lowerer) compositeLit(x *ast.CompositeLit, lower func([]ast.Expr) []ast.Expr) ast.Expr {
	_, isStruct := types.Unalias(l.info.TypeOf(x)).Underlying().(*types.Struct)
	if p, ok := types.Unalias(l.info.TypeOf(x)).Underlying().(*types.Pointer); ok {
		_, isStruct = p.Elem().Underlying().(*types.Struct)
	}
	var ops []ast.Expr
	for _, el := range x.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if isStruct {
				ops = append(ops, nil, kv.Value)
			} else {
				ops = append(ops, kv.Key, kv.Value)
			}
		} else {
			ops = append(ops, nil, el)
		}
	}
	ops = lower(ops)
	elts := make([]ast.Expr, len(x.Elts))
	for i, el := range x.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			key := kv.Key
			if ops[2*i] != nil {
				key = ops[2*i]
			}
			elts[i] = &ast.KeyValueExpr{Key: key, Colon: kv.Colon, Value: ops[2*i+1]}
		} else {
			elts[i] = ops[2*i+1]
		}
	}
	return &ast.CompositeLit{Type: x.Type, Lbrace: x.Lbrace, Elts: elts, Rbrace: x.Rbrace, Incomplete: x.Incomplete}
}

// shortCircuit lowers a && b or a || b whose operands suspend or call:
//
//	t = a
//	if !t { goto skip }   (if t for ||)
//	b's lifted parts...
//	t = b
//	skip:
func (l *lowerer) shortCircuit(x *ast.BinaryExpr, lower func([]ast.Expr) []ast.Expr) ast.Expr {
	left := lower([]ast.Expr{x.X})[0]
	if !l.susp[x.Y] && !hasCall(l.info, x.Y) {
		return &ast.BinaryExpr{X: left, OpPos: x.OpPos, Op: x.Op, Y: x.Y}
	}
	t := l.newTemp(l.info.TypeOf(x), "cond")
	l.emit(&item{stmt: assignStmt(l.ref(t), left), defs: []*variable{t}, pos: l.exprPos(left)})
	skip := l.newLabel("skip")
	var cond ast.Expr = l.ref(t)
	if x.Op == token.LAND {
		cond = negate(cond)
	}
	l.jumpIf(cond, skip)
	right := lower([]ast.Expr{x.Y})[0]
	l.emit(&item{stmt: assignStmt(l.ref(t), right), pos: l.exprPos(right)})
	l.label(skip)
	return l.ref(t)
}

func assignStmt(lhs, rhs ast.Expr) *ast.AssignStmt {
	return &ast.AssignStmt{Lhs: []ast.Expr{lhs}, TokPos: rhs.Pos(), Tok: token.ASSIGN, Rhs: []ast.Expr{rhs}}
}

// tempOf assigns e to a new temporary and returns the temporary.
func (l *lowerer) tempOf(e ast.Expr, typ types.Type, hint string) ast.Expr {
	t := l.newTemp(typ, hint)
	l.emit(&item{stmt: assignStmt(l.ref(t), e), defs: []*variable{t}, pos: l.exprPos(e)})
	return l.ref(t)
}

// exprPos is where a temporary's assignment evaluates e in the template,
// for its //line directive (the assignment has no position of its own): e's
// position, or the statement's when e is built around a temporary.
func (l *lowerer) exprPos(e ast.Expr) token.Pos {
	if p := e.Pos(); p.IsValid() {
		return p
	}
	return l.pos
}

// hasCall reports whether evaluating e calls, receives or suspends.
func hasCall(info *types.Info, e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if !pureCallInfo(info, n) {
				found = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				found = true
			}
		}
		return true
	})
	return found
}

func (l *lowerer) pureCall(c *ast.CallExpr) bool { return pureCallInfo(l.info, c) }

// pureCallInfo reports whether a call is a conversion or a builtin without
// effects, which need not keep its place among calls.
func pureCallInfo(info *types.Info, c *ast.CallExpr) bool {
	if info.Types[c.Fun].IsType() {
		return true
	}
	if id, ok := ast.Unparen(c.Fun).(*ast.Ident); ok {
		if b, ok := info.Uses[id].(*types.Builtin); ok {
			switch b.Name() {
			case "len", "cap", "complex", "real", "imag", "min", "max", "new", "make":
				return true
			}
		}
	}
	switch intrinsicObj(info, c.Fun) {
	case inRunningLoop, inCurrent:
		return true
	}
	return false
}

// calleeName is a readable base for the temporary holding a call's result.
func calleeName(c *ast.CallExpr) string {
	var name string
	switch f := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		name = f.Name
	case *ast.SelectorExpr:
		name = f.Sel.Name
	case *ast.IndexExpr:
		if id, ok := f.X.(*ast.Ident); ok {
			name = id.Name
		}
	}
	return tempBase(name)
}

// tempBase turns fooAsync or ReadLine into foo or readLine.
func tempBase(name string) string {
	if len(name) > len("Async") && name[len(name)-len("Async"):] == "Async" {
		name = name[:len(name)-len("Async")]
	}
	if name == "" {
		return "v"
	}
	b := []byte(name)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	if token.IsKeyword(string(b)) {
		return string(b) + "_"
	}
	return string(b)
}
