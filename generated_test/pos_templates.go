package generated_test

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for awaits in every expression position (issue 9 class 3),
// each in a statement where nothing else suspends.

// posSelectRecvLHS awaits in the index of a select receive case's left side.
//
//asyncgen:coroutine
func posSelectRecvLHS(e *Env) string {
	ch := make(chan int, 1)
	ch <- 7
	var arr [3]int
	var ok bool
	select { //asyncvet:nonblocking ch is buffered and holds a value
	case arr[rt.Must(e.AV("index", 1))], ok = <-e.Ch("chan", ch):
		e.Add("received")
	}
	return fmt.Sprint(arr, ok)
}

// posRangeKeyLHS awaits in the index of a range clause's key.
//
//asyncgen:coroutine
func posRangeKeyLHS(e *Env) string {
	var k [3]int
	var v [3]string
	for k[rt.Must(e.AV("k", 0))], v[rt.Must(e.AV("v", 1))] = range []string{"a", "b"} {
		e.Add("body")
	}
	return fmt.Sprint(k, v)
}

// posRangeFuncKeyLHS awaits in the key of a range over a func iterator.
//
//asyncgen:coroutine
func posRangeFuncKeyLHS(e *Env) string {
	var k [3]int
	for k[rt.Must(e.AV("k", 2))] = range e.Count(2) {
	}
	return fmt.Sprint(k)
}

// posForPost awaits in a for loop's post statement and condition.
//
//asyncgen:coroutine
func posForPost(e *Env) int {
	n := 0
	for i := 0; rt.Must(e.AB("cond", i < 2)); i += rt.Must(e.AV("post", 1)) {
		n++
	}
	return n
}

// posLiterals awaits in map keys, slice indices and slice bounds.
//
//asyncgen:coroutine
func posLiterals(e *Env) string {
	m := map[int]int{rt.Must(e.AV("key", 1)): rt.Must(e.AV("val", 2))}
	s := []int{rt.Must(e.AV("s0", 3)), 2: 9}
	t := s[rt.Must(e.AV("lo", 0)):rt.Must(e.AV("hi", 2))]
	s[rt.Must(e.AV("idx", 1))] += rt.Must(e.AV("inc", 5))
	m[rt.Must(e.AV("mk", 1))]++
	return fmt.Sprint(m, s, t)
}

// posSwitchCase awaits in a switch case expression and a type switch guard.
//
//asyncgen:coroutine
func posSwitchCase(e *Env) string {
	var x any = 3
	switch v := x.(type) {
	case int:
		switch v {
		case rt.Must(e.AV("case1", 1)):
			return "one"
		case rt.Must(e.AV("case3", 3)):
			return "three"
		}
	}
	return "none"
}

// posVarDecl awaits in a var declaration and a labelled statement.
//
//asyncgen:coroutine
func posVarDecl(e *Env) int {
	var a, b = rt.Must(e.AV("a", 1)), rt.Must(e.AV("b", 2))
L:
	c := rt.Must(e.AV("c", 3))
	if c < 3 {
		goto L
	}
	return a + b + c
}

// posDeferArgs awaits in the arguments of a deferred call and of a go
// statement's call: both are evaluated at the statement.
//
//asyncgen:coroutine
func posDeferArgs(e *Env) (res string) {
	defer func(v int) { res += fmt.Sprint(" deferred ", v) }(rt.Must(e.AV("defer arg", 4)))
	done := make(chan int, 1)
	go func(v int) { done <- v }(rt.Must(e.AV("go arg", 5)))
	return fmt.Sprint("got ", <-done)
}

// posRangeInt awaits in the operand of a range over an int.
//
//asyncgen:coroutine
func posRangeInt(e *Env) int {
	n := 0
	for i := range rt.Must(e.AV("n", 3)) {
		n += i
	}
	return n
}
