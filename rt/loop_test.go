package rt_test

import (
	"bytes"
	"errors"
	"log"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/selector"
)

// newLoop returns a loop on a virtual clock, closed when the test ends.
func newLoop(t *testing.T, opts ...rt.Option) *rt.Loop {
	t.Helper()
	opts = append([]rt.Option{rt.WithClock(rt.NewVirtualClock())}, opts...)
	l, err := rt.NewLoop(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// collectErrors installs an exception handler that records every context.
func collectErrors(l *rt.Loop) *[]rt.ErrorContext {
	var got []rt.ErrorContext
	l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { got = append(got, c) })
	return &got
}

// recordingSelector wraps a real selector and records every Select timeout.
type recordingSelector struct {
	selector.Selector
	timeouts []time.Duration
}

func (r *recordingSelector) Select(buf []selector.Ready, timeout time.Duration) ([]selector.Ready, error) {
	r.timeouts = append(r.timeouts, timeout)
	return r.Selector.Select(buf, timeout)
}

func newRecordingLoop(t *testing.T, opts ...rt.Option) (*rt.Loop, *recordingSelector) {
	t.Helper()
	s, err := selector.New()
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingSelector{Selector: s}
	return newLoop(t, append(opts, rt.WithSelector(rec))...), rec
}

// runOnce runs exactly one pass of l (a pre-stopped RunForever).
func runOnce(t *testing.T, l *rt.Loop) {
	t.Helper()
	l.Stop()
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
}

func TestCallSoonRunsCallbacksFIFO(t *testing.T) {
	l := newLoop(t)
	var got []int
	for i := range 200 { // more than the ring's initial size
		l.CallSoon(func() { got = append(got, i) })
	}
	runOnce(t, l)
	if len(got) != 200 {
		t.Fatalf("ran %d callbacks, want 200", len(got))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("callback %d ran at position %d: %v", v, i, got)
		}
	}
}

func TestCallSoonDuringPassRunsNextPass(t *testing.T) {
	l := newLoop(t)
	var got []string
	l.CallSoon(func() {
		got = append(got, "a")
		l.CallSoon(func() { got = append(got, "a-child") })
	})
	l.CallSoon(func() { got = append(got, "b") })
	runOnce(t, l)
	if !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("first pass ran %v", got)
	}
	runOnce(t, l)
	if !slices.Equal(got, []string{"a", "b", "a-child"}) {
		t.Fatalf("second pass ran %v", got)
	}
}

func TestCancelledHandleIsSkipped(t *testing.T) {
	l := newLoop(t)
	ran := false
	h := l.CallSoon(func() { ran = true })
	h.Cancel()
	h.Cancel() // idempotent
	runOnce(t, l)
	if ran || !h.Cancelled() {
		t.Fatalf("ran=%v cancelled=%v", ran, h.Cancelled())
	}
}

func TestStopFinishesCurrentPass(t *testing.T) {
	l := newLoop(t)
	var got []string
	l.CallSoon(func() {
		got = append(got, "a")
		l.CallSoon(func() { got = append(got, "a-child") })
	})
	l.CallSoon(l.Stop)
	l.CallSoon(func() { got = append(got, "b") })
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("ran %v, want [a b]", got)
	}
	l.CallSoon(l.Stop)
	l.RunForever()
	if !slices.Equal(got, []string{"a", "b", "a-child"}) {
		t.Fatalf("ran %v after the second RunForever", got)
	}
}

func TestStopBeforeRunDoesExactlyOnePassWithoutBlocking(t *testing.T) {
	l, rec := newRecordingLoop(t, rt.WithClock(rt.NewVirtualClock()))
	l.CallLater(time.Hour, func() { t.Error("timer fired") })
	l.Stop()
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.timeouts, []time.Duration{0}) {
		t.Fatalf("polls %v, want one poll with timeout 0", rec.timeouts)
	}
	if l.IsRunning() {
		t.Fatal("still running")
	}
}

// fixedClock is a non-virtual clock that never moves: the loop computes its
// poll timeouts exactly as on the wall clock, and they stay exact.
type fixedClock struct{ now time.Duration }

func (c *fixedClock) Now() time.Duration { return c.now }

// stoppingSelector records each Select timeout, never blocks, and stops the
// loop, so a test sees the timeout of exactly one pass.
type stoppingSelector struct {
	selector.Selector
	loop     *rt.Loop
	timeouts []time.Duration
}

func (s *stoppingSelector) Select(buf []selector.Ready, timeout time.Duration) ([]selector.Ready, error) {
	s.timeouts = append(s.timeouts, timeout)
	s.loop.Stop()
	return s.Selector.Select(buf, 0)
}

func TestRunOncePollTimeout(t *testing.T) {
	tests := []struct {
		name  string
		setup func(l *rt.Loop)
		want  time.Duration
	}{
		{"nothing scheduled waits for I/O", func(l *rt.Loop) {}, -1},
		{"ready callbacks poll without blocking", func(l *rt.Loop) { l.CallSoon(func() {}) }, 0},
		{"a timer bounds the wait", func(l *rt.Loop) { l.CallLater(10*time.Second, func() {}) }, 10 * time.Second},
		{"the earliest timer wins", func(l *rt.Loop) {
			l.CallLater(10*time.Second, func() {})
			l.CallLater(3*time.Second, func() {})
		}, 3 * time.Second},
		{"a past timer does not block", func(l *rt.Loop) { l.CallLater(-time.Second, func() {}) }, 0},
		{"a far timer is capped at a day", func(l *rt.Loop) { l.CallLater(48*time.Hour, func() {}) }, 24 * time.Hour},
		{"a cancelled head timer is ignored", func(l *rt.Loop) {
			l.CallLater(time.Second, func() {}).Cancel()
			l.CallLater(5*time.Second, func() {})
		}, 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := selector.New()
			if err != nil {
				t.Fatal(err)
			}
			rec := &stoppingSelector{Selector: s}
			l, err := rt.NewLoop(rt.WithClock(&fixedClock{now: time.Minute}), rt.WithSelector(rec))
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			rec.loop = l
			tc.setup(l)
			if err := l.RunForever(); err != nil {
				t.Fatal(err)
			}
			if len(rec.timeouts) != 1 || rec.timeouts[0] != tc.want {
				t.Fatalf("polls %v, want [%v]", rec.timeouts, tc.want)
			}
		})
	}
}

func TestRunUntilCompleteReturnsFutureError(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	boom := errors.New("boom")
	l.CallSoon(func() { f.SetException(boom) })
	if err := l.RunUntilComplete(f); err != boom {
		t.Fatalf("got %v, want boom", err)
	}
	l.CallLater(0, func() {})
	g := rt.NewFuture[int](l)
	g.Cancel("why")
	var ce *rt.CancelledError
	if err := l.RunUntilComplete(g); !errors.As(err, &ce) || ce.Msg != "why" {
		t.Fatalf("got %v, want cancelled: why", err)
	}
}

func TestRunUntilCompleteOnDoneFutureRunsOnePass(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	f.SetResult(1)
	ran := false
	l.CallSoon(func() { ran = true })
	if err := l.RunUntilComplete(f); err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Fatal("a callback that was ready did not run")
	}
}

func TestRunUntilCompleteStoppedEarlyFails(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	l.CallSoon(l.Stop)
	var re *rt.RuntimeError
	if err := l.RunUntilComplete(f); !errors.As(err, &re) {
		t.Fatalf("got %v, want a RuntimeError", err)
	}
}

func TestRunUntilCompleteRemovesStopCallbackAfterEarlyStop(t *testing.T) {
	l := newLoop(t)
	f := rt.NewFuture[int](l)
	l.CallSoon(l.Stop)
	if err := l.RunUntilComplete(f); err == nil {
		t.Fatal("no error for an early stop")
	}
	// f completes during a later RunForever: that run must not stop.
	l.CallLater(time.Second, func() { f.SetResult(1) })
	l.CallLater(2*time.Second, l.Stop)
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if got := l.Time(); got != 2*time.Second {
		t.Fatalf("RunForever stopped at %v, want 2s: a stale stop callback fired", got)
	}
}

func TestRunUntilCompleteNestedFails(t *testing.T) {
	l := newLoop(t)
	var nested error
	f := rt.NewFuture[int](l)
	l.CallSoon(func() {
		nested = l.RunUntilComplete(rt.NewFuture[int](l))
		f.SetResult(1)
	})
	if err := l.RunUntilComplete(f); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(nested, rt.ErrLoopRunning) {
		t.Fatalf("nested RunUntilComplete: %v, want ErrLoopRunning", nested)
	}
}

func TestRunUntilCompleteGenericNestedCreatesNoTask(t *testing.T) {
	l := newLoop(t)
	var nested error
	f := rt.NewFuture[int](l)
	l.CallSoon(func() {
		_, nested = rt.RunUntilComplete[int](l, rt.Async(func() (int, error) { return 1, nil }))
		f.SetResult(len(l.AllTasks()))
	})
	if err := l.RunUntilComplete(f); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(nested, rt.ErrLoopRunning) {
		t.Fatalf("nested: %v", nested)
	}
	if n, _ := f.Result(); n != 0 {
		t.Fatalf("a failed nested RunUntilComplete left %d tasks", n)
	}
}

func TestRunUntilCompleteFutureOfAnotherLoopFails(t *testing.T) {
	l, other := newLoop(t), newLoop(t)
	var re *rt.RuntimeError
	if err := l.RunUntilComplete(rt.NewFuture[int](other)); !errors.As(err, &re) {
		t.Fatalf("got %v", err)
	}
}

func TestRunForeverTwoLoopsOnOneGoroutineFails(t *testing.T) {
	l, other := newLoop(t), newLoop(t)
	var err error
	l.CallSoon(func() {
		other.Stop()
		err = other.RunForever()
	})
	runOnce(t, l)
	var re *rt.RuntimeError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want a RuntimeError", err)
	}
}

func TestLoopStateAndTime(t *testing.T) {
	clk := rt.NewVirtualClock()
	l := newLoop(t, rt.WithClock(clk))
	if l.IsRunning() || l.IsClosed() {
		t.Fatal("fresh loop is running or closed")
	}
	var running bool
	l.CallSoon(func() { running = l.IsRunning() })
	runOnce(t, l)
	if !running {
		t.Fatal("IsRunning false inside a callback")
	}
	clk.Advance(3 * time.Second)
	if l.Time() != 3*time.Second {
		t.Fatalf("Time %v", l.Time())
	}
	if err := l.Close(); err != nil || !l.IsClosed() {
		t.Fatalf("Close: %v closed=%v", err, l.IsClosed())
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestLoopMethodsAfterCloseFail(t *testing.T) {
	l := newLoop(t)
	l.Close()
	mustPanicClosed := func(name string, fn func()) {
		t.Helper()
		defer func() {
			v := recover()
			err, _ := v.(error)
			if !errors.Is(err, rt.ErrLoopClosed) {
				t.Errorf("%s after Close: panic %v, want ErrLoopClosed", name, v)
			}
		}()
		fn()
	}
	mustPanicClosed("CallSoon", func() { l.CallSoon(func() {}) })
	mustPanicClosed("CallLater", func() { l.CallLater(time.Second, func() {}) })
	mustPanicClosed("CallAt", func() { l.CallAt(time.Second, func() {}) })
	mustPanicClosed("CreateTask", func() { rt.CreateTask[int](l, rt.Async(func() (int, error) { return 0, nil })) })
	if err := l.RunForever(); !errors.Is(err, rt.ErrLoopClosed) {
		t.Errorf("RunForever: %v", err)
	}
	if err := l.RunUntilComplete(rt.NewFuture[int](l)); !errors.Is(err, rt.ErrLoopClosed) {
		t.Errorf("RunUntilComplete: %v", err)
	}
	if _, err := l.CallSoonThreadsafe(func() {}); !errors.Is(err, rt.ErrLoopClosed) {
		t.Errorf("CallSoonThreadsafe: %v", err)
	}
	if err := l.AddReader(0, func() {}); !errors.Is(err, rt.ErrLoopClosed) {
		t.Errorf("AddReader: %v", err)
	}
}

func TestCloseWhileRunningFails(t *testing.T) {
	l := newLoop(t)
	var err error
	l.CallSoon(func() { err = l.Close() })
	runOnce(t, l)
	var re *rt.RuntimeError
	if !errors.As(err, &re) || l.IsClosed() {
		t.Fatalf("Close inside a callback: %v closed=%v", err, l.IsClosed())
	}
}

func TestCallbackPanicGoesToExceptionHandler(t *testing.T) {
	l := newLoop(t)
	errs := collectErrors(l)
	after := false
	l.CallSoon(func() { panic("boom") })
	l.CallSoon(func() { after = true })
	runOnce(t, l)
	if !after {
		t.Fatal("the loop did not carry on after a panic")
	}
	if len(*errs) != 1 {
		t.Fatalf("handler got %d reports", len(*errs))
	}
	var pe *rt.PanicError
	if !errors.As((*errs)[0].Err, &pe) || pe.Value != "boom" || len(pe.Stack) == 0 {
		t.Fatalf("report %+v", (*errs)[0])
	}
}

func TestExceptionHandlerPanicFallsBackToDefault(t *testing.T) {
	l := newLoop(t)
	logs := captureSlog(t)
	l.SetExceptionHandler(func(*rt.Loop, rt.ErrorContext) { panic("handler broke") })
	l.CallExceptionHandler(rt.ErrorContext{Message: "original"})
	if !strings.Contains(logs.String(), "handler broke") || !strings.Contains(logs.String(), "original") {
		t.Fatalf("log: %s", logs)
	}
	l.SetExceptionHandler(nil)
	logs.Reset()
	l.CallExceptionHandler(rt.ErrorContext{Message: "via default", Err: errors.New("e1")})
	if !strings.Contains(logs.String(), "via default") || !strings.Contains(logs.String(), "e1") {
		t.Fatalf("default handler log: %s", logs)
	}
}

func TestCallSoonThreadsafeWakesBlockedLoop(t *testing.T) {
	// Real clock, no timers: the loop blocks in the selector until the
	// other goroutines' callbacks wake it.
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	const n = 8
	f := rt.NewFuture[int](l)
	count := 0 // touched on the loop goroutine only
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := l.CallSoonThreadsafe(func() {
				if count++; count == n {
					f.SetResult(count)
				}
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	l.CallSoon(func() { close(start) })
	if err := l.RunUntilComplete(f); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
}

func TestCallSoonThreadsafeRacingClose(t *testing.T) {
	for range 20 {
		l, err := rt.NewLoop()
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 50 {
					if _, err := l.CallSoonThreadsafe(func() {}); err != nil {
						if !errors.Is(err, rt.ErrLoopClosed) {
							t.Errorf("got %v, want ErrLoopClosed", err)
						}
						return
					}
				}
			}()
		}
		runOnce(t, l)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
	}
}

// captureSlog points the default slog logger at a buffer for the test.
func captureSlog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old, w, flags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() {
		// Restoring slog's own default leaves package log writing to the
		// handler replaced above: point it back too.
		slog.SetDefault(old)
		log.SetOutput(w)
		log.SetFlags(flags)
	})
	return &buf
}

func TestCloseClosesPendingTasksAndReportsThem(t *testing.T) {
	l := newLoop(t)
	errs := collectErrors(l)
	f := rt.NewFuture[int](l)
	unwound := false
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		defer func() { unwound = true }()
		return rt.Await(f)
	}))
	runOnce(t, l)
	notStarted := &script{step: func(*script, *rt.Ctx, int, error) rt.Yield { return rt.Yield{} }}
	rt.CreateTask[int](l, notStarted)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if !unwound {
		t.Fatal("the suspended coroutine was not closed: its defers did not run")
	}
	if len(*errs) != 2 || !strings.Contains((*errs)[0].Message, "destroyed but it is pending") || (*errs)[0].Future != task {
		t.Fatalf("reports %+v", *errs)
	}
	if !notStarted.closed {
		t.Fatal("the coroutine of a task that never started was not closed")
	}
	if len(l.AllTasks()) != 0 {
		t.Fatalf("AllTasks after Close: %v", l.AllTasks())
	}
}

func TestGenericRunUntilCompleteWhileRunningFailsEvenForDoneFuture(t *testing.T) {
	l := newLoop(t)
	done := rt.NewFuture[int](l)
	done.SetResult(1)
	var err error
	l.CallSoon(func() { _, err = rt.RunUntilComplete[int](l, done) })
	runOnce(t, l)
	if !errors.Is(err, rt.ErrLoopRunning) {
		t.Fatalf("got %v, want ErrLoopRunning", err)
	}
}

func TestDueTimersAreMovedWithinClockResolution(t *testing.T) {
	s, err := selector.New()
	if err != nil {
		t.Fatal(err)
	}
	rec := &stoppingSelector{Selector: s}
	clk := &fixedClock{now: time.Minute}
	l, err := rt.NewLoop(rt.WithClock(clk), rt.WithSelector(rec))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rec.loop = l
	var got []string
	l.CallAt(time.Minute, func() { got = append(got, "due now") })
	l.CallAt(time.Minute+time.Nanosecond, func() { got = append(got, "one tick later") })
	l.RunForever()
	if !slices.Equal(got, []string{"due now"}) {
		t.Fatalf("first pass ran %v", got)
	}
	clk.now += time.Nanosecond
	l.RunForever()
	if !slices.Equal(got, []string{"due now", "one tick later"}) {
		t.Fatalf("second pass ran %v", got)
	}
}
