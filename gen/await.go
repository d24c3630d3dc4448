package gen

import (
	"go/ast"
	"go/token"
	"go/types"
)

// suspend emits the Begin item, the resume label and the Step item of a
// suspension point:
//
//	f.Aw.Begin(x)
//	resumeN:
//	if y, ok := f.Aw.Step(c, &thrown); ok {
//		return f.Suspend(N, y)
//	}
//
// The jump table sends state N straight to resumeN, where Step continues
// the await (or throws what Throw brought in) until it is done.
func (l *lowerer) suspend(call *ast.CallExpr, arg ast.Expr) *suspension {
	s := l.suspendOn(l.awaitType(call), call.Pos(), arg)
	s.call = call
	return s
}

// suspendAt is a suspension the lowering makes itself (no Await or Must in
// the template), awaiting arg of type Awaitable[typ] at pos; it returns the
// Awaiting field whose Result or Must gives the outcome.
func (l *lowerer) suspendAt(typ types.Type, pos token.Pos, arg ast.Expr) *awaitField {
	return l.suspendOn(typ, pos, arg).aw
}

func (l *lowerer) suspendOn(typ types.Type, pos token.Pos, arg ast.Expr) *suspension {
	s := &suspension{state: len(l.suspensions) + 1, typ: typ, pos: pos}
	s.aw = l.awaitFieldFor(typ)
	s.aw.susps = append(s.aw.susps, s)
	s.label = l.newLabel("resume")
	l.suspensions = append(l.suspensions, s)
	l.emit(&item{text: "$f." + s.aw.name + ".Begin($0)", args: []any{arg}, pos: pos, susp: s})
	l.emit(&item{label: s.label})
	l.emit(&item{text: "if y, ok := $f." + s.aw.name + ".Step($c, &$t); ok {\nreturn $f.Suspend(" + itoa(s.state) + ", y)\n}", pos: pos})
	return s
}

// await lowers a suspension whose outcome goes to lhs (nil: discarded) and
// returns the item that assigns it. Must checks the error before anything
// is assigned, and fails the coroutine with it by panicking, as rt.Must
// does (the frame's defers see the *rt.Raised):
//
//	x, err = f.Aw.Result()   // Await
//	x = f.Aw.Must()          // Must
func (l *lowerer) await(call *ast.CallExpr, lhs []ast.Expr, define bool) *item {
	arg := l.expr(call.Args[0])
	s := l.suspend(call, arg)
	get := "$f." + s.aw.name + ".Result()"
	if callIntrinsic(l.info, call) == inAwait {
		if lhs == nil {
			return l.emit(&item{text: get, pos: call.Pos()})
		}
		return l.emit(&item{text: "$0, $1 = " + get, args: []any{lhs[0], lhs[1]}, defs: l.identVars(lhs), pos: call.Pos()})
	}
	if lhs == nil {
		return l.emit(&item{text: "$f." + s.aw.name + ".Must()", pos: call.Pos()})
	}
	return l.emit(&item{text: "$0 = $f." + s.aw.name + ".Must()", args: []any{lhs[0]}, defs: l.identVars(lhs), pos: call.Pos()})
}

// awaitValue lifts a Must (or, wrongly used, an Await) into a temporary.
func (l *lowerer) awaitValue(call *ast.CallExpr) ast.Expr {
	t := l.newTemp(l.awaitType(call), tempBase(argName(call)))
	if callIntrinsic(l.info, call) == inAwait {
		l.await(call, []ast.Expr{l.ref(t), ast.NewIdent("_")}, false)
	} else {
		l.await(call, []ast.Expr{l.ref(t)}, false)
	}
	return l.ref(t)
}

// awaitTuple lifts an Await into two temporaries.
func (l *lowerer) awaitTuple(call *ast.CallExpr) []ast.Expr {
	v := l.newTemp(l.awaitType(call), tempBase(argName(call)))
	e := l.newTemp(errorType, "err")
	l.await(call, []ast.Expr{l.ref(v), l.ref(e)}, false)
	return []ast.Expr{l.ref(v), l.ref(e)}
}

// argName names the result of awaiting call after what it awaits.
func argName(call *ast.CallExpr) string {
	if len(call.Args) == 1 {
		if c, ok := ast.Unparen(call.Args[0]).(*ast.CallExpr); ok {
			return calleeName(c)
		}
	}
	return "v"
}

// awaitType is T for Await[T] or Must[T].
func (l *lowerer) awaitType(call *ast.CallExpr) types.Type {
	id := calleeIdent(call.Fun)
	if inst, ok := l.info.Instances[id]; id != nil && ok && inst.TypeArgs.Len() == 1 {
		return inst.TypeArgs.At(0)
	}
	return types.Typ[types.Invalid]
}

// awaitFieldFor returns the Awaiting field for T, creating it.
func (l *lowerer) awaitFieldFor(t types.Type) *awaitField {
	for _, a := range l.awaits {
		if types.Identical(a.typ, t) {
			return a
		}
	}
	name := "Aw" // the first is rtimpl.AwaitFrame's
	if len(l.awaits) > 0 {
		name = "aw" + itoa(len(l.awaits))
	}
	a := &awaitField{name: name, typ: t}
	l.awaits = append(l.awaits, a)
	return a
}

var _ = token.NoPos
