package gen

import (
	"go/types"
	"strings"

	. "github.com/dave/jennifer/jen"
)

// emitter writes the declarations of one template with jennifer: the
// constructor, the frame struct and its methods. Bodies of template code
// come from the renderer as text. The frame embeds rtimpl.Frame, which holds
// the resume point and the outcome and supplies Result, Close and the
// verbs the generated code uses (Finish, Fail, Catch, Stack); only what is
// particular to the template is generated.
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

// impl is a name of rt/rtimpl, the runtime support only generated code uses.
func (e *emitter) impl(name string) *Statement { return Qual(rtimplPath, name) }

// q is an rt name as text, for the declarations written as text so that
// gofmt keeps them on one line.
func (e *emitter) q(name string) string {
	if p := e.l.imp.usePath(rtPath, "rt"); p != "" {
		return p + "." + name
	}
	return name
}

// recv is the receiver of the frame's methods: f *fooFrame[T].
func (e *emitter) recv() *Statement {
	return Params(Id(e.l.nm.recv).Op("*").Id(e.frame + e.targs))
}

func (e *emitter) recvText() string { return "(" + e.l.nm.recv + " *" + e.frame + e.targs + ")" }

func (e *emitter) f(field string) *Statement { return Id(e.l.nm.recv).Dot(field) }

// resultType is T of rt.Coro[T], as text.
func (e *emitter) resultType() string {
	if e.l.t.val == nil {
		return e.q("Void")
	}
	return e.r.typeString(unaliasLocal(e.l.t.val))
}

// hasExit reports whether leaving the template runs code of its own: the
// deferred calls, the stops of range-over-func loops.
func (e *emitter) hasExit() bool { return e.l.hasDefer || e.l.hasPull || e.l.hasAsyncRange }

// decls appends everything generated for the template to g.
func (e *emitter) decls(g *Group) {
	// The frame type first: gofmt's blank line after it is the one that
	// also precedes the constructor's doc comment.
	e.frameStruct(g)
	e.constructor(g)
	e.sendThrow(g)
	e.step(g)
	if e.hasExit() {
		e.exitMethods(g)
	}
	e.closeMethod(g)
	e.awaitStack(g)
}

// constructor (rtimpl.New returns the frame, or in reference mode the
// template run as written; the mode not built compiles away):
//
//	// fooAsync is foo as a coroutine (see asyncgen).
//	func fooAsync(a int) rt.Coro[T] {
//		return rtimpl.New(&fooFrame{a: a}, func() (T, error) { return foo(a) })
//	}
func (e *emitter) constructor(g *Group) {
	t := e.l.t
	if t.outer != nil {
		e.closureConstructor(g)
		return
	}
	sig := t.sig
	var params []Code
	var args []string
	var init []Code
	taken := map[string]bool{}
	for i := 0; i < sig.Params().Len(); i++ {
		if n := sig.Params().At(i).Name(); n != "" {
			taken[n] = true
		}
	}
	nm := newNamer(taken)
	first := 0
	recv := "" // the constructor's receiver: the template's, or a fresh name for an unnamed or blank one
	if r := sig.Recv(); r != nil {
		first = 1
		recv = r.Name()
		if recv == "" || recv == "_" {
			recv = nm.fresh("recv")
		}
	}
	for i := 0; i < sig.Params().Len(); i++ {
		p := sig.Params().At(i)
		name := p.Name()
		if name == "" || name == "_" {
			name = nm.fresh("p" + itoa(i))
		}
		typ := e.r.typeString(p.Type())
		arg := name
		if sig.Variadic() && i == sig.Params().Len()-1 {
			typ = "..." + e.r.typeString(p.Type().(*types.Slice).Elem())
			arg = name + "..."
		}
		params = append(params, Id(name).Id(typ))
		args = append(args, arg)
		if v := e.l.params[first+i]; v != nil {
			init = append(init, Id(v.out).Op(":").Id(name))
		}
	}
	call := t.decl.Name.Name + e.targs + "(" + strings.Join(args, ", ") + ")"
	if sig.Recv() != nil {
		if v := e.l.params[0]; v != nil {
			init = append([]Code{Id(v.out).Op(":").Id(recv)}, init...)
		}
		call = recv + "." + t.decl.Name.Name + "(" + strings.Join(args, ", ") + ")"
	}
	void := e.q("Void") + "{}"
	var adapt string
	switch t.kind {
	case resNone:
		adapt = call + "; return " + void + ", nil"
	case resErr:
		adapt = "return " + void + ", " + call
	case resVal:
		adapt = "return " + call + ", nil"
	case resValErr:
		adapt = "return " + call
	}
	g.Commentf("%s is %s as a coroutine (see asyncgen).", e.ctor, t.decl.Name.Name)
	fn := Func()
	if r := sig.Recv(); r != nil {
		fn = fn.Params(Id(recv).Id(e.r.typeString(r.Type())))
	}
	ctorTps := e.tps
	if sig.Recv() != nil {
		ctorTps = "" // the receiver's type parameters are in scope
	}
	g.Add(fn.Id(e.ctor + ctorTps).Params(params...).Add(e.rt("Coro").Types(Id(e.resultType()))).Block(
		Return(e.impl("New").Call(
			Op("&").Id(e.frame+e.targs).Values(init...),
			Id("func() ("+e.resultType()+", error) { "+adapt+" }"),
		)),
	))
}

// closureConstructor is the constructor of a coroutine literal: it takes
// the addresses of the variables the literal captures. Only the enclosing
// template's generated frame calls it; in reference mode the enclosing
// template runs as written and rt.Async runs the literal itself.
//
//	func fooFunc1Async(x *int) rt.Coro[T] { return &fooFunc1Frame{x: x} }
func (e *emitter) closureConstructor(g *Group) {
	t := e.l.t
	nm := newNamer()
	var params, init []Code
	for i, c := range t.captures {
		name := nm.fresh(c.Name())
		params = append(params, Id(name).Id("*"+e.r.typeString(unaliasLocal(c.Type()))))
		init = append(init, Id(e.l.params[i].out).Op(":").Id(name))
	}
	g.Commentf("%s is the func literal at %s as a coroutine (see asyncgen).", e.ctor, e.litPos())
	g.Add(Func().Id(e.ctor + e.tps).Params(params...).Add(e.rt("Coro").Types(Id(e.resultType()))).Block(
		Return(Op("&").Id(e.frame + e.targs).Values(init...)),
	))
}

// litPos is where a coroutine literal is, as file:line relative to the
// module (deterministic, like the stack traces).
func (e *emitter) litPos() string {
	p := e.l.t.pkg.Fset.Position(e.l.t.lit.Pos())
	return e.l.stackFile(p.Filename) + ":" + itoa(p.Line)
}

// frameStruct (a frame that awaits embeds rtimpl.AwaitFrame, whose Aw is
// the Awaiting of the first type awaited; consecutive fields of one type
// share a line):
//
//	type fooFrame struct {
//		rtimpl.AwaitFrame[T, U]
//		a, b int // parameters, and the variables live across awaits
//		aw1  rt.Awaiting[V]
//	}
func (e *emitter) frameStruct(g *Group) {
	fields := []Code{e.impl("Frame").Types(Id(e.resultType()))}
	awaits := e.l.awaits
	if len(awaits) > 0 {
		// The first Awaiting is rtimpl.AwaitFrame's Aw.
		fields[0] = e.impl("AwaitFrame").Types(Id(e.resultType()), Id(e.r.typeString(unaliasLocal(awaits[0].typ))))
		awaits = awaits[1:]
	}
	// Consecutive fields of one type share a line, as the step-locals
	// do; the order, and so the layout, stays the template's.
	var names []Code
	last := ""
	flush := func() {
		if len(names) > 0 {
			fields = append(fields, List(names...).Id(last))
		}
		names = nil
	}
	for _, v := range e.l.varList {
		if !v.field || v.frame || v.kind == kConst {
			continue
		}
		typ := e.r.typeString(unaliasLocal(v.typ))
		if v.cell {
			typ = "*" + typ
		}
		if typ != last {
			flush()
			last = typ
		}
		names = append(names, Id(v.out))
	}
	flush()
	for _, a := range awaits {
		fields = append(fields, Id(a.name).Add(e.rt("Awaiting").Types(Id(e.r.typeString(unaliasLocal(a.typ))))))
	}
	if e.l.deferChain {
		fields = append(fields, Id("defers").Index().Func().Params(Func().Params()))
	} else if e.l.hasDefer {
		fields = append(fields, Id("defers").Index().Func().Params())
	}
	if e.l.hasPull {
		fields = append(fields, Id("inject").Add(e.impl("RangeInject")))
	}
	if t := e.l.t; t.outer != nil {
		g.Commentf("%s is the state of a suspended coroutine literal of %s (%s).", e.frame, t.root().decl.Name.Name, e.litPos())
	} else {
		g.Commentf("%s is the state of a suspended %s.", e.frame, t.decl.Name.Name)
	}
	g.Type().Id(e.frame + e.tps).Struct(fields...)
}

// sendThrow (the deferred Catch turns a panic into the coroutine's
// failure; catch, when the template defers, runs the defers first):
//
//	func (f *fooFrame) Send(c *rt.Ctx) rt.Yield             { defer f.Catch(); return f.step(c, nil) }
//	func (f *fooFrame) Throw(c *rt.Ctx, err error) rt.Yield { defer f.Catch(); return f.step(c, err) }
func (e *emitter) sendThrow(g *Group) {
	catch := "Catch"
	if e.hasExit() {
		catch = "catch"
	}
	c, f := e.l.nm.ctx, e.l.nm.recv
	head := "func " + e.recvText()
	ctx := c + " *" + e.q("Ctx")
	yield := e.q("Yield")
	g.Id(head + " Send(" + ctx + ") " + yield + " { defer " + f + "." + catch + "(); return " + f + ".step(" + c + ", nil) }")
	g.Id(head + " Throw(" + ctx + ", err error) " + yield + " { defer " + f + "." + catch + "(); return " + f + ".step(" + c + ", err) }")
}

// step is the state machine: a jump table to the resume labels, then the
// flat body, where each resume label is followed by the Step that
// continues the await (see suspend).
//
//	switch f.Enter(thrown) {
//	case 1:
//		goto resume1
//	case rt.FrameDone:
//		return rt.Yield{}
//	}
func (e *emitter) step(g *Group) {
	nm := e.l.nm
	var cases []Code
	for _, s := range e.l.suspensions {
		cases = append(cases, Case(Lit(s.state)).Block(Goto().Id(s.label)))
	}
	cases = append(cases, Case(e.impl("FrameDone")).Block(Return(e.rt("Yield").Values())))
	// Step-locals, one declaration per type.
	var order []string
	byType := map[string][]Code{}
	for _, v := range e.l.varList {
		if v.field || v.kind != kVar {
			continue
		}
		typ := e.r.typeString(v.typ)
		if v.cell {
			typ = "*" + typ
		}
		if byType[typ] == nil {
			order = append(order, typ)
		}
		byType[typ] = append(byType[typ], Id(v.out))
	}
	var hoisted []Code
	for _, d := range e.l.hoisted {
		hoisted = append(hoisted, Id(e.r.print(copyNode(d, e.r.node))))
	}
	g.Func().Add(e.recv()).Id("step").Params(Id(nm.ctx).Op("*").Add(e.rt("Ctx")), Id(nm.thrown).Error()).Add(e.rt("Yield")).BlockFunc(func(b *Group) {
		for _, h := range hoisted {
			b.Add(h)
		}
		for _, typ := range order {
			b.Var().List(byType[typ]...).Id(typ)
		}
		b.Switch(e.f("Enter").Call(Id(nm.thrown))).Block(cases...)
		b.Id(strings.TrimSuffix(e.body, "\n"))
		b.Id(restoreMarker)
	})
}

// exitMethods are the ways out of a template that defers or ranges over a
// function: the pending deferred calls run as real deferred calls, with
// the panic that leaves the body (nil if none) raised among them, so that
// recover() sees it as in the template; settle then records the outcome.
//
//	func (f *fooFrame) catch() { if p := recover(); p != nil { f.exit(p) } }
//	func (f *fooFrame) done(r0 T, r1 error) rt.Yield { f.Res, f.Err = r0, r1; return f.exit(nil) }
//	func (f *fooFrame) exit(p any) rt.Yield {
//		f.State = rtimpl.FrameDone
//		defer f.settle()
//		for _, d := range f.defers { defer d() }
//		f.defers = nil
//		defer f.inject.Leave(&f.stop, func() { f.next() })  // per range-over-func loop, inner last
//		defer f.it.Abandon()                          // per loop over an async iterator
//		if p != nil { panic(p) }
//		return rt.Yield{}
//	}
//	func (f *fooFrame) settle() {
//		switch p := recover(); p {
//		case nil:                   f.Finish(f.Res, f.Err)
//		case rt.ErrCoroutineClosed: f.Finish(zero, rt.ErrCoroutineClosed)
//		default:                    f.Finish(zero, rt.FailureOf(p))
//		}
//	}
func (e *emitter) exitMethods(g *Group) {
	t := e.l.t
	g.Func().Add(e.recv()).Id("catch").Params().Block(
		If(Id("p").Op(":=").Recover(), Id("p").Op("!=").Nil()).Block(e.f("exit").Call(Id("p"))),
	)
	if len(e.l.results) > 0 {
		var params, assignL, assignR []Code
		for i, v := range e.l.results {
			name := "r" + itoa(i)
			params = append(params, Id(name).Id(e.r.typeString(t.sig.Results().At(i).Type())))
			assignL = append(assignL, e.f(v.out))
			assignR = append(assignR, Id(name))
		}
		g.Func().Add(e.recv()).Id("done").Params(params...).Add(e.rt("Yield")).Block(
			List(assignL...).Op("=").List(assignR...),
			Return(e.f("exit").Call(Nil())),
		)
	}
	leave := func(b *Group) {
		for _, s := range e.l.pulls {
			if s.next == nil {
				// A loop over an async iterator: nothing can await
				// here, so a panic abandons it (a return closed it).
				b.Defer().Add(e.f(s.stop.out)).Dot("Abandon").Call()
				continue
			}
			b.Defer().Add(e.f("inject")).Dot("Leave").Call(Op("&").Add(e.f(s.stop.out)), Func().Params().Block(e.f(s.next.out).Call()))
		}
	}
	g.Func().Add(e.recv()).Id("exit").Params(Id("p").Any()).Add(e.rt("Yield")).BlockFunc(func(b *Group) {
		b.Add(e.f("State").Op("=").Add(e.impl("FrameDone")))
		b.Defer().Add(e.f("settle").Call())
		if e.l.deferChain {
			b.Add(e.f("unwind").Call(Id("p")))
		} else {
			if e.l.hasDefer {
				b.For(List(Id("_"), Id("d")).Op(":=").Range().Add(e.f("defers"))).Block(Defer().Id("d").Call())
				b.Add(e.f("defers").Op("=").Nil())
			}
			leave(b)
			b.If(Id("p").Op("!=").Nil()).Block(Panic(Id("p")))
		}
		b.Return(e.rt("Yield").Values())
	})
	if e.l.deferChain {
		// Each entry defers its call, then runs the rest of the stack:
		// the first entry's call runs last, and p panics through all.
		g.Func().Add(e.recv()).Id("unwind").Params(Id("p").Any()).Block(
			If(Len(e.f("defers")).Op("==").Lit(0)).BlockFunc(func(b *Group) {
				leave(b)
				b.If(Id("p").Op("!=").Nil()).Block(Panic(Id("p")))
				b.Return()
			}),
			Id("d").Op(":=").Add(e.f("defers")).Index(Lit(0)),
			e.f("defers").Op("=").Add(e.f("defers")).Index(Lit(1), Empty()),
			Id("d(func() { "+e.l.nm.recv+".unwind(p) })"),
		)
	}
	if e.l.usesLater {
		// later makes a call without arguments an entry of the stack.
		g.Func().Add(e.recv()).Id("later").Params(Id("fn").Func().Params()).Func().Params(Func().Params()).Block(
			Return(Id("func(next func()) { defer fn(); next() }")),
		)
	}
	var vals []Code
	for _, v := range e.l.results {
		vals = append(vals, e.f(v.out))
	}
	switch t.kind {
	case resNone:
		vals = []Code{e.rt("Void").Values(), Nil()}
	case resErr:
		vals = append([]Code{e.rt("Void").Values()}, vals...)
	case resVal:
		vals = append(vals, Nil())
	}
	failed := func(err Code) Code {
		if t.val == nil {
			return e.f("Fail").Call(err)
		}
		return e.f("Finish").Call(Id(e.r.zero(t.val)), err)
	}
	g.Func().Add(e.recv()).Id("settle").Params().Block(
		Switch(Id("p").Op(":=").Recover(), Id("p")).Block(
			Case(Nil()).Block(e.f("Finish").Call(vals...)),
			Case(e.rt("ErrCoroutineClosed")).Block(failed(e.rt("ErrCoroutineClosed"))),
			Default().Block(failed(e.rt("FailureOf").Call(Id("p")))),
		),
	)
}

// closeMethod closes the awaited coroutines, then, when the template
// defers, unwinds its defers with rt.ErrCoroutineClosed panicking through
// them, as the reference driver does; rtimpl.Frame's Close finishes the
// rest. A frame that awaits one type and does not defer has
// rtimpl.AwaitFrame's Close (one that awaits nothing, rtimpl.Frame's):
//
//	func (f *fooFrame) Close() { f.Aw.Close(); f.aw1.Close(); f.Frame.Close() }
//
//	func (f *fooFrame) Close() {
//		f.Aw.Close()
//		if f.State > 0 { f.exit(rt.ErrCoroutineClosed) }
//		f.Frame.Close()
//	}
func (e *emitter) closeMethod(g *Group) {
	if len(e.l.awaits) <= 1 && !e.hasExit() {
		return // rtimpl.Frame's or rtimpl.AwaitFrame's Close
	}
	if !e.hasExit() {
		var calls []string
		for _, a := range e.l.awaits {
			calls = append(calls, e.l.nm.recv+"."+a.name+".Close()")
		}
		g.Id("func " + e.recvText() + " Close() { " + strings.Join(calls, "; ") + "; " + e.l.nm.recv + ".Frame.Close() }")
		return
	}
	g.Func().Add(e.recv()).Id("Close").Params().BlockFunc(func(b *Group) {
		for _, a := range e.l.awaits {
			b.Add(e.f(a.name).Dot("Close").Call())
		}
		b.If(e.f("State").Op(">").Lit(0)).Block(e.f("exit").Call(e.rt("ErrCoroutineClosed")))
		b.Add(e.f("Frame").Dot("Close").Call())
	})
}

// awaitStack reports where the frame is suspended, then what it awaits:
//
//	func (f *fooFrame) AwaitStack(buf []rt.StackFrame) []rt.StackFrame {
//		return f.Aw.AwaitStack(f.Stack(buf, "pkg.foo", "dir/x.go", 12, 15))
//	}
//
// The positions are the ones //line directives give, as the runtime
// reports them in reference mode; when the awaits are in more than one
// file (a directive inside the template), the file is picked by state:
//
//	file := "dir/x.go"
//	switch f.State {
//	case 2:
//		file = "dir/x.y"
//	}
func (e *emitter) awaitStack(g *Group) {
	if len(e.l.suspensions) == 0 {
		return
	}
	var files []string            // in order of first appearance
	states := map[string][]Code{} // the states suspended in each file
	lines := []Code{}
	for _, s := range e.l.suspensions {
		p := e.l.t.pkg.Fset.Position(s.pos)
		file := e.l.stackFile(p.Filename)
		if states[file] == nil {
			files = append(files, file)
		}
		states[file] = append(states[file], Lit(s.state))
		lines = append(lines, Lit(p.Line))
	}
	var body []Code
	var file Code = Lit(files[0])
	if len(files) > 1 {
		file = Id("file")
		body = append(body, Id("file").Op(":=").Lit(files[0]), Switch(e.f("State")).BlockFunc(func(sw *Group) {
			for _, name := range files[1:] {
				sw.Case(states[name]...).Id("file").Op("=").Lit(name)
			}
		}))
	}
	args := append([]Code{Id("buf"), Lit(funcName(e.l.t)), file}, lines...)
	ret := e.f("Stack").Call(args...)
	for _, a := range e.l.awaits {
		ret = e.f(a.name).Dot("AwaitStack").Call(ret)
	}
	body = append(body, Return(ret))
	g.Func().Add(e.recv()).Id("AwaitStack").Params(Id("buf").Index().Add(e.rt("StackFrame"))).Index().Add(e.rt("StackFrame")).Block(body...)
}

// funcName is the template's name as runtime.Func reports it:
// path.f or path.(*T).m.
func funcName(t *template) string {
	if t.funcName != "" {
		return t.funcName
	}
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
	if t.pkg.Name == "main" {
		return "main." + name // the runtime names a command's functions main.f
	}
	return t.pkg.PkgPath + "." + name
}

// typeParams returns the type parameter list and argument list of the
// frame: the template's own, or its receiver's.
func (e *emitter) typeParams() (string, string) {
	// A coroutine literal's frame is generic over its template's.
	tps, targs := typeParamNames(e.l.t.root().sig)
	if tps.Len() == 0 {
		return "", ""
	}
	var decl []string
	for i := 0; i < tps.Len(); i++ {
		tp := tps.At(i)
		decl = append(decl, tp.Obj().Name()+" "+e.r.typeString(tp.Constraint()))
	}
	return "[" + strings.Join(decl, ", ") + "]", targs
}
