package rt_test

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

func TestFuturePendingStateErrors(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	if f.Done() || f.Cancelled() {
		t.Fatal("new future is done")
	}
	if _, err := f.Result(); !errors.Is(err, rt.ErrInvalidState) {
		t.Fatalf("Result of a pending future: %v", err)
	}
	if err := f.Exception(); !errors.Is(err, rt.ErrInvalidState) {
		t.Fatalf("Exception of a pending future: %v", err)
	}
	if f.Loop() != l {
		t.Fatal("Loop")
	}
}

func TestFutureResultIsSetOnce(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[string](l)
	if err := f.SetResult("a"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetResult("b"); !errors.Is(err, rt.ErrInvalidState) {
		t.Fatalf("second SetResult: %v", err)
	}
	if err := f.SetException(errors.New("x")); !errors.Is(err, rt.ErrInvalidState) {
		t.Fatalf("SetException after SetResult: %v", err)
	}
	if f.Cancel() {
		t.Fatal("Cancel of a finished future returned true")
	}
	v, err := f.Result()
	if v != "a" || err != nil || f.Exception() != nil || !f.Done() || f.Cancelled() {
		t.Fatalf("got %q, %v", v, err)
	}
}

func TestFutureException(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	boom := errors.New("boom")
	if err := f.SetException(nil); !errors.Is(err, rt.ErrInvalidState) {
		t.Fatalf("SetException(nil): %v", err)
	}
	if err := f.SetException(boom); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Result(); err != boom {
		t.Fatalf("Result: %v", err)
	}
	if f.Exception() != boom {
		t.Fatal("Exception")
	}
	if err := f.SetResult(1); !errors.Is(err, rt.ErrInvalidState) {
		t.Fatalf("SetResult after SetException: %v", err)
	}
}

func TestFutureCancelCarriesMessage(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	if !f.Cancel("because") {
		t.Fatal("Cancel of a pending future returned false")
	}
	if f.Cancel("again") {
		t.Fatal("second Cancel returned true")
	}
	var ce *rt.CancelledError
	if _, err := f.Result(); !errors.As(err, &ce) || ce.Msg != "because" || !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("Result: %v", err)
	}
	if err := f.Exception(); !errors.Is(err, rt.ErrCancelled) {
		t.Fatalf("Exception: %v", err)
	}
	if !f.Cancelled() || !f.Done() {
		t.Fatal("not cancelled")
	}
	if err := f.SetResult(1); !errors.Is(err, rt.ErrInvalidState) {
		t.Fatalf("SetResult after Cancel: %v", err)
	}
	g := rt.NewFuture[int](l)
	g.Cancel()
	if _, err := g.Result(); err.Error() != "cancelled" {
		t.Fatalf("message-less cancel: %q", err)
	}
}

func TestDoneCallbacksRunThroughLoopInOrder(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	var got []int
	for i := range 4 {
		f.AddDoneCallback(func(f *rt.Future[int]) {
			v, _ := f.Result()
			got = append(got, i*100+v)
		})
	}
	f.SetResult(7)
	if len(got) != 0 {
		t.Fatal("a done callback ran inline")
	}
	runOnce(t, l)
	if !slices.Equal(got, []int{7, 107, 207, 307}) {
		t.Fatalf("got %v", got)
	}
}

func TestDoneCallbackOnDoneFutureIsScheduled(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	f.Cancel()
	ran := false
	f.AddDoneCallback(func(*rt.Future[int]) { ran = true })
	if ran {
		t.Fatal("ran inline")
	}
	runOnce(t, l)
	if !ran {
		t.Fatal("did not run")
	}
}

func TestDoneCallbacksRunAfterAlreadyQueuedCallbacks(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	var got []string
	f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, "done") })
	l.CallSoon(func() { got = append(got, "first") })
	f.SetResult(1)
	l.CallSoon(func() { got = append(got, "last") })
	runOnce(t, l)
	if !slices.Equal(got, []string{"first", "done", "last"}) {
		t.Fatalf("got %v", got)
	}
}

func TestRemoveDoneCallbackReturnsCount(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	var got []int
	ids := make([]rt.CallbackID, 3)
	for i := range ids {
		ids[i] = f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, i) })
	}
	if n := f.RemoveDoneCallback(ids[1]); n != 1 {
		t.Fatalf("removed %d, want 1", n)
	}
	if n := f.RemoveDoneCallback(ids[1]); n != 0 {
		t.Fatalf("removed %d again, want 0", n)
	}
	if n := f.RemoveDoneCallback(0); n != 0 {
		t.Fatalf("removed %d for id 0", n)
	}
	f.SetResult(0)
	runOnce(t, l)
	if !slices.Equal(got, []int{0, 2}) {
		t.Fatalf("ran %v, want [0 2]", got)
	}
	if n := f.RemoveDoneCallback(ids[0]); n != 0 {
		t.Fatalf("removed %d from a done future", n)
	}
}

func TestUnretrievedErrorReportedAtClose(t *testing.T) {
	l := newLoop(t)
	errs := collectErrors(l)
	boom := errors.New("boom")
	f := rt.NewFuture[int](l)
	f.SetException(boom)
	second := rt.NewFuture[int](l)
	second.SetException(errors.New("second"))
	l.Close()
	if len(*errs) != 2 {
		t.Fatalf("got %d reports, want 2", len(*errs))
	}
	// Reported in the order the errors were set.
	if (*errs)[0].Err != boom || (*errs)[1].Err.Error() != "second" {
		t.Fatalf("reports %+v", *errs)
	}
	if !strings.Contains((*errs)[0].Message, "Future exception was never retrieved") {
		t.Fatalf("message %q", (*errs)[0].Message)
	}
	runtime.KeepAlive(f)
	runtime.KeepAlive(second)
}

func TestRetrievedErrorIsNotReported(t *testing.T) {
	tests := []struct {
		name     string
		retrieve func(f *rt.Future[int])
	}{
		{"Result", func(f *rt.Future[int]) { f.Result() }},
		{"Exception", func(f *rt.Future[int]) { f.Exception() }},
		{"Cancel after done", func(f *rt.Future[int]) { f.Cancel() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLoop(t)
			errs := collectErrors(l)
			f := rt.NewFuture[int](l)
			f.SetException(errors.New("boom"))
			tc.retrieve(f)
			l.Close()
			if len(*errs) != 0 {
				t.Fatalf("reported %+v", *errs)
			}
		})
	}
}

func TestUnretrievedTaskErrorSaysTask(t *testing.T) {
	l := newLoop(t)
	errs := collectErrors(l)
	rt.CreateTask(l, rt.Async(func() (int, error) { return 0, errors.New("task failed") }))
	runOnce(t, l)
	l.Close()
	if len(*errs) != 1 || !strings.HasPrefix((*errs)[0].Message, "Task exception was never retrieved") {
		t.Fatalf("reports %+v", *errs)
	}
}

func TestUnretrievedErrorReportedWhenCollected(t *testing.T) {
	l := newLoop(t)
	reported := rt.NewFuture[rt.ErrorContext](l)
	l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { reported.SetResult(c) })
	func() {
		f := rt.NewFuture[int](l)
		f.SetException(errors.New("lost"))
	}()
	c := collectedReport(t, l, reported)
	if c.Err == nil || c.Err.Error() != "lost" || !strings.Contains(c.Message, "never retrieved") {
		t.Fatalf("report %+v", c)
	}
}

func TestFutureString(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	if s := f.String(); s != "<Future pending>" {
		t.Fatalf("%q", s)
	}
	f.SetException(errors.New("e"))
	f.Exception()
	if s := f.String(); s != "<Future finished error=e>" {
		t.Fatalf("%q", s)
	}
}

func TestTaskWakeupAndDoneCallbacksKeepRegistrationOrder(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	var got []string
	f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, "cb1") })
	task := rt.CreateTask(l, &script{step: func(s *script, c *rt.Ctx, n int, _ error) rt.Yield {
		if n == 0 {
			return f.Send(c) // registers the task's wake-up after cb1
		}
		got = append(got, "task")
		return rt.Yield{}
	}})
	runOnce(t, l)
	f.AddDoneCallback(func(*rt.Future[int]) { got = append(got, "cb2") })
	f.SetResult(1)
	l.RunUntilComplete(task)
	if !slices.Equal(got, []string{"cb1", "task", "cb2"}) {
		t.Fatalf("ran %v", got)
	}
}

// A reset future can be completed and awaited again, and forgets an
// unretrieved error instead of reporting it.
func TestFutureResetReuses(t *testing.T) {
	l := newLoop(t)
	errs := collectErrors(l)
	f := rt.NewFuture[int](l)
	if err := f.Reset(); !errors.Is(err, rt.ErrInvalidState) {
		t.Errorf("Reset of a pending future: %v, want ErrInvalidState", err)
	}
	for i := range 3 {
		f.SetResult(i)
		if v, err := rt.RunUntilComplete(l, rt.Awaitable[int](f)); v != i || err != nil {
			t.Errorf("round %d: %v, %v", i, v, err)
		}
		if err := f.Reset(); err != nil || f.Done() {
			t.Fatalf("Reset: %v (done %v)", err, f.Done())
		}
	}
	f.SetException(errors.New("dropped"))
	f.Reset()
	l.Close()
	if len(*errs) != 0 {
		t.Errorf("a reset future's error was reported: %v", *errs)
	}
}
