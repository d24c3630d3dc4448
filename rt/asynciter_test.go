package rt_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// aiCounter is a producer written by hand (rt.Async) yielding 0..n-1 and
// logging how it ends.
func aiCounter(log *[]string, n int) *rt.AsyncIter[int] {
	return rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] {
		return rt.AsyncVoid(func() error {
			defer func() { *log = append(*log, "defer") }()
			for i := 0; i < n; i++ {
				if !rt.Must(y.Yield(i)) {
					*log = append(*log, fmt.Sprint("closed at ", i))
					return nil
				}
			}
			return nil
		})
	})
}

func aiRun[T any](t *testing.T, c rt.Coro[T]) (T, error) {
	t.Helper()
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	task := rt.CreateTask(l, c)
	if err := l.RunUntilComplete(task); err != nil && !task.Done() {
		t.Fatal(err)
	}
	return task.Result()
}

// Next reuses its awaitable, but one made while the last is still pending
// is separate: both, awaited in turn, give their own values.
func TestAsyncIterNextWhilePending(t *testing.T) {
	var log []string
	it := aiCounter(&log, 3)
	got, err := aiRun(t, rt.Async(func() (string, error) {
		a, b := it.Next(), it.Next()
		va := rt.Must(a)
		vb := rt.Must(b)
		vc := rt.Must(it.Next())
		return fmt.Sprint(va, vb, vc, a == b), nil
	}))
	if err != nil || got != "0 1 2 false" {
		t.Fatalf("got %q, %v; want \"0 1 2 false\"", got, err)
	}
}

// Two Yields made before either is awaited are separate too.
func TestAsyncIterYieldWhilePending(t *testing.T) {
	it := rt.NewAsyncIter(func(y *rt.Yielder[string]) rt.Coro[rt.Void] {
		return rt.AsyncVoid(func() error {
			a, b := y.Yield("a"), y.Yield("b")
			rt.Must(a)
			rt.Must(b)
			return nil
		})
	})
	got, err := aiRun(t, rt.Collect(it))
	if err != nil || strings.Join(got, ",") != "a,b" {
		t.Fatalf("got %q, %v; want a,b", got, err)
	}
}

// Abandon unwinds a producer waiting at a Yield at once (its defer runs,
// the code after its Yield does not); on a nil, unstarted or finished
// iterator it does nothing.
func TestAsyncIterAbandon(t *testing.T) {
	var nilIt *rt.AsyncIter[int]
	nilIt.Abandon()
	var log []string
	unstarted := aiCounter(&log, 3)
	unstarted.Abandon()
	if !unstarted.Done() || len(log) != 0 {
		t.Fatalf("unstarted: done=%v log=%q", unstarted.Done(), log)
	}
	it := aiCounter(&log, 3)
	got, err := aiRun(t, rt.Async(func() (string, error) {
		v := rt.Must(it.Next())
		it.Abandon()
		_, err := rt.Await(it.Next())
		it.Abandon()
		return fmt.Sprintf("v=%d done=%v next=%v", v, it.Done(), err), nil
	}))
	want := "v=0 done=true next=StopAsyncIteration"
	if err != nil || got != want || strings.Join(log, ";") != "defer" {
		t.Fatalf("got %q, %v, log %q; want %q, log defer", got, err, log, want)
	}
}

// Ranging over All outside any coroutine panics with a message saying so,
// not with a nil dereference or a hang.
func TestAsyncIterAllOutsideCoroutine(t *testing.T) {
	var log []string
	it := aiCounter(&log, 3)
	defer func() {
		p := recover()
		if s, _ := p.(string); !strings.Contains(s, "rt.AsyncIter.All ranged over outside a coroutine") {
			t.Fatalf("panic %v", p)
		}
	}()
	for range it.All() { //asyncvet:droperr the clause form is what this test checks; its producer never fails
	}
}

// Collect keeps the values pulled before a failure.
func TestCollectKeepsValuesBeforeFailure(t *testing.T) {
	boom := errors.New("boom")
	it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] {
		return rt.AsyncVoid(func() error {
			rt.Must(y.Yield(1))
			rt.Must(y.Yield(2))
			return boom
		})
	})
	got, err := aiRun(t, rt.Collect(it))
	if !errors.Is(err, boom) || fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("got %v, %v; want [1 2], boom", got, err)
	}
}

// A Next closed before it was awaited is finished: it fails with
// ErrCoroutineClosed, leaves the producer alone, and the iterator's next
// Next reuses it instead of allocating.
func TestAsyncIterNextClosedBeforeStartIsReused(t *testing.T) {
	var log []string
	it := aiCounter(&log, 3)
	n := it.Next()
	n.Close()
	if _, err := n.Result(); !errors.Is(err, rt.ErrCoroutineClosed) {
		t.Fatalf("Result of a Next closed before it started: %v, want ErrCoroutineClosed", err)
	}
	if allocs := testing.AllocsPerRun(100, func() { it.Next().Close() }); allocs != 0 {
		t.Errorf("a Next after a closed unstarted one allocates %v times; want 0", allocs)
	}
	if it.Done() || len(log) != 0 {
		t.Errorf("closing unstarted Nexts touched the producer: done=%v log=%q", it.Done(), log)
	}
}
