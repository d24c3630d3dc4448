package gen

import (
	"go/ast"
	"go/types"
	"strings"

	. "github.com/dave/jennifer/jen"
)

// emitter writes the declarations of one template with jennifer: the
// constructor, the frame struct and its methods. Bodies of template code
// come from the renderer as text.
type emitter struct {
	l     *lowerer
	r     *renderer
	frame string // frame type name
	ctor  string
	tps   string // "[T any, U comparable]" or ""
	targs string // "[T, U]" or ""
	body  string // rendered step body
}

func (e *emitter) rt(name string) *Statement { return Qual(rtPath, name) }

// recv is the receiver of the frame's methods: f *fooFrame[T].
func (e *emitter) recv() *Statement {
	return Params(Id(e.l.nm.recv).Op("*").Id(e.frame + e.targs))
}

func (e *emitter) f(field string) *Statement { return Id(e.l.nm.recv).Dot(field) }

// resultType is T of rt.Coro[T].
func (e *emitter) resultType() Code {
	if e.l.t.val == nil {
		return e.rt("Void")
	}
	return Id(e.r.typeString(e.l.t.val))
}

// valField and errField are the frame fields Result reads.
func (e *emitter) valField() *variable {
	if e.l.t.val == nil {
		return nil
	}
	return e.l.results[0]
}

func (e *emitter) errField() *variable {
	switch e.l.t.kind {
	case resErr:
		return e.l.results[0]
	case resValErr:
		return e.l.results[1]
	}
	return e.l.errField
}

func (e *emitter) hasExit() bool { return e.l.hasDefer || len(e.l.stops) > 0 }

// decls appends everything generated for the template to g.
func (e *emitter) decls(g *Group) {
	e.constructor(g)
	e.frameStruct(g)
	e.sendThrow(g)
	e.step(g)
	e.finishers(g)
	e.closeMethod(g)
	e.result(g)
	e.awaitStack(g)
}

// constructor:
//
//	// fooAsync is foo as a coroutine.
//	func fooAsync(a int) rt.Coro[T] {
//		if rt.RefMode {
//			return rt.NewRef(func() (T, error) { return foo(a) })
//		}
//		return &fooFrame{a: a}
//	}
func (e *emitter) constructor(g *Group) {
	t := e.l.t
	sig := t.sig
	var params []Code
	var args []Code
	var init []Code
	taken := map[string]bool{}
	for i := 0; i < sig.Params().Len(); i++ {
		if n := sig.Params().At(i).Name(); n != "" {
			taken[n] = true
		}
	}
	nm := newNamer(taken)
	first := 0
	if sig.Recv() != nil {
		first = 1
	}
	for i := 0; i < sig.Params().Len(); i++ {
		p := sig.Params().At(i)
		name := p.Name()
		if name == "" || name == "_" {
			name = nm.fresh("p" + itoa(i))
		}
		typ := e.r.typeString(p.Type())
		arg := Id(name)
		if sig.Variadic() && i == sig.Params().Len()-1 {
			typ = "..." + e.r.typeString(p.Type().(*types.Slice).Elem())
			arg = Id(name).Op("...")
		}
		params = append(params, Id(name).Id(typ))
		args = append(args, arg)
		if v := e.l.params[first+i]; v != nil {
			init = append(init, Id(v.out).Op(":").Id(name))
		}
	}
	var call *Statement
	if r := sig.Recv(); r != nil {
		init = append([]Code{Id(e.l.params[0].out).Op(":").Id(r.Name())}, init...)
		call = Id(r.Name()).Dot(t.decl.Name.Name).Call(args...)
	} else {
		call = Id(t.decl.Name.Name + e.targs).Call(args...)
	}
	var adapt Code
	switch t.kind {
	case resNone:
		adapt = Block(call, Return(e.rt("Void").Values(), Nil()))
	case resErr:
		adapt = Block(Return(e.rt("Void").Values(), call))
	case resVal:
		adapt = Block(Return(call, Nil()))
	case resValErr:
		adapt = Block(Return(call))
	}
	g.Commentf("%s is %s as a coroutine (see asyncgen).", e.ctor, t.decl.Name.Name)
	fn := Func()
	if r := sig.Recv(); r != nil {
		fn = fn.Params(Id(r.Name()).Id(e.r.typeString(r.Type())))
	}
	ctorTps := e.tps
	if sig.Recv() != nil {
		ctorTps = "" // the receiver's type parameters are in scope
	}
	g.Add(fn.Id(e.ctor+ctorTps).Params(params...).Add(e.rt("Coro").Types(e.resultType())).Block(
		If(e.rt("RefMode")).Block(
			Return(e.rt("NewRef").Call(Func().Params().Params(e.resultType(), Error()).Add(adapt))),
		),
		Return(Op("&").Id(e.frame+e.targs).Values(init...)),
	))
}

// frameStruct:
//
//	type fooFrame struct {
//		state int // 0 not started, N suspended at await N, -1 finished
//		a     int // live across awaits
//		aw    rt.Awaiting[T]
//		defers []func()
//	}
func (e *emitter) frameStruct(g *Group) {
	var fields []Code
	fields = append(fields, Id("state").Int().Comment("0: not started, N: suspended at await N, -1: finished"))
	for _, v := range e.l.varList {
		if !v.field || v.kind == kConst {
			continue
		}
		typ := e.r.typeString(v.typ)
		if v.cell {
			typ = "*" + typ
		}
		fields = append(fields, Id(v.out).Id(typ))
	}
	for _, a := range e.l.awaits {
		fields = append(fields, Id(a.name).Add(e.rt("Awaiting").Types(Id(e.r.typeString(a.typ)))))
	}
	if e.l.hasDefer {
		fields = append(fields, Id("defers").Index().Func().Params())
	}
	g.Commentf("%s is the state of a suspended %s.", e.frame, e.l.t.decl.Name.Name)
	g.Type().Id(e.frame + e.tps).Struct(fields...)
}

// sendThrow:
//
//	func (f *fooFrame) Send(c *rt.Ctx) rt.Yield { defer f.catch(); return f.step(c, nil) }
//	func (f *fooFrame) Throw(c *rt.Ctx, err error) rt.Yield {
//		if f.state == 0 { f.state = -1; f.err = err; return rt.Yield{} }
//		defer f.catch()
//		return f.step(c, err)
//	}
func (e *emitter) sendThrow(g *Group) {
	c := e.l.nm.ctx
	g.Func().Add(e.recv()).Id("Send").Params(Id(c).Op("*").Add(e.rt("Ctx"))).Add(e.rt("Yield")).Block(
		Defer().Add(e.f("catch").Call()),
		Return(e.f("step").Call(Id(c), Nil())),
	)
	g.Func().Add(e.recv()).Id("Throw").Params(Id(c).Op("*").Add(e.rt("Ctx")), Id("err").Error()).Add(e.rt("Yield")).Block(
		If(e.f("state").Op("==").Lit(0)).Block(
			e.f("state").Op("=").Lit(-1),
			e.f(e.errField().out).Op("=").Id("err"),
			Return(e.rt("Yield").Values()),
		),
		Defer().Add(e.f("catch").Call()),
		Return(e.f("step").Call(Id(c), Id("err"))),
	)
}

// step is the state machine: a jump table to the resume labels, then the
// flat body.
//
//	switch f.state {
//	case 0:
//	case 1:
//		if y, ok := f.aw.Resume(c, thrown); ok { return y }
//		goto resume1
//	default:
//		return rt.Yield{}
//	}
func (e *emitter) step(g *Group) {
	nm := e.l.nm
	var cases []Code
	cases = append(cases, Case(Lit(0)))
	for _, s := range e.l.suspensions {
		cases = append(cases, Case(Lit(s.state)).Block(
			If(List(Id("y"), Id("ok")).Op(":=").Add(e.f(s.aw.name)).Dot("Resume").Call(Id(nm.ctx), Id(nm.thrown)), Id("ok")).Block(Return(Id("y"))),
			Goto().Id(s.label),
		))
	}
	cases = append(cases, Default().Block(Return(e.rt("Yield").Values())))
	var locals []Code
	for _, v := range e.l.varList {
		if v.field || v.kind != kVar {
			continue
		}
		typ := e.r.typeString(v.typ)
		if v.cell {
			typ = "*" + typ
		}
		locals = append(locals, Id(v.out).Id(typ))
	}
	var hoisted []Code
	for _, d := range e.l.hoisted {
		hoisted = append(hoisted, Id(e.r.print(copyNode(d, e.r.node))))
	}
	g.Func().Add(e.recv()).Id("step").Params(Id(nm.ctx).Op("*").Add(e.rt("Ctx")), Id(nm.thrown).Error()).Add(e.rt("Yield")).BlockFunc(func(b *Group) {
		for _, h := range hoisted {
			b.Add(h)
		}
		if len(locals) > 0 {
			b.Var().Defs(locals...)
		}
		b.Switch(e.f("state")).Block(cases...)
		b.Id(e.body)
		b.Id(restoreMarker)
	})
}

// finishers are the ways out of the body:
//
//	done(results...)  records the results of a return and finishes (running
//	                  the defers and iterator stops)
//	fail(err)         finishes with err (a panic, or a Must without defers)
//	catch()           deferred by Send and Throw: a panic finishes the coroutine
//	exit(p), settle() with defers: run them as real deferred calls, with p
//	                  re-raised among them so that recover() sees it
func (e *emitter) finishers(g *Group) {
	t := e.l.t
	var params, assignL, assignR []Code
	for i, v := range e.l.results {
		name := "r" + itoa(i)
		params = append(params, Id(name).Id(e.r.typeString(t.sig.Results().At(i).Type())))
		assignL = append(assignL, e.f(v.out))
		assignR = append(assignR, Id(name))
	}
	g.Func().Add(e.recv()).Id("done").Params(params...).Add(e.rt("Yield")).BlockFunc(func(b *Group) {
		if len(assignL) > 0 {
			b.List(assignL...).Op("=").List(assignR...)
		}
		if e.hasExit() {
			b.Return(e.f("exit").Call(Nil()))
			return
		}
		b.Add(e.f("state").Op("=").Lit(-1))
		b.Return(e.rt("Yield").Values())
	})
	g.Func().Add(e.recv()).Id("fail").Params(Id("err").Error()).Add(e.rt("Yield")).BlockFunc(func(b *Group) {
		e.stopAll(b)
		b.Add(e.f("state").Op("=").Lit(-1))
		if v := e.valField(); v != nil {
			b.Add(e.f(v.out).Op("=").Id(e.r.zero(v.typ)))
		}
		b.Add(e.f(e.errField().out).Op("=").Id("err"))
		b.Return(e.rt("Yield").Values())
	})
	g.Func().Add(e.recv()).Id("catch").Params().Block(
		If(Id("p").Op(":=").Recover(), Id("p").Op("!=").Nil()).BlockFunc(func(b *Group) {
			if e.hasExit() {
				b.Add(e.f("exit").Call(Id("p")))
			} else {
				b.Add(e.f("fail").Call(e.rt("FailureOf").Call(Id("p"))))
			}
		}),
	)
	if !e.hasExit() {
		return
	}
	g.Func().Add(e.recv()).Id("exit").Params(Id("p").Any()).Add(e.rt("Yield")).BlockFunc(func(b *Group) {
		b.Add(e.f("state").Op("=").Lit(-1))
		b.Defer().Add(e.f("settle").Call())
		e.stopAll(b)
		if e.l.hasDefer {
			b.For(List(Id("_"), Id("d")).Op(":=").Range().Add(e.f("defers"))).Block(Defer().Id("d").Call())
			b.Add(e.f("defers").Op("=").Nil())
		}
		b.If(Id("p").Op("!=").Nil()).Block(Panic(Id("p")))
		b.Return(e.rt("Yield").Values())
	})
	g.Func().Add(e.recv()).Id("settle").Params().Block(
		If(Id("p").Op(":=").Recover(), Id("p").Op("!=").Nil()).Block(
			e.f("fail").Call(e.rt("FailureOf").Call(Id("p"))),
		),
	)
}

// stopAll stops the range-over-func iterators still running, innermost first.
func (e *emitter) stopAll(b *Group) {
	for i := len(e.l.stops) - 1; i >= 0; i-- {
		s := e.f(e.l.stops[i].out)
		b.If(s.Clone().Op("!=").Nil()).Block(s.Clone().Call(), s.Clone().Op("=").Nil())
	}
}

// closeMethod:
//
//	func (f *fooFrame) Close() {
//		switch f.state {
//		case -1: return
//		case 0: f.state = -1; f.err = closed; return
//		case 1, 3: f.aw.Close()
//		}
//		f.exit(nil)   // or f.state = -1 without defers
//	}
func (e *emitter) closeMethod(g *Group) {
	var cases []Code
	cases = append(cases, Case(Lit(-1)).Block(Return()))
	cases = append(cases, Case(Lit(0)).Block(
		e.f("state").Op("=").Lit(-1),
		e.f(e.errField().out).Op("=").Op("&").Add(e.rt("RuntimeError")).Values(Dict{Id("Msg"): Lit("rt: coroutine closed")}),
		Return(),
	))
	for _, a := range e.l.awaits {
		var states []Code
		for _, s := range a.susps {
			states = append(states, Lit(s.state))
		}
		cases = append(cases, Case(states...).Block(e.f(a.name).Dot("Close").Call()))
	}
	g.Func().Add(e.recv()).Id("Close").Params().BlockFunc(func(b *Group) {
		b.Switch(e.f("state")).Block(cases...)
		if e.hasExit() {
			b.Add(e.f("exit").Call(Nil()))
		} else {
			b.Add(e.f("state").Op("=").Lit(-1))
		}
	})
}

// result:
//
//	func (f *fooFrame) Result() (T, error) {
//		if f.state != -1 { return zero, &rt.InvalidStateError{...} }
//		return f.res, f.err
//	}
func (e *emitter) result(g *Group) {
	val := Code(e.rt("Void").Values())
	if v := e.valField(); v != nil {
		val = e.f(v.out)
	}
	g.Func().Add(e.recv()).Id("Result").Params().Params(Id("v").Add(e.resultType()), Id("err").Error()).Block(
		If(e.f("state").Op("!=").Lit(-1)).Block(
			Id("err").Op("=").Op("&").Add(e.rt("InvalidStateError")).Values(Dict{Id("Msg"): Lit("coroutine has not finished")}),
			Return(),
		),
		Return(val, e.f(e.errField().out)),
	)
}

// awaitStack:
//
//	case N: return f.aw.AwaitStack(append(buf, rt.StackFrame{Func: "pkg.foo", File: "x.go", Line: 12}))
func (e *emitter) awaitStack(g *Group) {
	var cases []Code
	name := funcName(e.l.t)
	for _, s := range e.l.suspensions {
		p := e.r.fset.Position(s.pos)
		cases = append(cases, Case(Lit(s.state)).Block(Return(e.f(s.aw.name).Dot("AwaitStack").Call(
			Append(Id("buf"), e.rt("StackFrame").Values(Id("Func").Op(":").Lit(name), Id("File").Op(":").Lit(p.Filename), Id("Line").Op(":").Lit(p.Line)))))))
	}
	g.Func().Add(e.recv()).Id("AwaitStack").Params(Id("buf").Index().Add(e.rt("StackFrame"))).Index().Add(e.rt("StackFrame")).BlockFunc(func(b *Group) {
		if len(cases) > 0 {
			b.Switch(e.f("state")).Block(cases...)
		}
		b.Return(Id("buf"))
	})
}

// funcName is the template's name as runtime.Func reports it:
// path.f or path.(*T).m.
func funcName(t *template) string {
	name := t.decl.Name.Name
	if r := t.sig.Recv(); r != nil {
		rt := r.Type()
		ptr := false
		if p, ok := rt.(*types.Pointer); ok {
			rt, ptr = p.Elem(), true
		}
		tn := ""
		if n, ok := types.Unalias(rt).(*types.Named); ok {
			tn = n.Obj().Name()
		}
		if ptr {
			name = "(*" + tn + ")." + name
		} else {
			name = tn + "." + name
		}
	}
	return t.pkg.PkgPath + "." + name
}

// typeParams returns the type parameter list and argument list of the
// frame: the template's own, or its receiver's.
func (e *emitter) typeParams() (string, string) {
	sig := e.l.t.sig
	tps := sig.TypeParams()
	if sig.RecvTypeParams().Len() > 0 {
		tps = sig.RecvTypeParams()
	}
	if tps.Len() == 0 {
		return "", ""
	}
	var decl, args []string
	for i := 0; i < tps.Len(); i++ {
		tp := tps.At(i)
		decl = append(decl, tp.Obj().Name()+" "+e.r.typeString(tp.Constraint()))
		args = append(args, tp.Obj().Name())
	}
	return "[" + strings.Join(decl, ", ") + "]", "[" + strings.Join(args, ", ") + "]"
}

var _ = ast.NewIdent
