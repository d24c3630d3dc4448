package outside

import (
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/rtimpl"
)

func runWith(t *testing.T, mk func(*rt.Future[int]) rt.Coro[int]) (int, error) {
	t.Helper()
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f := rt.NewFuture[int](l)
	l.CallSoon(func() { f.SetResult(41) })
	return rt.RunUntilComplete(l, rt.CreateTask(l, mk(f)))
}

func TestAwaitInHelperFailsTheTask(t *testing.T) {
	v, err := runWith(t, viaHelperAsync)
	if err == nil || !strings.Contains(err.Error(), "rt.Await called outside a coroutine") {
		t.Fatalf("RefMode=%v: got %d, %v; want the task to fail with rt.Await called outside a coroutine", rtimpl.RefMode, v, err)
	}
}

func TestHandWrittenCoroutineMayAwaitInHelpers(t *testing.T) {
	if v, err := runWith(t, byHand); v != 42 || err != nil {
		t.Fatalf("RefMode=%v: got %d, %v; want 42, nil", rtimpl.RefMode, v, err)
	}
}
