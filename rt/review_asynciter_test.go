package rt_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"github.com/asyncgen/asyncgen/rt"
)

// A producer that lets ErrStopAsyncIteration escape (it delegates to an
// inner iterator by hand and returns the inner Next's error) must not end
// the outer iteration silently: CPython turns it into
// RuntimeError("async generator raised StopAsyncIteration"), so a consumer
// learns that the producer broke instead of seeing a short sequence.
func TestAsyncIterProducerRaisingStopIsAnError(t *testing.T) {
	var log []string
	inner := aiCounter(&log, 1)
	outer := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] {
		return rt.AsyncVoid(func() error {
			for {
				v, err := rt.Await(inner.Next())
				if err != nil {
					return err // ErrStopAsyncIteration escapes the producer
				}
				rt.Must(y.Yield(v))
			}
		})
	})
	got, err := aiRun(t, rt.Collect(outer))
	if err == nil || errors.Is(err, rt.ErrStopAsyncIteration) {
		t.Fatalf("Collect = %v, %v; want [0] with an error saying the producer raised StopAsyncIteration (CPython's RuntimeError)", got, err)
	}
}

// panickyProducer is a producer written by hand whose first Send panics.
type panickyProducer struct{}

func (panickyProducer) Send(*rt.Ctx) rt.Yield         { panic("producer broke") }
func (panickyProducer) Throw(*rt.Ctx, error) rt.Yield { panic("producer broke") }
func (panickyProducer) Close()                        {}
func (panickyProducer) Result() (rt.Void, error)      { return rt.Void{}, nil }

// A producer that panics out of Send (a hand-written one can: generated
// ones do the same when their body panics) fails the Next that ran it with
// the panic, and finishes the iterator, as a Python async generator that
// raised is finished: the next Next ends the sequence instead of
// reporting a Next still running.
func TestAsyncIterProducerPanicFinishesIterator(t *testing.T) {
	it := rt.NewAsyncIter(func(*rt.Yielder[int]) rt.Coro[rt.Void] { return panickyProducer{} })
	_, err := aiRun(t, rt.Async(func() (int, error) { return rt.Await(it.Next()) }))
	var pe *rt.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("the Next that ran the producer: %v; want its *rt.PanicError", err)
	}
	if !it.Done() {
		t.Error("the iterator is not finished after its producer panicked")
	}
	if _, err := aiRun(t, rt.Async(func() (int, error) { return rt.Await(it.Next()) })); !errors.Is(err, rt.ErrStopAsyncIteration) {
		t.Errorf("a Next after the panic: %v; want ErrStopAsyncIteration", err)
	}
}

// resultPanicProducer is a producer written by hand that ends at once
// and whose Result panics.
type resultPanicProducer struct{}

func (resultPanicProducer) Send(*rt.Ctx) rt.Yield         { return rt.Yield{} }
func (resultPanicProducer) Throw(*rt.Ctx, error) rt.Yield { return rt.Yield{} }
func (resultPanicProducer) Close()                        {}
func (resultPanicProducer) Result() (rt.Void, error)      { panic("result broke") }

// A producer whose Result panics as it ends fails that Next with the
// panic and leaves the iterator finished, as one that panics in Send does.
func TestAsyncIterProducerResultPanicFinishesIterator(t *testing.T) {
	it := rt.NewAsyncIter(func(*rt.Yielder[int]) rt.Coro[rt.Void] { return resultPanicProducer{} })
	_, err := aiRun(t, rt.Async(func() (int, error) { return rt.Await(it.Next()) }))
	var pe *rt.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("the Next that ended the producer: %v; want its *rt.PanicError", err)
	}
	if !it.Done() {
		t.Error("the iterator is not finished after its producer's Result panicked")
	}
	if _, err := aiRun(t, rt.Async(func() (int, error) { return rt.Await(it.Next()) })); !errors.Is(err, rt.ErrStopAsyncIteration) {
		t.Errorf("a Next after the panic: %v; want ErrStopAsyncIteration", err)
	}
}

// A producer written with rt.Async that awaits in a deferred call while
// it is being closed (Abandon unwinds it at its Yield) cannot suspend:
// nothing will ever resume it. The await fails at once, as CPython's
// "coroutine ignored GeneratorExit", and the goroutine the Async body
// runs on ends instead of waiting for ever.
func TestAsyncProducerAwaitingWhileClosedEnds(t *testing.T) {
	leakcheck.Check(t)
	var closeErr error
	_, err := aiRun(t, rt.Async(func() (int, error) {
		never := rt.NewFuture[int](rt.RunningLoop())
		it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] {
			return rt.AsyncVoid(func() error {
				defer func() {
					_, closeErr = rt.Await(never)
				}()
				rt.Must(y.Yield(1))
				rt.Must(y.Yield(2))
				return nil
			})
		})
		v, err := rt.Await(it.Next())
		if err != nil {
			return 0, err
		}
		it.Abandon()
		if !it.Done() {
			t.Error("the iterator is not finished after Abandon")
		}
		return v, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(closeErr, rt.ErrCoroutineClosed) {
		t.Errorf("the await in the closing producer's defer: %v; want an error matching rt.ErrCoroutineClosed", closeErr)
	}
}

// stubbornProducer is a producer written by hand that yields 1, ignores
// the close its Yield reports by yielding 2, and whose Close (the unwind
// of what it still holds) panics.
type stubbornProducer struct {
	y    *rt.Yielder[int]
	aw   rt.Awaiting[bool]
	step int
}

func (p *stubbornProducer) Send(c *rt.Ctx) rt.Yield {
	if p.step == 0 {
		p.step = 1
		y, _ := p.aw.Start(c, p.y.Yield(1))
		return y
	}
	if y, suspend := p.aw.Resume(c, nil); suspend {
		return y
	}
	p.aw.Result() // false: the iterator is closing; yield anyway
	y, _ := p.aw.Start(c, p.y.Yield(2))
	return y
}
func (p *stubbornProducer) Throw(c *rt.Ctx, err error) rt.Yield { return p.Send(c) }
func (p *stubbornProducer) Close()                              { panic("producer's unwind broke") }
func (p *stubbornProducer) Result() (rt.Void, error)            { return rt.Void{}, nil }

// A producer that yields after learning of the close, and then panics as
// it is unwound, fails that Close with the panic; the iterator is finished
// all the same, as after any other panic of its producer: a later Next
// ends the sequence instead of finding a Close still running.
func TestAsyncIterIgnoredCloseWhoseUnwindPanicsFinishes(t *testing.T) {
	it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return &stubbornProducer{y: y} })
	_, err := aiRun(t, rt.Async(func() (int, error) {
		if v, err := rt.Await(it.Next()); err != nil || v != 1 {
			return 0, fmt.Errorf("first Next = %d, %v; want 1", v, err)
		}
		_, err := rt.Await(it.Close())
		return 0, err
	}))
	var pe *rt.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("the Close whose producer's unwind panicked: %v; want its *rt.PanicError", err)
	}
	if !it.Done() {
		t.Error("the iterator is not finished after its producer panicked")
	}
	if _, err := aiRun(t, rt.Async(func() (int, error) { return rt.Await(it.Next()) })); !errors.Is(err, rt.ErrStopAsyncIteration) {
		t.Errorf("a Next after the panic: %v; want ErrStopAsyncIteration", err)
	}
}

// stuckProducer is a producer written by hand that waits on a future
// nobody completes and whose Close panics.
type stuckProducer struct {
	f  *rt.Future[rt.Void]
	aw rt.Awaiting[rt.Void]
}

func (p *stuckProducer) Send(c *rt.Ctx) rt.Yield {
	y, _ := p.aw.Start(c, p.f)
	return y
}
func (p *stuckProducer) Throw(c *rt.Ctx, err error) rt.Yield { return p.Send(c) }
func (p *stuckProducer) Close()                              { panic("producer's unwind broke") }
func (p *stuckProducer) Result() (rt.Void, error)            { return rt.Void{}, nil }

// A Next abandoned while it runs the producer (its consumer is closed: here
// by the loop's Close, which closes the coroutines of pending tasks)
// abandons the producer; a panic out of that unwind leaves the iterator
// finished all the same, not running a Next for ever.
func TestAsyncIterNextClosedWhoseUnwindPanicsFinishes(t *testing.T) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	var reports []string
	l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { reports = append(reports, c.Message) })
	it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] {
		return &stuckProducer{f: rt.NewFuture[rt.Void](l)}
	})
	rt.CreateTask(l, rt.Async(func() (int, error) { return rt.Await(it.Next()) }))
	l.CallSoon(l.Stop) // after the task's first step: it waits inside Next
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	l.Close() // closes the consumer, and so its Next
	if len(reports) != 1 {
		t.Errorf("the loop's Close reported %q; want the pending task destroyed", reports)
	}
	if !it.Done() {
		t.Error("the iterator is not finished after its producer panicked")
	}
	if _, err := aiRun(t, rt.Async(func() (int, error) { return rt.Await(it.Next()) })); !errors.Is(err, rt.ErrStopAsyncIteration) {
		t.Errorf("a Next after the panic: %v; want ErrStopAsyncIteration", err)
	}
}

// A loop run by hand closes the iterators left open when asked to, as
// asyncio's loop.shutdown_asyncgens: the producer's pending Yield returns
// false and its defers run; an iterator that finished is left alone, and
// a close that fails reaches the exception handler.
func TestShutdownAsyncItersClosesTheOpenOnes(t *testing.T) {
	leakcheck.Check(t)
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var trace []string
	var handled []error
	l.SetExceptionHandler(func(_ *rt.Loop, ctx rt.ErrorContext) { handled = append(handled, ctx.Err) })
	broke := errors.New("close broke")
	producer := func(name string, n int, closeErr error) *rt.AsyncIter[int] {
		return rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] {
			return rt.AsyncVoid(func() error {
				defer func() { trace = append(trace, name+" defer") }()
				for i := range n {
					if !rt.Must(y.Yield(i)) {
						trace = append(trace, name+" told to stop")
						return closeErr
					}
				}
				return nil
			})
		})
	}
	open, failing, finished := producer("open", 10, nil), producer("failing", 10, broke), producer("finished", 1, nil)
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		a := rt.Must(open.Next())
		b := rt.Must(failing.Next())
		c := rt.Must(finished.Next())
		if _, err := rt.Await(finished.Next()); !errors.Is(err, rt.ErrStopAsyncIteration) {
			return 0, fmt.Errorf("the one-value producer's second Next: %v", err)
		}
		return a + b + c, nil
	}))
	if err := l.RunUntilComplete(task); err != nil {
		t.Fatal(err)
	}
	trace = append(trace, "main done")
	if err := l.RunUntilComplete(l.ShutdownAsyncIters()); err != nil {
		t.Fatal(err)
	}
	want := "finished defer;main done;open told to stop;open defer;failing told to stop;failing defer"
	if got := strings.Join(trace, ";"); got != want {
		t.Errorf("trace %q, want %q", got, want)
	}
	if len(handled) != 1 || !errors.Is(handled[0], broke) {
		t.Errorf("exception handler got %v, want the failing close's error", handled)
	}
	if !open.Done() || !failing.Done() {
		t.Error("an iterator is still open after ShutdownAsyncIters")
	}
	// A second shutdown has nothing left to close.
	trace = nil
	if err := l.RunUntilComplete(l.ShutdownAsyncIters()); err != nil || trace != nil {
		t.Errorf("a second ShutdownAsyncIters: %v, trace %q", err, trace)
	}
}

// The loop holds the iterators it would close weakly, as asyncio's
// WeakSet: one started, left open and dropped by everyone is collected
// (its producer with it), and ShutdownAsyncIters then has nothing to do.
func TestAbandonedAsyncIterIsCollected(t *testing.T) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var wp weak.Pointer[rt.AsyncIter[int]]
	closed := 0
	func() {
		it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] {
			return &countingProducer{y: y, closed: &closed}
		})
		wp = weak.Make(it)
		if _, err := rt.RunUntilComplete(l, it.Next()); err != nil {
			t.Fatal(err)
		}
	}()
	runtime.GC()
	runtime.GC()
	if wp.Value() != nil {
		t.Fatal("an open iterator nobody references was not collected: the loop keeps it")
	}
	if err := l.RunUntilComplete(l.ShutdownAsyncIters()); err != nil {
		t.Fatal(err)
	}
	if closed != 0 {
		t.Errorf("a collected iterator's producer was closed %d times", closed)
	}
}

// countingProducer is a producer written by hand that yields 1 for ever
// and counts its closes.
type countingProducer struct {
	y      *rt.Yielder[int]
	aw     rt.Awaiting[bool]
	closed *int
}

func (p *countingProducer) Send(c *rt.Ctx) rt.Yield {
	y, _ := p.aw.Start(c, p.y.Yield(1))
	return y
}
func (p *countingProducer) Throw(c *rt.Ctx, err error) rt.Yield { return rt.Yield{} }
func (p *countingProducer) Close()                              { p.aw.Close(); *p.closed++ }
func (p *countingProducer) Result() (rt.Void, error)            { return rt.Void{}, nil }

// Many iterators started, some finished in an order that moves the
// others' entries about: ShutdownAsyncIters closes exactly the open ones,
// once each.
func TestShutdownAsyncItersAfterManyFinish(t *testing.T) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	const n = 40
	closes := make([]int, n)
	its := make([]*rt.AsyncIter[int], n)
	for i := range its {
		its[i] = rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] {
			return rt.AsyncVoid(func() error {
				if !rt.Must(y.Yield(i)) {
					closes[i]++
				}
				return nil
			})
		})
		if v, err := rt.RunUntilComplete(l, its[i].Next()); v != i || err != nil {
			t.Fatalf("iterator %d: %v, %v", i, v, err)
		}
	}
	// Finish every third one, from the front, the middle and the back.
	finished := map[int]bool{}
	for _, i := range []int{0, 39, 20, 3, 36, 6, 33, 9, 30, 12, 27, 15, 24, 18, 21} {
		if _, err := rt.RunUntilComplete(l, its[i].Close()); err != nil {
			t.Fatal(err)
		}
		finished[i] = true
	}
	if err := l.RunUntilComplete(l.ShutdownAsyncIters()); err != nil {
		t.Fatal(err)
	}
	for i, c := range closes {
		if c != 1 {
			t.Errorf("iterator %d (closed by hand: %v) saw %d closes, want 1", i, finished[i], c)
		}
		if !its[i].Done() {
			t.Errorf("iterator %d is still open", i)
		}
	}
}
