package probe

import (
	"errors"
	"fmt"
	"iter"
	"sort"

	"github.com/asyncgen/asyncgen/rt"
)

//asyncgen:coroutine
func pSwitchCases(t *tr, x int) (string, error) {
	switch rt.Must(later(t, "tag", x)) {
	case rt.Must(later(t, "c1", 1)), rt.Must(later(t, "c2", 2)):
		t.add("one-or-two")
		fallthrough
	case rt.Must(later(t, "c3", 3)):
		t.add("three %d", rt.Must(later(t, "", 30)))
	default:
		t.add("default")
	}
	return t.String(), nil
}

//asyncgen:coroutine
func pTypeSwitch(t *tr, v any) (string, error) {
	switch x := rt.Must(later(t, "v", v)).(type) {
	case int:
		t.add("int %d", x+rt.Must(later(t, "", 1)))
	case string, []byte:
		t.add("strish %v", x)
	case nil:
		t.add("nil")
	case error:
		t.add("err %v", x)
	}
	return t.String(), nil
}

//asyncgen:coroutine
func pSelect(t *tr, ch chan int, out chan int) (string, error) {
	for i := 0; i < 3; i++ {
		select { //asyncvet:nonblocking a case is always ready in these tests
		case v, ok := <-ch:
			t.add("recv %d %v +%d", v, ok, rt.Must(later(t, "", 100)))
		case out <- rt.Must(later(t, "send", i*10)):
			t.add("sent %d", rt.Must(later(t, "", i)))
		}
	}
	return t.String(), nil
}

//asyncgen:coroutine
func pNamedDefer(t *tr) (n int, err error) {
	defer func() {
		n *= 10
		if err != nil {
			err = fmt.Errorf("wrapped: %w", err)
		}
	}()
	n = rt.Must(later(t, "a", 2))
	defer func() { n++ }()
	if rt.Must(later(t, "b", true)) {
		return n + 1, errors.New("boom")
	}
	return 0, nil
}

//asyncgen:coroutine
func pMapRange(t *tr) (string, error) {
	m := map[string]int{"a": 1, "b": 2, "c": 3, "d": 4}
	sum := 0
	var seen []string
	for k, v := range m {
		sum += v * rt.Must(later(t, "", 1))
		seen = append(seen, k)
		for k2 := range m {
			if k2 != k {
				delete(m, k2)
			}
		}
	}
	sort.Strings(seen)
	_ = sum
	return fmt.Sprintf("%d %d", len(seen), len(m)), nil
}

//asyncgen:coroutine
func pChanRange(t *tr) (int, error) {
	ch := make(chan int, 5)
	for i := range 5 {
		ch <- i
	}
	close(ch)
	s := 0
	for v := range ch {
		s = s*10 + v + rt.Must(later(t, "", 0))
	}
	return s, nil
}

func seq(t *tr, n int) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		defer t.add("seq done")
		for i := 0; i < n; i++ {
			if !yield(i, fmt.Sprint("s", i)) {
				t.add("seq stopped at %d", i)
				return
			}
		}
	}
}

//asyncgen:coroutine
func pFuncRange(t *tr) (string, error) {
outer:
	for i, s := range seq(t, 4) {
		for j := range seq(t, 3) {
			if j == 1 {
				continue outer
			}
			t.add("%d%s%d", i, s, rt.Must(later(t, "", j)))
			if i == 2 {
				break outer
			}
		}
	}
	return t.String(), nil
}

//asyncgen:coroutine
func pGoto(t *tr) (int, error) {
	i := 0
	acc := 0
loop:
	if i >= 4 {
		goto done
	}
	acc += rt.Must(later(t, "", i))
	i++
	if acc > 100 {
		goto done
	}
	goto loop
done:
	return acc, nil
}

type counter struct{ n int }

//asyncgen:coroutine
func (c *counter) add(t *tr, d int) (int, error) {
	c.n += rt.Must(later(t, "", d))
	return c.n, nil
}

//asyncgen:coroutine
func pMethodValue(t *tr) (int, error) {
	c := &counter{}
	f := c.addAsync
	g := (*counter).addAsync
	a := rt.Must(f(t, 2))
	b := rt.Must(g(c, t, 3))
	return a*100 + b, nil
}

type num interface{ ~int | ~float64 }

//asyncgen:coroutine
func pSum[T num](t *tr, xs []T) (T, error) {
	var s T
	for _, x := range xs {
		s += rt.Must(later(t, "", x))
	}
	return s, nil
}

//asyncgen:coroutine
func pGenericCaller(t *tr) (string, error) {
	a := rt.Must(pSumAsync(t, []int{1, 2, 3}))
	b := rt.Must(pSumAsync(t, []float64{0.5, 0.25}))
	return fmt.Sprint(a, b), nil
}

func pair(a, b int) (int, int) { return b, a }

//asyncgen:coroutine
func pMulti(t *tr) (string, error) {
	x, y := pair(rt.Must(later(t, "x", 1)), rt.Must(later(t, "y", 2)))
	x, y = y+rt.Must(later(t, "z", 10)), x
	return fmt.Sprint(x, y), nil
}

//asyncgen:coroutine
func pLoopClosures(t *tr) (string, error) {
	var fs []func() int
	var cs []rt.Coro[int]
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i })
		cs = append(cs, rt.Async(func() (int, error) {
			return i * rt.Must(later(t, "", 10)), nil
		}))
		rt.Must(later(t, "", 0))
		i++
	}
	out := ""
	for _, f := range fs {
		out += fmt.Sprint(f())
	}
	for _, c := range cs {
		out += fmt.Sprint(rt.Must(c))
	}
	return out, nil
}

func mark(t *tr, s string, v int) int { t.add("call %s", s); return v }

type pt struct{ X, Y, Z int }

//asyncgen:coroutine
func pCompositeOrder(t *tr) (string, error) {
	s := []int{mark(t, "a", 1), rt.Must(later(t, "b", 2)), mark(t, "c", 3)}
	m := map[string]int{"k": rt.Must(later(t, "m", 4)), fmt.Sprint(mark(t, "key", 5)): 6}
	p := pt{Y: mark(t, "y", 7), X: rt.Must(later(t, "x", 8)), Z: mark(t, "z", 9)}
	arr := [...]int{2: rt.Must(later(t, "arr", 1))}
	q := &pt{rt.Must(later(t, "q", 1)), 2, 3}
	t.add("%v %v %v %v %v", s, len(m), p, arr, *q)
	return t.String(), nil
}

func three(a, b, c int) int { return a*100 + b*10 + c }

//asyncgen:coroutine
func pArgOrder(t *tr) (string, error) {
	x := 1
	r := three(mark(t, "a", x), rt.Must(later(t, "b", 2)), mark(t, "c", 3))
	inc := func() int { x++; return x }
	r2 := x + rt.Must(later(t, "", inc()))
	t.add("%d %d %d", r, r2, x)
	return t.String(), nil
}

//asyncgen:coroutine
func pAssignOrder(t *tr) (string, error) {
	s := []int{0, 0, 0, 0}
	i := 0
	idx := func() int { t.add("idx"); i++; return i }
	s[idx()] = rt.Must(later(t, "rhs", 5))
	s[idx()] += rt.Must(later(t, "rhs2", 7))
	m := map[int]int{}
	m[rt.Must(later(t, "key", 1))], i = rt.Must(later(t, "val", 2)), 9
	t.add("%v %v %d", s, m, i)
	return t.String(), nil
}

//asyncgen:coroutine
func pForClauses(t *tr) (string, error) {
	n := 0
	for i := rt.Must(later(t, "init", 0)); i < rt.Must(later(t, "cond", 5)); i += rt.Must(later(t, "post", 2)) {
		n += i
	}
	return fmt.Sprint(n, " ", len(t.lines)), nil
}

//asyncgen:coroutine
func pShortCircuit(t *tr) (string, error) {
	a := false && rt.Must(later(t, "never", true))
	b := true || rt.Must(later(t, "never2", true))
	c := rt.Must(later(t, "c", true)) && !rt.Must(later(t, "d", false))
	if x := rt.Must(later(t, "x", 1)); x > 5 {
		t.add("big")
	} else if y := rt.Must(later(t, "y", 2)); x+y == 3 {
		t.add("three")
	}
	t.add("%v %v %v", a, b, c)
	return t.String(), nil
}

//asyncgen:coroutine
func pDeferArgs(t *tr) (string, error) {
	func() {}()
	defer t.add("deferred %d", rt.Must(later(t, "darg", 5)))
	x := 1
	defer func(v int) { t.add("closure %d %d", v, x) }(x + rt.Must(later(t, "d2", 1)))
	x = 100
	return "ret", nil
}

//asyncgen:coroutine
func pRecover(t *tr) (res string, err error) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint("recovered: ", r)
		}
	}()
	var s []int
	n := rt.Must(later(t, "", 3))
	return fmt.Sprint(s[n]), nil
}

//asyncgen:coroutine
func pShadow(t *tr) (string, error) {
	x := 1
	{
		x := rt.Must(later(t, "", 2))
		x++
		t.add("inner %d", x)
	}
	if x := rt.Must(later(t, "", 5)); x > 0 {
		t.add("if %d", x)
	}
	arr := [3]int{1, 2, 3}
	p := &arr[1]
	rt.Must(later(t, "", 0))
	*p = 20
	t.add("outer %d %v", x, arr)
	return t.String(), nil
}

//asyncgen:coroutine
func pSliceAndAssert(t *tr) (string, error) {
	s := "hello world"
	sub := s[rt.Must(later(t, "lo", 1)):rt.Must(later(t, "hi", 5))]
	var a any = 42
	n := rt.Must(later(t, "any", a)).(int) + 1
	v, ok := rt.Must(later[any](t, "any2", "x")).(int)
	return fmt.Sprint(sub, n, v, ok), nil
}

//asyncgen:coroutine
func pRangeCopy(t *tr) (string, error) {
	arr := [3]int{1, 2, 3}
	out := ""
	for i, v := range arr {
		if i < 2 {
			arr[i+1] = 100
		}
		out += fmt.Sprint(v+rt.Must(later(t, "", 0)), ",")
	}
	sl := []int{1, 2, 3}
	for i, v := range sl {
		if i == 0 {
			sl = append(sl, 4)
			sl[1] = 50
		}
		out += fmt.Sprint(v+rt.Must(later(t, "", 0)), ",")
	}
	for i := range rt.Must(later(t, "n", 3)) {
		out += fmt.Sprint(i)
	}
	return out, nil
}

//asyncgen:coroutine
func pLabeledSelect(t *tr) (string, error) {
	ch := make(chan int, 10)
	for i := range 10 {
		ch <- i
	}
	n := 0
loop:
	for {
		select { //asyncvet:nonblocking a case is always ready in these tests
		case v := <-ch:
			if v == 4 {
				break loop
			}
			n += v * rt.Must(later(t, "", 1))
			if v%2 == 0 {
				continue loop
			}
			n += 1000
		}
	}
	return fmt.Sprint(n), nil
}

//asyncgen:coroutine
func pGoStmt(t *tr) (int, error) {
	ch := make(chan int, 1)
	go func(v int) { ch <- v * 2 }(rt.Must(later(t, "g", 21)))
	return <-ch, nil
}
