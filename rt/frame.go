package rt

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
		return zero, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return f.Res, f.Err
}

// Done reports whether the coroutine has finished.
func (f *Frame[T]) Done() bool { return f.State == FrameDone }

// Finish records the outcome and returns the Yield that says so
// (StopIteration).
func (f *Frame[T]) Finish(v T, err error) Yield {
	f.State, f.Res, f.Err = FrameDone, v, err
	return Yield{}
}

// Fail finishes the coroutine with err, keeping Res as it is (a deferred
// function may have set a named result).
func (f *Frame[T]) Fail(err error) Yield {
	f.State, f.Err = FrameDone, err
	return Yield{}
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
