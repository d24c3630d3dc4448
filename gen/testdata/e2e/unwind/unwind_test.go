package unwind

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/rtimpl"
)

func mode() string {
	if rtimpl.RefMode {
		return "reference"
	}
	return "generated"
}

func run[T any](t *testing.T, c rt.Coro[T]) string {
	t.Helper()
	v, err := rt.Run(c, rt.WithClock(rt.NewVirtualClock()))
	return fmt.Sprint(v, " ", err)
}

func TestPanicLeavingPullBodyUnwindsThroughIterator(t *testing.T) {
	cases := []struct {
		name      string
		run       func(l *log) string
		res, want string
	}{
		{"panic", func(l *log) string { return run(t, panicInPullBodyAsync(l)) },
			"recovered in body <nil>", "yield 0; yield 1; iter end"},
		{"failed-must", func(l *log) string { return run(t, mustFailsInPullBodyAsync(l)) },
			"0 failed in body", "yield 0; yield 1; iter end; template defer"},
		{"break", func(l *log) string { return run(t, breakPullAsync(l)) },
			"3 <nil>", "yield 0; yield 1; yield 2; stopped; iter end"},
		{"nested", func(l *log) string { return run(t, nestedPullPanicAsync(l)) },
			"recovered deep <nil>", "yield 0; yield 0; yield 1; iter end; iter end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := &log{}
			res := c.run(l)
			if res != c.res || l.String() != c.want {
				t.Errorf("%s mode: got %q, trace %q; want %q, trace %q", mode(), res, l, c.res, c.want)
			}
		})
	}
}

// suspended starts c as a task and runs the loop until it waits on a
// future that never completes; it returns the loop and the future's
// completion is never needed.
func suspended[T any](t *testing.T, mk func(f *rt.Future[int]) rt.Coro[T]) (rt.Coro[T], *rt.Loop) {
	t.Helper()
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	never := rt.NewFuture[int](l)
	c := mk(never)
	rt.CreateTask(l, c)
	step := rt.NewFuture[int](l)
	l.CallSoon(func() { l.CallSoon(func() { step.SetResult(0) }) })
	if err := l.RunUntilComplete(step); err != nil {
		t.Fatal(err)
	}
	return c, l
}

func TestCloseUnwindsThroughIteratorAndDefers(t *testing.T) {
	lg := &log{}
	c, _ := suspended(t, func(f *rt.Future[int]) rt.Coro[int] { return closeInPullAsync(lg, f) })
	c.Close()
	c.Close()
	if want := "yield 0; suspending at 0; iter end; template defer"; lg.String() != want {
		t.Fatalf("%s mode: trace %q, want %q", mode(), lg, want)
	}
	if _, err := c.Result(); err != rt.ErrCoroutineClosed {
		t.Fatalf("%s mode: Result error %v, want rt.ErrCoroutineClosed", mode(), err)
	}
}

func TestCloseIsRecoveredWithNamedResults(t *testing.T) {
	lg := &log{}
	c, _ := suspended(t, func(f *rt.Future[int]) rt.Coro[int] { return closeRecoveredAsync(lg, f) })
	c.Close()
	v, err := c.Result()
	if v != 42 || err != nil || lg.String() != "recovered rt: coroutine closed, closed: true" {
		t.Fatalf("%s mode: Result %v, %v, trace %q", mode(), v, err, lg)
	}
}

func TestCloseNotRecoveredFailsWithErrCoroutineClosed(t *testing.T) {
	lg := &log{}
	c, _ := suspended(t, func(f *rt.Future[int]) rt.Coro[int] { return closeNotRecoveredAsync(lg, f) })
	c.Close()
	v, err := c.Result()
	if v != 0 || err != rt.ErrCoroutineClosed || lg.String() != "defer sees n=7" {
		t.Fatalf("%s mode: Result %v, %v, trace %q", mode(), v, err, lg)
	}
}

func TestCloseWithoutDefers(t *testing.T) {
	c, _ := suspended(t, func(f *rt.Future[int]) rt.Coro[int] { return closeNoDefersAsync(f) })
	c.Close()
	if v, err := c.Result(); v != 0 || err != rt.ErrCoroutineClosed {
		t.Fatalf("%s mode: Result %v, %v", mode(), v, err)
	}
}

func TestCloseBeforeStart(t *testing.T) {
	c := closeNoDefersAsync(nil)
	c.Close()
	if _, err := c.Result(); !errors.Is(err, rt.ErrCoroutineClosed) {
		t.Fatalf("%s mode: Result error %v, want rt.ErrCoroutineClosed", mode(), err)
	}
	lg := &log{}
	d := closeRecoveredAsync(lg, nil)
	d.Close()
	if _, err := d.Result(); err != rt.ErrCoroutineClosed || lg.String() != "" {
		t.Fatalf("%s mode: Result error %v, trace %q: the body must not run", mode(), err, lg)
	}
}

func TestLabelledRangeWithAwaitedOperand(t *testing.T) {
	for _, c := range []struct {
		got  string
		want string
	}{
		{run(t, labelledRangeBreakAsync(3)), "0 <nil>"},
		{run(t, labelledRangeBreakAsync(0)), "3 <nil>"},
		{run(t, labelledRangeContinueAsync(2)), "4 <nil>"},
	} {
		if c.got != c.want {
			t.Errorf("%s mode: got %q, want %q", mode(), c.got, c.want)
		}
	}
}

func TestRecoverInFunctionDeferredWithArguments(t *testing.T) {
	for how, want := range []string{"func", "method", "value"} {
		lg := &log{}
		got := run(t, deferArgsRecoverAsync(lg, how))
		trace := fmt.Sprintf("mark; logged %d; %s recovered boom", how, want)
		if got != "set <nil>" || lg.String() != trace {
			t.Errorf("%s mode, %s: got %q, trace %q; want %q, trace %q", mode(), want, got, lg, "set <nil>", trace)
		}
	}
}

func TestDeferredRecoverBuiltinDoesNotRecover(t *testing.T) {
	lg := &log{}
	got := run(t, deferRecoverBuiltinAsync(lg))
	// The panic's text ends with its template file:line.
	if !strings.HasPrefix(got, "0 panic: not recovered [gen/testdata/e2e/unwind/unwind.go:") || lg.String() != "after" {
		t.Errorf("%s mode: got %q, trace %q", mode(), got, lg)
	}
}
