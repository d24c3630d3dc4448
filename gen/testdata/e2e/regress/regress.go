// Package regress holds templates that once broke the generator, each named
// after what it exercises, with the behaviour both builds must share
// checked in regress_test.go.
package regress

import (
	"fmt"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// closer logs its Close to a shared log.
type closer struct {
	log *[]string
	id  int
}

func (c closer) Close() error { *c.log = append(*c.log, fmt.Sprint("close ", c.id)); return nil }

// deferAwaitedReceiver defers a method of an awaited value: the generator
// once crashed on the rebuilt function value, which the type checker never
// saw.
//
//asyncgen:coroutine
func deferAwaitedReceiver(log *[]string, mk func(int) rt.Coro[closer]) int {
	for i := range 2 {
		defer rt.Must(mk(i)).Close()
	}
	*log = append(*log, "body")
	return 2
}

// gotoLabelledReturn ends in a labelled return reached only by goto: the
// generator once appended an unreachable filler after it (vet: unreachable
// code).
//
//asyncgen:coroutine
func gotoLabelledReturn(n rt.Coro[int]) (string, error) {
	if rt.Must(n) > 2 {
		goto big
	}
	return "small", nil
big:
	return "big", nil
}

// terminatingSwitch ends in a switch every clause of which returns, and
// an if/else that both return inside a labelled block.
//
//asyncgen:coroutine
func terminatingSwitch(n rt.Coro[int], s string) string {
	v := rt.Must(n)
	switch {
	case v > 10:
		return strings.Repeat(s, 2)
	case v > 5:
		if v%2 == 0 {
			return "even"
		} else {
			return "odd"
		}
	default:
		for {
			if v > 0 {
				return s
			}
			v++
		}
	}
}

// Name is a named string type: utf8 does not take it unconverted.
type Name string

// coreRange ranges, with awaits in the bodies, over a type parameter whose
// core type is a slice and over a named string type: the generator once
// refused the first ("cannot range over S") and broke the build with the
// second.
//
//asyncgen:coroutine
func coreRange[S ~[]E, E any](s S, n Name, tick func() rt.Coro[int]) (string, error) {
	var b strings.Builder
	for i, v := range s {
		fmt.Fprint(&b, i+rt.Must(tick()), v, " ")
	}
	for i, r := range n {
		fmt.Fprintf(&b, "%d%c", i+rt.Must(tick()), r)
	}
	return b.String(), nil
}

// Stack is named like a method of the embedded rtimpl.Frame; as a frame field it
// once hid the method the generated AwaitStack calls.
//
//asyncgen:coroutine
func memberNames(tick func() rt.Coro[int]) int {
	Stack, Unstarted := rt.Must(tick()), 2
	rt.Must(tick())
	return Stack + Unstarted
}

// leavingLoops has loops whose bodies never fall through to their next
// iteration (they return, break, panic or continue an outer loop), after an
// await: the step of each loop (i++, a post statement, an awaiting post)
// can never run, and left in the generated code after the body's return it
// is unreachable code to vet.
//
//asyncgen:coroutine
func leavingLoops(v func(int) rt.Coro[int], n int) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out += fmt.Sprint(" recovered ", r)
		}
	}()
	for i := 0; i < n; i++ {
		out += fmt.Sprint(rt.Must(v(i)))
		break
	}
	for i := 0; i < n; i += rt.Must(v(1)) {
		out += fmt.Sprint(rt.Must(v(i + 10)))
		break
	}
outer:
	for i := range n {
		for range n {
			out += fmt.Sprint(rt.Must(v(i + 20)))
			continue outer
		}
	}
	for _, r := range "ab" {
		out += string(r) + fmt.Sprint(rt.Must(v(30)))
		break
	}
	for i := range []int{5, 6} {
		if rt.Must(v(i)) == 0 {
			return out + " returned"
		}
		panic("not reached")
	}
	return out + " end"
}

// panicsAfterAwait ends each way through a switch with a panic whose
// argument awaits, then a loop whose body panics: nothing follows either.
//
//asyncgen:coroutine
func panicsAfterAwait(v func(int) rt.Coro[int], n int) int {
	switch n {
	case 0:
		for i := range n + 1 {
			panic(rt.Must(v(i)))
		}
		return -1
	default:
		panic(rt.Must(v(n)))
	}
}

// orderedBuiltins reads, before an await whose call changes the variables,
// what gc evaluates in its place among the calls as it does a call: len,
// cap, min, max, real, imag, complex, make, slicing and the conversions of
// a string to []byte and []rune. A plain read of a variable (n, b[0]) is
// done after the calls, as gc does.
//
//asyncgen:coroutine
func orderedBuiltins(v func(int) rt.Coro[int]) string {
	var s string
	var b []int
	var n int
	var c complex128
	reset := func() { s, b, n, c = "ab", []int{1, 2}, 1, 1.5+2i }
	change := func() rt.Coro[int] {
		s, b, n, c = "wxyz", []int{7, 8, 9}, 100, 10+20i
		return v(0)
	}
	var out []any
	reset()
	out = append(out, len(s)+rt.Must(change()))
	reset()
	out = append(out, n+rt.Must(change()))
	reset()
	out = append(out, cap(b)*2+rt.Must(change()))
	reset()
	out = append(out, b[0]+rt.Must(change()))
	reset()
	out = append(out, min(n, 50)+rt.Must(change()))
	reset()
	out = append(out, max(n, 0)-rt.Must(change()))
	reset()
	out = append(out, real(c)+imag(c)+float64(rt.Must(change())))
	reset()
	out = append(out, complex(float64(n), 0)+complex(0, float64(rt.Must(change()))))
	reset()
	out = append(out, fmt.Sprint(s[1:], b[:1], []byte(s), []rune(s), len(make([]int, n)), rt.Must(change())))
	return fmt.Sprint(out...)
}

// tempPanics panics in a call lifted out of its statement before an await
// (the call into boomAt, then a slice expression), after statements that
// span more lines than their generated code: the panic names the line of
// the statement, as in reference mode.
//
//asyncgen:coroutine
func tempPanics(v func(int) rt.Coro[int], mode int) string {
	s := []int{1}
	w := fmt.Sprint(
		s,
	)

	// the generated code has no blank line, nor this comment

	if mode == 0 {
		return w + fmt.Sprint(boomAt(s, 5), rt.Must(v(1))) // boomAt's caller
	}
	return w + fmt.Sprint(s[5:]) + fmt.Sprint(rt.Must(v(1))) // the slice
}

// boomAt indexes s at i.
func boomAt(s []int, i int) int { return s[i] }

// commentsInSplitStatements has comments inside statements the generator
// splits around their awaits: the generated file is still gofmt's.
//
//asyncgen:coroutine
func commentsInSplitStatements(v func(int) rt.Coro[int]) string {
	k := 1
	s := fmt.Sprint(k, // c1
		k) + fmt.Sprint(rt.Must(v(1)))
	t := []int{k, // c2
		rt.Must(v(2)), k, // c3
	}
	u := fmt.Sprint( /* first */ k, // one
		rt.Must(v(3)), /* two */ // three
		// own line
		rt.Must(v(4)), // four
	)
	return fmt.Sprint(s, t, u)
}

// mapIndexByBytes looks a map up by a []byte converted to a string before
// an await whose call overwrites the bytes: gc looks it up where it stands
// (the key is not copied), so the lookup sees the bytes as they were.
//
//asyncgen:coroutine
func mapIndexByBytes(v func(int) rt.Coro[int]) int {
	counts := map[string]int{"ab": 1, "zb": 100}
	buf := []byte("ab")
	fill := func() rt.Coro[int] { buf[0] = 'z'; return v(0) }
	return counts[string(buf)] + rt.Must(fill())
}

// localAliases declares aliases in its body and keeps variables of them
// across awaits: an alias is only another name, so the frame spells the
// type it stands for. asyncgen once refused them as types declared inside
// the coroutine.
//
//asyncgen:coroutine
func localAliases(v func(int) rt.Coro[int]) string {
	type A = int
	type M = map[string][]A
	x := A(3)
	m := M{"k": {x}}
	f := func() A { return x }
	c := rt.Async(func() (A, error) { return x + rt.Must(v(1)), nil })
	y := rt.Must(c)
	return fmt.Sprint(x, m, f(), y)
}

// orderedAssertions asserts the type of an interface before an await whose
// call changes it: gc copies a type assertion's result where it stands,
// among the calls, unless the type is a pointer's shape (the interface
// holds the value itself), so the assertion sees the value before the call
// and does not panic on the type the call put there.
//
//asyncgen:coroutine
func orderedAssertions(v func(int) rt.Coro[int]) string {
	var x any
	change := func() rt.Coro[int] { x = "changed"; return v(0) }
	x = 1
	a := x.(int) + rt.Must(change())
	x = 2
	b := fmt.Sprint(x.(int), rt.Must(change()))
	x = [2]int{3, 4}
	c := []any{x.([2]int), rt.Must(change())}
	return fmt.Sprintf("%v %v %v", a, b, c)
}
