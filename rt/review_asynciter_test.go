package rt_test

import (
	"errors"
	"testing"

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
