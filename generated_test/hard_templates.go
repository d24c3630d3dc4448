package generated_test

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// More of the cases where generators usually go wrong: an awaiting post
// statement reached by continue, awaiting switch inits, op= on map and
// nested index expressions, forward goto over awaits, captured parameters.

// hardForPostContinue must run the awaiting post statement on continue,
// also on a labelled continue from an inner range.
//
//asyncgen:coroutine
func hardForPostContinue(e *Env) string {
	out := ""
outer:
	for i := 0; i < 4; i += rt.Must(e.AV("post", 1)) {
		if i == 1 {
			continue
		}
		for j := range 3 {
			if j == 1 && i == 2 {
				continue outer
			}
			out += fmt.Sprintf("%d%d ", i, j)
			rt.Must(e.I(0))
		}
	}
	return out
}

// hardSwitchInit awaits in the init of a tagless switch and a type switch.
//
//asyncgen:coroutine
func hardSwitchInit(e *Env) string {
	out := ""
	switch x := rt.Must(e.AV("init", 2)); {
	case x > 1:
		out += "gt1 "
	}
	switch y := rt.Must(e.AV("init2", 3)); t := any(y).(type) {
	case int:
		out += fmt.Sprint("int", t+rt.Must(e.I(y)))
	}
	return out
}

// hardIndexOpAssign evaluates the map key of an op= once, and nested index
// expressions on the left in order.
//
//asyncgen:coroutine
func hardIndexOpAssign(e *Env) string {
	m := map[string]int{"a": 1}
	key := func(k string) string {
		e.Add("key %s", k)
		return k
	}
	m[key("a")] += rt.Must(e.AV("v", 10))
	m[key("b")]++
	s := "x"
	s += rt.Must(Later(e, "y")) + s
	var arr [2][2]int
	arr[e.V("r", 1)][rt.Must(e.AV("c", 0))] = rt.Must(e.AV("val", 7))
	_ = rt.Must(e.I(0))
	_, _ = rt.Await(e.I(0))
	return fmt.Sprint(m, " ", s, " ", arr)
}

// hardRangeOperandOnce evaluates a range operand once.
//
//asyncgen:coroutine
func hardRangeOperandOnce(e *Env) int {
	n := 0
	for _, v := range e.Slice("once", 3) {
		n += rt.Must(e.I(v))
	}
	return n
}

// hardConstructorValue awaits coroutines made through a method value of a
// constructor, created before they are awaited.
//
//asyncgen:coroutine
func hardConstructorValue(e *Env) int {
	c := &Counter{}
	bump := c.bumpAsync
	co := bump(e, 2)
	e.Add("created n=%d", c.n)
	v := rt.Must(co)
	return v + rt.Must(bump(e, 3))
}

// hardCaptureParams captures a parameter and a named result in closures and
// changes them after awaits.
//
//asyncgen:coroutine
func hardCaptureParams(e *Env, p int) (r int) {
	get := func() int { return p*100 + r }
	p = rt.Must(e.I(3))
	r = rt.Must(e.I(4))
	e.Add("get=%d", get())
	defer func() { r = get() }()
	return 5
}

// hardGotoForward jumps forward out of a block over awaits.
//
//asyncgen:coroutine
func hardGotoForward(e *Env, skip bool) string {
	out := ""
	if skip {
		rt.Must(e.I(0))
		out += "a"
		goto tail
	}
	out += fmt.Sprint(rt.Must(e.I(1)))
tail:
	out += "t"
	rt.Must(e.I(0))
	return out
}

// hardDeferLoop registers defers in a loop with awaited arguments.
//
//asyncgen:coroutine
func hardDeferLoop(e *Env) int {
	for i := range 3 {
		defer e.Add("d%d=%d", i, rt.Must(e.AV("arg", i*10)))
	}
	return 0
}

// hardAwaitInit uses the two-result form in an if init with else-if.
//
//asyncgen:coroutine
func hardAwaitInit(e *Env, fail bool) string {
	f := e.I(2)
	if fail {
		f = Fail[int](e, "x")
	}
	if v, err := rt.Await(f); err != nil {
		return "err " + err.Error()
	} else if v > 1 {
		return fmt.Sprint("big ", v)
	}
	return "none"
}

// hardLoopGuardChanged changes a for condition's variable before suspending.
//
//asyncgen:coroutine
func hardLoopGuardChanged(e *Env) int {
	x, n := 5, 0
	for x > 0 {
		x = 0
		rt.Must(e.I(0))
		n++
		e.Add("body x=%d", x)
	}
	return n
}
