package rt_test

import (
	"errors"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func TestSmokeRefAwaitFuture(t *testing.T) {
	v, err := rt.Run(rt.NewRef(func() (int, error) {
		l := rt.RunningLoop()
		f := rt.NewFuture[int](l)
		l.CallSoon(func() { f.SetResult(41) })
		x, err := rt.Await(f)
		if err != nil {
			return 0, err
		}
		if _, err := rt.Await(rt.Sleep(time.Hour)); err != nil {
			return 0, err
		}
		return x + 1, nil
	}), rt.WithClock(rt.NewVirtualClock()))
	if err != nil || v != 42 {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestSmokeCancelSleep(t *testing.T) {
	l, _ := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	defer l.Close()
	task := rt.CreateTask(l, rt.NewRef(func() (int, error) {
		_, err := rt.Await(rt.Sleep(time.Hour))
		return 1, err
	}))
	l.CallLater(time.Second, func() { task.Cancel("stop") })
	err := l.RunUntilComplete(task)
	var ce *rt.CancelledError
	if !errors.As(err, &ce) || ce.Msg != "stop" || !task.Cancelled() {
		t.Fatalf("got %v", err)
	}
	if l.Time() != time.Second {
		t.Fatalf("time %v", l.Time())
	}
}
