package probe

import (
	"errors"
	"fmt"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// pGroupFailsWhileReading: one child waits in ReadExactly with part of
// its bytes buffered, a sibling fails; the group cancels the reader, and
// every byte is still there for a later read.
//
//asyncgen:coroutine
func pGroupFailsWhileReading() (string, error) {
	r := streams.NewStreamReader(0)
	r.FeedData([]byte("hello"))
	_, gerr := rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[rt.Void] {
		return groupBodyAsync(tg, r)
	}))
	r.FeedData([]byte(" world"))
	got := rt.Must(r.ReadExactly(11))
	return fmt.Sprintf("%v %q", gerr, got), nil
}

//asyncgen:coroutine
func groupBody(tg *rt.TaskGroup, r *streams.StreamReader) error {
	rt.Spawn(tg, r.ReadExactly(10))
	rt.Spawn(tg, rt.AsyncVoid(func() error {
		rt.Must(rt.Sleep(time.Millisecond))
		return errors.New("child failed")
	}))
	return nil
}

//asyncgen:coroutine
func outerBody(inner **rt.TimeoutScope) error {
	_, err := rt.Await(rt.RunTimeout(time.Second, func(s *rt.TimeoutScope) rt.Coro[rt.Void] {
		*inner = s
		return rt.Sleep(time.Hour)
	}))
	return fmt.Errorf("inner: timeout=%v cancelled=%v: %w", errors.Is(err, rt.ErrTimeout), errors.Is(err, rt.ErrCancelled), err)
}

// pNestedSameDeadline: two timeouts expiring at the same instant; the
// outer one reports the timeout (asyncio 3.12's uncancel counting).
//
//asyncgen:coroutine
func pNestedSameDeadline() (string, error) {
	var inner *rt.TimeoutScope
	_, err := rt.Await(rt.RunTimeout(time.Second, func(outer *rt.TimeoutScope) rt.Coro[rt.Void] {
		return outerBodyAsync(&inner)
	}))
	return fmt.Sprintf("outer timeout=%v inner expired=%v; err=%v", errors.Is(err, rt.ErrTimeout), inner.Expired(), err), nil
}

// pQueueShutdown: getters blocked on an empty queue are woken by
// Shutdown; Join returns once the items are done.
//
//asyncgen:coroutine
func pQueueShutdown() (string, error) {
	q := rt.NewQueue[int](2)
	l := rt.RunningLoop()
	var out []string
	g := rt.CreateTask(l, rt.Async(func() (int, error) { return rt.Await(q.Get()) }))
	rt.Must(q.Put(1))
	rt.Must(q.Put(2))
	rt.Must(q.Put(3))
	p := rt.CreateTask(l, rt.AsyncVoid(func() error { _, err := rt.Await(q.Put(4)); return err }))
	rt.Must(rt.Sleep(0))
	v := rt.Must(g)
	out = append(out, fmt.Sprint("got ", v, " size ", q.QSize()))
	q.Shutdown(false)
	_, perr := rt.Await(p)
	a, _ := rt.Await(q.Get())
	b, _ := rt.Await(q.Get())
	_, gerr := rt.Await(q.Get())
	out = append(out, fmt.Sprint(a, b, errors.Is(perr, rt.ErrQueueShutDown), errors.Is(gerr, rt.ErrQueueShutDown)))
	q.TaskDone()
	q.TaskDone()
	q.TaskDone()
	rt.Must(rt.WaitFor(q.Join(), time.Second))
	return fmt.Sprint(out), nil
}
