package generated_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for async iteration (rt.AsyncIter): producers yield through a
// *rt.Yielder with awaits between values, consumers pull with Next and
// close early with Close; the producer runs inside the consumer's task.

// iterCount yields 0..n-1, awaiting before each value, and logs its defer
// so the trace shows when the producer ends.
//
//asyncgen:coroutine
func iterCount(e *Env, n int, y *rt.Yielder[int]) error {
	defer e.Add("count defer")
	for i := 0; i < n; i++ {
		v := rt.Must(e.I(i))
		e.Add("yield %d", v)
		if !rt.Must(y.Yield(v)) {
			e.Add("closed at %d", v)
			return nil
		}
	}
	e.Add("count end")
	return nil
}

func countIter(e *Env, n int) *rt.AsyncIter[int] {
	return rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return iterCountAsync(e, n, y) })
}

// iterDrain pulls every value of it, logging each.
//
//asyncgen:coroutine
func iterDrain(e *Env, it *rt.AsyncIter[int]) (string, error) {
	var got []string
	for {
		v, err := rt.Await(it.Next())
		if errors.Is(err, rt.ErrStopAsyncIteration) {
			break
		}
		if err != nil {
			return strings.Join(got, ","), err
		}
		e.Add("got %d", v)
		got = append(got, fmt.Sprint(v))
	}
	return strings.Join(got, ","), nil
}

// iterSimple consumes a whole sequence; one more Next after the end still
// reports the end.
//
//asyncgen:coroutine
func iterSimple(e *Env) (string, error) {
	it := countIter(e, 3)
	s, err := rt.Await(iterDrainAsync(e, it))
	_, again := rt.Await(it.Next())
	return fmt.Sprintf("%s again=%v done=%v", s, again, it.Done()), err
}

// iterEmpty consumes a producer that yields nothing.
//
//asyncgen:coroutine
func iterEmpty(e *Env) (string, error) {
	return rt.Await(iterDrainAsync(e, countIter(e, 0)))
}

// iterBreak leaves the loop early and closes the producer: its pending
// Yield returns false, its defers run, and only then does the consumer go
// on.
//
//asyncgen:coroutine
func iterBreak(e *Env) (int, error) {
	it := countIter(e, 10)
	sum := 0
	for {
		v := rt.Must(it.Next())
		sum += v
		if v == 2 {
			break
		}
	}
	rt.Must(it.Close())
	e.Add("after close done=%v", it.Done())
	return sum, nil
}

// iterCloseUnstarted closes an iterator before its first Next: the
// producer never runs.
//
//asyncgen:coroutine
func iterCloseUnstarted(e *Env) (string, error) {
	it := countIter(e, 3)
	rt.Must(it.Close())
	_, err := rt.Await(it.Next())
	return fmt.Sprintf("done=%v err=%v", it.Done(), err), nil
}

// iterFailing yields once and then fails.
//
//asyncgen:coroutine
func iterFailing(e *Env, y *rt.Yielder[string]) error {
	defer e.Add("failing defer")
	rt.Must(y.Yield("a"))
	return rt.Must(Fail[error](e, "producer broke"))
}

// iterProducerError sees the producer's error at the Next that ran into
// it; the iterator is finished after that.
//
//asyncgen:coroutine
func iterProducerError(e *Env) (string, error) {
	it := rt.NewAsyncIter(func(y *rt.Yielder[string]) rt.Coro[rt.Void] { return iterFailingAsync(e, y) })
	a := rt.Must(it.Next())
	_, err := rt.Await(it.Next())
	_, err2 := rt.Await(it.Next())
	return fmt.Sprintf("%s err=%v then=%v", a, err, err2), nil
}

// iterPanicking panics between values.
//
//asyncgen:coroutine
func iterPanicking(e *Env, y *rt.Yielder[int]) error {
	defer e.Add("panicking defer")
	rt.Must(y.Yield(1))
	rt.Must(e.I(0))
	panic("producer panic")
}

// iterProducerPanic: the producer's panic reaches the consumer as the
// Next's error.
//
//asyncgen:coroutine
func iterProducerPanic(e *Env) (string, error) {
	it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return iterPanickingAsync(e, y) })
	v := rt.Must(it.Next())
	_, err := rt.Await(it.Next())
	var pe *rt.PanicError
	return fmt.Sprintf("v=%d panic=%v", v, errors.As(err, &pe)), err
}

// iterConsumerPanic panics in the consumer body and closes the producer in
// a deferred call first, so the producer's defers run before the panic
// leaves the template.
//
//asyncgen:coroutine
func iterConsumerPanic(e *Env) (int, error) {
	it := countIter(e, 5)
	defer func() {
		e.Add("consumer defer closes")
		rt.CreateTask(e.L, it.Close())
	}()
	v := rt.Must(it.Next())
	if v == 0 {
		panic("consumer panic")
	}
	return v, nil
}

// iterStubborn keeps yielding after Yield returned false.
//
//asyncgen:coroutine
func iterStubborn(e *Env, y *rt.Yielder[int]) error {
	defer e.Add("stubborn defer")
	rt.Must(y.Yield(1))
	e.Add("told to stop")
	rt.Must(y.Yield(2))
	e.Add("not reached")
	return nil
}

// iterIgnoredClose closes a producer that ignores the close.
//
//asyncgen:coroutine
func iterIgnoredClose(e *Env) (string, error) {
	it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return iterStubbornAsync(e, y) })
	rt.Must(it.Next())
	_, err := rt.Await(it.Close())
	return fmt.Sprintf("err=%v ignored=%v done=%v", err, errors.Is(err, rt.ErrIgnoredClose), it.Done()), nil
}

// iterBadDefer's deferred func awaits and then panics while the producer
// is being closed.
//
//asyncgen:coroutine
func iterBadDefer(e *Env, y *rt.Yielder[int]) error {
	defer func() {
		e.Add("bad defer")
		panic("defer panicked during close")
	}()
	for i := 0; ; i++ {
		if !rt.Must(y.Yield(i)) {
			rt.Must(e.I(0))
			return nil
		}
	}
}

// iterCloseFails: the close's panic is the consumer's error, with the
// template's file:line site in both modes.
//
//asyncgen:coroutine
func iterCloseFails(e *Env) (string, error) {
	it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return iterBadDeferAsync(e, y) })
	rt.Must(it.Next())
	_, err := rt.Await(it.Close())
	return fmt.Sprintf("done=%v", it.Done()), err
}

// iterSlow awaits a future that never completes on its own after
// scheduling the cancellation of the consumer's task.
//
//asyncgen:coroutine
func iterSlow(e *Env, y *rt.Yielder[int]) error {
	defer e.Add("slow defer")
	rt.Must(y.Yield(1))
	_, err := rt.Await(e.Cancel("stop"))
	e.Add("slow saw cancel=%v", errors.Is(err, rt.ErrCancelled))
	return err
}

// iterCancelConsumer cancels the consumer while it awaits the next value:
// the cancellation reaches the producer's pending await.
//
//asyncgen:coroutine
func iterCancelConsumer(e *Env) (string, error) {
	it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return iterSlowAsync(e, y) })
	rt.Must(it.Next())
	_, err := rt.Await(it.Next())
	return fmt.Sprintf("cancelled=%v done=%v", errors.Is(err, rt.ErrCancelled), it.Done()), nil
}

// iterDoubled consumes another producer and yields each value doubled.
//
//asyncgen:coroutine
func iterDoubled(e *Env, src *rt.AsyncIter[int], y *rt.Yielder[int]) error {
	defer e.Add("doubled defer")
	for {
		v, err := rt.Await(src.Next())
		if errors.Is(err, rt.ErrStopAsyncIteration) {
			return nil
		}
		if err != nil {
			return err
		}
		if !rt.Must(y.Yield(2 * v)) {
			_, err := rt.Await(src.Close())
			return err
		}
	}
}

// iterNested ranges over a producer that ranges over another, and breaks
// early: closing the outer closes the inner from the outer's exit path.
//
//asyncgen:coroutine
func iterNested(e *Env) (string, error) {
	mk := func(n int) *rt.AsyncIter[int] {
		src := countIter(e, n)
		return rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return iterDoubledAsync(e, src, y) })
	}
	all, err := rt.Await(rt.Collect(mk(3)))
	if err != nil {
		return "", err
	}
	it := mk(5)
	a := rt.Must(it.Next())
	b := rt.Must(it.Next())
	rt.Must(it.Close())
	return fmt.Sprintf("%v %d %d", all, a, b), nil
}

// iterPairs yields zero values and then the given ones: T is a type
// parameter.
//
//asyncgen:coroutine
func iterPairs[T any](e *Env, vs []T, y *rt.Yielder[T]) error {
	var zero T
	if !rt.Must(y.Yield(zero)) {
		return nil
	}
	for _, v := range vs {
		rt.Must(e.I(0))
		if !rt.Must(y.Yield(v)) {
			return nil
		}
	}
	return nil
}

// iterGeneric collects generic producers of two types.
//
//asyncgen:coroutine
func iterGeneric(e *Env) (string, error) {
	ss := rt.Must(rt.Collect(rt.NewAsyncIter(func(y *rt.Yielder[string]) rt.Coro[rt.Void] {
		return iterPairsAsync(e, []string{"x", "y"}, y)
	})))
	ps := rt.Must(rt.Collect(rt.NewAsyncIter(func(y *rt.Yielder[*int]) rt.Coro[rt.Void] {
		return iterPairsAsync[*int](e, nil, y)
	})))
	return fmt.Sprintf("%q %v", ss, ps), nil
}

// iterLit is a producer written as a coroutine closure over the
// template's variables.
//
//asyncgen:coroutine
func iterLit(e *Env) (string, error) {
	step := 10
	// The closure is made first and handed its Yielder when the iterator
	// is built: a coroutine literal cannot sit inside a plain one.
	var y *rt.Yielder[int]
	body := rt.AsyncVoid(func() error {
		for i := 1; i <= 3; i++ {
			rt.Must(e.I(0))
			if !rt.Must(y.Yield(i * step)) {
				return nil
			}
		}
		return nil
	})
	it := rt.NewAsyncIter(func(yy *rt.Yielder[int]) rt.Coro[rt.Void] { y = yy; return body })
	out := ""
outer:
	for round := 0; round < 3; round++ {
		for {
			v, err := rt.Await(it.Next())
			if err != nil {
				out += "end;"
				break outer
			}
			out += fmt.Sprint(v) + ";"
			step++
			continue outer
		}
	}
	rt.Must(it.Close())
	return out, nil
}
