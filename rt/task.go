package rt

import (
	"errors"
	"fmt"
	"io"
	"strconv"
)

// AnyFuture is the untyped face of every *Future[T] and *Task[T]: what code
// that handles futures of different types (Wait, the loop) works with.
type AnyFuture interface {
	Done() bool
	Cancelled() bool
	Cancel(msg ...string) bool
	Exception() error
	Loop() *Loop
	RemoveDoneCallback(id CallbackID) int
	base() *futureBase
}

// AnyTask is the untyped face of every *Task[T].
type AnyTask interface {
	AnyFuture
	// Name is the task's name, "Task-N" unless set.
	Name() string
	SetName(name string)
	// Cancelling is the number of pending cancellation requests.
	Cancelling() int
	// Uncancel decrements Cancelling and returns the new count.
	Uncancel() int
	// GetStack returns where the task is suspended, outermost coroutine
	// first (empty if the coroutine cannot tell, or the task is done).
	GetStack() []StackFrame
	callback
	abandon()
	stepPanicked(err error)
	taskID() uint64
}

// Task runs a coroutine on a loop (asyncio.Task): each step sends into the
// coroutine, and when the coroutine waits on a future the task sleeps until
// that future is done. A Task is itself a Future of the coroutine's result,
// so it can be awaited, cancelled and given done callbacks.
type Task[T any] struct {
	Future[T]
	coro   Coro[T]
	waiter AnyFuture // the future the coroutine waits on (asyncio _fut_waiter)
	ctx    Ctx
	id     uint64
}

// CreateTask wraps c in a Task scheduled to start in the next pass of l
// (asyncio.create_task). The loop keeps the task alive until it is done.
func CreateTask[T any](l *Loop, c Coro[T]) *Task[T] {
	if c == nil {
		panic(&RuntimeError{Msg: "rt: CreateTask of a nil coroutine"})
	}
	l.checkUsable("CreateTask")
	t := &Task[T]{coro: c}
	t.loop = l
	t.futureBase.task = true
	if l.debug {
		t.x().source = callerSite()
	}
	t.ctx.task = t
	l.taskSeq++
	t.id = l.taskSeq
	l.tasks.add(&t.ctx)
	l.callSoon(t)
	return t
}

// Name returns the task's name.
func (t *Task[T]) Name() string {
	if t.ext != nil && t.ext.name != "" {
		return t.ext.name
	}
	return "Task-" + strconv.FormatUint(t.id, 10)
}

// taskID is the number of the task's default name (Task-N).
func (t *Task[T]) taskID() uint64 { return t.id }

// SetName renames the task.
func (t *Task[T]) SetName(name string) { t.x().name = name }

// Coro returns the coroutine the task runs, also once the task is done
// (asyncio's get_coro).
func (t *Task[T]) Coro() Coro[T] { return t.coro }

// Cancelling returns how many cancellation requests are pending.
func (t *Task[T]) Cancelling() int { return int(t.numCancels) }

// Uncancel decrements the count of pending cancellation requests and returns
// it; structured-concurrency helpers (Timeout, TaskGroup) call it once they
// have absorbed the cancellation they caused.
func (t *Task[T]) Uncancel() int {
	if t.numCancels > 0 {
		t.numCancels--
	}
	return int(t.numCancels)
}

// Cancel asks the task to cancel itself: the coroutine sees a
// *CancelledError from its pending await (or from its next one, if it is
// not waiting). It may catch it and go on, in which case the task is not
// cancelled. Cancel returns false if the task is already done.
func (t *Task[T]) Cancel(msg ...string) bool {
	// Like asyncio, even a refused cancel counts as looking at the
	// outcome: the error is no longer reported as never retrieved.
	t.disarmLog()
	if t.state != pending {
		return false
	}
	m := ""
	if len(msg) > 0 {
		m = msg[0]
	}
	t.numCancels++
	if t.waiter != nil && t.waiter.Cancel(m) {
		// The waiter's callback wakes us with the cancellation. Keep
		// the waiter: a task that swallows it may need cancelling again.
		return true
	}
	t.mustCancel = true
	t.x().cancelMsg = m
	return true
}

// SetResult always fails: a task's result is its coroutine's
// (asyncio's Task.set_result raises RuntimeError).
func (t *Task[T]) SetResult(T) error {
	return &RuntimeError{Msg: "rt: Task does not support SetResult"}
}

// SetException always fails: a task's error is its coroutine's.
func (t *Task[T]) SetException(error) error {
	return &RuntimeError{Msg: "rt: Task does not support SetException"}
}

// AddDoneCallback arranges for fn to run once the task is done.
func (t *Task[T]) AddDoneCallback(fn func(*Task[T])) CallbackID {
	return t.addDoneCallback(funcCallback(func() { fn(t) }))
}

// Send implements Awaitable: awaiting a task waits for it.
func (t *Task[T]) Send(*Ctx) Yield {
	if t.state == pending {
		return Yield{fut: t, kind: yieldFuture}
	}
	return Yield{}
}

// GetStack returns where the task's coroutine is suspended, outermost first.
func (t *Task[T]) GetStack() []StackFrame {
	if t.state != pending {
		return nil
	}
	if s, ok := t.coro.(Stacker); ok {
		return s.AwaitStack(nil)
	}
	return nil
}

// PrintStack writes the task's async stack trace to w.
func (t *Task[T]) PrintStack(w io.Writer) {
	fmt.Fprintf(w, "Stack for %s (most recent await last):\n", t.Name())
	for _, fr := range t.GetStack() {
		fmt.Fprintf(w, "  %s\n    %s:%d\n", fr.Func, fr.File, fr.Line)
	}
}

// String shows the task's name and state.
func (t *Task[T]) String() string {
	return "<Task " + t.Name() + " " + t.describe() + ">"
}

// run is the task's step, scheduled by CreateTask, by a bare yield, and as
// the done callback of the future it waits on (asyncio's __step and
// __wakeup are one here: the coroutine reads the awaited result itself).
func (t *Task[T]) run() { t.step(nil) }

func (t *Task[T]) step(exc error) {
	if t.state != pending {
		// A stale wake-up (the task was completed by Cancel racing
		// a wake-up); nothing to do.
		return
	}
	if t.mustCancel {
		exc = t.takeCancel(exc)
	}
	t.waiter = nil
	l := t.loop
	if l.debug && l.current != nil {
		t.reentered()
		return
	}
	l.current = &t.ctx
	// A panic escaping the coroutine unwinds to the loop's recover, which
	// finishes the current task with it (Loop.recovered): one deferred
	// recover per RunForever instead of one more per step.
	var y Yield
	if exc != nil {
		y = t.coro.Throw(&t.ctx, exc)
	} else {
		y = t.coro.Send(&t.ctx)
	}
	l.current = nil
	switch y.kind {
	case yieldFuture:
		// What await does for the usual future, written out: a pending
		// future of this loop that nobody else waits on, with no
		// cancellation to pass on.
		if fb := y.fut.base(); fb.loop == l && fb.state == pending && fb.cb0 == nil && fb.ext == nil &&
			!t.mustCancel && fb != &t.futureBase {
			fb.cb0 = t
			t.waiter = y.fut
			return
		}
		t.await(y.fut)
	case yieldDone:
		t.finish(y, nil)
	case yieldBare:
		if !l.fastPush(t) {
			l.callSoonSlow(t)
		}
	}
}

// takeCancel is the error a step throws in for a Cancel that found the
// task with no waiter to cancel (or one that refused). A coroutine woken
// by the future it awaits reads that future's outcome itself: when that
// is a cancellation already (the first of two Cancels cancelled it), it is
// the error asyncio's __wakeup would pass on, message and all.
func (t *Task[T]) takeCancel(exc error) error {
	if !errors.Is(exc, ErrCancelled) && !t.waiterCancelled() {
		exc = &CancelledError{Msg: t.ext.cancelMsg}
	}
	t.mustCancel = false
	return exc
}

// reentered reports, in debug mode, a step started while another task's
// step is running. Only the loop runs steps, one at a time; this can fire
// only if that invariant is broken.
func (t *Task[T]) reentered() {
	t.loop.CallExceptionHandler(ErrorContext{
		Message: fmt.Sprintf("cannot enter task %s while another task is being executed", t.Name()),
		Future:  t,
	})
}

// waiterCancelled reports whether the task is being woken by the future
// it awaited, and that future ended in a cancellation.
func (t *Task[T]) waiterCancelled() bool {
	if t.waiter == nil {
		return false
	}
	fb := t.waiter.base()
	return fb.state != pending && errors.Is(fb.failure(), ErrCancelled)
}

// stepPanicked finishes the task with the panic that escaped its
// coroutine during a step.
func (t *Task[T]) stepPanicked(err error) { t.finish(Yield{}, err) }

// await parks the task on f, or throws an error back in if f cannot be
// awaited here.
func (t *Task[T]) await(f AnyFuture) {
	fb := f.base()
	var bad error
	switch {
	case fb.loop != t.loop:
		bad = &RuntimeError{Msg: fmt.Sprintf("rt: task %s got a future attached to a different loop", t.Name())}
	case fb == &t.futureBase:
		bad = &RuntimeError{Msg: fmt.Sprintf("rt: task %s cannot await on itself", t.Name())}
	}
	if bad != nil {
		t.loop.callSoon(funcCallback(func() { t.step(bad) }))
		return
	}
	fb.addCallback(t)
	t.waiter = f
	if t.mustCancel && f.Cancel(t.ext.cancelMsg) {
		t.mustCancel = false
	}
}

// finish records the coroutine's outcome (perr: a panic that escaped it).
func (t *Task[T]) finish(_ Yield, perr error) {
	t.loop.tasks.remove(&t.ctx)
	var v T
	err := perr
	if err == nil {
		v, err = t.coro.Result()
	}
	// The coroutine stays reachable through Coro, as asyncio's get_coro
	// keeps it after the task is done.
	switch {
	case err == nil && t.mustCancel:
		// Cancel was called during this last step: the task ends
		// cancelled even though the coroutine returned. An error, on
		// the other hand, is kept, as asyncio's __step does.
		t.cancel(t.ext.cancelMsg)
	case err == nil:
		t.Future.SetResult(v)
	case errors.Is(err, ErrCancelled):
		var ce *CancelledError
		msg := ""
		if errors.As(err, &ce) {
			msg = ce.Msg
		}
		t.cancel(msg)
	default:
		// The value returned with the error is kept for Result (see
		// Future.Result): every path to the awaiter gives both.
		t.Future.result = v
		t.setException(err, weakRef(t))
	}
}

// abandonTasks closes the coroutines of the tasks still pending when the
// loop closes, so their defers run (and reference-mode goroutines end),
// and reports each one: asyncio's "Task was destroyed but it is pending!".
func (l *Loop) abandonTasks() {
	for c := l.tasks.head; c != nil; c = l.tasks.head {
		l.tasks.remove(c)
		l.CallExceptionHandler(ErrorContext{
			Message: "Task was destroyed but it is pending",
			Future:  c.task,
			Source:  c.task.base().source(),
		})
		c.task.abandon()
	}
}

// abandon closes the coroutine of a task that will never run again.
func (t *Task[T]) abandon() {
	c := t.coro
	if c == nil {
		return
	}
	t.coro, t.waiter = nil, nil
	defer func() {
		if v := recover(); v != nil {
			t.loop.CallExceptionHandler(ErrorContext{
				Message: "panic while closing the coroutine of " + t.Name(),
				Err:     FailureOf(v),
				Future:  t,
			})
		}
	}()
	c.Close()
}

// CurrentTask returns the task whose step is running, or nil.
func (l *Loop) CurrentTask() AnyTask {
	if l.current == nil {
		return nil
	}
	return l.current.task
}

// AllTasks returns the tasks of l that are not done yet, in creation order.
func (l *Loop) AllTasks() []AnyTask {
	var out []AnyTask
	for c := l.tasks.head; c != nil; c = c.next {
		if !c.task.Done() {
			out = append(out, c.task)
		}
	}
	return out
}

// taskList is the loop's strong reference to every task that is not done
// (gh-88831: a task nobody else references must still finish). It is
// intrusive — the links live in each task's Ctx — so tracking a task
// allocates nothing.
type taskList struct {
	head, tail *Ctx
	n          int
}

func (tl *taskList) add(c *Ctx) {
	c.prev, c.next = tl.tail, nil
	if tl.tail != nil {
		tl.tail.next = c
	} else {
		tl.head = c
	}
	tl.tail = c
	tl.n++
}

func (tl *taskList) remove(c *Ctx) {
	if c.prev != nil {
		c.prev.next = c.next
	} else if tl.head == c {
		tl.head = c.next
	} else {
		return // not in the list
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		tl.tail = c.prev
	}
	c.prev, c.next = nil, nil
	tl.n--
}
