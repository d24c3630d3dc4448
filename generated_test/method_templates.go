package generated_test

import (
	"errors"
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for methods, generic functions and methods, variadics, named
// results, bare returns and shadowing.

// Counter is a receiver for method templates.
type Counter struct {
	name string
	n    int
}

// bump is a pointer-receiver method template.
//
//asyncgen:coroutine
func (c *Counter) bump(e *Env, by int) int {
	c.n += rt.Must(e.I(by))
	return c.n
}

// describe is a value-receiver method template: it works on a copy.
//
//asyncgen:coroutine
func (c Counter) describe(e *Env) string {
	c.n = 1000
	rt.Must(e.I(0))
	return fmt.Sprintf("%s=%d", c.name, c.n)
}

// Number is the constraint of the generic templates.
type Number interface{ ~int | ~int64 | ~float64 }

// sumAll is a generic variadic template.
//
//asyncgen:coroutine
func sumAll[T Number](e *Env, xs ...T) T {
	var s T
	for _, x := range xs {
		s += rt.Must(Later(e, x))
	}
	return s
}

// mapEach is a generic template with two type parameters and a generic
// result type.
//
//asyncgen:coroutine
func mapEach[T, U any](e *Env, xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(rt.Must(Later(e, x))))
	}
	return out
}

// Box is a generic receiver.
type Box[T comparable] struct{ items []T }

// index is a generic method with an early return from inside a range.
//
//asyncgen:coroutine
func (b *Box[T]) index(e *Env, want T) (int, error) {
	for i, v := range b.items {
		got := rt.Must(Later(e, v))
		if got == want {
			e.Add("found %v at %d", want, i)
			return i, nil
		}
	}
	return -1, fmt.Errorf("%v not found", want)
}

// count is a generic method with named results, a defer and a delegation
// to another generic method.
//
//asyncgen:coroutine
func (b *Box[T]) count(e *Env, want T) (n int, err error) {
	defer func() { e.Add("count n=%d err=%v", n, err) }()
	i, err := rt.Await(b.indexAsync(e, want))
	if err != nil {
		return
	}
	for _, v := range b.items[i:] {
		if rt.Must(Ready(e, v)) == want {
			n++
		}
	}
	return
}

// namedBare uses named results and bare returns around awaits.
//
//asyncgen:coroutine
func namedBare(e *Env, n int) (total int, err error) {
	for i := range n {
		total += rt.Must(e.I(i))
		if total > 3 {
			err = errors.New("too big")
			return
		}
	}
	return
}

// shadowing declares variables of the same name (and other types) in
// nested scopes across awaits.
//
//asyncgen:coroutine
func shadowing(e *Env, n int) string {
	x := 1
	{
		x := "inner"
		rt.Must(e.I(0))
		e.Add("inner x=%s", x)
	}
	if x := rt.Must(e.I(10)); x > 5 {
		x := x * 2
		rt.Must(e.I(0))
		e.Add("if x=%d", x)
	}
	for x := 0.5; x < 1; x++ {
		rt.Must(e.I(0))
		e.Add("for x=%v", x)
	}
	var err error
	if _, err := rt.Await(Fail[int](e, "e1")); err != nil {
		e.Add("shadow err=%v", err)
	}
	e.Add("outer err=%v", err)
	{
		n := n * 100
		rt.Must(e.I(0))
		e.Add("n=%d", n)
	}
	return fmt.Sprint(x, " ", n)
}

// methodCalls delegates to method templates on an addressable value.
//
//asyncgen:coroutine
func methodCalls(e *Env) string {
	c := Counter{name: "k", n: 3}
	d := rt.Must(c.describeAsync(e))
	b := rt.Must(c.bumpAsync(e, 2))
	return fmt.Sprintf("%s %d %d", d, b, c.n)
}
