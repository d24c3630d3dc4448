package generated_test

import (
	"fmt"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// More shapes: awaits in a for post statement reached by continue, gotos
// backward inside a loop body, a labelled select left by break, defers in
// a range-over-func body, grouped var declarations, anonymous structs and
// arrays across awaits, and rt.Await as the whole of a return or of a
// call's arguments.

// postAndGoto awaits in the post statement of a loop whose body continues,
// and jumps backward inside the body.
//
//asyncgen:coroutine
func postAndGoto(e *Env) string {
	var b strings.Builder
	for i := 0; i < 10; i += rt.Must(e.AV("post", 3)) {
		tries := 0
	retry:
		tries++
		if rt.Must(e.I(tries)) < 2 {
			goto retry
		}
		if i == 3 {
			continue
		}
		fmt.Fprint(&b, i, ":", tries, " ")
	}
	return b.String()
}

// labelledSelect leaves a labelled select, inside a loop, with break.
//
//asyncgen:coroutine
func labelledSelect(e *Env, c chan int) int {
	sum := 0
outer:
	for {
	sel:
		select { //asyncvet:nonblocking one case is always ready
		case v, ok := <-c:
			if !ok {
				break outer
			}
			if v < 0 {
				break sel
			}
			sum += rt.Must(e.I(v))
		}
		sum *= rt.Must(e.I(1))
	}
	return sum
}

// deferInIterator defers in the body of a range-over-func loop: the defers
// run when the template returns, after the iterator ended.
//
//asyncgen:coroutine
func deferInIterator(e *Env) (out string) {
	defer func() { out += " end" }()
	for v := range e.Count(3) {
		defer e.Add("defer %d", v)
		rt.Must(e.I(v))
	}
	e.Add("after loop")
	return "body"
}

// grouped declares variables in a var group from awaits, and keeps an
// anonymous struct and an array across awaits.
//
//asyncgen:coroutine
func grouped(e *Env) string {
	var (
		a    = rt.Must(e.AV("a", 1))
		b, c = rt.Must(e.AV("b", 2)), e.V("c", 3)
		d    []int
	)
	pt := struct {
		X, Y int
		Tag  string `json:"tag"`
	}{a, b, "p"}
	var arr [4]int
	arr[rt.Must(e.AV("i", 1))] = rt.Must(e.AV("v", 10))
	p := &arr
	p[rt.Must(e.AV("j", 2))]++
	p[3] += rt.Must(e.I(5))
	d = append(d, arr[:]...)
	pt.Y += rt.Must(e.I(c))
	return fmt.Sprintf("%+v %v %v", pt, arr, d)
}

// awaitTuple uses rt.Await's two results directly as a return and as the
// arguments of a call.
//
//asyncgen:coroutine
func awaitTuple(e *Env, fail bool) (int, error) {
	describe := func(v int, err error) string { return fmt.Sprint(v, "/", err) }
	s := describe(rt.Await(e.I(4)))
	e.Add("%s", s)
	if fail {
		return rt.Await(Fail[int](e, "failed"))
	}
	return rt.Await(e.I(len(s)))
}
