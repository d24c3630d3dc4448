package rt

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
)

// Sentinels for errors.Is. Their text never changes.
var (
	// ErrCancelled matches every CancelledError.
	ErrCancelled = errors.New("cancelled")
	// ErrTimeout matches every TimeoutError.
	ErrTimeout = errors.New("timeout")
	// ErrInvalidState matches every InvalidStateError.
	ErrInvalidState = errors.New("invalid state")
	// ErrLoopClosed is returned by loop methods called after Close.
	ErrLoopClosed = errors.New("event loop is closed")
	// ErrLoopRunning is returned when a loop is run while already running.
	ErrLoopRunning = errors.New("this event loop is already running")

	errNilAwaitable = errors.New("rt: await of a nil awaitable")
)

// CancelledError is how cancellation travels: the awaiting code sees it from
// its pending await, and a cancelled Future reports it. Msg is the message
// given to Cancel, if any.
type CancelledError struct{ Msg string }

// Error says what was cancelled, with the message given to Cancel.
func (e *CancelledError) Error() string {
	if e.Msg == "" {
		return "cancelled"
	}
	return "cancelled: " + e.Msg
}

// Is makes errors.Is(err, ErrCancelled) hold.
func (e *CancelledError) Is(target error) bool { return target == ErrCancelled }

// TimeoutError reports an expired Timeout or WaitFor. Cause is the
// cancellation that the timeout turned into it, like Python's "raise
// TimeoutError from exc"; it is deliberately not returned by an Unwrap
// method, so errors.Is(err, ErrCancelled) is false for a timeout, just as
// "except CancelledError" does not catch a TimeoutError. A task whose
// coroutine returns a TimeoutError fails; it is not cancelled.
type TimeoutError struct{ Cause error }

// Error reads "timeout"; the cancellation it replaced is in Cause.
func (e *TimeoutError) Error() string { return "timeout" }

// Is makes errors.Is(err, ErrTimeout) hold.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// InvalidStateError reports an operation that the state of a Future forbids:
// a result read before it is done, a result set twice.
type InvalidStateError struct{ Msg string }

// Error names the operation the future's state forbids.
func (e *InvalidStateError) Error() string { return "invalid state: " + e.Msg }

// Is makes errors.Is(err, ErrInvalidState) hold.
func (e *InvalidStateError) Is(target error) bool { return target == ErrInvalidState }

// RuntimeError reports misuse of the runtime that asyncio reports with
// RuntimeError: awaiting a future of another loop, a task awaiting itself, a
// bad yield, nested RunUntilComplete.
type RuntimeError struct {
	Msg string
	Err error // the sentinel it stands for, if any (ErrLoopClosed, ...)
}

// Error describes the misuse.
func (e *RuntimeError) Error() string { return e.Msg }

// Unwrap returns the sentinel the error stands for, so that
// errors.Is(err, ErrLoopClosed) holds for a misuse of a closed loop.
func (e *RuntimeError) Unwrap() error { return e.Err }

// PanicError is the error of a coroutine or callback that panicked: the loop
// survives and the task fails with it.
//
// Site and Stack name files relative to their module's root
// ("examples/chat/chat.go", the standard library's as "runtime/panic.go"),
// the same in both modes and on every machine. In a normal build the
// generated state machine carries //line directives back to its template, so
// the site is the template's line, as it is in reference mode where the
// template runs as written.
type PanicError struct {
	Value any // what was passed to panic
	// Site is "file:line" of the statement that panicked: the first frame
	// below the panic outside the standard library and package rt ("" if
	// there is none), so a nil map write, a failed strings.Repeat or an
	// rt.Await where none may be names the caller's line.
	Site string
	// Stack is the goroutine's stack from the panicking frame down, one
	// function per line followed by its indented file:line, as Go prints
	// a traceback.
	Stack []byte
}

// Error shows the panic value and the file:line where it happened.
func (e *PanicError) Error() string {
	if e.Site == "" {
		return fmt.Sprintf("panic: %v", e.Value)
	}
	return fmt.Sprintf("panic: %v [%s]", e.Value, e.Site)
}

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// NewPanicError captures the current stack; call it from the deferred
// function that recovered v. The frames above the panic (the recovering
// ones and the runtime's panic machinery) are left out.
func NewPanicError(v any) *PanicError {
	var pcs [64]uintptr
	n := runtime.Callers(1, pcs[:])
	e := &PanicError{Value: v}
	e.Site, e.Stack = panicStack(pcs[:n])
	return e
}

// panicStack formats the frames below the last runtime.gopanic in pcs (all
// of them if there is none) and finds the panic's site among them.
func panicStack(pcs []uintptr) (site string, stack []byte) {
	var frames []runtime.Frame
	it := runtime.CallersFrames(pcs)
	for {
		f, more := it.Next()
		if f.Function == "runtime.gopanic" {
			frames = frames[:0] // what came before recovered it
		} else {
			frames = append(frames, f)
		}
		if !more {
			break
		}
	}
	var b []byte
	for _, f := range frames {
		file := moduleRelative(f.Function, f.File)
		if pkg := funcPackage(f.Function); site == "" && !isStdPkg(pkg) && pkg != rtPkg {
			site = file + ":" + strconv.Itoa(f.Line)
		}
		b = append(b, f.Function...)
		b = append(b, "()\n\t"...)
		b = append(b, file...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(f.Line), 10)
		b = append(b, '\n')
	}
	return site, b
}

// Raised is the panic value with which Must propagates a failed await, like
// a Python exception: the coroutine's defers run, a deferred recover sees
// *Raised, and if nothing recovers it the coroutine fails with Err itself.
type Raised struct{ Err error }

// Error is the awaited error's text.
func (r *Raised) Error() string { return r.Err.Error() }

// Unwrap returns the awaited error.
func (r *Raised) Unwrap() error { return r.Err }

// FailureOf turns a recovered panic value into the coroutine's error: the
// awaited error for a *Raised, a *PanicError with the stack otherwise.
func FailureOf(v any) error {
	if r, ok := v.(*Raised); ok {
		return r.Err
	}
	if p, ok := v.(*PanicError); ok {
		return p
	}
	return NewPanicError(v)
}
