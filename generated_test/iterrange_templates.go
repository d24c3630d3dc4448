package generated_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for the range form of async iteration, for v, err := range
// it.All(): each way out of the loop closes the producer before control
// goes on (awaiting the close, or, on a panic, abandoning it), in both
// modes. The producers log their ends (iter_templates.go's iterCount logs
// "closed at N" after a false Yield and "count defer" from its defer).

// rangeSum consumes a whole sequence; the body awaits.
//
//asyncgen:coroutine
func rangeSum(e *Env) (int, error) {
	sum := 0
	for v, err := range countIter(e, 3).All() {
		if err != nil {
			return 0, err
		}
		sum += rt.Must(e.I(v))
	}
	e.Add("after")
	return sum, nil
}

// rangeBreak leaves the loop with break; the body does not await.
//
//asyncgen:coroutine
func rangeBreak(e *Env, await bool) (int, error) {
	sum := 0
	for v, err := range countIter(e, 10).All() {
		if err != nil {
			return 0, err
		}
		if await {
			rt.Must(e.I(0))
		}
		sum += v
		if v == 2 {
			e.Add("break")
			break
		}
	}
	e.Add("after")
	return sum, nil
}

// rangeContinueOuter leaves the inner loop with continue of a labelled
// outer loop, each round.
//
//asyncgen:coroutine
func rangeContinueOuter(e *Env) (string, error) {
	out := ""
outer:
	for round := 0; round < 2; round++ {
		for v, err := range countIter(e, 5).All() {
			if err != nil {
				return "", err
			}
			out += fmt.Sprint(v)
			if v == round {
				e.Add("continue outer")
				continue outer
			}
		}
		e.Add("not reached")
	}
	e.Add("after")
	return out, nil
}

// rangeBreakOuter leaves two nested loops over async iterators and a
// range-over-func between them with a labelled break: the innermost
// iterator closes first.
//
//asyncgen:coroutine
func rangeBreakOuter(e *Env) (string, error) {
	out := ""
outer:
	for a, err := range countIter(e, 3).All() {
		if err != nil {
			return "", err
		}
		for range e.Count(2) {
			for b, err := range rangeTagged(e, "in", 3).All() {
				if err != nil {
					return "", err
				}
				out += fmt.Sprint(a, b, ";")
				if a == 1 && b == 1 {
					break outer
				}
			}
		}
	}
	e.Add("after")
	return out, nil
}

// rangeInnerBreak breaks the inner of two nested loops only: the outer
// goes on.
//
//asyncgen:coroutine
func rangeInnerBreak(e *Env) (string, error) {
	out := ""
	for a, err := range countIter(e, 2).All() {
		if err != nil {
			return "", err
		}
		for b, err := range rangeTagged(e, "in", 3).All() {
			if err != nil {
				return "", err
			}
			out += fmt.Sprint(a, b, ";")
			if b == 1 {
				break
			}
		}
		e.Add("inner left")
	}
	return out, nil
}

// rangeTagged yields 0..n-1 after an await, logging with tag.
//
//asyncgen:coroutine
func rangeTaggedProducer(e *Env, tag string, n int, y *rt.Yielder[int]) error {
	defer e.Add("%s defer", tag)
	for i := 0; i < n; i++ {
		rt.Must(e.I(0))
		if !rt.Must(y.Yield(i)) {
			e.Add("%s closed at %d", tag, i)
			return nil
		}
	}
	return nil
}

func rangeTagged(e *Env, tag string, n int) *rt.AsyncIter[int] {
	return rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return rangeTaggedProducerAsync(e, tag, n, y) })
}

// rangeGoto leaves the loop with a goto forward, and once with a goto
// backward to before the loop.
//
//asyncgen:coroutine
func rangeGoto(e *Env) (string, error) {
	out := ""
	tries := 0
again:
	tries++
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return "", err
		}
		out += fmt.Sprint(v)
		if v == 1 && tries == 1 {
			e.Add("goto again")
			goto again
		}
		if v == 2 {
			e.Add("goto done")
			goto done
		}
	}
	e.Add("not reached")
done:
	e.Add("done")
	return out, nil
}

// rangeReturn returns from the loop: the results are evaluated first, then
// the producer closes, then the template's defers run.
//
//asyncgen:coroutine
func rangeReturn(e *Env, await bool) (n int, err error) {
	defer e.Add("consumer defer n=%d", 0)
	defer func() { e.Add("consumer defer sees n=%d", n) }()
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return 0, err
		}
		if await {
			rt.Must(e.I(0))
		}
		if v == 1 {
			return e.V("result", v*10), nil
		}
	}
	return -1, nil
}

// rangeReturnNested returns from inside a range-over-func inside two
// async loops: all three end, innermost first, before the defers.
//
//asyncgen:coroutine
func rangeReturnNested(e *Env) (string, error) {
	defer e.Add("consumer defer")
	for a, err := range countIter(e, 3).All() {
		if err != nil {
			return "", err
		}
		for b, err := range rangeTagged(e, "in", 3).All() {
			if err != nil {
				return "", err
			}
			for c := range e.Count(3) {
				if c == 1 {
					return fmt.Sprint(a, b, c), nil
				}
			}
		}
	}
	return "", nil
}

// rangeMustFails fails a Must in the body: a panic, so the producer is
// abandoned without awaiting (its defer runs, its code after Yield does
// not), before the template's defers.
//
//asyncgen:coroutine
func rangeMustFails(e *Env) (int, error) {
	defer e.Add("consumer defer")
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return 0, err
		}
		if v == 1 {
			rt.Must(Fail[int](e, "body failed"))
		}
	}
	return 0, nil
}

// rangePanic panics in the body, which does not await; a deferred recover
// in the template sees the panic after the producer was abandoned.
//
//asyncgen:coroutine
func rangePanic(e *Env) (res string, err error) {
	defer func() {
		if p := recover(); p != nil {
			e.Add("recovered %v", p)
			res = "recovered"
		}
	}()
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return "", err
		}
		if v == 1 {
			panic("body panic")
		}
	}
	return "", nil
}

// rangeProducerError sees the producer's failure once, as (zero, err);
// the loop ends after it.
//
//asyncgen:coroutine
func rangeProducerError(e *Env) (string, error) {
	var got []string
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[string]) rt.Coro[rt.Void] { return iterFailingAsync(e, y) }).All() {
		if err != nil {
			got = append(got, fmt.Sprintf("err=%v v=%q", err, v))
			continue
		}
		got = append(got, v)
	}
	e.Add("after")
	return strings.Join(got, ","), nil
}

// rangeCleanupProducer awaits in its cleanup after a false Yield.
//
//asyncgen:coroutine
func rangeCleanupProducer(e *Env, y *rt.Yielder[int]) error {
	defer e.Add("cleanup defer")
	for i := 0; ; i++ {
		if !rt.Must(y.Yield(i)) {
			e.Add("cleanup start")
			rt.Must(e.I(0))
			e.Add("cleanup awaited")
			return nil
		}
	}
}

// rangeCleanupAwaits breaks out of a loop over a producer whose cleanup
// awaits: the consumer waits for it (aclose), whether it left by break or
// by return.
//
//asyncgen:coroutine
func rangeCleanupAwaits(e *Env, ret bool) (int, error) {
	defer e.Add("consumer defer")
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return rangeCleanupProducerAsync(e, y) }).All() {
		if err != nil {
			return 0, err
		}
		if v == 1 {
			if ret {
				return v, nil
			}
			break
		}
	}
	e.Add("after")
	return 0, nil
}

// rangeCloseErrProducer fails its close: it returns an error once Yield
// returned false.
//
//asyncgen:coroutine
func rangeCloseErrProducer(e *Env, y *rt.Yielder[int]) error {
	for i := 0; ; i++ {
		if !rt.Must(y.Yield(i)) {
			rt.Must(e.I(0))
			return errors.New("close failed")
		}
	}
}

// rangeCloseError leaves early (break or return) while the close fails:
// the consumer fails with the close's error where the loop stands, like a
// failed Must, and its defers see it as a panic.
//
//asyncgen:coroutine
func rangeCloseError(e *Env, ret bool) (int, error) {
	defer func() {
		p := recover()
		e.Add("consumer defer recovered %v", p)
		if p != nil {
			panic(p)
		}
	}()
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return rangeCloseErrProducerAsync(e, y) }).All() {
		if err != nil {
			return 0, err
		}
		if v == 1 {
			if ret {
				return e.V("result", 7), nil
			}
			break
		}
	}
	e.Add("not reached")
	return 0, nil
}

// rangeCancelInProducer is cancelled while suspended inside the producer
// (iterSlow awaits after its first value): the cancellation comes as the
// loop's error.
//
//asyncgen:coroutine
func rangeCancelInProducer(e *Env) (string, error) {
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return iterSlowAsync(e, y) }).All() {
		if err != nil {
			e.Add("loop err cancelled=%v", errors.Is(err, rt.ErrCancelled))
			return "", err
		}
		e.Add("got %d", v)
	}
	return "end", nil
}

// rangeCancelInBody is cancelled while suspended in the loop body. With
// Must the cancellation panics out (the producer is abandoned); with Await
// the body returns it (the producer is closed, awaited).
//
//asyncgen:coroutine
func rangeCancelInBody(e *Env, must bool) (string, error) {
	defer e.Add("consumer defer")
	for v, err := range countIter(e, 3).All() {
		if err != nil {
			return "", err
		}
		if must {
			rt.Must(e.Cancel("stop"))
		} else if _, err := rt.Await(e.Cancel("stop")); err != nil {
			e.Add("body err cancelled=%v", errors.Is(err, rt.ErrCancelled))
			return "", err
		}
		e.Add("got %d", v)
	}
	return "end", nil
}

// rangeForms uses the other clause forms: no variables, the value only,
// and assignment to declared variables; a switch's break inside the body
// leaves the switch only.
//
//asyncgen:coroutine
func rangeForms(e *Env) (string, error) {
	n := 0
	for range countIter(e, 2).All() { //asyncvet:droperr the clause form is what this case tests; countIter never fails
		n++
	}
	last := -1
	for v := range countIter(e, 2).All() { //asyncvet:droperr the clause form is what this case tests; countIter never fails
		last = v
	}
	var v int
	var err error
	for v, err = range countIter(e, 3).All() {
		switch {
		case v == 1:
			e.Add("switch break")
			break
		}
		if v == 1 {
			break
		}
	}
	return fmt.Sprintf("n=%d last=%d v=%d err=%v", n, last, v, err), nil
}

// rangeCaptures keeps closures over the loop variables: each iteration
// has its own.
//
//asyncgen:coroutine
func rangeCaptures(e *Env) (string, error) {
	var fs []func() string
	for v, err := range countIter(e, 3).All() {
		fs = append(fs, func() string { return fmt.Sprint(v, err) })
		rt.Must(e.I(0))
	}
	var out []string
	for _, f := range fs {
		out = append(out, f())
	}
	return strings.Join(out, ","), nil
}

// rangeGeneric ranges over an iterator of a type parameter.
//
//asyncgen:coroutine
func rangeGeneric[T any](e *Env, vs []T) (string, error) {
	out := ""
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[T]) rt.Coro[rt.Void] { return iterPairsAsync(e, vs, y) }).All() {
		if err != nil {
			return "", err
		}
		out += fmt.Sprintf("%v;", v)
	}
	return out, nil
}

// rangeInLiteral ranges inside a coroutine literal and breaks.
//
//asyncgen:coroutine
func rangeInLiteral(e *Env) (int, error) {
	it := countIter(e, 5)
	c := rt.Async(func() (int, error) {
		for v, err := range it.All() {
			if err != nil {
				return 0, err
			}
			if v == 1 {
				return v, nil
			}
		}
		return -1, nil
	})
	v := rt.Must(c)
	return v, nil
}

// rangeAsyncHand ranges over All in a coroutine written by hand (Async of
// a func value runs on the reference driver in both modes).
func rangeAsyncHand(e *Env) rt.Coro[int] {
	it := countIter(e, 5)
	return rt.Async(func() (int, error) {
		sum := 0
		for v, err := range it.All() {
			if err != nil {
				return 0, err
			}
			sum += v
			if v == 2 {
				break
			}
		}
		return sum, nil
	})
}

// rangeCollectPartial collects from a failing producer: the values before
// the failure come with the error.
//
//asyncgen:coroutine
func rangeCollectPartial(e *Env) (string, error) {
	vs, err := rt.Await(rt.Collect(rt.NewAsyncIter(func(y *rt.Yielder[string]) rt.Coro[rt.Void] { return iterFailingAsync(e, y) })))
	return fmt.Sprintf("%q err=%v", vs, err), nil
}

// rangeCancelledCleanupProducer's cleanup is cancelled while it awaits.
//
//asyncgen:coroutine
func rangeCancelledCleanupProducer(e *Env, y *rt.Yielder[int]) error {
	defer e.Add("cleanup defer")
	for i := 0; ; i++ {
		if !rt.Must(y.Yield(i)) {
			_, err := rt.Await(e.Cancel("stop in close"))
			e.Add("cleanup cancelled=%v", errors.Is(err, rt.ErrCancelled))
			return err
		}
	}
}

// rangeCancelInClose is cancelled while it awaits the close of a loop it
// left by break: the cancellation reaches the producer's cleanup, whose
// error is the close's, so the consumer fails with it.
//
//asyncgen:coroutine
func rangeCancelInClose(e *Env) (int, error) {
	defer e.Add("consumer defer")
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return rangeCancelledCleanupProducerAsync(e, y) }).All() {
		if err != nil {
			return 0, err
		}
		if v == 1 {
			break
		}
	}
	e.Add("not reached")
	return 0, nil
}

// rangeDeepReturn returns from verbatim code nested in the body (a plain
// loop, a switch) of a loop whose body does not await, in a template that
// defers a call with arguments (the chained defer stack).
//
//asyncgen:coroutine
func rangeDeepReturn(e *Env, at int) (string, error) {
	defer e.Add("consumer defer %d", at)
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return "", err
		}
		for i := 0; i < 3; i++ {
			switch {
			case v == at && i == 1:
				return fmt.Sprint("switch ", v, i), nil
			case v == 3:
				if i == 2 {
					return "loop", nil
				}
			}
		}
	}
	return "end", nil
}

// rangeErrOnly returns only an error, from inside the loop.
//
//asyncgen:coroutine
func rangeErrOnly(e *Env) error {
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return err
		}
		if v == 1 {
			return fmt.Errorf("stopped at %d", v)
		}
	}
	return nil
}

// rangeNoResult returns nothing, from inside the loop.
//
//asyncgen:coroutine
func rangeNoResult(e *Env) {
	defer e.Add("consumer defer")
	for v := range countIter(e, 5).All() { //asyncvet:droperr the clause form is what this case tests; countIter never fails
		if v == 1 {
			return
		}
	}
	e.Add("not reached")
}

// rangeReturnAwaits awaits in its return's results, inside the loop: the
// await comes first, then the close.
//
//asyncgen:coroutine
func rangeReturnAwaits(e *Env) (int, error) {
	for v, err := range countIter(e, 5).All() {
		if err != nil {
			return 0, err
		}
		if v == 1 {
			return rt.Must(e.AV("result awaited", v*100)), nil
		}
	}
	return 0, nil
}

// rangeStackProducer waits for next before its value and for cleanup once
// closed, so a test can look at the consumer's stack in both places.
//
//asyncgen:coroutine
func rangeStackProducer(next, cleanup *rt.Future[int], y *rt.Yielder[int]) error {
	v := rt.Must(next)
	if !rt.Must(y.Yield(v)) {
		rt.Must(cleanup)
	}
	return nil
}

// rangeStack returns from its loop at the first value.
//
//asyncgen:coroutine
func rangeStack(next, cleanup *rt.Future[int]) (int, error) {
	for v, err := range rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return rangeStackProducerAsync(next, cleanup, y) }).All() {
		if err != nil {
			return 0, err
		}
		return v, nil
	}
	return -1, nil
}

// rangeAwaitedOperand gets its iterator from an await in the range
// operand, evaluated once.
//
//asyncgen:coroutine
func rangeAwaitedOperand(e *Env) (int, error) {
	sum := 0
	for v, err := range rt.Must(Later(e, countIter(e, 3))).All() {
		if err != nil {
			return 0, err
		}
		sum += v
		if v == 1 {
			break
		}
	}
	return sum, nil
}
