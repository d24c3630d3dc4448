package generated_test

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Edge cases of the range over All (a review's probes): exits that must
// not close (goto inside the body, continue of the loop itself), exits
// through several loops, named results seen during a failing close, and
// switches that fall out into a flattened clause.

// rvGotoInside jumps to a label inside the same body: the loop is not left,
// so nothing closes.
//
//asyncgen:coroutine
func rvGotoInside(e *Env) (string, error) {
	out := ""
	for v, err := range countIter(e, 3).All() {
		if err != nil {
			return "", err
		}
		rt.Must(e.I(0))
		if v == 1 {
			goto skip
		}
		out += fmt.Sprint(v)
	skip:
		out += ";"
	}
	return out, nil
}

// rvContinue continues the All loop itself, with and without an await before.
//
//asyncgen:coroutine
func rvContinue(e *Env) (string, error) {
	out := ""
	for v, err := range countIter(e, 3).All() {
		if err != nil {
			return "", err
		}
		if v == 0 {
			continue
		}
		rt.Must(e.I(0))
		if v == 1 {
			continue
		}
		out += fmt.Sprint(v)
	}
	return out, nil
}

// rvDeferInBody defers inside the body and returns from it: the producer
// closes before the body's defers (which run at the template's exit).
//
//asyncgen:coroutine
func rvDeferInBody(e *Env) (string, error) {
	defer e.Add("outer defer")
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return "", err
		}
		defer e.Add("body defer %d", v)
		rt.Must(e.I(0))
		if v == 1 {
			return "ret", nil
		}
	}
	return "end", nil
}

// rvSelectBreak breaks a select (and a switch) inside the body: only those are left.
//
//asyncgen:coroutine
func rvSelectBreak(e *Env) (string, error) {
	out := ""
	ch := make(chan int, 1)
	for v, err := range countIter(e, 3).All() {
		if err != nil {
			return "", err
		}
		ch <- v
		select {
		case x := <-ch:
			if x == 1 {
				break
			}
			out += fmt.Sprint(x)
		default:
			panic("not ready")
		}
		rt.Must(e.I(0))
		switch v {
		case 0:
			rt.Must(e.I(0))
			break
		default:
			out += "d"
		}
	}
	return out, nil
}

// rvClosureReturn has a return inside a func literal in the body, in the
// same statement as a return of the template.
//
//asyncgen:coroutine
func rvClosureReturn(e *Env) (int, error) {
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return 0, err
		}
		f := func() int { return v * 10 }
		if v == 2 {
			g := func() (int, error) { return f() + 1, nil }
			return g()
		}
		rt.Must(e.I(0))
	}
	return -1, nil
}

// rvPanicProducer ranges over a producer that panics.
//
//asyncgen:coroutine
func rvPanicProducer(e *Env) (res string, err error) {
	defer func() {
		if p := recover(); p != nil {
			e.Add("recovered %v", p)
			res = "recovered"
		}
	}()
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return rvPanickerAsync(e, y) }).All() {
		e.Add("got %d %v", v, err)
		if err != nil {
			return "err", err
		}
	}
	return "end", nil
}

//asyncgen:coroutine
func rvPanicker(e *Env, y *rt.Yielder[int]) error {
	defer e.Add("panicker defer")
	rt.Must(y.Yield(1))
	rt.Must(e.I(0))
	panic("producer panic")
}

// rvNestedLabelled leaves two All loops and a func range with one labelled
// break, from inside a verbatim for loop.
//
//asyncgen:coroutine
func rvNestedLabelled(e *Env) (string, error) {
	out := ""
outer:
	for a, err := range rangeTagged(e, "a", 3).All() {
		if err != nil {
			return "", err
		}
		for b, err := range rangeTagged(e, "b", 3).All() {
			if err != nil {
				return "", err
			}
			for c := range e.Count(3) {
				rt.Must(e.I(0))
				for i := 0; i < 3; i++ {
					if a == 1 && b == 1 && c == 1 && i == 1 {
						break outer
					}
				}
				out += fmt.Sprint(a, b, c, ";")
			}
		}
	}
	e.Add("after")
	return out, nil
}

// rvSwitchLabelBreak breaks out of an All loop to a labelled switch enclosing it.
//
//asyncgen:coroutine
func rvSwitchLabelBreak(e *Env, k int) (string, error) {
	out := ""
sw:
	switch k {
	case 1:
		for v, err := range countIter(e, 5).All() {
			if err != nil {
				return "", err
			}
			rt.Must(e.I(0))
			if v == 1 {
				break sw
			}
			out += fmt.Sprint(v)
		}
		out += "loop-end"
	default:
		out += "default"
	}
	e.Add("after switch")
	return out, nil
}

// rvReturnOrder returns results that log, with a panic-free close; the
// results are evaluated before the close.
//
//asyncgen:coroutine
func rvReturnOrder(e *Env) (int, error) {
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return 0, err
		}
		if v == 1 {
			return e.V("result", v), nil
		}
	}
	return 0, nil
}

// rvPanicDefers panics in a body that awaits; the template's defers run after
// the abandon.
//
//asyncgen:coroutine
func rvPanicDefers(e *Env) (res string, err error) {
	defer func() {
		if p := recover(); p != nil {
			e.Add("recovered %v", p)
			res = "recovered"
		}
	}()
	defer e.Add("consumer defer")
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return "", err
		}
		defer e.Add("body defer %d", v)
		rt.Must(e.I(0))
		if v == 1 {
			panic("body panic")
		}
	}
	return "", nil
}

// rvIgnoredClose: a producer that yields after its Yield returned false.
//
//asyncgen:coroutine
func rvIgnoredClose(e *Env) (string, error) {
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return rvStubbornAsync(e, y) }).All() {
		if err != nil {
			return "err", err
		}
		if v == 0 {
			break
		}
	}
	return "after", nil
}

//asyncgen:coroutine
func rvStubborn(e *Env, y *rt.Yielder[int]) error {
	defer e.Add("stubborn defer")
	for i := 0; ; i++ {
		ok := rt.Must(y.Yield(i))
		e.Add("yield %d -> %v", i, ok)
	}
}

// rvGotoOutForward jumps forward out of the loop past statements.
//
//asyncgen:coroutine
func rvGotoOutForward(e *Env) (string, error) {
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return "", err
		}
		if v == 1 {
			goto out
		}
	}
	e.Add("not here")
out:
	e.Add("out")
	return "ok", nil
}

// rvOuterContinueFromFlatSwitch: a continue of an outer plain loop from
// inside a flattened switch in the body.
//
//asyncgen:coroutine
func rvOuterContinueFromSwitch(e *Env) (string, error) {
	out := ""
	for i := 0; i < 2; i++ {
		for v, err := range countIter(e, 3).All() {
			if err != nil {
				return "", err
			}
			switch {
			case v == 1:
				rt.Must(e.I(0))
				continue
			case v == 2:
				continue
			}
			out += fmt.Sprint(i, v, ";")
		}
	}
	return out, nil
}

// rvLabelSelf continues and breaks the All loop itself by its label from
// inside a verbatim for loop in the body.
//
//asyncgen:coroutine
func rvLabelSelf(e *Env) (string, error) {
	out := ""
self:
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return "", err
		}
		rt.Must(e.I(0))
		for i := 0; i < 2; i++ {
			if v == 0 {
				continue self
			}
			if v == 2 {
				break self
			}
			out += fmt.Sprint(v, i, ";")
		}
	}
	e.Add("after")
	return out, nil
}

// rvSelectAwaitBreak breaks a flattened select (its case awaits) in the body.
//
//asyncgen:coroutine
func rvSelectAwaitBreak(e *Env) (string, error) {
	out := ""
	ch := make(chan int, 1)
	for v, err := range countIter(e, 3).All() {
		if err != nil {
			return "", err
		}
		ch <- v
		select {
		case x := <-ch:
			rt.Must(e.I(0))
			if x == 1 {
				break
			}
			out += fmt.Sprint(x)
		default:
			panic("not ready")
		}
		out += ";"
	}
	return out, nil
}

// rvRerange ranges again over an iterator a break closed: nothing more.
//
//asyncgen:coroutine
func rvRerange(e *Env) (string, error) {
	it := countIter(e, 5)
	out := ""
	for v, err := range it.All() {
		if err != nil {
			return "", err
		}
		out += fmt.Sprint(v)
		break
	}
	for v, err := range it.All() {
		out += fmt.Sprint(v, err)
	}
	return out, nil
}

// rvAllInSelect: an All loop inside a select case, left by a break of the
// select's label.
//
//asyncgen:coroutine
func rvAllInSelect(e *Env) (string, error) {
	out := ""
	ch := make(chan int, 1)
	ch <- 1
sel:
	select {
	default:
		panic("not ready")
	case <-ch:
		for v, err := range countIter(e, 5).All() {
			if err != nil {
				return "", err
			}
			if v == 1 {
				break sel
			}
			out += fmt.Sprint(v)
		}
		out += "end"
	}
	e.Add("after select")
	return out, nil
}

// rvSwFall: inline clauses with fallthrough between them, a flattened clause
// and an inline default.
//
//asyncgen:coroutine
func rvSwFall(e *Env, k int) (string, error) {
	out := ""
	switch k {
	case 0:
		out += "a"
		fallthrough
	case 1:
		out += "b"
	case 2:
		out += fmt.Sprint(rt.Must(e.I(2)))
	default:
		out += "d"
	}
	return out + "|", nil
}

// rvSwLabelBreak: a labelled break of the switch from a verbatim for loop in
// an inline clause; a break in a nested switch and in a select in inline
// clauses leaves those only.
//
//asyncgen:coroutine
func rvSwLabelBreak(e *Env, k int) (string, error) {
	out := ""
	ch := make(chan int, 1)
sw:
	switch k {
	case 0:
		for i := 0; i < 3; i++ {
			if i == 1 {
				break sw
			}
			out += "i"
		}
		out += "no"
	case 1:
		out += fmt.Sprint(rt.Must(e.I(1)))
	case 2:
		switch {
		case k > 1:
			break
		}
		out += "n"
	case 3:
		ch <- 1
		select {
		case <-ch:
			break
		default:
			panic("not ready")
		}
		out += "s"
	default:
		out += "d"
	}
	return out + "|", nil
}

// rvSwEmptyDefault: an empty default and the flattened clause first.
//
//asyncgen:coroutine
func rvSwEmptyDefault(e *Env, k int) (string, error) {
	out := ""
	switch k {
	case 0:
		out += fmt.Sprint(rt.Must(e.I(0)))
	case 1:
		out += "one"
	default:
	}
	return out + "|", nil
}

// rvSwDefaultFirst: default written first, and a continue in an inline clause.
//
//asyncgen:coroutine
func rvSwDefaultFirst(e *Env) (string, error) {
	out := ""
	for k := 0; k < 4; k++ {
		switch k {
		default:
			out += "d"
		case 1:
			out += fmt.Sprint(rt.Must(e.I(1)))
		case 2:
			continue
		}
		out += ";"
	}
	return out, nil
}

// rvSwFallOut: switches that fall out into their flattened default, whose
// inline clause holds nested breaks of several kinds.
//
//asyncgen:coroutine
func rvSwFallOut(e *Env, k int) (string, error) {
	out := ""
	ch := make(chan int, 1)
	switch k {
	case 0:
		if k == 0 {
			break
		}
		out += "x"
	default:
		out += fmt.Sprint(rt.Must(e.I(k)))
	}
	out += "|"
sw:
	switch k {
	case 0:
		for i := 0; i < 3; i++ {
			if i == 1 {
				break sw
			}
			out += "i"
		}
		out += "no"
	default:
		out += fmt.Sprint(rt.Must(e.I(k)))
	}
	out += "|"
	switch k {
	case 0:
		ch <- 1
		select {
		case <-ch:
			break
		default:
			panic("not ready")
		}
		out += "s"
	default:
		out += fmt.Sprint(rt.Must(e.I(k)))
	}
	out += "|"
	switch k {
	case 0:
		switch {
		case k == 0:
			break
		}
		out += "n"
	default:
		out += fmt.Sprint(rt.Must(e.I(k)))
	}
	out += "|"
	switch k {
	case 0:
		for i := 0; i < 2; i++ {
			switch {
			case i == 0:
				continue
			}
			out += "c"
		}
		out += "e"
	default:
		out += fmt.Sprint(rt.Must(e.I(k)))
	}
	out += "|"
outer:
	for j := 0; j < 2; j++ {
		switch k {
		case 0:
			if j == 1 {
				break outer
			}
			out += "j"
		default:
			out += fmt.Sprint(rt.Must(e.I(k)))
		}
		out += ","
	}
	return out, nil
}

// rvCloseErrNamed returns from the body with named results while the close
// fails; a deferred recover reads the named results: Go has assigned them
// before the iterator's close ran (n=7 in both modes).
//
//asyncgen:coroutine
func rvCloseErrNamed(e *Env) (n int, err error) {
	n = -1
	defer func() {
		if p := recover(); p != nil {
			e.Add("recovered %v with n=%d", p, n)
			err = fmt.Errorf("recovered")
		}
	}()
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return rangeCloseErrProducerAsync(e, y) }).All() {
		if err != nil {
			return 0, err
		}
		if v == 1 {
			return 7, nil
		}
	}
	return 0, nil
}

// rvCleanupSeesResult: the producer's cleanup (run by the awaited close)
// reads the consumer's named result through a closure.
//
//asyncgen:coroutine
func rvCleanupSeesResult(e *Env) (n int, err error) {
	n = -1
	peek := func() int { return n }
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return rvPeekProducerAsync(e, peek, y) }).All() {
		if err != nil {
			return 0, err
		}
		if v == 1 {
			return 7, nil
		}
	}
	return 0, nil
}

//asyncgen:coroutine
func rvPeekProducer(e *Env, peek func() int, y *rt.Yielder[int]) error {
	for i := 0; ; i++ {
		if !rt.Must(y.Yield(i)) {
			e.Add("cleanup sees n=%d", peek())
			return nil
		}
	}
}

// rvGotoMid: gotos to a label in the outer All body, from an inner All loop
// (closing it only) and from a range-over-func loop (stopping it only).
//
//asyncgen:coroutine
func rvGotoMid(e *Env) (string, error) {
	out := ""
	for a, err := range rangeTagged(e, "a", 3).All() {
		if err != nil {
			return "", err
		}
		if a == 0 {
			for b, err := range rangeTagged(e, "b", 3).All() {
				if err != nil {
					return "", err
				}
				if b == 1 {
					goto mid
				}
				out += fmt.Sprint("b", b)
			}
		} else {
			for c := range e.Count(3) {
				rt.Must(e.I(0))
				if c == 1 {
					goto mid
				}
				out += fmt.Sprint("c", c)
			}
		}
		out += "not"
	mid:
		out += fmt.Sprint("m", a, ";")
	}
	return out, nil
}

// rvContinueFuncOuter: continue of an outer range-over-func loop from an All
// loop inside it.
//
//asyncgen:coroutine
func rvContinueFuncOuter(e *Env) (string, error) {
	out := ""
outer:
	for c := range e.Count(2) {
		for v, err := range countIter(e, 3).All() {
			if err != nil {
				return "", err
			}
			if v == 1 {
				continue outer
			}
			out += fmt.Sprint(c, v, ";")
		}
	}
	return out, nil
}

// rvShapes: bodies that never fall through (vet's unreachable code).
//
//asyncgen:coroutine
func rvShapes(e *Env, k int) (string, error) {
	out := ""
	for v, err := range countIter(e, 3).All() {
		out += fmt.Sprint(v, err)
		break
	}
	if k == 1 {
		for range countIter(e, 3).All() { //asyncvet:droperr the clause form is what this case tests; countIter never fails
			panic("first")
		}
	}
outer:
	for i := 0; i < 2; i++ {
		for v := range countIter(e, 3).All() { //asyncvet:droperr the clause form is what this case tests; countIter never fails
			out += fmt.Sprint(i, v)
			continue outer
		}
	}
	for v := range countIter(e, 3).All() { //asyncvet:droperr the clause form is what this case tests; countIter never fails
		out += fmt.Sprint(v)
		goto end
	}
end:
	for v, err := range countIter(e, 3).All() {
		if err != nil {
			return "", err
		}
		return out + fmt.Sprint(v), nil
	}
	return out, nil
}

// rvSwPanicLine panics in the clauses of a switch that falls out into its
// flattened first clause: both modes must name the same template line.
//
//asyncgen:coroutine
func rvSwPanicLine(e *Env, k int) (string, error) {
	out := ""
	switch k {
	case 0:
		out += fmt.Sprint(rt.Must(e.I(0)))
		panic("in the flattened clause")
	case 1:
		out += "one"
		panic("in an inline clause after it")
	case 2:
		panic(
			"in an inline clause spread over lines")
	default:
		out += "d"
		panic("in the default")
	}
}

// rvSwPanicLineNoDefault: the same without a default (no fall-out): the
// flattened clause, four lines long, stands as a goto and one blank line in
// the dispatching switch.
//
//asyncgen:coroutine
func rvSwPanicLineNoDefault(e *Env, k int) (string, error) {
	out := ""
	switch k {
	case 0:
		out += fmt.Sprint(rt.Must(e.I(0)))
		out += "x"
		out += "y"
		panic("in the flattened clause")
	case 1:
		out += "one"
		panic("in an inline clause after it")
	}
	return out, nil
}
