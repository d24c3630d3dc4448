package rt

import (
	"errors"
	"runtime"
)

// The reference driver runs a template exactly as written, on a goroutine of
// its own, and hands control back and forth with the loop goroutine through
// unbuffered channels, so at any moment exactly one of the two runs. It is
// the debugging mode (real stacks, a debugger) and the oracle the generated
// state machines are tested against.

// ErrCoroutineClosed is Python's GeneratorExit: the panic that unwinds a
// suspended coroutine on Close, so that its defers run (and a deferred
// recover sees it), and the error Result reports for a coroutine closed
// before it finished.
var ErrCoroutineClosed = errors.New("rt: coroutine closed")

// errRefClosed is the reference driver's name for it.
var errRefClosed = ErrCoroutineClosed

type refResume struct {
	err   error
	close bool
}

type refDriver struct {
	ctx    *Ctx
	toCoro chan refResume
	toLoop chan Yield
	// stack reports where the template is suspended, for AwaitStack.
	stack func([]StackFrame) []StackFrame
	// template names the generated closure that calls the template, ""
	// for a coroutine written by hand (see checkAwaitCaller).
	template string
	// closing says that Close is unwinding the body: nothing will resume
	// it again, so an Await in a deferred call cannot suspend.
	closing bool
}

// errAwaitWhileClosing is what an Await that would suspend returns in a
// coroutine being closed (a deferred call awaiting during Close): waiting
// would leave its goroutine blocked for ever, as CPython refuses with
// "coroutine ignored GeneratorExit".
var errAwaitWhileClosing = &RuntimeError{Msg: "rt: Await in a coroutine being closed: it cannot suspend", Err: ErrCoroutineClosed}

// refCoro is a coroutine whose body runs on its own goroutine (reference
// mode): what Async returns, and so what asyncgen's constructors return
// under -tags asyncgen_ref (through rtimpl.NewRef).
type refCoro[T any] struct {
	d       refDriver
	fn      func() (T, error)
	res     T
	err     error
	started bool
	done    bool
}

// newRef wraps fn, the template called with its arguments, as a coroutine
// driven by the reference driver. fn does not start until the first Send.
func newRef[T any](fn func() (T, error)) *refCoro[T] {
	return &refCoro[T]{fn: fn}
}

// Send starts or resumes the template.
func (r *refCoro[T]) Send(c *Ctx) Yield { return r.resume(c, refResume{}) }

// Throw makes the template's pending Await return err.
func (r *refCoro[T]) Throw(c *Ctx, err error) Yield {
	if !r.started {
		r.started, r.done, r.err = true, true, err
		return Yield{}
	}
	return r.resume(c, refResume{err: err})
}

// Close unwinds a suspended template, running its defers.
func (r *refCoro[T]) Close() {
	if !r.started {
		r.started, r.done = true, true
		r.err = errRefClosed
		return
	}
	if !r.done {
		r.resume(r.d.ctx, refResume{close: true})
	}
}

// AwaitStack appends where the template is suspended (the file:line of its
// pending Await, the file relative to the module root as a generated frame
// names it), then the frames of what it awaits.
func (r *refCoro[T]) AwaitStack(buf []StackFrame) []StackFrame {
	if r.done || r.d.stack == nil {
		return buf
	}
	return r.d.stack(buf)
}

// Result returns the template's results once it has finished.
func (r *refCoro[T]) Result() (T, error) {
	if !r.done {
		var zero T
		return zero, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return r.res, r.err
}

func (r *refCoro[T]) resume(c *Ctx, m refResume) Yield {
	if r.done {
		return Yield{}
	}
	r.d.ctx = c
	if !r.started {
		r.started = true
		r.d.toCoro = make(chan refResume)
		r.d.toLoop = make(chan Yield)
		go r.run()
	} else {
		r.d.toCoro <- m
	}
	return <-r.d.toLoop
}

func (r *refCoro[T]) run() {
	id := goid()
	r.d.template = refTemplate(r.fn)
	refByG.Store(id, &r.d)
	defer func() {
		if v := recover(); v != nil {
			if v == errRefClosed {
				r.err = errRefClosed
			} else {
				r.err = FailureOf(v)
			}
		}
		refByG.Delete(id)
		r.done = true
		r.d.toLoop <- Yield{}
	}()
	r.res, r.err = r.fn()
}

// refAwait serves Await for a template running under the reference driver.
func refAwait[T any](d *refDriver, a Awaitable[T]) (T, error) {
	var w Awaiting[T]
	y, suspend := w.Start(d.ctx, a)
	if suspend && d.closing {
		w.Close()
		var zero T
		return zero, errAwaitWhileClosing
	}
	if suspend {
		// Record the caller's PCs now; resolve them to file:line only
		// if someone asks for the stack.
		var pcs [8]uintptr
		n := runtime.Callers(2, pcs[:])
		d.stack = func(buf []StackFrame) []StackFrame {
			return w.AwaitStack(append(buf, templateFrame(pcs[:n])))
		}
		defer func() { d.stack = nil }()
	}
	for suspend {
		d.toLoop <- y
		m := <-d.toCoro
		if m.close {
			d.closing = true
			w.Close()
			panic(errRefClosed)
		}
		y, suspend = w.Resume(d.ctx, m.err)
	}
	return w.Result()
}

// templateFrame is the caller of Await or Must: the first frame outside
// package rt.
func templateFrame(pcs []uintptr) StackFrame {
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if !isRTFrame(f) || !more {
			return StackFrame{Func: f.Function, File: moduleRelative(f.Function, f.File), Line: f.Line}
		}
	}
}
