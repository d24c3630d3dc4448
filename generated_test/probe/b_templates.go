package probe

import (
	"fmt"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

type box[T any] struct{ v T }

//asyncgen:coroutine
func (b *box[T]) swap(t *tr, v T) (T, error) {
	old := b.v
	b.v = rt.Must(later(t, "", v))
	return old, nil
}

//asyncgen:coroutine
func (c counter) get(t *tr) (int, error) {
	return c.n + rt.Must(later(t, "", 0)), nil
}

//asyncgen:coroutine
func pGenericRecv(t *tr) (string, error) {
	b := &box[string]{v: "a"}
	o1 := rt.Must(b.swapAsync(t, "b"))
	o2 := rt.Must(b.swapAsync(t, "c"))
	c := counter{n: 1}
	g := c.getAsync // value receiver: bound copy
	c.n = 50
	cr := &c
	f := cr.addAsync
	cr = &counter{n: 1000}
	rt.Must(f(t, 1))
	return fmt.Sprint(o1, o2, b.v, rt.Must(g(t)), c.n, cr.n), nil
}

//asyncgen:coroutine
func fib(t *tr, n int) (int, error) {
	if n < 2 {
		return rt.Must(later(t, "", n)), nil
	}
	return rt.Must(fibAsync(t, n-1)) + rt.Must(fibAsync(t, n-2)), nil
}

//asyncgen:coroutine
func pPostContinue(t *tr) (string, error) {
	var out []int
	for i := 0; i < 10; i += rt.Must(later(t, "", 3)) {
		if i%2 == 1 {
			continue
		}
		out = append(out, i)
	}
	return fmt.Sprint(out), nil
}

//asyncgen:coroutine
func pDeferFnValue(t *tr) (res string, err error) {
	defer rt.Must(later(t, "fn", func(s string) { t.add("deferred %s", s) }))(fmt.Sprint("arg", rt.Must(later(t, "arg", 1))))
	res = "body"
	return
}

//asyncgen:coroutine
func pLabeledSwitch(t *tr) (string, error) {
	n := 0
sw:
	switch x := rt.Must(later(t, "", 2)); {
	case x > 1:
		for i := 0; i < 5; i++ {
			if i == rt.Must(later(t, "", 3)) {
				break sw
			}
			n += i
		}
		n = -1
	}
	return fmt.Sprint(n), nil
}

//asyncgen:coroutine
func pStringRange(t *tr) (string, error) {
	var b strings.Builder
	for i, r := range "héllo" {
		fmt.Fprintf(&b, "%d%c", i+rt.Must(later(t, "", 0)), r)
	}
	return b.String(), nil
}

//asyncgen:coroutine
func pChanOps(t *tr) (string, error) {
	ch := make(chan int, 4)
	ch <- rt.Must(later(t, "s1", 1))
	ch <- 2
	v := rt.Must(later(t, "", <-ch)) * 10
	w, ok := <-ch
	a := [2][2]int{}
	i := 0
	next := func() int { i++; return i - 1 }
	a[next()][rt.Must(later(t, "j", 1))] = next() + 5
	return fmt.Sprint(v, w, ok, a, i), nil
}

//asyncgen:coroutine
func pClosureMutates(t *tr) (string, error) {
	x := 1
	bump := func() { x *= 3 }
	y := rt.Must(later(t, "", 2))
	bump()
	z := x + rt.Must(later(t, "", 0))
	bump()
	co := rt.Async(func() (int, error) {
		x += rt.Must(later(t, "", 1))
		return x, nil
	})
	r := rt.Must(co)
	return fmt.Sprint(x, y, z, r), nil
}

type stringer interface{ String() string }

type name string

func (n name) String() string { return "name:" + string(n) }

//asyncgen:coroutine
func pGenericConstraint[T stringer](t *tr, xs ...T) (string, error) {
	var parts []string
	for _, x := range xs {
		c := rt.Async(func() (string, error) {
			return x.String() + rt.Must(later(t, "", "!")), nil
		})
		parts = append(parts, rt.Must(c))
	}
	return strings.Join(parts, ","), nil
}

//asyncgen:coroutine
func pPanicRecoverNamed(t *tr) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n = n*100 + 7
			err = fmt.Errorf("recovered %v", r)
		}
	}()
	n = rt.Must(later(t, "", 3))
	var m map[string]int
	m["x"] = rt.Must(later(t, "", 1)) // panics: nil map
	return 0, nil
}

//asyncgen:coroutine
func pMultiValueCall(t *tr) (string, error) {
	two := func() (int, string) { return 4, "four" }
	a, b := two()
	s := fmt.Sprint(rt.Must(later(t, "", a)), b)
	k, v := rt.Must(later(t, "k", 1)), rt.Must(later(t, "v", "x"))
	return s + fmt.Sprint(k, v), nil
}

//asyncgen:coroutine
func pFuncRangeReturn(t *tr) (res string, err error) {
	defer func() { res += "|deferred" }()
	for i := range seq(t, 5) {
		for j := range seq(t, 5) {
			if i*10+j == rt.Must(later(t, "", 12)) {
				t.add("returning")
				return fmt.Sprint(i, j), nil
			}
		}
	}
	return "none", nil
}

//asyncgen:coroutine
func pFuncRangeGoto(t *tr) (string, error) {
	n := 0
	for i := range seq(t, 5) {
		n += rt.Must(later(t, "", i))
		if i == 2 {
			goto out
		}
	}
out:
	return fmt.Sprint(n, " ", t.String()), nil
}

//asyncgen:coroutine
func pFuncRangePanic(t *tr) (res string, err error) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint("recovered ", r, " ", t.String())
		}
	}()
	for i := range seq(t, 5) {
		if rt.Must(later(t, "", i)) == 1 {
			panic("boom")
		}
	}
	return "no panic", nil
}

//asyncgen:coroutine
func pSelectDefault(t *tr) (string, error) {
	ch := make(chan int)
	n := 0
	for i := 0; i < 3; i++ {
		select {
		case v := <-ch:
			n += v
		default:
			n += rt.Must(later(t, "", 10))
		}
	}
	return fmt.Sprint(n), nil
}
