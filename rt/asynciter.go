package rt

import (
	"errors"
	"iter"
)

// Async iteration (PEP 525's async generators): a producer template hands
// out values one at a time with awaits between them, and a consumer ranges
// over them with AsyncIter.All (or pulls them with AsyncIter.Next). The
// producer runs inside the consumer's task, as an async generator runs
// inside the task that iterates it: Next delegates to the producer's
// coroutine until it yields a value, so the producer's awaits suspend the
// consumer, and cancelling the consumer cancels the pending await of the
// producer.
//
// A producer is a template whose last parameter is a *Yielder[T]:
//
//	//asyncgen:coroutine
//	func count(n int, y *rt.Yielder[int]) error {
//		for i := 0; i < n; i++ {
//			rt.Must(rt.Sleep(0.01))
//			if !rt.Must(y.Yield(i)) {
//				return nil // the consumer closed the iterator
//			}
//		}
//		return nil
//	}
//
//	it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return countAsync(3, y) })
//
// Awaiting y.Yield(v) suspends the producer until the consumer asks for the
// next value; it returns true then, and false when the consumer closes the
// iterator instead (Close, aclose), which is Go's iter.Seq shape: a producer
// stops yielding once Yield returned false and returns, running its defers
// (which may await). Yielding again after false fails the close with
// ErrIgnoredClose, like Python's "async generator ignored GeneratorExit".
//
// Because the producer is an ordinary coroutine, both modes (generated and
// reference) run it with no help from asyncgen, and its panics and errors
// carry the template's own file:line sites.

// ErrStopAsyncIteration is the error of Next once the producer has returned
// (Python's StopAsyncIteration): the sequence is over.
var ErrStopAsyncIteration = errors.New("StopAsyncIteration")

// ErrIgnoredClose is the error of Close when the producer yields a value
// after its Yield returned false.
var ErrIgnoredClose = &RuntimeError{Msg: "async iterator ignored close: the producer yielded after Yield returned false"}

// errRaisedStop replaces ErrStopAsyncIteration returned by a producer
// (CPython's "async generator raised StopAsyncIteration" RuntimeError): it
// does not unwrap to it, so the consumer sees a failure, not an end.
var errRaisedStop = &RuntimeError{Msg: "async iterator's producer returned ErrStopAsyncIteration (a Next it awaited ended): return nil to end the sequence"}

// errYieldOutside is the error of a Yield awaited while its iterator is not
// pulling a value (awaited by another coroutine, or after the producer
// finished).
var errYieldOutside = &RuntimeError{Msg: "Yielder.Yield awaited outside its AsyncIter's Next or Close"}

// yieldValue is the Yield by which a producer's Yield tells the AsyncIter
// driving it that a value is ready. It travels up the producer's awaits
// like any other Yield and is consumed by the iterator, so no Task sees it.
const yieldValue yieldKind = yieldFuture + 1

// Yielder is the producer's side of an AsyncIter: the value channel its
// template yields through.
type Yielder[T any] struct {
	it *AsyncIter[T]
}

// Yield returns the awaitable that hands v to the consumer and suspends the
// producer until the consumer asks for the next value (result true) or
// closes the iterator (result false).
//
// The awaitable is the iterator's own, reused by every value (so yielding
// allocates nothing): await it before calling Yield again. A Yield made
// while the previous one is still pending gets an awaitable of its own.
func (y *Yielder[T]) Yield(v T) Coro[bool] {
	o := &y.it.yop
	if o.it != nil && !o.fin {
		return &yieldOp[T]{it: y.it, v: v}
	}
	*o = yieldOp[T]{it: y.it, v: v}
	return o
}

// yieldOp is one await of Yield: its first Send publishes the value and
// stops the producer; the iterator's next Send resumes it with the answer.
type yieldOp[T any] struct {
	it   *AsyncIter[T]
	v    T
	sent bool
	res  bool
	err  error
	fin  bool // finished: the iterator may reuse it
}

func (o *yieldOp[T]) Send(*Ctx) Yield {
	it := o.it
	if !o.sent {
		o.sent = true
		switch it.state {
		case iterPulling:
			it.val, it.hasVal = o.v, true
			return Yield{kind: yieldValue}
		case iterClosing:
			it.ignored = true
			it.val, it.hasVal = o.v, true
			return Yield{kind: yieldValue}
		default:
			o.err, o.fin = errYieldOutside, true
			return Yield{}
		}
	}
	o.res, o.fin = it.state == iterPulling, true
	return Yield{}
}

func (o *yieldOp[T]) Throw(_ *Ctx, err error) Yield {
	o.sent, o.err, o.fin = true, err, true
	return Yield{}
}

func (o *yieldOp[T]) Close() { o.fin = true }

func (o *yieldOp[T]) Result() (bool, error) { return o.res, o.err }

type iterState uint8

const (
	iterIdle    iterState = iota // between values: the producer waits at a Yield (or has not started)
	iterPulling                  // a Next is running the producer
	iterClosing                  // a Close is running the producer
	iterDone                     // the producer finished or was closed
)

// AsyncIter is an asynchronous iterator over the values a producer yields
// (Python's async generator object). Its methods are for the loop's
// goroutine only, like every coroutine; one Next or Close at a time.
type AsyncIter[T any] struct {
	prod    Coro[Void]
	y       Yielder[T]
	yop     yieldOp[T]  // the awaitable Yield reuses
	next    iterStep[T] // the awaitable Next reuses
	closer  iterClose[T]
	state   iterState
	started bool
	busy    bool
	ignored bool
	hasVal  bool
	val     T
	// loop and slot place a started, unfinished iterator in its loop's
	// set of open ones, for ShutdownAsyncIters (see asyncgens.go).
	loop *Loop
	slot int
}

// NewAsyncIter returns the iterator over the values that the coroutine made
// by producer yields through its Yielder. producer is called at once; the
// coroutine it returns starts at the first Next.
func NewAsyncIter[T any](producer func(y *Yielder[T]) Coro[Void]) *AsyncIter[T] {
	it := &AsyncIter[T]{}
	it.y.it = it
	it.prod = producer(&it.y)
	return it
}

// Next returns the awaitable of the next value (anext): it runs the producer
// until it yields, and fails with ErrStopAsyncIteration once the producer
// has returned, or with the producer's error or panic (after which the
// iterator is finished). A producer returning ErrStopAsyncIteration itself
// fails with a RuntimeError instead, as in CPython, so that a producer
// that passes on the end of an iterator it pulls from by hand does not cut
// its consumer's sequence short unnoticed.
//
// The awaitable is the iterator's own, reused by every Next (so pulling a
// value allocates nothing): await it, and read its result, before calling
// Next again. A Next made while the previous one is still pending (not yet
// awaited, or running) gets an awaitable of its own.
func (it *AsyncIter[T]) Next() Coro[T] {
	s := &it.next
	if s.it != nil && !s.over {
		return &iterStep[T]{it: it}
	}
	*s = iterStep[T]{it: it}
	return s
}

// Close returns the awaitable that closes the iterator (aclose), reused
// like Next's: a producer waiting at a Yield is resumed with false and runs
// to its end, defers included; its error or panic is Close's. Closing an
// iterator whose producer never started, or that is finished, does
// nothing.
func (it *AsyncIter[T]) Close() Coro[Void] {
	s := &it.closer
	if s.it != nil && !s.over {
		return &iterClose[T]{iterStep[T]{it: it, closing: true}}
	}
	*s = iterClose[T]{iterStep[T]{it: it, closing: true}}
	return s
}

// Abandon closes the iterator at once, without awaiting: a producer
// suspended at a Yield is unwound where it stands (its defers run; the code
// after its Yield does not), as Python finalizes an async generator that
// nobody closed. It is the close for a path that cannot await: a panic
// leaving a range over All, or the Close of a coroutine written by hand
// that owns the iterator. It does nothing on a nil or finished iterator,
// or while a Next or Close is running (abandoning that await abandons the
// producer).
func (it *AsyncIter[T]) Abandon() {
	if it == nil || it.state == iterDone || it.busy {
		return
	}
	it.finish()
	it.prod.Close()
}

// iterClose is the Void-typed face of a closing iterStep.
type iterClose[T any] struct{ iterStep[T] }

func (s *iterClose[T]) Result() (Void, error) {
	_, err := s.iterStep.Result()
	return Void{}, err
}

// Done reports whether the iterator is finished: the producer returned,
// failed, or was closed.
func (it *AsyncIter[T]) Done() bool { return it.state == iterDone }

// iterStep is one Next or Close in progress: a coroutine that delegates to
// the producer.
type iterStep[T any] struct {
	it      *AsyncIter[T]
	closing bool
	begun   bool
	over    bool
	val     T
	err     error
}

var errIterBusy = &RuntimeError{Msg: "AsyncIter: Next or Close awaited while another is running"}

func (s *iterStep[T]) Send(c *Ctx) Yield { return s.step(c, nil) }
func (s *iterStep[T]) Throw(c *Ctx, err error) Yield {
	if !s.begun {
		// Like any coroutine thrown into before it started: it
		// finishes with err and never touches the producer.
		s.begun, s.over, s.err = true, true, err
		return Yield{}
	}
	return s.step(c, err)
}

func (s *iterStep[T]) step(c *Ctx, exc error) Yield {
	it := s.it
	if s.over {
		return Yield{}
	}
	if !s.begun {
		s.begun = true
		switch {
		case it.state == iterDone:
			s.over = true
			if !s.closing {
				s.err = ErrStopAsyncIteration
			}
			return Yield{}
		case it.busy:
			s.over, s.err = true, errIterBusy
			return Yield{}
		case s.closing && !it.started:
			// An unstarted producer has no defers to run.
			it.state, s.over = iterDone, true
			it.prod.Close()
			return Yield{}
		}
		if !it.started && c != nil {
			it.track(c.Loop())
		}
		it.busy, it.started = true, true
		if s.closing {
			it.state = iterClosing
		} else {
			it.state = iterPulling
		}
	}
	y := it.resume(c, exc)
	switch y.kind {
	case yieldValue:
		v := it.val
		var zero T
		it.val, it.hasVal = zero, false
		if it.state == iterClosing {
			// The producer yielded after learning of the close:
			// abandon it (its remaining defers run) and fail. It is
			// finished first, so that a panic out of its unwind leaves
			// it finished, as resume does for Send and Throw.
			it.finish()
			it.prod.Close()
			s.err = ErrIgnoredClose
			return s.end()
		}
		it.state, it.busy = iterIdle, false
		s.val = v
		return s.end()
	case yieldDone:
		it.finish() // first: a Result written by hand may panic
		_, err := it.prod.Result()
		if errors.Is(err, ErrStopAsyncIteration) {
			// The producer let a StopAsyncIteration escape (it
			// returned the error of a Next it awaited): as in
			// CPython, that is a failure of the producer, not the
			// end of its sequence, which would hide the break.
			err = errRaisedStop
		}
		if err != nil {
			s.err = err
		} else if !s.closing {
			s.err = ErrStopAsyncIteration
		}
		return s.end()
	}
	return y
}

func (it *AsyncIter[T]) finish() {
	it.state, it.busy = iterDone, false
	it.untrack()
}

// resume runs the producer until it yields or ends. A producer that panics
// out of it (one written by hand may, and a generated one whose body
// panics does) is finished before the panic goes on to fail the Next or
// Close that ran it: as a Python async generator that raised, it gives no
// more values, and a later Next ends the sequence instead of finding the
// iterator still busy. An open-coded defer: a couple of instructions when
// nothing panics.
func (it *AsyncIter[T]) resume(c *Ctx, exc error) (y Yield) {
	ok := false
	defer func() {
		if !ok {
			it.finish()
		}
	}()
	if exc != nil {
		y = it.prod.Throw(c, exc)
	} else {
		y = it.prod.Send(c)
	}
	ok = true
	return y
}

func (s *iterStep[T]) end() Yield {
	s.over = true
	return Yield{}
}

// Close abandons a Next or Close suspended inside the producer: the
// producer is abandoned too (its defers run without awaiting), as Python
// finalizes an async generator whose aclose was interrupted.
func (s *iterStep[T]) Close() {
	switch {
	case !s.begun:
		// Closed before it started: it never touched the producer, and
		// is finished, so the iterator's next Next reuses it.
		s.begun, s.over, s.err = true, true, ErrCoroutineClosed
	case !s.over:
		// Finished first, so that a panic out of the producer's unwind
		// leaves it finished (see resume).
		s.over = true
		s.it.finish()
		s.it.prod.Close()
	}
}

// AwaitStack appends the producer's frames while this Next or Close runs
// it, so a task suspended inside a producer shows where (as Python's task
// stacks show an async generator's frame).
func (s *iterStep[T]) AwaitStack(buf []StackFrame) []StackFrame {
	if st, ok := s.it.prod.(Stacker); ok && s.begun && !s.over {
		return st.AwaitStack(buf)
	}
	return buf
}

func (s *iterStep[T]) Result() (T, error) {
	if !s.over {
		var zero T
		return zero, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return s.val, s.err
}

// Collect returns the coroutine that pulls every value of it into a slice
// (like [x async for x in it]). When the producer fails, Collect's result
// is the values pulled before the failure together with the error, as
// io.ReadAll returns what it read.
func Collect[T any](it *AsyncIter[T]) Coro[[]T] {
	return &collectOp[T]{it: it}
}

type collectOp[T any] struct {
	it   *AsyncIter[T]
	cur  Coro[T]
	out  []T
	err  error
	over bool
}

func (o *collectOp[T]) Send(c *Ctx) Yield { return o.run(c, nil) }
func (o *collectOp[T]) Throw(c *Ctx, err error) Yield {
	if o.cur == nil {
		o.over, o.err = true, err
		return Yield{}
	}
	return o.run(c, err)
}

func (o *collectOp[T]) run(c *Ctx, exc error) Yield {
	for !o.over {
		var y Yield
		if o.cur == nil {
			o.cur = o.it.Next()
			y = o.cur.Send(c)
		} else if exc != nil {
			y = o.cur.Throw(c, exc)
			exc = nil
		} else {
			y = o.cur.Send(c)
		}
		if y.kind != yieldDone {
			return y
		}
		v, err := o.cur.Result()
		o.cur = nil
		switch {
		case err == ErrStopAsyncIteration:
			o.over = true
		case err != nil:
			o.over, o.err = true, err
		default:
			o.out = append(o.out, v)
		}
	}
	return Yield{}
}

func (o *collectOp[T]) Close() {
	if o.cur != nil {
		o.cur.Close()
		o.cur = nil
	}
	o.over = true
}

func (o *collectOp[T]) Result() ([]T, error) {
	if !o.over {
		return nil, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return o.out, o.err
}

// All is the range form of the iterator, for templates (and coroutines
// written with Async), in the shape of Python's
// "async with aclosing(it): async for v in it":
//
//	for v, err := range it.All() {
//		if err != nil {
//			return err // the producer failed (or the task was cancelled in it)
//		}
//		...
//	}
//
// Each value comes as (v, nil); a failure of the producer comes once, as
// (zero, err), and ends the loop; the end of the sequence ends it. Leaving
// the loop early in any way (break, continue or break of an outer loop,
// goto, return) closes the iterator before control goes on, awaiting the
// close, so the producer's code after its Yield and its defers run first;
// a Close error then fails the consumer where the loop stands, as a failed
// rt.Must does (the exception from aclose() propagates the same way). A
// panic leaving the loop, a failed Must included, cannot await: the
// iterator is abandoned instead (see Abandon).
//
// The generator lowers a range over a call of All in a template into a loop
// of awaited Nexts; any other use of All in a template is a generation
// error. Ranging over All outside a coroutine panics: its awaits would have
// nothing to suspend.
func (it *AsyncIter[T]) All() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if currentRef() == nil {
			panic("rt.AsyncIter.All ranged over outside a coroutine: range over it in a template (asyncgen lowers the loop) or in a coroutine written with rt.Async")
		}
		left := true // by a panic, until it ends another way
		defer func() {
			if left {
				it.Abandon()
			}
		}()
		for {
			v, err := Await(it.Next())
			if err == ErrStopAsyncIteration {
				left = false
				return
			}
			if err != nil {
				left = false
				yield(v, err)
				return
			}
			if !yield(v, nil) {
				left = false
				Must(it.Close())
				return
			}
		}
	}
}
