package rt_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// cmbCollect awaits every awaitable of nexts in the given order and
// records values and errors.
func cmbCollect(nexts []rt.Coro[string], order []int) ([]string, []time.Duration) {
	var got []string
	var at []time.Duration
	for _, i := range order {
		v, err := rt.Await(nexts[i])
		if err != nil {
			v = "err:" + err.Error()
		}
		got = append(got, v)
		at = append(at, cmbNow())
	}
	return got, at
}

func TestAsCompletedYieldsInCompletionOrder(t *testing.T) {
	var got []string
	var at []time.Duration
	_, err := cmbRun(t, func() (rt.Void, error) {
		nexts := rt.AsCompleted([]rt.Awaitable[string]{
			cmbAfter(3*time.Second, "c", nil),
			cmbAfter(time.Second, "a", nil),
			cmbAfter(2*time.Second, "", errCmbBoom),
		}, rt.NoTimeout)
		got, at = cmbCollect(nexts, []int{0, 1, 2})
		return rt.Void{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "err:boom", "c"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}; !slices.Equal(at, want) {
		t.Fatalf("at %v, want %v", at, want)
	}
}

func TestAsCompletedServesAwaitsInAnyOrder(t *testing.T) {
	var got []string
	_, err := cmbRun(t, func() (rt.Void, error) {
		nexts := rt.AsCompleted([]rt.Awaitable[string]{
			cmbAfter(2*time.Second, "b", nil),
			cmbAfter(time.Second, "a", nil),
		}, rt.NoTimeout)
		got, _ = cmbCollect(nexts, []int{1, 0})
		return rt.Void{}, nil
	})
	if err != nil || !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestAsCompletedTimeoutFailsEveryRemainingAwait(t *testing.T) {
	var got []string
	var at []time.Duration
	var slow *rt.Task[string]
	_, err := cmbRun(t, func() (rt.Void, error) {
		slow = rt.CreateTask(rt.RunningLoop(), cmbAfter(time.Hour, "slow", nil))
		nexts := rt.AsCompleted([]rt.Awaitable[string]{
			cmbAfter(time.Second, "a", nil),
			slow,
			cmbAfter(time.Minute, "b", nil),
		}, 10*time.Second)
		got, at = cmbCollect(nexts, []int{0, 1, 2})
		if slow.Done() {
			return rt.Void{}, errors.New("the timeout stopped a child")
		}
		slow.Cancel()
		return rt.Void{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "err:timeout", "err:timeout"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if at[2] != 10*time.Second {
		t.Fatalf("timed out at %v", at[2])
	}
}

func TestAsCompletedUnusedTimeoutChangesNothing(t *testing.T) {
	var got []string
	var end time.Duration
	_, err := cmbRun(t, func() (rt.Void, error) {
		nexts := rt.AsCompleted([]rt.Awaitable[string]{cmbAfter(time.Second, "a", nil)}, time.Minute)
		got, _ = cmbCollect(nexts, []int{0})
		rt.Await(rt.Sleep(2 * time.Minute)) // past the unused deadline
		end = cmbNow()
		return rt.Void{}, nil
	})
	if err != nil || !slices.Equal(got, []string{"a"}) || end != 2*time.Minute+time.Second {
		t.Fatalf("got %v, %v, end %v", got, err, end)
	}
}

func TestAsCompletedCountsRepeatedArgumentsOnce(t *testing.T) {
	c := cmbAfter(time.Second, "x", nil)
	nexts := rt.AsCompleted([]rt.Awaitable[string]{c, c}, rt.NoTimeout)
	if len(nexts) != 1 {
		t.Fatalf("%d awaitables for one distinct argument", len(nexts))
	}
}

func TestAsCompletedConcurrentAwaitersShareTheResults(t *testing.T) {
	l := cmbLoop(t)
	nexts := rt.AsCompleted([]rt.Awaitable[string]{
		cmbAfter(2*time.Second, "b", nil),
		cmbAfter(time.Second, "a", nil),
	}, rt.NoTimeout)
	first := rt.CreateTask(l, nexts[0])
	second := rt.CreateTask(l, nexts[1])
	if err := l.RunUntilComplete(second); err != nil {
		t.Fatal(err)
	}
	v1, _ := first.Result()
	v2, _ := second.Result()
	if v1 != "a" || v2 != "b" {
		t.Fatalf("got %q, %q", v1, v2)
	}
}

func TestAsCompletedCancelledAwaitPassesItsTurnOn(t *testing.T) {
	l := cmbLoop(t)
	nexts := rt.AsCompleted([]rt.Awaitable[string]{
		cmbAfter(time.Second, "a", nil),
		cmbAfter(2*time.Second, "b", nil),
	}, rt.NoTimeout)
	first := rt.CreateTask(l, nexts[0])
	second := rt.CreateTask(l, nexts[1])
	l.CallLater(500*time.Millisecond, func() { first.Cancel() })
	if err := l.RunUntilComplete(second); err != nil {
		t.Fatal(err)
	}
	if v, _ := second.Result(); v != "a" || !first.Cancelled() || l.Time() != time.Second {
		t.Fatalf("second got %q at %v; first cancelled: %v", v, l.Time(), first.Cancelled())
	}
}

func ExampleAsCompleted() {
	rt.Run(rt.Async(func() (rt.Void, error) {
		aws := []rt.Awaitable[string]{
			cmbAfter(3*time.Second, "slow", nil),
			cmbAfter(time.Second, "fast", nil),
		}
		for _, next := range rt.AsCompleted(aws, rt.NoTimeout) {
			v, err := rt.Await(next)
			fmt.Println(v, err)
		}
		return rt.Void{}, nil
	}), rt.WithClock(rt.NewVirtualClock()))
	// Output:
	// fast <nil>
	// slow <nil>
}
