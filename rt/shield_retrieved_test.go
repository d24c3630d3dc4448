package rt_test

import (
	"errors"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// The inner future fails, and before the shielded await wakes up its task
// is cancelled: the await ends cancelled, and the inner error is not
// reported as never retrieved (asyncio's _inner_done_callback marks it).
func TestShieldInnerErrorSeenAfterCancelIsNotReported(t *testing.T) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	var reports []string
	l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { reports = append(reports, c.Message) })
	inner := rt.NewFuture[int](l)
	task := rt.CreateTask(l, rt.Shield(inner))
	step := rt.NewFuture[int](l)
	l.CallSoon(func() { l.CallSoon(func() { step.SetResult(0) }) })
	if err := l.RunUntilComplete(step); err != nil {
		t.Fatal(err)
	}
	// Same pass: the inner fails (its callback is queued), then the task
	// is cancelled before that callback runs.
	inner.SetException(errors.New("inner failed"))
	task.Cancel()
	if err := l.RunUntilComplete(task); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("await: %v, want cancellation", err)
	}
	l.Close()
	if len(reports) != 0 {
		t.Fatalf("reported %q, want nothing", reports)
	}
}
