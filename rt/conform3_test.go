package rt_test

// Edges where asyncio's observable behaviour was checked against CPython
// (3.12 where versions differ, as DESIGN.md says) by the conform3 pass.

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// failing is a hand-written coroutine that fails with err in its first
// step; unlike rt.Async it keeps no goroutine that could hold its task.
type failing struct{ err error }

func (f *failing) Send(*rt.Ctx) rt.Yield         { return rt.Yield{} }
func (f *failing) Throw(*rt.Ctx, error) rt.Yield { return rt.Yield{} }
func (f *failing) Close()                        {}
func (f *failing) Result() (int, error)          { return 0, f.err }

// An error nobody retrieved is reported with the future or task it
// belongs to, as asyncio's context carries it under "future": a handler
// (and the log) can tell which one failed.
func TestConformUnretrievedReportCarriesTheFuture(t *testing.T) {
	l := newLoop(t)
	errs := collectErrors(l)
	task := rt.CreateTask[int](l, &failing{err: errors.New("task failed")})
	task.SetName("worker")
	fut := rt.NewFuture[string](l)
	fut.SetException(errors.New("future failed"))
	runOnce(t, l)
	l.Close()
	if len(*errs) != 2 {
		t.Fatalf("reports %+v, want two", *errs)
	}
	for i, want := range []rt.AnyFuture{fut, task} {
		c := (*errs)[i]
		if c.Future != want {
			t.Errorf("report %q (%v) names future %v, want %v", c.Message, c.Err, c.Future, want)
		}
	}
	runtime.KeepAlive(task)
	runtime.KeepAlive(fut)
}

// A task collected with its error unretrieved is still named by the
// default handler's record, as asyncio's log shows the task's repr.
func TestConformCollectedUnretrievedTaskIsNamedInTheLog(t *testing.T) {
	buf := captureSlog(t)
	l := newLoop(t)
	reported := firstReport(l)
	func() {
		task := rt.CreateTask[int](l, &failing{err: errors.New("lost")})
		task.SetName("lost-worker")
	}()
	runOnce(t, l) // the task fails; nothing holds it any more
	c := collectedReport(t, l, reported)
	if !strings.Contains(c.Message, "Task exception was never retrieved") {
		t.Fatalf("report %+v", c)
	}
	if out := buf.String(); !strings.Contains(out, "lost-worker") {
		t.Fatalf("the log does not name the task:\n%s", out)
	}
}

// An unnamed task collected with its error unretrieved is named in the
// record by its default name, Task-N, as its String would say.
func TestConformCollectedUnnamedTaskIsNamedInTheLog(t *testing.T) {
	buf := captureSlog(t)
	l := newLoop(t)
	reported := firstReport(l)
	var name string
	func() {
		task := rt.CreateTask[int](l, &failing{err: errors.New("lost")})
		name = task.Name()
	}()
	runOnce(t, l)
	collectedReport(t, l, reported)
	if want := "<Task " + name + " finished error=lost>"; !strings.Contains(buf.String(), want) {
		t.Fatalf("the log does not say %s:\n%s", want, buf.String())
	}
}

// firstReport installs an exception handler on l that logs as the default
// one does and completes the future it returns with the first report.
func firstReport(l *rt.Loop) *rt.Future[rt.ErrorContext] {
	reported := rt.NewFuture[rt.ErrorContext](l)
	l.SetExceptionHandler(func(l *rt.Loop, c rt.ErrorContext) {
		rt.DefaultExceptionHandler(l, c)
		if !reported.Done() {
			reported.SetResult(c)
		}
	})
	return reported
}

// collectedReport collects the garbage and runs l until reported, which
// the exception handler completes, is done. The report of a collected
// future is queued with CallSoonThreadsafe, which wakes the loop; the
// guard only turns a regression into a failure instead of a hang.
func collectedReport(t *testing.T, l *rt.Loop, reported *rt.Future[rt.ErrorContext]) rt.ErrorContext {
	t.Helper()
	runtime.GC()
	guard := time.AfterFunc(30*time.Second, func() {
		l.CallSoonThreadsafe(func() { reported.Cancel("no report within 30s") })
	})
	defer guard.Stop()
	if err := l.RunUntilComplete(reported); err != nil {
		t.Fatal(err)
	}
	c, _ := reported.Result()
	return c
}

// Gather takes the outcome of children that are already done at once, as
// asyncio 3.12's gather does (it calls its done callback itself for them):
// with every child done it returns without suspending (a Cancel after
// that step finds the task finished), and a child that already failed
// fails it at once.
func TestConformGatherOfDoneChildrenDoesNotSuspend(t *testing.T) {
	l := newLoop(t)
	a, b := rt.NewFuture[int](l), rt.NewFuture[int](l)
	a.SetResult(1)
	b.SetResult(2)
	bad := rt.NewFuture[int](l)
	bad.SetException(errors.New("early"))
	pending := rt.NewFuture[int](l)
	var vs []int
	var gerr, ferr error
	var suspended []bool
	rt.CreateTask[int](l, &ctxFn2{fn: func(c *rt.Ctx) {
		var w rt.Awaiting[[]int]
		_, s1 := w.Start(c, rt.Gather[int](a, b, a))
		vs, gerr = w.Result()
		_, s2 := w.Start(c, rt.Gather[int](pending, bad))
		_, ferr = w.Result()
		suspended = []bool{s1, s2}
	}})
	runOnce(t, l) // the task's first step
	if !slices.Equal(suspended, []bool{false, false}) {
		t.Fatalf("suspended %v: a Gather of done children (or with one already failed) suspended its task", suspended)
	}
	if gerr != nil || !slices.Equal(vs, []int{1, 2, 1}) {
		t.Errorf("Gather of done children: %v, %v; want [1 2 1]", vs, gerr)
	}
	if ferr == nil || ferr.Error() != "early" {
		t.Errorf("Gather with a child already failed: %v, want its error at once", ferr)
	}
	if pending.Done() {
		t.Error("the pending child was cancelled")
	}
}

// ctxFn2 is ctxFn with an int result, for a task whose first step does
// everything.
type ctxFn2 struct{ fn func(c *rt.Ctx) }

func (f *ctxFn2) Send(c *rt.Ctx) rt.Yield       { f.fn(c); return rt.Yield{} }
func (f *ctxFn2) Throw(*rt.Ctx, error) rt.Yield { return rt.Yield{} }
func (f *ctxFn2) Close()                        {}
func (f *ctxFn2) Result() (int, error)          { return 0, nil }

// A Shield whose inner future is cancelled cancels its own outer future,
// as asyncio's shield does: a Cancel of the awaiting task that comes
// before the task has run again then finds the outer future cancelled,
// and the task sees the shield's cancellation (no message), not one made
// from its own Cancel's message.
func TestConformShieldInnerCancelledThenTaskCancelledGivesTheShieldsCancellation(t *testing.T) {
	l := prLoop(t)
	inner := rt.NewFuture[int](l)
	task := prGo(l, func() (int, error) { return rt.Await(rt.Shield(inner)) })
	prBriefly(t, l)
	inner.Cancel("inner")
	runOnce(t, l) // the shield hears of it; the task's wake-up is queued
	if !task.Cancel("task") {
		t.Fatal("Cancel of the pending task returned false")
	}
	err := prWait(t, l, task)
	if msg, ok := cancelMsg(err); !ok || msg != "" || !task.Cancelled() {
		t.Fatalf("err %v (cancelled %v), want a cancellation without a message", err, task.Cancelled())
	}
}

// A TaskGroup that ends with its children's errors while its parent has
// a cancellation pending from elsewhere leaves that cancellation pending,
// as asyncio 3.13 does (gh-116720, which also gave Exit its order of
// taking back the group's own cancellation): a parent that catches the
// group's error is cancelled at its next await instead of going on as if
// nobody had cancelled it.
func TestConformTaskGroupErrorKeepsAnOuterCancellationPending(t *testing.T) {
	l := prLoop(t)
	f := rt.NewFuture[int](l)
	var groupErr, afterErr error
	task := prGo(l, func() (int, error) {
		_, groupErr = rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[int] {
			return rt.Async(func() (int, error) {
				rt.Spawn(tg, rt.Async(func() (int, error) { return 0, errAudit }))
				return rt.Await(f)
			})
		}))
		_, afterErr = rt.Await(rt.Sleep(0))
		return 1, afterErr
	})
	runOnce(t, l) // the body spawns the child and waits
	task.Cancel()
	err := prWait(t, l, task)
	if !errors.Is(groupErr, errAudit) {
		t.Fatalf("the group failed with %v, want the child's error", groupErr)
	}
	if !errors.Is(afterErr, rt.ErrCancelled) || !errors.Is(err, rt.ErrCancelled) || !task.Cancelled() {
		t.Fatalf("the await after the group got %v, the task %v (cancelled %v); want the pending cancellation", afterErr, err, task.Cancelled())
	}
	if n := task.Cancelling(); n != 1 {
		t.Errorf("Cancelling() = %d, want 1", n)
	}
}
