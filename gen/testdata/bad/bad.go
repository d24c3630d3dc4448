package bad

import (
	"github.com/asyncgen/asyncgen/gen/testdata/bad/hidden"
	"github.com/asyncgen/asyncgen/rt"
)

func fut() rt.Coro[int] { return nil }

//asyncgen:coroutine
func inGo() {
	go rt.Must(fut()) // want "await inside a go statement"
}

//asyncgen:coroutine
func deferredMust() {
	defer rt.Must(fut()) // want "deferred await: the call would run as the coroutine finishes"
}

//asyncgen:coroutine
func deferredAwait() {
	defer rt.Await(fut()) // want "deferred await"
}

//asyncgen:coroutine
func inLiteral() int {
	f := func() int {
		return rt.Must(fut()) // want "await inside a function literal"
	}
	return f()
}

//asyncgen:coroutine
func inDefer() {
	defer func() {
		rt.Must(fut()) // want "await inside a deferred function literal"
	}()
}

//asyncgen:coroutine
func badResults() (int, string) { // want "must return nothing, error, T or \\(T, error\\)"
	return 0, ""
}

//asyncgen:coroutine
func asValue() {
	g := rt.Must[int] // want "Must must be called, not used as a value"
	_ = g
}

//asyncgen:coroutine
func localTypeAcross() int {
	type pair struct{ a, b int }
	p := pair{1, 2} // want "p lives across an await but its type pair is declared inside the coroutine \\(declare pair at package level\\)"
	rt.Must(fut())
	return p.a
}

//asyncgen:coroutine
func localTypeInSlice() int {
	type pair struct{ a, b int }
	var ps []pair // want "ps lives across an await but its type \\[\\]pair is declared inside"
	ps = append(ps, pair{})
	rt.Must(fut())
	return len(ps)
}

//asyncgen:coroutine
func localTypeOnlyBetweenAwaits() int {
	type pair struct{ a, b int }
	rt.Must(fut())
	p := pair{1, 2}
	return p.a
}

//asyncgen:coroutine
func hiddenAcross() int {
	h := hidden.New() // want "h has type \\*hidden.impl, which asyncgen cannot name outside package hidden"
	rt.Must(fut())
	return h.N()
}

//asyncgen:coroutine
func hiddenField() int {
	a := hidden.Anon()     // want "a has type struct\\{A int; b int\\}, which asyncgen cannot spell outside package hidden: its field b is unexported"
	ms := hidden.Methods() // want "ms has type \\[\\]interface\\{m\\(\\)\\}, which asyncgen cannot spell outside package hidden: its method m is unexported"
	rt.Must(fut())
	return a.A + len(ms)
}

//asyncgen:coroutine
func hiddenAwait() {
	rt.Must(hidden.Later()) // want "await of \\*hidden.impl, which asyncgen cannot name outside package hidden"
}

type table[K comparable, V any] struct{ m map[K]V }

//asyncgen:coroutine
func (t table[K, _]) keys() []K { // want "blank type parameter in the receiver of a coroutine method"
	rt.Must(fut())
	return nil
}

//asyncgen:coroutine
func blankTypeParam[_ any, T any](x T) T { // want "blank type parameter of a coroutine: name it"
	rt.Must(fut())
	return x
}

// A RunGroup body written inline: the body must stay a plain func that
// returns a Coro, so the hint is a template of its own.
//
//asyncgen:coroutine
func groupBodyInline() (int, error) {
	return rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
		return rt.Async(func() (int, error) { // want "write the coroutine it returns as a template of its own"
			return 1, nil
		})
	}))
}

//asyncgen:coroutine
func litInPlainFunc() {
	g := func() {
		_ = rt.AsyncVoid(func() error { return nil }) // want "make the enclosing literal a coroutine with rt.Async too"
	}
	g()
	rt.Must(fut())
}

//asyncgen:coroutine
func litBad() {
	f := func() rt.Coro[int] {
		return rt.Async(func() (int, error) { // want "coroutine func literal inside a plain func literal"
			return rt.Must(fut()), nil // want "await inside a function literal"
		})
	}
	_ = f
	rt.Must(rt.AsyncVoid(func() error {
		go rt.Must(fut()) // want "await inside a go statement"
		return nil
	}))
	a := rt.Async[int] // want "Async must be called, not used as a value"
	_ = a
}

// awaitHelper awaits, but is no template: the template calling it is refused.
func awaitHelper(c rt.Coro[int]) int {
	v, _ := rt.Await(c)   // want "rt.Await in awaitHelper, which template callsAwaitHelper calls: only a template suspends"
	return v + rt.Must(c) // want "rt.Must in awaitHelper, which template callsAwaitHelper calls"
}

//asyncgen:coroutine
func callsAwaitHelper() int {
	return awaitHelper(fut())
}

// The range form of async iteration is lowered only as a range operand of
// the template's own code.
//
//asyncgen:coroutine
func allBad(it *rt.AsyncIter[int], h holder) error {
	seq := it.All() // want "rt.AsyncIter's All only as the operand of a range statement.*called outside a range statement"
	for range seq {
	}
	f := it.All // want "used as a value"
	_ = f
	g := (*rt.AsyncIter[int]).All // want "used as a value"
	_ = g
	func() {
		for range it.All() { // want "inside a function literal"
		}
	}()
	for range h.All() { // want "not through an embedding type"
	}
	for v, err := range it.All() {
		_, _ = v, err
	}
	return rangesHelper(it)
}

type holder struct{ *rt.AsyncIter[int] }

// rangesHelper ranges over All but is no template.
func rangesHelper(it *rt.AsyncIter[int]) error {
	for _, err := range it.All() { // want "rt.AsyncIter's All in rangesHelper, which template allBad calls"
		if err != nil {
			return err
		}
	}
	return nil
}

// init and the blank identifier cannot be called, so no constructor can run
// them.
//
//asyncgen:coroutine
func init() { // want "coroutine template init cannot be called: give it another name"
	rt.Must(fut())
}

//asyncgen:coroutine
func _() int { // want "coroutine template _ cannot be called: give it another name"
	return rt.Must(fut())
}

// The directive marks function declarations only; elsewhere it would be
// ignored without a word.
//
//asyncgen:coroutine
var notAFunc = func() int { return rt.Must(fut()) } // want "//asyncgen:coroutine marks a function declaration, not a var"

//asyncgen:coroutine
type notAFuncType func() // want "//asyncgen:coroutine marks a function declaration, not a type"

var (
	//asyncgen:coroutine
	inGroup = 1 // want "//asyncgen:coroutine marks a function declaration, not a var"
)

//asyncgen:coroutine
func literalUsesLocalTypes() int {
	type B int
	type A = int
	c := rt.Async(func() (int, error) {
		z := B(rt.Must(fut())) // want "coroutine literal uses B, a type declared outside it in literalUsesLocalTypes: the literal's frame cannot see it \\(declare B at package level or inside the literal\\)"
		var a A = 1            // want "coroutine literal uses A, a type declared outside it"
		return int(z) + a, nil
	})
	return rt.Must(c)
}
