package rt_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func TestDebugReportsSlowCallbacks(t *testing.T) {
	tests := []struct {
		name      string
		threshold time.Duration
		reports   int
	}{
		// A callback always takes at least 0s, never an hour.
		{"every callback above a zero threshold", 0, 1},
		{"none below a high threshold", time.Hour, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLoop(t, rt.WithDebug(true))
			errs := collectErrors(l)
			l.SetSlowCallbackDuration(tc.threshold)
			l.CallSoon(slowCallback)
			runOnce(t, l)
			if len(*errs) != tc.reports {
				t.Fatalf("reports %+v", *errs)
			}
			if tc.reports > 0 && !strings.Contains((*errs)[0].Message, "slowCallback") {
				t.Fatalf("report does not name the callback: %q", (*errs)[0].Message)
			}
		})
	}
}

func slowCallback() {}

func TestDebugOffReportsNoSlowCallbacks(t *testing.T) {
	l := newLoop(t)
	errs := collectErrors(l)
	l.SetSlowCallbackDuration(0)
	l.CallSoon(slowCallback)
	runOnce(t, l)
	if len(*errs) != 0 || l.Debug() {
		t.Fatalf("reports %+v", *errs)
	}
	l.SetDebug(true)
	if !l.Debug() {
		t.Fatal("SetDebug(true) did not stick")
	}
}

func TestDebugRejectsCallsFromOtherGoroutines(t *testing.T) {
	tests := []struct {
		name string
		call func(l *rt.Loop, f *rt.Future[int])
		// awaited: a task awaits the target (its only callback, the
		// inline one) instead of a done callback.
		awaited bool
	}{
		{"CallSoon", func(l *rt.Loop, _ *rt.Future[int]) { l.CallSoon(func() {}) }, false},
		{"CallSoonNoHandle", func(l *rt.Loop, _ *rt.Future[int]) { l.CallSoonNoHandle(func() {}) }, false},
		{"CallLater", func(l *rt.Loop, _ *rt.Future[int]) { l.CallLater(time.Second, func() {}) }, false},
		{"Future.SetResult", func(_ *rt.Loop, f *rt.Future[int]) { f.SetResult(1) }, false},
		{"Future.SetResult of an awaited future", func(_ *rt.Loop, f *rt.Future[int]) { f.SetResult(1) }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLoop(t, rt.WithDebug(!tc.awaited))
			target := rt.NewFuture[int](l)
			if tc.awaited {
				// A future is a coroutine that waits for itself; the
				// task's first step parks on it before the goroutine
				// below starts. Debug mode comes on after the future
				// was made, so that it carries nothing but the task's
				// callback (no creation site). The rejected SetResult
				// never wakes the task: Close's "Task was destroyed"
				// report is expected.
				rt.CreateTask[int](l, target)
				l.SetDebug(true)
				l.SetExceptionHandler(func(*rt.Loop, rt.ErrorContext) {})
			} else {
				target.AddDoneCallback(func(*rt.Future[int]) {})
			}
			verdict := rt.NewFuture[error](l)
			l.CallSoon(func() {
				go func() {
					var err error
					func() {
						defer func() {
							v := recover()
							err, _ = v.(error)
						}()
						tc.call(l, target)
					}()
					l.CallSoonThreadsafe(func() { verdict.SetResult(err) })
				}()
			})
			err, runErr := rt.RunUntilComplete[error](l, verdict)
			if runErr != nil {
				t.Fatal(runErr)
			}
			var re *rt.RuntimeError
			if !errors.As(err, &re) || !strings.Contains(re.Msg, "CallSoonThreadsafe") {
				t.Fatalf("got %v, want a RuntimeError pointing at CallSoonThreadsafe", err)
			}
		})
	}
}

func TestDebugAllowsReferenceCoroutines(t *testing.T) {
	l := newLoop(t, rt.WithDebug(true))
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		f := rt.NewFuture[int](l)
		l.CallSoon(func() { f.SetResult(3) })
		return rt.Await(f)
	}))
	if v, err := rt.RunUntilComplete[int](l, task); v != 3 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestDebugUnretrievedErrorSaysWhereFutureWasCreated(t *testing.T) {
	l := newLoop(t, rt.WithDebug(true))
	errs := collectErrors(l)
	f := rt.NewFuture[int](l) // the line the report must name
	f.SetException(errors.New("lost"))
	task := rt.CreateTask(l, rt.Async(func() (int, error) { return 0, errors.New("task lost") }))
	runOnce(t, l)
	l.Close()
	if len(*errs) != 2 {
		t.Fatalf("reports %+v", *errs)
	}
	for _, c := range *errs {
		// Relative to the module root, like every file the runtime names.
		if !strings.HasPrefix(c.Source, "rt/debug_test.go:") {
			t.Errorf("Source %q does not point at this file", c.Source)
		}
	}
	_ = task
}
