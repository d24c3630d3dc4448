package rt_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// An Awaiting hands its outcome out once: a second Result, or one before
// anything was awaited, fails with an error (Must panics with it) instead
// of dereferencing a nil awaitable.
func TestAwaitingResultOnce(t *testing.T) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f := rt.NewFuture[int](l)
	f.SetResult(7)
	var w rt.Awaiting[int]
	if _, suspend := w.Start(nil, f); suspend {
		t.Fatal("a done future suspended")
	}
	if v, err := w.Result(); v != 7 || err != nil {
		t.Fatalf("Result = %d, %v; want 7, nil", v, err)
	}
	v, err := w.Result()
	if v != 0 || err == nil || !strings.Contains(err.Error(), "nil awaitable") {
		t.Fatalf("second Result = %d, %v; want 0 and the nil-awaitable error", v, err)
	}
	var fresh rt.Awaiting[int]
	defer func() {
		var r *rt.Raised
		if p, ok := recover().(error); !ok || !errors.As(p, &r) || !strings.Contains(r.Err.Error(), "nil awaitable") {
			t.Fatalf("Must before any await panicked with %v, want *rt.Raised with the nil-awaitable error", p)
		}
	}()
	fresh.Must()
}
