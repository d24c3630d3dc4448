package generated_test

import (
	"fmt"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates with the one-result form in every expression position. The
// V/AV helpers log when they are called, so the trace shows Go's evaluation
// order: calls in lexical left-to-right order, arguments before the call,
// the function value before the arguments.

// exprCallArgs awaits in call arguments and operands, with the function
// value itself computed by a call that must run first.
//
//asyncgen:coroutine
func exprCallArgs(e *Env) int {
	x := e.Fn("f")(rt.Must(e.AV("a", 1)) + e.V("b", 2)*rt.Must(e.AV("c", 3)))
	e.Add("x=%d", x)
	return x
}

// exprNested nests awaits three deep inside one expression.
//
//asyncgen:coroutine
func exprNested(e *Env) int {
	return rt.Must(e.AV("outer", rt.Must(e.AV("mid", rt.Must(e.AV("inner", 1))+1))*10)) + e.V("tail", 5)
}

type point struct{ X, Y int }

// exprComposite awaits in composite literals, index and slice expressions
// and conversions.
//
//asyncgen:coroutine
func exprComposite(e *Env) string {
	p := point{X: rt.Must(e.AV("x", 1)), Y: e.V("y", 2)}
	s := []int{e.V("s0", 10), rt.Must(e.AV("s1", 20)), 30}
	m := map[string]int{"k": rt.Must(e.AV("m", 5))}
	arr := [...]int{rt.Must(e.AV("arr", 7)), 8}
	v := s[rt.Must(e.AV("idx", 1))]
	sub := s[rt.Must(e.AV("lo", 1)):rt.Must(e.AV("hi", 3))]
	f := float64(rt.Must(e.AV("conv", 3))) / 2
	str := string(rune(rt.Must(e.AV("rune", 65))))
	pp := &point{rt.Must(e.AV("px", 3)), 4}
	return fmt.Sprintf("%v %v %v %v %v %v %v %s %v", p, s, m, arr, v, sub, f, str, *pp)
}

// exprAssign awaits on both sides of assignments: op=, tuples, index
// expressions on the left, inc/dec.
//
//asyncgen:coroutine
func exprAssign(e *Env) string {
	a := []int{0, 0, 0}
	a[e.V("i", 1)] = rt.Must(e.AV("r", 5))
	x := 10
	x += rt.Must(e.AV("inc", 2))
	x *= rt.Must(e.I(3))
	a[e.V("j", 2)] += rt.Must(e.AV("add", 4))
	p, q := rt.Must(e.AV("p", 1)), rt.Must(e.AV("q", 2))
	p, q = q, p+rt.Must(e.AV("pq", 10))
	m := map[string]int{}
	m[fmt.Sprint(e.V("key", 7))], a[0] = rt.Must(e.AV("mv", 8)), e.V("a0", 9)
	a[rt.Must(e.AV("ix", 0))]++
	n, err := rt.Await(e.I(4))
	var st struct{ f [2]int }
	st.f[rt.Must(e.AV("fi", 1))] = rt.Must(e.AV("fv", 6))
	return fmt.Sprintf("a=%v x=%d p=%d q=%d m=%v n=%d err=%v st=%v", a, x, p, q, m, n, err, st)
}

// exprShortCircuit keeps && and || short-circuit when the right operand
// awaits.
//
//asyncgen:coroutine
func exprShortCircuit(e *Env) string {
	a := e.B("l1", false) && rt.Must(e.AB("r1", true))
	b := e.B("l2", true) || rt.Must(e.AB("r2", false))
	c := e.B("l3", true) && rt.Must(e.AB("r3", true)) && e.B("l4", false)
	d := rt.Must(e.AB("r5", false)) || e.B("l5", true) && rt.Must(e.AB("r6", true))
	if e.B("c1", false) || rt.Must(e.AB("c2", true)) {
		e.Add("then")
	}
	for i := 0; i < 3 && rt.Must(e.AB("loop", i < 2)); i++ {
		e.Add("body %d", i)
	}
	return fmt.Sprint(a, b, c, d)
}

// exprReturn awaits in return statements, including returning the
// two-result form directly.
//
//asyncgen:coroutine
func exprReturn(e *Env, direct bool) (int, error) {
	if direct {
		return rt.Await(e.I(3))
	}
	return rt.Must(e.AV("r1", 1)) + rt.Must(e.AV("r2", 2)), nil
}

// exprReady awaits an already-done future, which must not suspend: the
// Tick callback scheduled before it runs only at the next real suspension.
//
//asyncgen:coroutine
func exprReady(e *Env) int {
	e.Tick("tick")
	x := rt.Must(Ready(e, 5))
	v, err := rt.Await(Ready(e, 6))
	e.Add("after ready v=%d err=%v", v, err)
	y := rt.Must(e.I(1))
	e.Add("after later")
	return x + y
}

// exprAwaitErrors reads failures through the two-result form and through
// Sleep on the virtual clock.
//
//asyncgen:coroutine
func exprAwaitErrors(e *Env) (string, error) {
	v, err := rt.Await(Fail[int](e, "bad"))
	e.Add("v=%d err=%v", v, err)
	_, err = rt.Await(e.Sleep(time.Second))
	e.Add("t=%v err=%v", e.Now(), err)
	rt.Must(e.Sleep(2 * time.Second))
	e.Add("t=%v", e.Now())
	_, err = rt.Await(e.Sleep(0))
	return fmt.Sprint(err), nil
}

// exprAddrTaken takes the address of a variable that lives across awaits:
// the pointer and the variable must stay one.
//
//asyncgen:coroutine
func exprAddrTaken(e *Env) string {
	x := 1
	p := &x
	rt.Must(e.I(0))
	*p = rt.Must(e.I(5))
	e.Add("x=%d", x)
	x++
	rt.Must(e.I(0))
	pt := point{1, 2}
	py := &pt.Y
	*py += rt.Must(e.I(10))
	return fmt.Sprintf("%d %d %v", x, *p, pt)
}

// exprMultiValue awaits values of several types, a func-typed result and a
// method value.
//
//asyncgen:coroutine
func exprMultiValue(e *Env) string {
	s := rt.Must(Later(e, "str"))
	fs := rt.Must(Later(e, []float64{1.5, 2.5}))
	fn := rt.Must(Later(e, func(n int) int { return n * 3 }))
	add := e.Add
	add("call %d", fn(rt.Must(e.I(2))))
	var iface any = rt.Must(Later[any](e, 9))
	n := iface.(int) + rt.Must(Later(e, any(1))).(int)
	return fmt.Sprintf("%s %v %d", s, fs, n)
}
