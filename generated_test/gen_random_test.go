package generated_test

import (
	"fmt"
	"go/format"
	"math/rand"
	"strings"
)

// A generator of random coroutine templates for the differential test: nested
// loops, ifs, switches, defers, closures, early returns, panics and failed
// awaits, with awaits in random expression positions and every side effect
// written to a trace. Every program terminates (loops are bounded, calls only
// go to lower-numbered leaf templates) and never depends on map order or
// timing, so the generated and reference builds must print the same traces.

// randomHelpers is the fixed part of a random program: the trace, the
// awaitables and the main that runs every template and prints its outcome.
const randomHelpers = `package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

type env struct {
	l  *rt.Loop
	tr []string
}

func (e *env) add(format string, args ...any) { e.tr = append(e.tr, fmt.Sprintf(format, args...)) }

// av logs tag and completes later with v.
func (e *env) av(tag string, v int) *rt.Future[int] {
	e.add("%s", tag)
	f := rt.NewFuture[int](e.l)
	e.l.CallSoon(func() { f.SetResult(v) })
	return f
}

// ab is av for bools.
func (e *env) ab(tag string, v bool) *rt.Future[bool] {
	e.add("%s", tag)
	f := rt.NewFuture[bool](e.l)
	e.l.CallSoon(func() { f.SetResult(v) })
	return f
}

// rd is already done.
func (e *env) rd(v int) *rt.Future[int] {
	f := rt.NewFuture[int](e.l)
	f.SetResult(v)
	return f
}

// fail fails later.
func (e *env) fail(msg string) *rt.Future[int] {
	f := rt.NewFuture[int](e.l)
	e.l.CallSoon(func() { f.SetException(errors.New(msg)) })
	return f
}

func (e *env) sl(ms int) rt.Coro[rt.Void] { return rt.Sleep(time.Duration(ms) * time.Millisecond) }

func (e *env) v(tag string, x int) int {
	e.add("%s", tag)
	return x
}

func (e *env) b(tag string, x bool) bool {
	e.add("%s", tag)
	return x
}

func (e *env) fn(tag string) func(int) int {
	e.add("%s", tag)
	return func(x int) int { e.add("%s(%d)", tag, x); return x + 1 }
}

// seq yields 0..n-1 and never reveals how it was stopped.
func (e *env) seq(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// seqlog is seq logging how it ends: stopped by its loop (break, return,
// goto) or unwound by a panic (only its deferred "end").
func (e *env) seqlog(tag string, n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		defer e.add("%s end", tag)
		for i := range n {
			if !yield(i) {
				e.add("%s stopped", tag)
				return
			}
		}
	}
}

// ch logs tag and returns c: when a select operand is evaluated.
func (e *env) ch(tag string, c chan int) chan int {
	e.add("%s", tag)
	return c
}

// setch points *p at q once its arguments are evaluated and returns x: an
// operand that changes a variable an earlier operand read.
func (e *env) setch(p *chan int, q chan int, x int) int {
	*p = q
	return x
}

func run(name string, mk func(e *env) rt.Coro[int]) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		panic(err)
	}
	e := &env{l: l}
	task := rt.CreateTask(l, mk(e))
	l.RunUntilComplete(task)
	res, err := task.Result()
	msg := "<nil>"
	if err != nil {
		msg = err.Error()
	}
	fmt.Fprintf(os.Stdout, "%s: res=%d err=%s t=%v trace=%s\n", name, res, msg, l.Time(), strings.Join(e.tr, "; "))
	l.Close()
}
`

// rgen writes one random program.
type rgen struct {
	r      *rand.Rand
	b      strings.Builder
	fn     int // the template being written
	ntag   int
	nvar   int
	scope  [][]string // variables readable in each open block, innermost last
	fixed  map[string]bool
	loops  []*rloop
	depth  int
	stmts  int  // statements left in this template
	leaf   bool // the template may not call others
	leafs  int  // templates 0..leafs-1 are leaves
	lit    int  // > 0 inside a func literal, where no await may go
	ngoto  int
	picked *rjump // pickJump's choice
}

type rloop struct {
	label  string
	used   bool
	jump   *rjump // a goto target around this loop, if any
	fn     bool   // a range over a func iterator
	exited bool   // an exit statement was written into its body
}

// rjump is a label just before (back) or just after a loop, which gotos in
// the loop's body may jump to; a backward one is guarded by a counter.
type rjump struct {
	label   string
	back    bool
	counter string
	used    bool
}

func (g *rgen) p(format string, args ...any) { fmt.Fprintf(&g.b, format, args...) }

func (g *rgen) tag(prefix string) string {
	g.ntag++
	return fmt.Sprintf("%s%d.%d", prefix, g.fn, g.ntag)
}

func (g *rgen) n(k int) int { return g.r.Intn(k) }

func (g *rgen) vars() []string {
	var out []string
	for _, s := range g.scope {
		out = append(out, s...)
	}
	return out
}

func (g *rgen) assignable() []string {
	var out []string
	for _, v := range g.vars() {
		if !g.fixed[v] {
			out = append(out, v)
		}
	}
	return out
}

func (g *rgen) newVar(prefix string) string {
	// Sometimes shadow a visible variable instead of making a new name.
	if vs := g.vars(); len(vs) > 0 && g.n(6) == 0 && len(g.scope) > 1 {
		v := vs[g.n(len(vs))]
		if !g.inInnermost(v) && !g.fixed[v] && v != "p" {
			g.scope[len(g.scope)-1] = append(g.scope[len(g.scope)-1], v)
			return v
		}
	}
	g.nvar++
	v := fmt.Sprintf("%s%d", prefix, g.nvar)
	g.scope[len(g.scope)-1] = append(g.scope[len(g.scope)-1], v)
	return v
}

func (g *rgen) inInnermost(v string) bool {
	for _, w := range g.scope[len(g.scope)-1] {
		if w == v {
			return true
		}
	}
	return false
}

// expr returns an int expression; d bounds its nesting.
func (g *rgen) expr(d int) string {
	if d <= 0 {
		if vs := g.vars(); len(vs) > 0 && g.n(2) == 0 {
			return vs[g.n(len(vs))]
		}
		return fmt.Sprint(g.n(7))
	}
	k := g.n(14)
	if g.lit > 0 && (k >= 2 && k <= 4 || k == 10 || k == 12) {
		k = 5
	}
	switch k {
	case 0, 1:
		return g.expr(0)
	case 2, 3:
		return fmt.Sprintf("rt.Must(e.av(%q, %s))", g.tag("a"), g.expr(d-1))
	case 4:
		return fmt.Sprintf("rt.Must(e.rd(%s))", g.expr(d-1))
	case 5:
		return fmt.Sprintf("e.v(%q, %s)", g.tag("v"), g.expr(d-1))
	case 6, 7:
		op := []string{"+", "-", "*", "&", "^", "|"}[g.n(6)]
		return fmt.Sprintf("(%s %s %s)", g.expr(d-1), op, g.expr(d-1))
	case 8:
		return fmt.Sprintf("[3]int{%s, %s, %s}[(%s%%3+3)%%3]", g.expr(d-1), g.expr(d-1), g.expr(d-1), g.expr(d-1))
	case 9:
		return fmt.Sprintf("e.fn(%q)(%s)", g.tag("f"), g.expr(d-1))
	case 10:
		if !g.leaf && g.leafs > 0 {
			return fmt.Sprintf("rt.Must(r%dAsync(e, %s))", g.n(g.leafs), g.expr(d-1))
		}
		return g.expr(d - 1)
	case 11:
		g.lit++
		defer func() { g.lit-- }()
		return fmt.Sprintf("func() int { if %s { return %s }; return %s }()", g.cond(d-1), g.expr(0), g.expr(0))
	case 12:
		if g.n(8) == 0 {
			return fmt.Sprintf("rt.Must(e.fail(%q))", g.tag("F"))
		}
		return fmt.Sprintf("len([]int{%s, %s})", g.expr(d-1), g.expr(d-1))
	default:
		return fmt.Sprintf("int(int8(%s))", g.expr(d-1))
	}
}

// cond returns a bool expression.
func (g *rgen) cond(d int) string {
	if d <= 0 {
		return fmt.Sprintf("%s %s %s", g.expr(0), []string{"<", ">", "==", "!=", "<="}[g.n(5)], g.expr(0))
	}
	k := g.n(6)
	if g.lit > 0 && k == 2 {
		k = 3
	}
	switch k {
	case 0:
		return fmt.Sprintf("(%s && %s)", g.cond(d-1), g.cond(d-1))
	case 1:
		return fmt.Sprintf("(%s || %s)", g.cond(d-1), g.cond(d-1))
	case 2:
		return fmt.Sprintf("rt.Must(e.ab(%q, %s))", g.tag("b"), g.cond(d-1))
	case 3:
		return fmt.Sprintf("e.b(%q, %s)", g.tag("c"), g.cond(d-1))
	default:
		return fmt.Sprintf("%s %s %s", g.expr(d), []string{"<", ">", "==", "!=", ">="}[g.n(5)], g.expr(d-1))
	}
}

// block writes { stmts } with the block's new variables logged at its end
// (which also keeps every variable used).
func (g *rgen) block(n int, pre ...string) {
	g.p("{\n")
	g.scope = append(g.scope, append([]string(nil), pre...))
	for range n {
		if g.stmts <= 0 {
			break
		}
		g.stmt()
	}
	if vs := g.scope[len(g.scope)-1]; len(vs) > 0 {
		g.p("e.add(%q", g.tag("end")+strings.Repeat(" %d", len(vs)))
		for _, v := range vs {
			g.p(", %s", v)
		}
		g.p(")\n")
	}
	g.scope = g.scope[:len(g.scope)-1]
	g.p("}")
}

func (g *rgen) body() int { return 1 + g.n(3) }

func (g *rgen) stmt() {
	g.stmts--
	deep := g.depth >= 3
	if lp := g.innerLoop(); lp != nil && lp.fn && !lp.exited && g.n(2) == 0 {
		// Leaving a range over a func (issue 9 class 2) in every
		// way, from any depth: the iterator must be finished before
		// control reaches the target.
		lp.exited = true
		g.leaveLoop()
		return
	}
	switch k := g.n(20); {
	case k < 3:
		x := g.expr(2)
		g.p("%s := %s\n", g.newVar("x"), x)
	case k < 5:
		if vs := g.assignable(); len(vs) > 0 {
			op := []string{"=", "+=", "-=", "^=", "*="}[g.n(5)]
			g.p("%s %s %s\n", vs[g.n(len(vs))], op, g.expr(2))
		} else {
			g.p("e.add(%q, %s)\n", g.tag("s")+" %d", g.expr(2))
		}
	case k < 7:
		g.p("e.add(%q, %s)\n", g.tag("s")+" %d", g.expr(3))
	case k < 9 && !deep:
		g.depth++
		g.p("if %s ", g.cond(2))
		g.block(g.body())
		switch g.n(3) {
		case 0:
			g.p(" else ")
			g.block(g.body())
		case 1:
			g.p(" else if %s ", g.cond(1))
			g.block(g.body())
		}
		g.p("\n")
		g.depth--
	case k < 11 && !deep:
		g.loop()
	case k == 11 && !deep:
		g.depth++
		g.p("switch %s {\n", g.expr(2))
		nc := 1 + g.n(3)
		used := map[int]bool{}
		for c := range nc {
			v := g.n(5)
			for used[v] {
				v++
			}
			used[v] = true
			if g.n(2) == 0 {
				g.p("case %d:\n", v)
			} else {
				g.p("case e.v(%q, %d):\n", g.tag("k"), v)
			}
			g.block(g.body())
			g.p("\n")
			if c < nc-1 && g.n(4) == 0 {
				g.p("fallthrough\n")
			}
		}
		if g.n(2) == 0 {
			g.p("default:\n")
			g.block(g.body())
			g.p("\n")
		}
		g.p("}\n")
		g.depth--
	case k == 12:
		if g.n(2) == 0 {
			g.p("defer e.add(%q, %s)\n", g.tag("da")+" %d", g.expr(2))
		} else {
			g.p("defer func() { e.add(%q, res) }()\n", g.tag("dc")+" res=%d")
		}
	case k == 13 && len(g.loops) > 0 && g.n(2) == 0 && g.pickJump():
		j := g.picked
		j.used = true
		if j.back {
			g.p("if %s && %s < 2 {\n%s++\ne.add(%q)\ngoto %s\n}\n", g.cond(1), j.counter, j.counter, g.tag("gb"), j.label)
		} else {
			g.p("if %s {\ne.add(%q)\ngoto %s\n}\n", g.cond(1), g.tag("gf"), j.label)
		}
	case k == 13 && len(g.loops) > 0:
		lp := g.loops[g.n(len(g.loops))]
		kw := []string{"break", "continue"}[g.n(2)]
		target := ""
		if lp != g.loops[len(g.loops)-1] || g.n(2) == 0 {
			lp.used = true
			target = " " + lp.label
		}
		g.p("if %s {\ne.add(%q)\n%s%s\n}\n", g.cond(1), g.tag(kw[:2]), kw, target)
	case k == 14:
		if g.n(2) == 0 {
			g.p("if %s {\nreturn %s\n}\n", g.cond(1), g.expr(2))
		} else {
			g.p("if %s {\nres = %s\nreturn\n}\n", g.cond(1), g.expr(1))
		}
	case k == 15 && g.n(3) == 0:
		g.p("if %s {\npanic(%q)\n}\n", g.cond(1), g.tag("P"))
	case k == 16:
		if vs := g.vars(); len(vs) > 0 {
			v := vs[g.n(len(vs))]
			g.p("fs = append(fs, func() { e.add(%q, %s) })\n", g.tag("cl")+" %d", v)
		} else {
			g.p("fs = append(fs, func() { e.add(%q, res) })\n", g.tag("cl")+" res=%d")
		}
	case k == 17 && g.n(3) == 0 && !deep:
		g.ngoto++
		lbl := fmt.Sprintf("G%d_%d", g.fn, g.ngoto)
		g.p("if %s {\ngoto %s\n}\n", g.cond(1), lbl)
		g.depth++
		g.block(g.body())
		g.depth--
		g.p("\n%s:\ne.add(%q)\n", lbl, g.tag("g"))
	case k == 17 && g.n(2) == 0 && !deep && !g.leaf:
		g.selectOperands()
	case k == 17 && g.n(2) == 0 && !deep:
		g.depth++
		g.nvar++
		ch := fmt.Sprintf("sc%d", g.nvar)
		g.p("%s := make(chan int, 1)\n", ch)
		if g.n(3) > 0 {
			g.p("%s <- %s\n", ch, g.expr(1))
		}
		v := g.newLoopVar()
		g.p("select {\ncase %s := <-%s:\n", v, ch)
		g.fixed[v] = true
		g.block(g.body(), v)
		g.p("\ndefault:\n")
		g.block(g.body())
		g.p("\n}\n")
		g.depth--
	case k == 17 && g.n(2) == 0:
		g.p("arr[(%s%%3+3)%%3] %s %s\n", g.expr(2), []string{"=", "+=", "-="}[g.n(3)], g.expr(2))
	case k == 17:
		g.p("if _, err := rt.Await(e.fail(%q)); err != nil {\ne.add(%q, err)\n}\n", g.tag("E"), g.tag("err")+" %v")
	case k == 18 && g.n(3) == 0:
		g.labelledDecl()
	case k == 18:
		g.p("rt.Must(e.sl(%d))\ne.add(%q, e.l.Time())\n", g.n(3), g.tag("t")+" %v")
	default:
		g.p("res += %s\n", g.expr(2))
	}
}

func (g *rgen) loop() {
	g.depth++
	lp := &rloop{label: fmt.Sprintf("L%d_%d", g.fn, g.ntag)}
	g.ntag++
	if g.n(2) == 0 {
		g.ngoto++
		lp.jump = &rjump{label: fmt.Sprintf("J%d_%d", g.fn, g.ngoto), back: g.n(2) == 0}
		if lp.jump.back {
			lp.jump.counter = fmt.Sprintf("jc%d_%d", g.fn, g.ngoto)
		}
	}
	g.loops = append(g.loops, lp)
	var head strings.Builder
	var pre []string
	switch g.n(9) {
	case 5:
		i, r := g.newLoopVar(), g.newLoopVar()
		fmt.Fprintf(&head, "for %s, %s := range %q ", i, r, []string{"ab", "x\u00e9y", "\xffz"}[g.n(3)])
		pre = []string{i, r + "_"}
		g.fixed[r+"_"] = true
		head.WriteString("{\n" + r + "_ := int(" + r + ")\n")
		saved := g.b
		g.b = strings.Builder{}
		g.scope = append(g.scope, nil)
		g.block(g.body(), pre...)
		g.scope = g.scope[:len(g.scope)-1]
		body := g.b.String() + "\n}"
		g.b = saved
		g.emitLoop(lp, head.String(), body)
		return
	case 6:
		lp.fn = true
		if lp.jump == nil && g.n(3) > 0 {
			g.ngoto++
			lp.jump = &rjump{label: fmt.Sprintf("J%d_%d", g.fn, g.ngoto), back: g.n(2) == 0}
			if lp.jump.back {
				lp.jump.counter = fmt.Sprintf("jc%d_%d", g.fn, g.ngoto)
			}
		}
		v := g.newLoopVar()
		if g.n(2) == 0 {
			fmt.Fprintf(&head, "for %s := range e.seqlog(%q, %d) ", v, g.tag("sq"), 1+g.n(3))
		} else {
			fmt.Fprintf(&head, "for %s := range e.seq(%d) ", v, 1+g.n(3))
		}
		pre = []string{v}
	case 7:
		c, v := g.newLoopVar(), g.newLoopVar()
		n := 1 + g.n(3)
		fmt.Fprintf(&head, "%s := make(chan int, %d)\n", c, n)
		for k := range n {
			fmt.Fprintf(&head, "%s <- %s\n", c, g.expr(1))
			_ = k
		}
		fmt.Fprintf(&head, "close(%s)\nfor %s := range %s ", c, v, c)
		pre = []string{v}
	case 8:
		i := g.newLoopVar()
		fmt.Fprintf(&head, "for %s := range rt.Must(e.av(%q, %d)) ", i, g.tag("rn"), 1+g.n(3))
		pre = []string{i}
	case 0:
		i := g.newLoopVar()
		fmt.Fprintf(&head, "for %s := 0; %s < %d; %s++ ", i, i, 1+g.n(3), i)
		pre = []string{i}
	case 1:
		i := g.newLoopVar()
		fmt.Fprintf(&head, "for %s := range %d ", i, 1+g.n(3))
		pre = []string{i}
	case 2:
		i, x := g.newLoopVar(), g.newLoopVar()
		fmt.Fprintf(&head, "for %s, %s := range []int{%s, %s} ", i, x, g.expr(1), g.expr(1))
		pre = []string{i, x}
	case 3:
		i := g.newLoopVar()
		fmt.Fprintf(&head, "for %s := 0; %s < %d; %s += rt.Must(e.av(%q, 1)) ", i, i, 1+g.n(3), i, g.tag("post"))
		pre = []string{i}
	default:
		c := g.newLoopVar()
		fmt.Fprintf(&head, "%s := 0\nfor %s < rt.Must(e.av(%q, %d)) ", c, c, g.tag("lim"), 1+g.n(3))
		// The counter is declared outside the loop: log it after.
		g.scope[len(g.scope)-1] = append(g.scope[len(g.scope)-1], c)
		g.fixed[c] = true
		saved := g.b
		g.b = strings.Builder{}
		g.block(g.body())
		body := g.b.String()
		g.b = saved
		g.emitLoop(lp, head.String(), strings.Replace(body, "{\n", "{\n"+c+"++\n", 1))
		return
	}
	for _, v := range pre {
		g.fixed[v] = true
	}
	saved := g.b
	g.b = strings.Builder{}
	g.scope = append(g.scope, nil)
	g.block(g.body(), pre...)
	g.scope = g.scope[:len(g.scope)-1]
	body := g.b.String()
	g.b = saved
	g.emitLoop(lp, head.String(), body)
}

func (g *rgen) emitLoop(lp *rloop, head, body string) {
	g.loops = g.loops[:len(g.loops)-1]
	if lp.used {
		// The label goes on the for statement itself, after any
		// counter declaration in head.
		if i := strings.LastIndex(head, "\nfor "); i >= 0 {
			head = head[:i+1] + lp.label + ":\n" + head[i+1:]
		} else {
			head = lp.label + ":\n" + head
		}
	}
	j := lp.jump
	switch {
	case j != nil && j.used && j.back:
		// The counter is declared before the label, so jumping back
		// brings no declaration into scope.
		g.p("%s := 0\n%s:\ne.add(%q)\n%s%s\n", j.counter, j.label, g.tag("at"), head, body)
	case j != nil && j.used:
		g.p("%s%s\n%s:\ne.add(%q)\n", head, body, j.label, g.tag("at"))
	default:
		g.p("%s%s\n", head, body)
	}
	g.depth--
}

// pickJump chooses a jumpTarget into g.picked and reports whether there
// is one (jumpTarget chooses at random: it is called once).
func (g *rgen) pickJump() bool {
	g.picked = g.jumpTarget()
	return g.picked != nil
}

// jumpTarget is a goto target of an enclosing loop: the innermost loop's,
// or an outer one's.
func (g *rgen) jumpTarget() *rjump {
	for i := len(g.loops) - 1; i >= 0; i-- {
		if j := g.loops[i].jump; j != nil && (i == len(g.loops)-1 || g.n(2) == 0) {
			return j
		}
	}
	return nil
}

// selectOperands writes a select whose operands are evaluated in source
// order on entry, with awaits among them, one of which re-points a channel
// variable an earlier case reads: only the channel the variable held on
// entry may be received from.
func (g *rgen) selectOperands() {
	g.depth++
	g.nvar++
	a, b, cv, nv := fmt.Sprintf("sa%d", g.nvar), fmt.Sprintf("sb%d", g.nvar), fmt.Sprintf("cv%d", g.nvar), fmt.Sprintf("nv%d", g.nvar)
	g.p("%s, %s := make(chan int, 1), make(chan int, 1)\n", a, b)
	full := g.n(3) > 0
	if full {
		g.p("%s <- %s\n", a, g.expr(1))
	}
	g.p("%s <- 100 + %s\nvar %s chan int\n%s := %s\n", b, g.expr(1), nv, cv, a)
	v := g.newLoopVar()
	g.p("select {\ncase %s := <-%s:\n", v, cv)
	g.fixed[v] = true
	g.block(g.body(), v)
	g.p("\ncase %s <- e.setch(&%s, %s, rt.Must(e.av(%q, %s))):\n", nv, cv, b, g.tag("sv"), g.expr(1))
	g.block(g.body())
	g.p("\ncase <-e.ch(%q, %s):\n", g.tag("sc"), nv)
	g.block(g.body())
	if !full || g.n(2) == 0 {
		g.p("\ndefault:\n")
		g.block(g.body())
	}
	g.p("\n}\n_ = %s\n", cv)
	g.depth--
}

// innerLoop is the innermost loop being written, or nil.
func (g *rgen) innerLoop() *rloop {
	if len(g.loops) == 0 {
		return nil
	}
	return g.loops[len(g.loops)-1]
}

// leaveLoop writes a conditional exit from the innermost loop (a range
// over a func): a goto forward past, or back to before, an enclosing
// loop; a labelled break or continue of an enclosing loop; a plain break
// or continue; or a return.
func (g *rgen) leaveLoop() {
	var jumps []*rjump
	for _, lp := range g.loops {
		if lp.jump != nil {
			jumps = append(jumps, lp.jump)
		}
	}
	cond := g.cond(1)
	switch k := g.n(6); {
	case k < 2 && len(jumps) > 0:
		j := jumps[g.n(len(jumps))]
		j.used = true
		if j.back {
			g.p("if %s && %s < 2 {\n%s++\ne.add(%q)\ngoto %s\n}\n", cond, j.counter, j.counter, g.tag("gb"), j.label)
		} else {
			g.p("if %s {\ne.add(%q)\ngoto %s\n}\n", cond, g.tag("gf"), j.label)
		}
	case k < 4:
		lp := g.loops[g.n(len(g.loops))]
		lp.used = true
		kw := []string{"break", "continue"}[g.n(2)]
		g.p("if %s {\ne.add(%q)\n%s %s\n}\n", cond, g.tag(kw[:2]), kw, lp.label)
	case k == 4:
		kw := []string{"break", "continue"}[g.n(2)]
		g.p("if %s {\ne.add(%q)\n%s\n}\n", cond, g.tag(kw[:2]), kw)
	default:
		g.p("if %s {\nreturn %s\n}\n", cond, g.expr(1))
	}
}

// labelledDecl writes a label on a declaration that a closure captures and
// a goto back to it after an await: each pass declares a new variable,
// which the closures of earlier passes keep.
func (g *rgen) labelledDecl() {
	g.ngoto++
	lbl, cnt := fmt.Sprintf("D%d_%d", g.fn, g.ngoto), fmt.Sprintf("dc%d_%d", g.fn, g.ngoto)
	x := g.expr(1)
	g.p("%s := 0\n", cnt)
	g.p("%s:\n", lbl)
	v := g.newVar("d")
	g.fixed[v] = true
	g.p("%s := %s\n", v, x)
	g.p("fs = append(fs, func() { e.add(%q, %s) })\n", g.tag("cl")+" %d", v)
	g.p("rt.Must(e.av(%q, %s))\n", g.tag("a"), v)
	g.p("if %s < 2 {\n%s++\ngoto %s\n}\n", cnt, cnt, lbl)
}

func (g *rgen) newLoopVar() string {
	g.nvar++
	return fmt.Sprintf("i%d", g.nvar)
}

// template writes template number fn.
func (g *rgen) template() {
	g.ntag, g.nvar, g.ngoto = 0, 0, 0
	g.scope = [][]string{{"p"}}
	g.fixed = map[string]bool{}
	g.loops = nil
	g.depth = 0
	g.stmts = 8 + g.n(25)
	if g.leaf {
		g.stmts = 3 + g.n(6)
	}
	g.p("\n//asyncgen:coroutine\nfunc r%d(e *env, p int) (res int) {\n", g.fn)
	g.p("var fs []func()\nvar arr [3]int\n")
	g.p("defer func() { e.add(%q, arr) }()\n", g.tag("arr")+" %v")
	g.p("defer func() { for _, f := range fs { f() } }()\n")
	if g.n(3) == 0 {
		g.p("defer func() {\nif r := recover(); r != nil {\ne.add(%q, r)\nres = -res\n}\n}()\n", g.tag("rec")+" %v")
	}
	for g.stmts > 0 {
		g.stmt()
	}
	if vs := g.scope[0]; len(vs) > 0 {
		g.p("e.add(%q", g.tag("end")+strings.Repeat(" %d", len(vs)))
		for _, v := range vs {
			g.p(", %s", v)
		}
		g.p(")\n")
	}
	g.p("return %s\n}\n", g.expr(2))
}

// randomProgram returns the files of a main package with n random
// templates r0..r(n-1) and a main that runs them all in order.
func randomProgram(seed int64, n int) map[string]string {
	g := &rgen{r: rand.New(rand.NewSource(seed))}
	g.leafs = min(3, n)
	g.p("package main\n\nimport \"github.com/asyncgen/asyncgen/rt\"\n")
	for i := range n {
		g.fn = i
		g.leaf = i < g.leafs
		g.template()
	}
	prog := g.b.String()
	if src, err := format.Source([]byte(prog)); err == nil {
		prog = string(src)
	}
	var m strings.Builder
	m.WriteString("package main\n\nimport \"github.com/asyncgen/asyncgen/rt\"\n\nfunc main() {\n")
	for i := range n {
		fmt.Fprintf(&m, "\trun(%q, func(e *env) rt.Coro[int] { return r%dAsync(e, %d) })\n", fmt.Sprintf("r%d", i), i, i%5)
	}
	m.WriteString("}\n")
	return map[string]string{"helpers.go": randomHelpers, "prog.go": prog, "main.go": m.String()}
}

// templateSource returns the source of template name in prog, for reports.
func templateSource(prog, name string) string {
	start := strings.Index(prog, "func "+name+"(")
	if start < 0 {
		return ""
	}
	end := strings.Index(prog[start:], "\n}\n")
	if end < 0 {
		return prog[start:]
	}
	return prog[start : start+end+3]
}
