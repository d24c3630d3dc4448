package rt_test

import (
	"sync"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/selector"
)

// waitLog is a Parker that records how each wait that could block was
// made: "park" (Select) or "block" (SelectBlocked).
type waitLog struct {
	selector.Parker
	mu    sync.Mutex
	waits []string
}

func (w *waitLog) Select(buf []selector.Ready, timeout time.Duration) ([]selector.Ready, error) {
	if timeout != 0 {
		w.record("park")
	}
	return w.Parker.Select(buf, timeout)
}

func (w *waitLog) SelectBlocked(buf []selector.Ready, timeout time.Duration) ([]selector.Ready, error) {
	if timeout != 0 {
		w.record("block")
	}
	return w.Parker.SelectBlocked(buf, timeout)
}

func (w *waitLog) record(how string) {
	w.mu.Lock()
	w.waits = append(w.waits, how)
	w.mu.Unlock()
}

// take returns the waits recorded since the last take.
func (w *waitLog) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	got := w.waits
	w.waits = nil
	return got
}

// The default Linux selector lets the loop choose per wait: it blocks in
// epoll_wait while no other goroutine works for it, and parks in Go's
// poller while an executor job runs and for 10ms after another goroutine
// called in, so that goroutine gets the loop's P at once.
func TestLoopBlocksWhenAloneAndParksWhenHelped(t *testing.T) {
	log := &waitLog{Parker: newAutoParker(t)}
	l, err := rt.NewLoop(rt.WithSelector(log))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	// Alone: a sleep is one blocked wait or more (the timeout may end
	// early on a signal), never a park.
	if _, err := rt.RunUntilComplete(l, rt.Sleep(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	assertAll(t, "alone", log.take(), "block")

	// An executor job in flight: every wait until its answer is a park.
	release := make(chan struct{})
	job := rt.RunInExecutor(l, func() (int, error) { <-release; return 7, nil })
	l.CallLater(time.Millisecond, func() { close(release) })
	if v, err := rt.RunUntilComplete(l, job); v != 7 || err != nil {
		t.Fatal(v, err)
	}
	assertAll(t, "with an executor job running", log.take(), "park")

	// Another goroutine calls in: the waits after the poll that took its
	// callback park for a while (10ms by default: the goroutine may be
	// waiting for an answer the loop gives only after more I/O); once the
	// window has passed, the loop blocks again. The test makes the window
	// long, then zero, so that a slow machine cannot change the outcome.
	rt.SetParkWindow(l, time.Hour)
	done := rt.NewFuture[rt.Void](l)
	go l.CallSoonThreadsafe(func() { done.SetResult(rt.Void{}) })
	if _, err := rt.RunUntilComplete(l, done); err != nil {
		t.Fatal(err)
	}
	log.take()
	for range 2 {
		if _, err := rt.RunUntilComplete(l, rt.Sleep(time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	assertAll(t, "within the window after a callback from another goroutine", log.take(), "park")
	rt.SetParkWindow(l, 0)
	if _, err := rt.RunUntilComplete(l, rt.Sleep(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	assertAll(t, "after the window", log.take(), "block")
}

// assertAll fails unless there were waits and all of them were made how.
func assertAll(t *testing.T, when string, waits []string, how string) {
	t.Helper()
	if len(waits) == 0 {
		t.Fatalf("%s, the loop never waited", when)
	}
	for _, w := range waits {
		if w != how {
			t.Fatalf("%s, the loop's waits were %v; want every one a %s", when, waits, how)
		}
	}
}

// newAutoParker is the default Linux selector as a Parker. The Go runtime
// takes an epoll fd into its poller on every kernel CI runs, so a
// selector that can only block fails the test rather than skipping it.
func newAutoParker(tb testing.TB) selector.Parker {
	tb.Helper()
	s, err := selector.NewEpollAuto()
	if err != nil {
		tb.Fatal(err)
	}
	p, ok := s.(selector.Parker)
	if !ok {
		s.Close()
		tb.Fatal("NewEpollAuto returned a selector that cannot park")
	}
	return p
}
