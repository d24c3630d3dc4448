package generated_test

import (
	"errors"
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Edge cases: names that a generator might use for itself, panics crossing
// iterators and delegations, channels filled while suspended, reads of
// variables changed by callbacks during an await.

// edgeNames gives parameters and locals the names generated code is likely
// to use for its own receiver, driver, errors and results.
//
//asyncgen:coroutine
func edgeNames(f *Env, c int, thrown string, state int) (err error) {
	y, ok := rt.Must(f.I(c)), true
	next := rt.Must(f.I(state))
	res := fmt.Sprint(y, ok, next, thrown)
	aw := rt.Must(Later(f, "aw"))
	for frame := range 2 {
		r := rt.Must(f.I(frame))
		f.Add("frame=%d r=%d", frame, r)
	}
	f.Add("res=%s aw=%s", res, aw)
	if c > 100 {
		return errors.New("big c")
	}
	return nil
}

// edgeBlankParams has unnamed and blank parameters.
//
//asyncgen:coroutine
func edgeBlankParams(e *Env, _ int, _ string) int {
	return rt.Must(e.I(4))
}

// edgeChanFilledWhileSuspended ranges over a channel that a callback sends
// to and closes while the coroutine is suspended: every receive happens at
// its iteration.
//
//asyncgen:coroutine
func edgeChanFilledWhileSuspended(e *Env) string {
	ch := make(chan int, 4)
	ch <- 1
	e.L.CallSoon(func() {
		ch <- 2
		ch <- 3
		close(ch)
	})
	out := ""
	for v := range ch {
		rt.Must(e.I(0))
		out += fmt.Sprint(v)
	}
	return out
}

// edgeReadAfterAwait reads, in the same expression as an await, a variable
// that a callback changes while suspended. The spec leaves the order of the
// variable read and the call open; gc (and so the reference mode) reads it
// after the call.
//
//asyncgen:coroutine
func edgeReadAfterAwait(e *Env) string {
	x := 1
	e.L.CallSoon(func() { x = 10 })
	a := x + rt.Must(e.I(0))
	e.L.CallSoon(func() { x = 20 })
	s := fmt.Sprint(x, rt.Must(e.I(0)))
	var b bool
	b = e.B("set", true) && rt.Must(Later(e, x)) == 20
	return fmt.Sprint(a, " ", s, " ", b)
}

// edgeRangeFuncPanic panics in a range-over-func body after an await: the
// panic unwinds through the iterator (its defers run, its yield never
// returns), then the template's deferred recover sees it.
//
//asyncgen:coroutine
func edgeRangeFuncPanic(e *Env) (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint("recovered ", r)
		}
	}()
	for v := range e.Count(3) {
		rt.Must(e.I(v))
		if v == 1 {
			panic("in body")
		}
	}
	return "end"
}

// edgeRangeFuncMustFails lets a failed Must escape a range-over-func body.
//
//asyncgen:coroutine
func edgeRangeFuncMustFails(e *Env) int {
	defer e.Add("template defer")
	for v := range e.Count(3) {
		if v == 1 {
			return rt.Must(Fail[int](e, "failed in body"))
		}
	}
	return 0
}

// edgeChildPanics delegates to a coroutine that panics; the parent's
// deferred recover sees the failure as a *rt.Raised carrying the child's
// *rt.PanicError.
//
//asyncgen:coroutine
func edgeChildPanics(e *Env) (res string) {
	defer func() {
		r := recover()
		var pe *rt.PanicError
		if re, ok := r.(*rt.Raised); ok && errors.As(re.Err, &pe) {
			res = fmt.Sprint("child panicked: ", pe.Value)
		}
	}()
	rt.Must(panicsWithErrorAsync(e))
	return "unreachable"
}

// edgePanicInDefer panics in a deferred call while panicking: the later
// panic replaces the first.
//
//asyncgen:coroutine
func edgePanicInDefer(e *Env) int {
	defer func() {
		e.Add("outer sees %v", recover())
	}()
	defer func() {
		panic("second")
	}()
	rt.Must(e.I(0))
	panic("first")
}

type logger struct{ tag string }

func (l logger) log(e *Env) { e.Add("log %s", l.tag) }

// edgeDeferValues evaluates a deferred method's receiver and a deferred
// func value at the defer statement.
//
//asyncgen:coroutine
func edgeDeferValues(e *Env) int {
	lg := logger{"first"}
	defer lg.log(e)
	fn := func() { e.Add("fn one") }
	defer fn()
	lg.tag = "second"
	fn = func() { e.Add("fn two") }
	rt.Must(e.I(0))
	return 0
}

// edgeCurrentInClosure calls rt.Current from a plain func literal after an
// await: it is not a suspension, just a lookup of the running task.
//
//asyncgen:coroutine
func edgeCurrentInClosure(e *Env) bool {
	check := func() bool { return rt.Current() == e.Task }
	rt.Must(e.I(0))
	return check()
}

// edgeCaseScopedCapture captures variables declared in switch clauses and
// select clauses across awaits.
//
//asyncgen:coroutine
func edgeCaseScopedCapture(e *Env, k int) string {
	var fs []func() string
	for i := range 3 {
		switch v := i * k; {
		case v > 2:
			w := v + rt.Must(e.I(1))
			fs = append(fs, func() string { return fmt.Sprint("big", w) })
		default:
			w := "small"
			rt.Must(e.I(0))
			fs = append(fs, func() string { return fmt.Sprint(w, v) })
		}
	}
	out := ""
	for _, f := range fs {
		out += f() + " "
	}
	return out
}
