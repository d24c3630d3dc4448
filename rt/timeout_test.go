package rt_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func cmbIsTimeout(err error) bool {
	return errors.Is(err, rt.ErrTimeout) && !errors.Is(err, rt.ErrCancelled)
}

// cmbTimed runs fn in a task and reports its outcome and the loop time at
// its end.
func cmbTimed[T any](t *testing.T, fn func() (T, error)) (T, time.Duration, error) {
	t.Helper()
	l := cmbLoop(t)
	v, err := rt.RunUntilComplete(l, rt.Async(fn))
	return v, l.Time(), err
}

func TestTimeoutExpiryGivesTimeoutError(t *testing.T) {
	tests := []struct {
		name  string
		scope func(a rt.Awaitable[int]) *rt.TimeoutCoro[int]
	}{
		{"Timeout", func(a rt.Awaitable[int]) *rt.TimeoutCoro[int] { return rt.Timeout(time.Second, a) }},
		{"TimeoutAt", func(a rt.Awaitable[int]) *rt.TimeoutCoro[int] {
			return rt.TimeoutAt(rt.RunningLoop().Time()+time.Second, a)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var expired bool
			_, at, err := cmbTimed(t, func() (int, error) {
				s := tc.scope(cmbAfter(time.Hour, 1, nil))
				v, err := rt.Await(s)
				expired = s.Expired()
				return v, err
			})
			if !cmbIsTimeout(err) || at != time.Second || !expired {
				t.Fatalf("got %v at %v, expired %v", err, at, expired)
			}
		})
	}
}

func TestTimeoutNotReachedReturnsTheValue(t *testing.T) {
	v, at, err := cmbTimed(t, func() (int, error) {
		s := rt.Timeout(time.Minute, cmbAfter(time.Second, 5, nil))
		v, err := rt.Await(s)
		if s.Expired() {
			return 0, errors.New("expired")
		}
		return v, err
	})
	if v != 5 || err != nil || at != time.Second {
		t.Fatalf("got %v, %v at %v", v, err, at)
	}
}

func TestTimeoutDisabledNeverExpires(t *testing.T) {
	for _, at := range []bool{false, true} {
		t.Run(fmt.Sprint("at=", at), func(t *testing.T) {
			v, end, err := cmbTimed(t, func() (int, error) {
				s := rt.Timeout(rt.NoTimeout, cmbAfter(time.Hour, 5, nil))
				if at {
					s = rt.TimeoutAt(rt.NoTimeout, cmbAfter(time.Hour, 5, nil))
				}
				v, err := rt.Await(s)
				if s.When() != rt.NoTimeout {
					return 0, fmt.Errorf("When %v", s.When())
				}
				return v, err
			})
			if v != 5 || err != nil || end != time.Hour {
				t.Fatalf("got %v, %v at %v", v, err, end)
			}
		})
	}
}

func TestTimeoutZeroOrPastWithSleepZeroExpires(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			_, at, err := cmbTimed(t, func() (rt.Void, error) {
				return rt.Await(rt.Timeout(d, rt.Sleep(0)))
			})
			if !cmbIsTimeout(err) || at != 0 {
				t.Fatalf("got %v at %v", err, at)
			}
		})
	}
}

func TestTimeoutZeroWithoutSuspensionDoesNotExpire(t *testing.T) {
	v, _, err := cmbTimed(t, func() (int, error) {
		v, err := rt.Await(rt.Timeout(0, rt.Async(func() (int, error) { return 3, nil })))
		if err != nil {
			return v, err
		}
		// The scope is gone: its deadline must not cancel us now.
		_, err = rt.Await(rt.Sleep(time.Second))
		return v, err
	})
	if v != 3 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestTimeoutPassesOtherErrorsThrough(t *testing.T) {
	_, _, err := cmbTimed(t, func() (int, error) {
		return rt.Await(rt.Timeout(time.Minute, cmbAfter(time.Second, 0, errCmbBoom)))
	})
	if !errors.Is(err, errCmbBoom) {
		t.Fatalf("got %v", err)
	}
}

func TestTimeoutPassesAForeignCancelWhenNotExpired(t *testing.T) {
	l := cmbLoop(t)
	task := rt.CreateTask(l, rt.Async(func() (int, error) {
		return rt.Await(rt.Timeout(time.Minute, cmbAfter(time.Hour, 0, nil)))
	}))
	l.CallLater(time.Second, func() { task.Cancel("foreign") })
	err := l.RunUntilComplete(task)
	var ce *rt.CancelledError
	if !errors.As(err, &ce) || ce.Msg != "foreign" || !task.Cancelled() {
		t.Fatalf("got %v", err)
	}
}

func TestTimeoutLeavesTheTaskUncancelled(t *testing.T) {
	v, at, err := cmbTimed(t, func() (int, error) {
		_, err := rt.Await(rt.Timeout(time.Second, cmbAfter(time.Hour, 0, nil)))
		if !cmbIsTimeout(err) {
			return 0, fmt.Errorf("first await: %v", err)
		}
		if n := rt.Current().Cancelling(); n != 0 {
			return 0, fmt.Errorf("Cancelling() = %d", n)
		}
		return rt.Await(cmbAfter(time.Second, 7, nil))
	})
	if v != 7 || err != nil || at != 2*time.Second {
		t.Fatalf("got %v, %v at %v", v, err, at)
	}
}

func TestNestedTimeoutsOnlyTheExpiredScopeConverts(t *testing.T) {
	_, at, err := cmbTimed(t, func() (rt.Void, error) {
		return rt.Await(rt.Timeout(10*time.Second, rt.Async(func() (rt.Void, error) {
			_, err := rt.Await(rt.Timeout(time.Second, cmbAfter(time.Hour, 0, nil)))
			if !cmbIsTimeout(err) {
				return rt.Void{}, fmt.Errorf("inner scope: %v", err)
			}
			// Interrupted by the outer scope.
			return rt.Await(rt.Sleep(time.Hour))
		})))
	})
	if !cmbIsTimeout(err) || at != 10*time.Second {
		t.Fatalf("got %v at %v", err, at)
	}
}

func TestNestedTimeoutsExpiringTogetherConvertOnceOutside(t *testing.T) {
	var inner error
	_, at, err := cmbTimed(t, func() (rt.Void, error) {
		return rt.Await(rt.Timeout(time.Second, rt.Async(func() (rt.Void, error) {
			_, inner = rt.Await(rt.Timeout(time.Second, rt.Sleep(time.Hour)))
			return rt.Void{}, inner
		})))
	})
	if !cmbIsCancel(inner) || errors.Is(inner, rt.ErrTimeout) {
		t.Fatalf("inner scope gave %v, want the cancellation", inner)
	}
	if !cmbIsTimeout(err) || at != time.Second {
		t.Fatalf("outer scope gave %v at %v", err, at)
	}
}

func TestTimeoutRescheduleMovesTheDeadline(t *testing.T) {
	l := cmbLoop(t)
	var scope *rt.TimeoutCoro[rt.Void]
	scope = rt.TimeoutAt(10*time.Second, rt.Async(func() (rt.Void, error) {
		if err := scope.Reschedule(30 * time.Second); err != nil {
			return rt.Void{}, err
		}
		return rt.Await(rt.Sleep(time.Hour))
	}))
	if err := scope.Reschedule(time.Second); err == nil {
		t.Fatal("Reschedule before entry succeeded")
	}
	if scope.When() != 10*time.Second {
		t.Fatalf("When %v before entry", scope.When())
	}
	task := rt.CreateTask(l, scope)
	err := l.RunUntilComplete(task)
	if !cmbIsTimeout(err) || l.Time() != 30*time.Second || scope.When() != 30*time.Second {
		t.Fatalf("got %v at %v, When %v", err, l.Time(), scope.When())
	}
	if err := scope.Reschedule(time.Hour); err == nil {
		t.Fatal("Reschedule after exit succeeded")
	}
}

func TestTimeoutRescheduleFromOutsideAndCancel(t *testing.T) {
	l := cmbLoop(t)
	scope := rt.TimeoutAt(10*time.Second, rt.Sleep(time.Hour))
	task := rt.CreateTask(l, scope)
	l.CallLater(time.Second, func() {
		if err := scope.Reschedule(30 * time.Second); err != nil || scope.When() != 30*time.Second {
			t.Errorf("reschedule: %v, When %v", err, scope.When())
		}
		scope.Reschedule(rt.NoTimeout)
		task.Cancel()
	})
	err := l.RunUntilComplete(task)
	if !cmbIsCancel(err) || scope.Expired() || scope.When() != rt.NoTimeout {
		t.Fatalf("got %v, expired %v, When %v", err, scope.Expired(), scope.When())
	}
}

func TestTimeoutAfterCancellationStillConverts(t *testing.T) {
	_, _, err := cmbTimed(t, func() (rt.Void, error) {
		rt.Current().Cancel()
		if _, err := rt.Await(rt.Sleep(time.Second)); !cmbIsCancel(err) {
			return rt.Void{}, fmt.Errorf("want the cancellation, got %v", err)
		}
		// Cleanup with a timeout while a cancellation is still counted.
		_, err := rt.Await(rt.Timeout(0, rt.Sleep(time.Second)))
		if !cmbIsTimeout(err) {
			return rt.Void{}, fmt.Errorf("cleanup gave %v", err)
		}
		return rt.Void{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCancelInTimeoutAfterCancellationStaysACancellation(t *testing.T) {
	_, _, err := cmbTimed(t, func() (rt.Void, error) {
		rt.Current().Cancel()
		rt.Await(rt.Sleep(time.Second))
		_, err := rt.Await(rt.Timeout(time.Second, rt.Async(func() (rt.Void, error) {
			rt.Current().Cancel()
			return rt.Await(rt.Sleep(2 * time.Second))
		})))
		if !cmbIsCancel(err) || errors.Is(err, rt.ErrTimeout) {
			return rt.Void{}, fmt.Errorf("got %v", err)
		}
		return rt.Void{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTimeoutOverAFutureCancelsIt(t *testing.T) {
	l := cmbLoop(t)
	f := rt.NewFuture[int](l)
	_, err := rt.RunUntilComplete(l, rt.Timeout[int](time.Second, f))
	if !cmbIsTimeout(err) || !f.Cancelled() {
		t.Fatalf("got %v, future cancelled %v", err, f.Cancelled())
	}
}

func TestTimeoutErrorFailsTheTaskInsteadOfCancellingIt(t *testing.T) {
	l := cmbLoop(t)
	task := rt.CreateTask(l, rt.Timeout(time.Second, cmbAfter(time.Hour, 0, nil)))
	err := l.RunUntilComplete(task)
	var te *rt.TimeoutError
	if !errors.As(err, &te) || task.Cancelled() {
		t.Fatalf("got %v, cancelled %v", err, task.Cancelled())
	}
}

func TestTimeoutThrownBeforeEntryClosesTheAwaitable(t *testing.T) {
	c := cmbAfter(time.Second, 1, nil)
	s := rt.Timeout(time.Second, c)
	s.Throw(&rt.Ctx{}, &rt.CancelledError{})
	if _, err := s.Result(); !cmbIsCancel(err) {
		t.Fatalf("got %v", err)
	}
	if _, err := c.Result(); err == nil {
		t.Fatal("the coroutine was left open")
	}
	if err := s.Reschedule(time.Second); err == nil {
		t.Fatal("Reschedule of a finished scope succeeded")
	}
}

func TestTimeoutOutsideATaskFails(t *testing.T) {
	s := rt.Timeout(time.Second, rt.Sleep(0))
	if y := s.Send(&rt.Ctx{}); !y.Done() {
		t.Fatal("suspended")
	}
	if _, err := s.Result(); err == nil {
		t.Fatal("want an error")
	}
}

func ExampleTimeout() {
	_, err := rt.Run(rt.Async(func() (rt.Void, error) {
		return rt.Await(rt.Timeout(time.Second, rt.Sleep(time.Minute)))
	}), rt.WithClock(rt.NewVirtualClock()))
	fmt.Println(err, errors.Is(err, rt.ErrTimeout))
	// Output: timeout true
}

// TestTimeoutKnowsItsDeadlineWhenCreated: like asyncio.timeout(delay),
// a Timeout made in a running coroutine counts its delay from then, and
// When says so before it is awaited.
func TestTimeoutKnowsItsDeadlineWhenCreated(t *testing.T) {
	v, at, err := cmbTimed(t, func() (int, error) {
		if _, err := rt.Await(rt.Sleep(time.Second)); err != nil {
			return 0, err
		}
		tc := rt.Timeout(10*time.Second, cmbAfter(time.Hour, 1, nil))
		if tc.When() != 11*time.Second {
			return 0, fmt.Errorf("When %v before the await, want 11s", tc.When())
		}
		if _, err := rt.Await(rt.Sleep(4 * time.Second)); err != nil {
			return 0, err
		}
		return rt.Await(tc) // expires at 11s, not at 15s
	})
	if !cmbIsTimeout(err) || at != 11*time.Second || v != 0 {
		t.Fatalf("got %v, %v at %v", v, err, at)
	}
}

// TestRunTimeoutHandsTheScopeToItsBody: the code under the deadline moves
// it through the scope RunTimeout gives it, with no variable referring to
// the Timeout being built.
func TestRunTimeoutHandsTheScopeToItsBody(t *testing.T) {
	v, at, err := cmbTimed(t, func() (int, error) {
		return rt.Await(rt.RunTimeout(time.Second, func(s *rt.TimeoutScope) rt.Coro[int] {
			return rt.Async(func() (int, error) {
				if err := s.Reschedule(s.When() + 2*time.Second); err != nil {
					return 0, err
				}
				return rt.Await(cmbAfter(2*time.Second, 5, nil)) // done at 2s, before 3s
			})
		}))
	})
	if v != 5 || err != nil || at != 2*time.Second {
		t.Fatalf("got %v, %v at %v", v, err, at)
	}
	_, at, err = cmbTimed(t, func() (int, error) {
		return rt.Await(rt.RunTimeout(time.Second, func(s *rt.TimeoutScope) rt.Coro[int] {
			return rt.Async(func() (int, error) {
				s.Reschedule(s.When() + time.Second)
				v, err := rt.Await(cmbAfter(time.Hour, 5, nil))
				if !s.Expired() {
					return 0, errors.New("not expired")
				}
				return v, err
			})
		}))
	})
	if !cmbIsTimeout(err) || at != 2*time.Second {
		t.Fatalf("got %v at %v, want a timeout at 2s", err, at)
	}
}
