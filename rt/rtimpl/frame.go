package rtimpl

import "github.com/asyncgen/asyncgen/rt"

// FrameDone is the State of a finished Frame.
const FrameDone = -1

// Frame is the bookkeeping every generated coroutine frame embeds: the
// resume point and the outcome. It gives the frame its Result method and the
// small verbs generated code finishes with, so that each generated coroutine
// carries only what is particular to its template.
//
// State is 0 before the first Send, FrameDone once finished, and otherwise
// the resume point the generated code jumps to.
type Frame[T any] struct {
	State int
	Res   T
	Err   error
}

// Result returns the coroutine's outcome once it has finished.
func (f *Frame[T]) Result() (T, error) {
	if f.State != FrameDone {
		var zero T
		return zero, &rt.InvalidStateError{Msg: "coroutine has not finished"}
	}
	return f.Res, f.Err
}

// Done reports whether the coroutine has finished.
func (f *Frame[T]) Done() bool { return f.State == FrameDone }

// Finish records the outcome and returns the Yield that says so
// (StopIteration).
func (f *Frame[T]) Finish(v T, err error) rt.Yield {
	f.State, f.Res, f.Err = FrameDone, v, err
	return rt.Yield{}
}

// Fail finishes the coroutine with err, keeping Res as it is (a deferred
// function may have set a named result).
func (f *Frame[T]) Fail(err error) rt.Yield {
	f.State, f.Err = FrameDone, err
	return rt.Yield{}
}

// Enter is where a generated step begins: it returns the resume point to
// jump to (0: the start of the body, FrameDone: nothing left to run). An
// error thrown into a frame that never ran finishes it with that error
// without running its body, as Python's throw into an unstarted generator
// does.
func (f *Frame[T]) Enter(thrown error) int {
	if f.State == 0 && thrown != nil {
		f.Fail(thrown)
	}
	return f.State
}

// Suspend records the resume point state and returns y, for the generated
// code that hands y to its driver.
func (f *Frame[T]) Suspend(state int, y rt.Yield) rt.Yield {
	f.State = state
	return y
}

// Unstarted handles Throw and Close on a frame that never ran: Python
// finishes such a generator with the thrown error without running its body.
// It reports whether the frame had not started (and is now finished).
func (f *Frame[T]) Unstarted(err error) bool {
	if f.State != 0 {
		return false
	}
	f.Fail(err)
	return true
}

// Catch is deferred by the Send and Throw methods of generated frames whose
// template has no deferred calls: a panic escaping the template's body (a
// failed Must included) becomes the coroutine's failure. It recovers
// because it is itself the deferred call.
func (f *Frame[T]) Catch() {
	if p := recover(); p != nil {
		f.Fail(rt.FailureOf(p))
	}
}

// Close finishes a frame that has not finished with ErrCoroutineClosed.
// Generated frames without deferred calls close what they await, then call
// it; one that awaits nothing uses it as its Close.
func (f *Frame[T]) Close() {
	if f.State != FrameDone {
		f.Fail(rt.ErrCoroutineClosed)
	}
}

// Stack appends the frame's own entry to an async stack trace when it is
// suspended: the template fn, its file, and lines[State-1], the line of the
// await it is suspended at. Generated AwaitStack methods call it, then the
// AwaitStack of what they await.
func (f *Frame[T]) Stack(buf []rt.StackFrame, fn, file string, lines ...int) []rt.StackFrame {
	if f.State <= 0 || f.State > len(lines) {
		return buf
	}
	return append(buf, rt.StackFrame{Func: fn, File: file, Line: lines[f.State-1]})
}
