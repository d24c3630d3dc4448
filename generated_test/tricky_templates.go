package generated_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates with awaits in the less travelled forms: comma-ok expressions
// around awaited operands, ++ on awaited indexes, select operands awaited,
// switch case lists that await lazily, awaitables typed by type parameters,
// results that are closures, and tasks and gathers of templates.

// commaOk awaits inside the operands of comma-ok map reads, receives and
// assertions, and in an incremented map index.
//
//asyncgen:coroutine
func commaOk(e *Env, m map[string]int) string {
	v, ok := m[rt.Must(Later(e, "a"))]
	w, ok2 := m[rt.Must(Later(e, "zz"))]
	ch := make(chan int, 1)
	ch <- rt.Must(e.I(9))
	r, ok3 := <-rt.Must(Later(e, ch)) //asyncvet:nonblocking ch is buffered and holds a value
	var x any = rt.Must(Later[any](e, 2.5))
	f, ok4 := x.(float64)
	m[rt.Must(Later(e, "a"))]++
	m[rt.Must(Later(e, "b"))] += rt.Must(e.I(3))
	if n, found := m[rt.Must(Later(e, "b"))]; found && n > rt.Must(e.I(2)) {
		e.Add("b=%d", n)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return fmt.Sprint(v, ok, w, ok2, r, ok3, f, ok4, keys, m)
}

// selectAwaitedOperands awaits in a select's channel and value operands, which Go
// evaluates once, in source order, before choosing.
//
//asyncgen:coroutine
func selectAwaitedOperands(e *Env, chans []chan int) string {
	out := make(chan int, 1)
	select { //asyncvet:nonblocking one case is always ready
	case v := <-chans[rt.Must(e.AV("idx", 1))]:
		e.Add("got %d", v)
	case out <- rt.Must(e.AV("val", 42)):
		e.Add("sent")
	}
	select {
	case v, ok := <-chans[rt.Must(e.AV("idx2", 0))]:
		e.Add("got %d %v", v, ok)
	case out <- rt.Must(e.AV("val2", 43)):
		e.Add("sent again")
	default:
		e.Add("default")
	}
	return fmt.Sprint(len(out), <-out)
}

// lazyCases checks that case expressions are evaluated left to right and
// only until one matches, each awaiting.
//
//asyncgen:coroutine
func lazyCases(e *Env, x int) string {
	switch rt.Must(e.AV("tag", x)) {
	case rt.Must(e.AV("c1", 1)), rt.Must(e.AV("c2", 2)):
		return "one-or-two"
	case rt.Must(e.AV("c3", 3)):
		fallthrough
	case e.V("c4", 4):
		return fmt.Sprint("three-or-four ", rt.Must(e.I(x)))
	}
	return "none"
}

// awaitAll awaits values of a type parameter constrained by rt.Awaitable.
//
//asyncgen:coroutine
func awaitAll[A rt.Awaitable[int]](xs ...A) (int, error) {
	total := 0
	for i, x := range xs {
		v, err := rt.Await(x)
		if err != nil {
			return total, fmt.Errorf("item %d: %w", i, err)
		}
		total += v
	}
	return total, nil
}

// counterFunc returns closures over variables that live across awaits;
// they are called after the coroutine finished.
//
//asyncgen:coroutine
func counterFunc(e *Env, start int) (func() int, error) {
	n := rt.Must(e.I(start))
	step := 0
	inc := func() int { n += step; return n }
	step = rt.Must(e.I(10))
	var fib func(int) int
	fib = func(k int) int {
		if k < 2 {
			return k
		}
		return fib(k-1) + fib(k-2)
	}
	n += fib(rt.Must(e.I(7)))
	return inc, nil
}

// tasksAndGather starts templates as tasks, gathers others, and awaits a
// task twice.
//
//asyncgen:coroutine
func tasksAndGather(e *Env) (string, error) {
	l := rt.RunningLoop()
	t1 := rt.CreateTask(l, loadLenAsync(e, "task1"))
	t2 := rt.CreateTask(l, loadLenAsync(e, ""))
	vals := rt.Must(rt.Gather[int](loadLenAsync(e, "g1"), t1, e.I(100)))
	_, err2 := rt.Await(t2)
	again := rt.Must(t1)
	outs := rt.Must(rt.GatherReturnErrors[int](loadLenAsync(e, "xy"), Fail[int](e, "nope")))
	var parts []string
	for _, o := range outs {
		parts = append(parts, fmt.Sprint(o.Value, o.Err))
	}
	return fmt.Sprint(vals, err2, again, parts), nil
}

// scopes shadows parameters and variables in nested blocks, each copy
// living across awaits.
//
//asyncgen:coroutine
func scopes(e *Env, x int) string {
	var b strings.Builder
	x, y := x+1, rt.Must(e.I(x))
	{
		x := x * 10
		rt.Must(e.I(0))
		if x := x + rt.Must(e.I(1)); x > 0 {
			fmt.Fprint(&b, "inner ", x, " ")
			x := "str"
			rt.Must(e.I(0))
			fmt.Fprint(&b, x, " ")
		}
		fmt.Fprint(&b, "block ", x, " ")
	}
	for x := range 2 {
		y += x
		rt.Must(e.I(x))
	}
	fmt.Fprint(&b, "outer ", x, " y ", y)
	return b.String()
}

// errWrapped is the sentinel wrapWalk checks for.
var errWrapped = errors.New("sentinel")

// wrapWalk panics with an error value from a delegated template; the
// parent's deferred recover unwraps it.
//
//asyncgen:coroutine
func wrapWalk(e *Env, depth int) (res string, err error) {
	defer func() {
		r := recover()
		if perr, ok := r.(error); ok && errors.Is(perr, errWrapped) {
			err = fmt.Errorf("depth %d caught: %w", depth, perr)
		} else if r != nil {
			panic(r)
		}
	}()
	if depth == 0 {
		rt.Must(e.I(0))
		panic(fmt.Errorf("bottom: %w", errWrapped))
	}
	return "up " + rt.Must(wrapWalkAsync(e, depth-1)), nil
}

// closureResult calls the closure that counterFunc returned.
//
//asyncgen:coroutine
func closureResult(e *Env) string {
	inc := rt.Must(counterFuncAsync(e, 5))
	a := inc()
	rt.Must(e.I(0))
	return fmt.Sprint(a, inc())
}
