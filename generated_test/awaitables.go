package generated_test

// This file must stay the first in the directory in name order: the package
// name ends in "_test", and the go tool takes the first file's package
// clause as the package name, treating a _test.go file that comes first as
// an external test package of "generated".

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// Trace records the side effects of a template in the order they happen, so
// the two modes can be compared line by line.
type Trace struct{ lines []string }

// Add appends one formatted line.
func (t *Trace) Add(format string, args ...any) {
	t.lines = append(t.lines, fmt.Sprintf(format, args...))
}

// Lines returns the recorded lines.
func (t *Trace) Lines() []string { return t.lines }

// String joins the lines with "; " (the form the test tables use).
func (t *Trace) String() string { return strings.Join(t.lines, "; ") }

// Env is what every template gets: the loop it runs on, the trace it writes
// to, and helpers that make awaitables completing at controlled points.
type Env struct {
	Trace
	L *rt.Loop
	// Task is the task driving the template; Cancel uses it.
	Task rt.AnyTask
	// stash keeps a range-over-func loop's yield past the loop (see
	// stashing).
	stash func(int) bool
}

// NewEnv returns an Env for loop l.
func NewEnv(l *rt.Loop) *Env { return &Env{L: l} }

// Later returns a future that a loop callback completes with v: awaiting it
// always suspends.
func Later[T any](e *Env, v T) *rt.Future[T] {
	f := rt.NewFuture[T](e.L)
	e.L.CallSoon(func() { f.SetResult(v) })
	return f
}

// Ready returns a future that is already done with v: awaiting it must not
// suspend.
func Ready[T any](e *Env, v T) *rt.Future[T] {
	f := rt.NewFuture[T](e.L)
	f.SetResult(v)
	return f
}

// Fail returns a future that a loop callback fails with an error whose text
// is msg.
func Fail[T any](e *Env, msg string) *rt.Future[T] {
	f := rt.NewFuture[T](e.L)
	e.L.CallSoon(func() { f.SetException(errors.New(msg)) })
	return f
}

// I is Later for ints, the common case.
func (e *Env) I(v int) *rt.Future[int] { return Later(e, v) }

// AV logs tag when the awaitable is made (which is when the expression
// holding it is evaluated) and completes later with v.
func (e *Env) AV(tag string, v int) *rt.Future[int] {
	e.Add("%s", tag)
	return Later(e, v)
}

// AB is AV for bools.
func (e *Env) AB(tag string, v bool) *rt.Future[bool] {
	e.Add("%s", tag)
	return Later(e, v)
}

// V logs tag and returns v: a side effect whose position in the trace shows
// when an operand was evaluated.
func (e *Env) V(tag string, v int) int {
	e.Add("%s", tag)
	return v
}

// B is V for bools.
func (e *Env) B(tag string, v bool) bool {
	e.Add("%s", tag)
	return v
}

// Fn logs tag and returns a function that logs its argument: it shows that
// a function value is evaluated before the call's arguments.
func (e *Env) Fn(tag string) func(int) int {
	e.Add("%s", tag)
	return func(x int) int {
		e.Add("%s(%d)", tag, x)
		return x
	}
}

// Cancel returns a future that never completes on its own and schedules
// the cancellation of the running task, so the await of it returns a
// *rt.CancelledError (the Throw path).
func (e *Env) Cancel(msg string) *rt.Future[int] {
	f := rt.NewFuture[int](e.L)
	task := e.Task
	e.L.CallSoon(func() { task.Cancel(msg) })
	return f
}

// Tick schedules a loop callback that logs tag: where it lands in the trace
// tells whether the template suspended in between.
func (e *Env) Tick(tag string) {
	e.L.CallSoon(func() { e.Add("%s", tag) })
}

// Sleep is rt.Sleep, here so templates read uniformly.
func (e *Env) Sleep(d time.Duration) rt.Coro[rt.Void] { return rt.Sleep(d) }

// Now returns the loop's (virtual) time.
func (e *Env) Now() time.Duration { return e.L.Time() }

// CancelSoon schedules the cancellation of the running task without giving
// it a future to wait on: if the task is then in a bare yield (Sleep(0)) or
// runs on, the cancellation is thrown in at its next step (Throw).
func (e *Env) CancelSoon(msg string) {
	task := e.Task
	e.L.CallSoon(func() { task.Cancel(msg) })
}

// Ch logs tag and returns c: it shows when a select operand is evaluated.
func (e *Env) Ch(tag string, c chan int) chan int {
	e.Add("%s", tag)
	return c
}

// Count is a func iterator over 0..n-1 that logs each yield, an early stop,
// and its end, so the trace shows how a range-over-func drives it.
func (e *Env) Count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer e.Add("iter end")
		for i := 0; i < n; i++ {
			e.Add("yield %d", i)
			if !yield(i) {
				e.Add("stopped")
				return
			}
		}
	}
}

// Pairs is a two-value func iterator over (i, tags[i]).
func (e *Env) Pairs(tags ...string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for i, s := range tags {
			if !yield(i, s) {
				return
			}
		}
	}
}

// errPanicValue is the value panicsWithError panics with.
var errPanicValue = errors.New("panic value")

// Slice logs tag and returns 0..n-1: it shows how often a range operand is
// evaluated.
func (e *Env) Slice(tag string, n int) []int {
	e.Add("%s", tag)
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
