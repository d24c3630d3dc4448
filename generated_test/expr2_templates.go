package generated_test

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// More expression positions: unary operators, derefs, three-index slices,
// comma-ok forms, receives, appends, method calls on awaited receivers.

// expr2Unary awaits under unary operators and address-of composites.
//
//asyncgen:coroutine
func expr2Unary(e *Env) string {
	x := 5
	a := -rt.Must(e.I(3))
	b := !rt.Must(Later(e, false))
	c := ^rt.Must(e.I(0))
	p := &point{rt.Must(e.I(1)), -rt.Must(e.I(2))}
	d := *rt.Must(Later(e, &x))
	x = 6
	return fmt.Sprint(a, b, c, *p, d, x)
}

// expr2Forms uses comma-ok forms, a receive from an awaited channel,
// append, a three-index slice and a method on an awaited receiver.
//
//asyncgen:coroutine
func expr2Forms(e *Env) string {
	v, ok := rt.Must(Later[any](e, 1)).(string)
	m := map[string]int{"k": 1}
	n, found := m[rt.Must(Later(e, "k"))]
	ch := make(chan int, 1)
	ch <- 9
	r, rok := <-rt.Must(Later(e, ch)) //asyncvet:nonblocking ch is buffered and holds a value
	s := append([]int{}, rt.Must(e.I(1)), rt.Must(e.I(2)), 3, 4)
	t := s[rt.Must(e.I(1)):rt.Must(e.I(2)):rt.Must(e.I(3))]
	c := &Counter{n: 1}
	bumped := rt.Must(rt.Must(Later(e, c)).bumpAsync(e, rt.Must(e.I(4))))
	lit := map[string][]point{rt.Must(Later(e, "key")): {{rt.Must(e.I(7)), 8}}}
	return fmt.Sprintf("%q %v %d %v %d %v %v %v %d %v", v, ok, n, found, r, rok, s, t, bumped, lit)
}

// expr2Swap swaps through a tuple assignment with an await on the right.
//
//asyncgen:coroutine
func expr2Swap(e *Env) string {
	x, y := 1, 2
	x, y = y+rt.Must(e.I(10)), x
	arr := []int{1, 2, 3}
	i := 0
	i, arr[i] = rt.Must(e.I(2)), rt.Must(e.I(100))
	return fmt.Sprint(x, y, arr, i)
}

// expr2RangeVarWrites writes to range and three-clause loop variables in the
// body after an await: only the three-clause loop sees it.
//
//asyncgen:coroutine
func expr2RangeVarWrites(e *Env) string {
	out := ""
	for i := range 5 {
		rt.Must(e.I(0))
		i += 2
		out += fmt.Sprint(i)
	}
	out += " "
	for i, v := range [3]int{7, 8, 9} {
		rt.Must(e.I(0))
		i, v = i+10, v*2
		out += fmt.Sprint(i, v)
	}
	out += " "
	for i := 0; i < 5; i++ {
		rt.Must(e.I(0))
		i++
		out += fmt.Sprint(i)
	}
	return out
}

// expr2FuncArgs passes a func literal argument next to awaited ones and
// shadows the Env parameter in a block.
//
//asyncgen:coroutine
func expr2FuncArgs(e *Env) int {
	apply := func(f func(int) int, x int) int { return f(x) }
	r := apply(func(x int) int { return x * 2 }, rt.Must(e.I(21)))
	{
		e := &Env{L: e.L}
		e.Add("shadow")
		r += rt.Must(e.I(0))
		if len(e.Lines()) != 1 {
			return -1
		}
	}
	return r
}
