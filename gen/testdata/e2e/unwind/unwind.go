// Package unwind checks how generated frames leave a template: a panic, a
// failed Must and Close unwind through a range-over-func iterator and the
// template's defers as in Go (FINDINGS.md 1), Close raises
// rt.ErrCoroutineClosed through the defers, and labelled loops whose
// operand awaits keep their break and continue (FINDINGS.md 2).
package unwind

import (
	"fmt"
	"iter"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// log records what the templates and iterators do.
type log struct{ lines []string }

func (l *log) add(format string, args ...any) {
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}
func (l *log) String() string { return strings.Join(l.lines, "; ") }

// count yields 0..n-1, logging each yield, a stop, and its end.
func (l *log) count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer l.add("iter end")
		for i := 0; i < n; i++ {
			l.add("yield %d", i)
			if !yield(i) {
				l.add("stopped")
				return
			}
		}
	}
}

// ready is an awaitable that finishes at once with v.
func ready[T any](v T) rt.Coro[T] { return rt.Async(func() (T, error) { return v, nil }) }

// failed is an awaitable that fails with msg.
func failed(msg string) rt.Coro[int] {
	return rt.Async(func() (int, error) { return 0, fmt.Errorf("%s", msg) })
}

//asyncgen:coroutine
func panicInPullBody(l *log) (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint("recovered ", r)
		}
	}()
	for v := range l.count(3) {
		rt.Must(ready(v))
		if v == 1 {
			panic("in body")
		}
	}
	return "end"
}

//asyncgen:coroutine
func mustFailsInPullBody(l *log) int {
	defer l.add("template defer")
	for v := range l.count(3) {
		if v == 1 {
			return rt.Must(failed("failed in body"))
		}
	}
	return 0
}

//asyncgen:coroutine
func breakPull(l *log) int {
	n := 0
	for v := range l.count(5) {
		n += rt.Must(ready(v))
		if v == 2 {
			break
		}
	}
	return n
}

//asyncgen:coroutine
func nestedPullPanic(l *log) (res string) {
	defer func() { res = fmt.Sprint("recovered ", recover()) }()
	for i := range l.count(2) {
		for j := range l.count(2) {
			rt.Must(ready(j))
			if i == 0 && j == 1 {
				panic("deep")
			}
		}
	}
	return "end"
}

//asyncgen:coroutine
func closeInPull(l *log, f *rt.Future[int]) int {
	defer l.add("template defer")
	for v := range l.count(3) {
		l.add("suspending at %d", v)
		rt.Must(f)
	}
	return 0
}

//asyncgen:coroutine
func closeRecovered(l *log, f *rt.Future[int]) (n int, err error) {
	defer func() {
		r := recover()
		l.add("recovered %v, closed: %v", r, r == rt.ErrCoroutineClosed)
		n = 42
	}()
	n = 7
	v := rt.Must(f)
	return v, nil
}

//asyncgen:coroutine
func closeNotRecovered(l *log, f *rt.Future[int]) (n int) {
	defer func() { l.add("defer sees n=%d", n) }()
	n = 7
	rt.Must(f)
	return 1
}

//asyncgen:coroutine
func closeNoDefers(f *rt.Future[int]) int {
	return rt.Must(f) + 1
}

//asyncgen:coroutine
func labelledRangeBreak(p int) int {
	n := 0
L:
	for i := range rt.Must(ready(3)) {
		if p > 2 {
			break L
		}
		n += i
	}
	return n
}

//asyncgen:coroutine
func labelledRangeContinue(p int) int {
	n := 0
L:
	for _, v := range []int{1, rt.Must(ready(2)), 3} {
		for j := range 2 {
			if v == p {
				continue L
			}
			n += v * j
		}
	}
	return n
}

// recoverTo is deferred with arguments; its recover must see the panic.
func recoverTo(l *log, tag string) {
	if r := recover(); r != nil {
		l.add("%s recovered %v", tag, r)
	}
}

func (l *log) recoverAs(tag string) int {
	if r := recover(); r != nil {
		l.add("%s recovered %v", tag, r)
	}
	return 0
}

func (l *log) mark() { l.add("mark") }

//asyncgen:coroutine
func deferArgsRecover(l *log, how int) (res string) {
	switch how {
	case 0:
		defer recoverTo(l, "func")
	case 1:
		defer l.recoverAs("method")
	case 2:
		fn := recoverTo
		defer fn(l, "value")
	}
	defer l.add("logged %d", how)
	defer l.mark()
	res = "set"
	rt.Must(ready(1))
	panic("boom")
}

//asyncgen:coroutine
func deferRecoverBuiltin(l *log) int {
	defer l.add("after")
	defer recover()
	rt.Must(ready(1))
	panic("not recovered")
}
