package rt_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// Helpers shared by the combinator tests (wait, gather, shield, as_completed,
// timeout, wait_for, task group); the cmb prefix keeps them apart from the
// other test files of the package.

var errCmbBoom = errors.New("boom")

// cmbLoop returns a loop on a virtual clock, closed at the end of the test.
func cmbLoop(t *testing.T) *rt.Loop {
	t.Helper()
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// cmbRun runs fn as the main coroutine of a loop on a virtual clock.
func cmbRun[T any](t *testing.T, fn func() (T, error)) (T, error) {
	t.Helper()
	return rt.Run(rt.Async(fn), rt.WithClock(rt.NewVirtualClock()))
}

// cmbAfter is a coroutine that sleeps d, then returns v and err.
func cmbAfter[T any](d time.Duration, v T, err error) rt.Coro[T] {
	return rt.Async(func() (T, error) {
		if _, serr := rt.Await(rt.Sleep(d)); serr != nil {
			var zero T
			return zero, serr
		}
		return v, err
	})
}

// cmbNow is the running loop's time.
func cmbNow() time.Duration { return rt.RunningLoop().Time() }

func cmbIsCancel(err error) bool { return errors.Is(err, rt.ErrCancelled) }

func TestSleepZeroYieldsExactlyOnce(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			s := rt.Sleep(d)
			c := &rt.Ctx{}
			if y := s.Send(c); !y.Bare() {
				t.Fatalf("first Send: want a bare yield, got done=%v", y.Done())
			}
			if y := s.Send(c); !y.Done() {
				t.Fatal("second Send: want done")
			}
			if _, err := s.Result(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSleepZeroLetsCallbacksScheduledBeforeRunFirst(t *testing.T) {
	var order []string
	_, err := cmbRun(t, func() (rt.Void, error) {
		l := rt.RunningLoop()
		l.CallSoon(func() { order = append(order, "callback") })
		order = append(order, "before")
		_, err := rt.Await(rt.Sleep(0))
		order = append(order, "after")
		return rt.Void{}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"before", "callback", "after"}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}

func TestSleepWaitsForTheDelay(t *testing.T) {
	got, err := cmbRun(t, func() (time.Duration, error) {
		_, err := rt.Await(rt.Sleep(3 * time.Second))
		return cmbNow(), err
	})
	if err != nil || got != 3*time.Second {
		t.Fatalf("woke at %v, %v; want 3s", got, err)
	}
}

func TestSleepCancelledReturnsCancelledError(t *testing.T) {
	l := cmbLoop(t)
	task := rt.CreateTask(l, cmbAfter(time.Hour, 1, nil))
	l.CallLater(time.Second, func() { task.Cancel("enough") })
	err := l.RunUntilComplete(task)
	var ce *rt.CancelledError
	if !errors.As(err, &ce) || ce.Msg != "enough" || l.Time() != time.Second {
		t.Fatalf("got %v at %v", err, l.Time())
	}
}

// cmbTasks starts one task per delay, each returning its index after it.
func cmbTasks(l *rt.Loop, delays ...time.Duration) []*rt.Task[int] {
	ts := make([]*rt.Task[int], len(delays))
	for i, d := range delays {
		ts[i] = rt.CreateTask(l, cmbAfter(d, i, nil))
	}
	return ts
}

func cmbAny(ts ...*rt.Task[int]) []rt.AnyFuture {
	out := make([]rt.AnyFuture, len(ts))
	for i, t := range ts {
		out[i] = t
	}
	return out
}

func TestWaitReturnWhen(t *testing.T) {
	tests := []struct {
		name        string
		when        rt.ReturnWhen
		failSecond  bool
		wantAt      time.Duration
		wantDone    int
		wantPending int
	}{
		{"AllCompleted", rt.AllCompleted, false, 3 * time.Second, 3, 0},
		{"FirstCompleted", rt.FirstCompleted, false, time.Second, 1, 2},
		{"FirstExceptionWithoutError", rt.FirstException, false, 3 * time.Second, 3, 0},
		{"FirstExceptionStopsAtError", rt.FirstException, true, 2 * time.Second, 2, 1},
		{"AllCompletedIgnoresError", rt.AllCompleted, true, 3 * time.Second, 3, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := cmbLoop(t)
			var second rt.Coro[int] = cmbAfter(2*time.Second, 1, nil)
			if tc.failSecond {
				second = cmbAfter(2*time.Second, 0, errCmbBoom)
			}
			fs := []rt.AnyFuture{
				rt.CreateTask(l, cmbAfter(time.Second, 0, nil)),
				rt.CreateTask(l, second),
				rt.CreateTask(l, cmbAfter(3*time.Second, 2, nil)),
			}
			res, err := rt.RunUntilComplete(l, rt.Wait(fs, tc.when, rt.NoTimeout))
			if err != nil {
				t.Fatal(err)
			}
			if l.Time() != tc.wantAt || len(res.Done) != tc.wantDone || len(res.Pending) != tc.wantPending {
				t.Fatalf("at %v: %d done, %d pending; want %v: %d, %d",
					l.Time(), len(res.Done), len(res.Pending), tc.wantAt, tc.wantDone, tc.wantPending)
			}
			if !slices.Equal(append(res.Done, res.Pending...), fs) {
				t.Fatal("Done and Pending are not in argument order")
			}
		})
	}
}

func TestWaitFirstExceptionIgnoresCancelledChildren(t *testing.T) {
	l := cmbLoop(t)
	ts := cmbTasks(l, time.Second, 3*time.Second)
	l.CallLater(500*time.Millisecond, func() { ts[0].Cancel() })
	res, err := rt.RunUntilComplete(l, rt.Wait(cmbAny(ts...), rt.FirstException, rt.NoTimeout))
	if err != nil || len(res.Pending) != 0 || l.Time() != 3*time.Second {
		t.Fatalf("got %+v, %v at %v", res, err, l.Time())
	}
}

func TestWaitTimeoutIsNotAnErrorAndCancelsNothing(t *testing.T) {
	l := cmbLoop(t)
	ts := cmbTasks(l, time.Second, 10*time.Second)
	res, err := rt.RunUntilComplete(l, rt.Wait(cmbAny(ts...), rt.AllCompleted, 2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if l.Time() != 2*time.Second || len(res.Done) != 1 || res.Pending[0] != rt.AnyFuture(ts[1]) {
		t.Fatalf("got %+v at %v", res, l.Time())
	}
	if ts[1].Done() {
		t.Fatal("Wait touched a pending child")
	}
	if v, err := rt.RunUntilComplete(l, ts[1]); v != 1 || err != nil {
		t.Fatalf("pending child ended with %v, %v", v, err)
	}
}

func TestWaitCancelledAwaiterLeavesChildrenRunning(t *testing.T) {
	l := cmbLoop(t)
	ts := cmbTasks(l, 5*time.Second)
	waiter := rt.CreateTask(l, rt.Wait(cmbAny(ts...), rt.AllCompleted, rt.NoTimeout))
	l.CallLater(time.Second, func() { waiter.Cancel() })
	if err := l.RunUntilComplete(waiter); !cmbIsCancel(err) || !waiter.Cancelled() {
		t.Fatalf("waiter ended with %v", err)
	}
	if ts[0].Done() {
		t.Fatal("cancelling the waiter cancelled a child")
	}
	if _, err := rt.RunUntilComplete(l, ts[0]); err != nil {
		t.Fatal(err)
	}
}

func TestWaitSuspendsEvenWhenEverythingIsDone(t *testing.T) {
	ran := false
	_, err := cmbRun(t, func() (rt.Void, error) {
		l := rt.RunningLoop()
		f := rt.NewFuture[int](l)
		f.SetResult(1)
		l.CallSoon(func() { ran = true })
		res, err := rt.Await(rt.Wait([]rt.AnyFuture{f}, rt.AllCompleted, rt.NoTimeout))
		if err == nil && len(res.Done) != 1 {
			err = fmt.Errorf("got %+v", res)
		}
		return rt.Void{}, err
	})
	if err != nil || !ran {
		t.Fatalf("err %v, callback ran before Wait returned: %v", err, ran)
	}
}

func TestWaitCountsDuplicatesOnce(t *testing.T) {
	l := cmbLoop(t)
	ts := cmbTasks(l, time.Second)
	res, err := rt.RunUntilComplete(l, rt.Wait(cmbAny(ts[0], ts[0]), rt.AllCompleted, rt.NoTimeout))
	if err != nil || len(res.Done) != 1 || len(res.Pending) != 0 {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestWaitRejectsBadArguments(t *testing.T) {
	l := cmbLoop(t)
	other := cmbLoop(t)
	f := rt.NewFuture[int](l)
	tests := []struct {
		name string
		fs   []rt.AnyFuture
		when rt.ReturnWhen
	}{
		{"Empty", nil, rt.AllCompleted},
		{"BadReturnWhen", []rt.AnyFuture{f}, rt.ReturnWhen(-1)},
		{"NilFuture", []rt.AnyFuture{nil}, rt.AllCompleted},
		{"OtherLoop", []rt.AnyFuture{rt.NewFuture[int](other)}, rt.AllCompleted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := rt.RunUntilComplete(l, rt.Wait(tc.fs, tc.when, rt.NoTimeout)); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

func ExampleWait() {
	v, _ := rt.Run(rt.Async(func() (string, error) {
		l := rt.RunningLoop()
		fast := rt.CreateTask(l, cmbAfter(time.Second, "fast", nil))
		slow := rt.CreateTask(l, cmbAfter(time.Minute, "slow", nil))
		res, err := rt.Await(rt.Wait([]rt.AnyFuture{fast, slow}, rt.FirstCompleted, rt.NoTimeout))
		if err != nil {
			return "", err
		}
		slow.Cancel()
		return fmt.Sprintf("%d done, %d pending", len(res.Done), len(res.Pending)), nil
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(v)
	// Output: 1 done, 1 pending
}

// TestCombinatorsCancelledAsTheyCompleteEndCancelled cancels the awaiting
// task in the same pass in which the combinator's own waiter completes: the
// cancel cannot go through the waiter any more and is thrown in instead.
func TestCombinatorsCancelledAsTheyCompleteEndCancelled(t *testing.T) {
	tests := []struct {
		name string
		coro func(f *rt.Future[int]) rt.Coroutine
		// direct: the task parks on f itself, so f's completion wakes
		// it one hop earlier and the cancel must follow at once.
		direct bool
	}{
		{"Wait", func(f *rt.Future[int]) rt.Coroutine {
			return rt.Wait([]rt.AnyFuture{f}, rt.AllCompleted, rt.NoTimeout)
		}, false},
		{"Gather", func(f *rt.Future[int]) rt.Coroutine { return rt.Gather(f) }, false},
		{"GatherReturnErrors", func(f *rt.Future[int]) rt.Coroutine { return rt.GatherReturnErrors[int](f) }, false},
		{"Shield", func(f *rt.Future[int]) rt.Coroutine { return rt.Shield(f) }, false},
		{"AsCompleted", func(f *rt.Future[int]) rt.Coroutine {
			return rt.AsCompleted([]rt.Awaitable[int]{f}, rt.NoTimeout)[0]
		}, false},
		{"WaitFor", func(f *rt.Future[int]) rt.Coroutine { return rt.WaitFor(f, time.Hour) }, true},
		{"Timeout", func(f *rt.Future[int]) rt.Coroutine { return rt.Timeout[int](time.Hour, f) }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := cmbLoop(t)
			f := rt.NewFuture[int](l)
			task := rt.CreateTask(l, rt.Async(func() (int, error) {
				return 0, cmbAwaitAny(tc.coro(f))
			}))
			l.CallLater(time.Second, func() {
				f.SetResult(1)
				if tc.direct {
					task.Cancel()
				} else {
					l.CallSoon(func() { task.Cancel() })
				}
			})
			if err := l.RunUntilComplete(task); !cmbIsCancel(err) || !task.Cancelled() {
				t.Fatalf("task ended with %v", err)
			}
		})
	}
}

// cmbAwaitAny awaits a coroutine of any result type for its error.
func cmbAwaitAny(c rt.Coroutine) error {
	switch c := c.(type) {
	case rt.Coro[rt.WaitResult]:
		_, err := rt.Await(c)
		return err
	case rt.Coro[[]int]:
		_, err := rt.Await(c)
		return err
	case rt.Coro[[]rt.Outcome[int]]:
		_, err := rt.Await(c)
		return err
	case rt.Coro[int]:
		_, err := rt.Await(c)
		return err
	}
	return fmt.Errorf("unexpected %T", c)
}
