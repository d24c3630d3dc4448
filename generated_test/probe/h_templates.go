package probe

import (
	"errors"
	"fmt"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

//asyncgen:coroutine
func sleepy(t *tr, name string, d time.Duration, fail bool) (string, error) {
	_, err := rt.Await(rt.Sleep(d))
	if err != nil {
		var ce *rt.CancelledError
		errors.As(err, &ce)
		t.add("%s cancelled msg=%q", name, ce.Msg)
		return "", err
	}
	if fail {
		t.add("%s fails", name)
		return "", errors.New(name + " failed")
	}
	t.add("%s done", name)
	return name, nil
}

//asyncgen:coroutine
func pTaskSemantics(t *tr) (string, error) {
	l := rt.RunningLoop()
	// cancel(msg) reaches both the coroutine and whoever awaits the task.
	a := rt.CreateTask(l, sleepyAsync(t, "a", time.Hour, false))
	rt.Must(rt.Sleep(0))
	a.Cancel("why")
	_, err := rt.Await(a)
	var ce *rt.CancelledError
	errors.As(err, &ce)
	t.add("await a: cancelled=%v msg=%q", a.Cancelled(), ce.Msg)

	// Gather: the first failure fails the await; the others go on.
	b := rt.CreateTask(l, sleepyAsync(t, "b", 2*time.Second, false))
	_, gerr := rt.Await(rt.Gather[string](b, sleepyAsync(t, "c", time.Second, true)))
	t.add("gather: %v; b done=%v", gerr, b.Done())
	t.add("b later: %v", rt.Must(b))

	// Shield: the outer await is cancelled, the inner task runs on.
	d := rt.CreateTask(l, sleepyAsync(t, "d", time.Second, false))
	_, serr := rt.Await(rt.WaitFor(rt.Shield[string](d), time.Millisecond))
	t.add("shield: timeout=%v d cancelled=%v", errors.Is(serr, rt.ErrTimeout), d.Cancelled())
	t.add("d later: %v", rt.Must(d))

	// Gather cancelled: every child is cancelled.
	g := rt.CreateTask(l, rt.Gather[string](sleepyAsync(t, "e", time.Hour, false), sleepyAsync(t, "f", time.Hour, false)))
	rt.Must(rt.Sleep(time.Second))
	g.Cancel("stop")
	_, cerr := rt.Await(g)
	t.add("gather cancelled: %v", errors.Is(cerr, rt.ErrCancelled))

	// AsCompleted: completion order, and a timeout for the rest.
	var order []string
	for _, next := range rt.AsCompleted([]rt.Awaitable[string]{
		sleepyAsync(t, "x3", 3*time.Second, false), sleepyAsync(t, "x1", time.Second, false), sleepyAsync(t, "x9", 9*time.Second, false),
	}, 5*time.Second) {
		v, err := rt.Await(next)
		if err != nil {
			order = append(order, fmt.Sprint("timeout=", errors.Is(err, rt.ErrTimeout)))
			continue
		}
		order = append(order, v)
	}
	t.add("ascompleted %v", order)
	return t.String(), nil
}
