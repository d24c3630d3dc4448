package rt_test

// Run is asyncio.run: a new loop, the main coroutine, then the cleanup of
// whatever it left behind.

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func TestRunReturnsMainOutcome(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		body func() (int, error)
		v    int
		err  error
	}{
		{"result", func() (int, error) { return 3, nil }, 3, nil},
		{"error", func() (int, error) { return 0, boom }, 0, boom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := rt.Run(rt.Async(tc.body), rt.WithClock(rt.NewVirtualClock()))
			if v != tc.v || err != tc.err {
				t.Fatalf("got %v, %v", v, err)
			}
		})
	}
}

func TestRunCancelsTasksLeftBehind(t *testing.T) {
	var leftErr error
	var leftDone bool
	_, err := rt.Run(rt.Async(func() (int, error) {
		l := rt.RunningLoop()
		rt.CreateTask(l, rt.Async(func() (int, error) {
			defer func() { leftDone = true }()
			_, err := rt.Await(rt.Sleep(time.Hour))
			leftErr = err
			return 0, err
		}))
		_, err := rt.Await(rt.Sleep(0)) // let it start
		return 0, err
	}), rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	if !leftDone || !errors.Is(leftErr, rt.ErrCancelled) {
		t.Fatalf("left-behind task: done=%v err=%v", leftDone, leftErr)
	}
}

func TestRunReportsErrorOfCancelledLeftover(t *testing.T) {
	logs := captureSlog(t)
	_, err := rt.Run(rt.Async(func() (int, error) {
		rt.CreateTask(rt.RunningLoop(), rt.Async(func() (int, error) {
			rt.Await(rt.Sleep(time.Hour))
			return 0, errors.New("refused to die quietly")
		}))
		_, err := rt.Await(rt.Sleep(0))
		return 0, err
	}), rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "refused to die quietly") {
		t.Fatalf("log: %s", logs)
	}
}

func TestRunStoppedEarlyReturnsRuntimeError(t *testing.T) {
	_, err := rt.Run(rt.Async(func() (int, error) {
		rt.RunningLoop().Stop()
		_, err := rt.Await(rt.Sleep(time.Hour))
		return 0, err
	}), rt.WithClock(rt.NewVirtualClock()))
	var re *rt.RuntimeError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want the RuntimeError of an early stop", err)
	}
}

func TestRunInsideRunningLoopFails(t *testing.T) {
	_, err := rt.Run(rt.Async(func() (int, error) {
		return rt.Run(rt.Async(func() (int, error) { return 1, nil }))
	}), rt.WithClock(rt.NewVirtualClock()))
	var re *rt.RuntimeError
	if !errors.As(err, &re) {
		t.Fatalf("got %v", err)
	}
}
