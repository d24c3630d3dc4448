package generated_test

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for control flow with suspensions inside: a guard is never
// re-evaluated on resume, even when the code changed what it reads before
// suspending.

// ctrlIf awaits in an if init, an else-if condition and each branch, and
// changes the guard's variable before suspending in the branch.
//
//asyncgen:coroutine
func ctrlIf(e *Env, x int) int {
	if y := rt.Must(e.AV("init", x)); y > 0 {
		x = -1
		rt.Must(e.I(0))
		e.Add("pos y=%d x=%d", y, x)
	} else if rt.Must(e.AB("cond2", x < -5)) {
		e.Add("very neg")
	} else {
		x = 100
		rt.Must(e.I(0))
		e.Add("else y=%d", y)
	}
	return x
}

// ctrlSwitchTag awaits in the tag, in a case expression and in bodies, with
// fallthrough out of a body that suspended and a default in the middle.
//
//asyncgen:coroutine
func ctrlSwitchTag(e *Env, x int) string {
	out := ""
	switch v := rt.Must(e.AV("tag", x)); v {
	case e.V("c1", 1):
		x = 2
		rt.Must(e.I(0))
		out += "one"
		fallthrough
	case rt.Must(e.AV("c2", 2)):
		rt.Must(e.I(0))
		out += "two"
	case 3, e.V("c4", 4):
		out += "three-or-four"
	default:
		rt.Must(e.I(0))
		out += "default"
		fallthrough
	case 5:
		out += "five"
	}
	return fmt.Sprintf("%s x=%d", out, x)
}

// ctrlSwitchTagless awaits in a tagless switch's case condition and body.
//
//asyncgen:coroutine
func ctrlSwitchTagless(e *Env, x int) string {
	switch {
	case x > 10:
		return "big"
	case rt.Must(e.AB("mid?", x > 5)):
		x = 0
		rt.Must(e.I(0))
		return fmt.Sprintf("mid x=%d", x)
	case x > 0:
		x = 100
		rt.Must(e.I(0))
		if x > 50 {
			break
		}
		return "unreachable"
	}
	return fmt.Sprintf("end x=%d", x)
}

// ctrlTypeSwitch switches on the type of an awaited value and awaits in
// the clauses.
//
//asyncgen:coroutine
func ctrlTypeSwitch(e *Env, v any) string {
	switch t := rt.Must(Later(e, v)).(type) {
	case int:
		n := rt.Must(e.I(t * 2))
		return fmt.Sprintf("int %d", n)
	case string, []byte:
		rt.Must(e.I(0))
		return fmt.Sprintf("str-ish %v", t)
	case nil:
		return "nil"
	case error:
		rt.Must(e.I(0))
		return "error " + t.Error()
	default:
		return fmt.Sprintf("other %T", t)
	}
}

// ctrlForForms covers every for form, with awaits in the condition, the
// post statement and the range operand.
//
//asyncgen:coroutine
func ctrlForForms(e *Env) int {
	n := 0
	for {
		n += rt.Must(e.I(1))
		if n >= 2 {
			break
		}
	}
	for n < 5 {
		n += rt.Must(e.I(1))
	}
	for i := 0; i < rt.Must(e.AV("lim", 2)); i += rt.Must(e.AV("post", 1)) {
		e.Add("i=%d", i)
	}
	for range 2 {
		n += rt.Must(e.I(10))
	}
	for i := range rt.Must(e.AV("rng", 2)) {
		e.Add("r%d", i)
	}
	var i int
	for i = 0; i < 2; i++ {
		rt.Must(e.I(0))
	}
	e.Add("i=%d", i)
	for i < 4 {
		i++
		if i == 3 {
			rt.Must(e.I(0))
			continue
		}
		e.Add("w%d", i)
	}
	return n
}

// ctrlLabels uses labelled break and continue (and plain break out of a
// switch) after awaits, with the inner loop's guard changed before
// suspending and "continue outer" across the resume point.
//
//asyncgen:coroutine
func ctrlLabels(e *Env) string {
	out := ""
outer:
	for i := 0; i < 3; i++ {
	inner:
		for j := 0; j < 3; j++ {
			switch {
			case j == 1 && i == 0:
				j = 10
				rt.Must(e.I(0))
				e.Add("cont outer at i=%d j=%d", i, j)
				continue outer
			case j == 1 && i == 1:
				rt.Must(e.I(0))
				break
			case j == 2 && i == 1:
				rt.Must(e.I(0))
				break inner
			case i == 2:
				rt.Must(e.I(0))
				break outer
			}
			out += fmt.Sprintf("%d%d ", i, j)
		}
		out += "| "
	}
	return out
}

// ctrlGoto loops with goto across awaits.
//
//asyncgen:coroutine
func ctrlGoto(e *Env) int {
	n := 0
	i := 0
loop:
	if i >= 3 {
		goto done
	}
	n += rt.Must(e.AV("step", i))
	i++
	goto loop
done:
	e.Add("n=%d", n)
	return n
}

// ctrlGotoOutOfLoop jumps backwards out of a loop after an await and
// re-enters it, which must restart the loop with a fresh variable.
//
//asyncgen:coroutine
func ctrlGotoOutOfLoop(e *Env) string {
	tries := 0
retry:
	tries++
	for i := 0; i < 3; i++ {
		v := rt.Must(e.I(i))
		if v == 1 && tries < 3 {
			e.Add("retry %d at i=%d", tries, i)
			goto retry
		}
	}
	return fmt.Sprintf("tries=%d", tries)
}

// ctrlVoid returns nothing: its constructor yields an rt.Coro[rt.Void].
//
//asyncgen:coroutine
func ctrlVoid(e *Env, n int) {
	for i := range n {
		if i == 2 {
			return
		}
		rt.Must(e.I(0))
		e.Add("void %d", i)
	}
}

// ctrlErrOnly returns only an error.
//
//asyncgen:coroutine
func ctrlErrOnly(e *Env, fail bool) error {
	rt.Must(e.I(0))
	if fail {
		return fmt.Errorf("failed after %d", rt.Must(e.I(1)))
	}
	return nil
}

// ctrlIntrinsics reaches the task and loop from inside a coroutine.
//
//asyncgen:coroutine
func ctrlIntrinsics(e *Env) string {
	before := rt.Current() == e.Task && rt.RunningLoop() == e.L
	rt.Must(e.I(0))
	after := rt.Current() == e.Task && rt.RunningLoop() == e.L
	return fmt.Sprint(before, after)
}

// ctrlSwitchFallOut is a switch whose first clause awaits, which the
// lowered switch falls out into, and whose default breaks out early: the
// break must leave the switch, not run the awaiting clause.
//
//asyncgen:coroutine
func ctrlSwitchFallOut(e *Env, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		switch {
		case i%2 == 0:
			out += fmt.Sprint(rt.Must(e.I(i)))
		default:
			if i > 2 {
				break
			}
			out += "odd"
		}
		out += ";"
	}
	return out
}
