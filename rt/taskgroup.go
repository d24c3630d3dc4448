package rt

import (
	"errors"
	"fmt"
)

// TaskGroup holds a set of child tasks that a parent task waits for
// (asyncio.TaskGroup): the first child to fail cancels the others and the
// parent's own work, and the group ends with every child error joined by
// errors.Join.
//
// RunGroup is the usual way in. The two halves of Python's "async with" are
// also available, for code that needs them apart: await Enter in the parent
// task, Spawn children, then await Exit with the body's error:
//
//	tg := rt.NewTaskGroup()
//	if _, err := rt.Await(tg.Enter()); err != nil { ... }
//	rt.Spawn(tg, childAsync())
//	err := body()                 // may be a cancellation caused by the group
//	_, err = rt.Await(tg.Exit(err))
//
// A TaskGroup is used once.
type TaskGroup struct {
	entered, exiting, aborting bool
	loop                       *Loop
	parent                     AnyTask
	parentCancelRequested      bool
	kids                       []*groupKid
	errs                       []error
	onCompleted                *Future[Void]
}

// groupKid is the done callback on one child; idx is its place in kids.
type groupKid struct {
	tg  *TaskGroup
	t   AnyTask
	idx int
}

// NewTaskGroup returns a group to enter in the parent task.
func NewTaskGroup() *TaskGroup { return &TaskGroup{} }

// Enter binds the group to the awaiting task, its parent (__aenter__). It
// fails if the group was entered before.
func (tg *TaskGroup) Enter() Coro[Void] { return &groupEnter{tg: tg} }

// Spawn starts c as a task of the group (TaskGroup.create_task). It fails
// with a *RuntimeError before Enter, once the group has finished, or while
// it is shutting down after a failure; c is then left unstarted.
func Spawn[T any](tg *TaskGroup, c Coro[T]) (*Task[T], error) {
	switch {
	case !tg.entered:
		return nil, &RuntimeError{Msg: "rt: TaskGroup has not been entered"}
	case tg.exiting && len(tg.kids) == 0:
		return nil, &RuntimeError{Msg: "rt: TaskGroup is finished"}
	case tg.aborting:
		return nil, &RuntimeError{Msg: "rt: TaskGroup is shutting down"}
	}
	t := CreateTask(tg.loop, c)
	k := &groupKid{tg: tg, t: t, idx: len(tg.kids)}
	tg.kids = append(tg.kids, k)
	t.base().addCallback(k)
	return t, nil
}

// Exit waits for every child and ends the group (__aexit__); bodyErr is
// the outcome of the parent's work inside the group. The await fails with
// errors.Join of the children's errors and bodyErr (unless bodyErr is a
// cancellation); with no such error, it fails with bodyErr's cancellation
// unless that cancellation was the group's own doing, which is absorbed.
// A cancellation of the parent from elsewhere that the errors outrank
// stays pending (asyncio 3.13): the parent's next await gets it.
func (tg *TaskGroup) Exit(bodyErr error) Coro[Void] {
	return &groupExit{tg: tg, bodyErr: bodyErr}
}

// abort cancels every child still running.
func (tg *TaskGroup) abort() {
	tg.aborting = true
	for _, k := range tg.kids {
		if !k.t.Done() {
			k.t.Cancel()
		}
	}
}

// run is asyncio's _on_task_done for one child.
func (k *groupKid) run() {
	tg := k.tg
	last := len(tg.kids) - 1
	tg.kids[k.idx] = tg.kids[last]
	tg.kids[k.idx].idx = k.idx
	tg.kids[last] = nil
	tg.kids = tg.kids[:last]
	if tg.onCompleted != nil && len(tg.kids) == 0 && !tg.onCompleted.Done() {
		tg.onCompleted.SetResult(Void{})
	}
	if k.t.Cancelled() {
		return
	}
	err := k.t.Exception()
	if err == nil {
		return
	}
	tg.errs = append(tg.errs, err)
	if tg.parent.Done() {
		tg.loop.CallExceptionHandler(ErrorContext{
			Message: fmt.Sprintf("task %s has errored out but its parent task %s is already completed", k.t.Name(), tg.parent.Name()),
			Err:     err,
			Future:  k.t,
		})
		return
	}
	if !tg.aborting && !tg.parentCancelRequested {
		// Stop whatever the parent is doing in the group; Exit takes
		// this cancellation back.
		tg.abort()
		tg.parentCancelRequested = true
		tg.parent.Cancel()
	}
}

// groupEnter is the coroutine behind Enter; it never suspends.
type groupEnter struct {
	tg   *TaskGroup
	done bool
	err  error
}

func (e *groupEnter) Send(c *Ctx) Yield {
	if !e.done {
		e.done, e.err = true, e.tg.enter(c)
	}
	return Yield{}
}

func (tg *TaskGroup) enter(c *Ctx) error {
	if tg.entered {
		return &RuntimeError{Msg: "rt: TaskGroup has already been entered"}
	}
	if c == nil || c.task == nil {
		return &RuntimeError{Msg: "rt: TaskGroup cannot determine the parent task"}
	}
	tg.entered = true
	tg.loop, tg.parent = c.Loop(), c.task
	return nil
}

func (e *groupEnter) Throw(_ *Ctx, err error) Yield {
	if !e.done {
		e.done, e.err = true, err
	}
	return Yield{}
}

func (e *groupEnter) Close() { e.done = true }

func (e *groupEnter) Result() (Void, error) {
	if !e.done {
		return Void{}, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return Void{}, e.err
}

// groupExit is the coroutine behind Exit.
type groupExit struct {
	tg        *TaskGroup
	bodyErr   error
	propagate error // the cancellation to pass on, if any
	started   bool
	done      bool
	err       error
}

func (e *groupExit) Send(*Ctx) Yield {
	if e.done {
		return Yield{}
	}
	tg := e.tg
	if !e.started {
		if err := e.start(); err != nil {
			e.done, e.err = true, err
			return Yield{}
		}
	} else if f := tg.onCompleted; f != nil {
		if !f.Done() {
			return Yield{fut: f, kind: yieldFuture} // spurious wake-up
		}
		if f.Cancelled() {
			e.parentCancelled(f.failure())
		}
		tg.onCompleted = nil
	}
	return e.wait()
}

func (e *groupExit) start() error {
	tg := e.tg
	if !tg.entered {
		return &RuntimeError{Msg: "rt: TaskGroup has not been entered"}
	}
	if tg.exiting {
		return &RuntimeError{Msg: "rt: TaskGroup has already been exited"}
	}
	e.started = true
	tg.exiting = true
	if isCancellation(e.bodyErr) {
		e.propagate = e.bodyErr
	}
	if e.bodyErr != nil && !tg.aborting {
		// The parent is being cancelled, or its body failed.
		tg.abort()
	}
	return nil
}

// parentCancelled handles a cancellation of the parent while it waits for
// the children: the first one not caused by the group is passed on.
func (e *groupExit) parentCancelled(err error) {
	if !e.tg.aborting {
		e.propagate = err
		e.tg.abort()
	}
}

// wait parks the parent until no child is left, then ends the group.
func (e *groupExit) wait() Yield {
	tg := e.tg
	if len(tg.kids) > 0 {
		if tg.onCompleted == nil {
			tg.onCompleted = NewFuture[Void](tg.loop)
		}
		return Yield{fut: tg.onCompleted, kind: yieldFuture}
	}
	// Taking back the group's own cancellation of the parent only now,
	// after the children, also covers a child that fails while the
	// parent waits here (Python 3.13's order).
	if tg.parentCancelRequested && tg.parent.Uncancel() == 0 {
		e.propagate = nil
	}
	errs := tg.errs
	tg.errs = nil
	if e.bodyErr != nil && !isCancellation(e.bodyErr) {
		errs = append(errs, e.bodyErr)
	}
	e.done = true
	switch {
	case len(errs) > 0:
		e.err = errors.Join(errs...)
		if tg.parent.Cancelling() > 0 {
			// A cancellation of the parent from elsewhere is still
			// pending: the group's errors win over it here, but it is
			// not lost. Cancelling the parent again (it is running
			// this step) delivers it at its next await, as asyncio
			// 3.13 does (gh-116720).
			tg.parent.Uncancel()
			tg.parent.Cancel()
		}
	case e.propagate != nil:
		e.err = e.propagate
	}
	return Yield{}
}

func (e *groupExit) Throw(_ *Ctx, err error) Yield {
	if e.done {
		return Yield{}
	}
	if !e.started {
		if serr := e.start(); serr != nil {
			e.done, e.err = true, serr
			return Yield{}
		}
	}
	if !isCancellation(err) {
		// Like any exception other than CancelledError at asyncio's
		// "await self._on_completed_fut": it escapes at once.
		e.done, e.err = true, err
		return Yield{}
	}
	if f := e.tg.onCompleted; f != nil {
		f.Cancel()
		e.tg.onCompleted = nil
	}
	e.parentCancelled(err)
	return e.wait()
}

// Close abandons the wait; the children are cancelled so none outlives
// the group unnoticed.
func (e *groupExit) Close() {
	if !e.done {
		e.done, e.err = true, errRefClosed
		e.tg.abort()
	}
}

func (e *groupExit) Result() (Void, error) {
	if !e.done {
		return Void{}, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return Void{}, e.err
}

// RunGroup runs body in a new TaskGroup inside the awaiting task, then waits
// for the group's children: the whole of Python's
//
//	async with asyncio.TaskGroup() as tg:
//	    ...body...
//
// The await returns body's value, or fails as Exit does; a panic in a
// hand-written body is caught as the body's error so the children are
// still waited for.
func RunGroup[T any](body func(tg *TaskGroup) Coro[T]) Coro[T] {
	return &groupRun[T]{body: body}
}

type groupRunPhase uint8

const (
	groupStart groupRunPhase = iota
	groupBody
	groupExiting
	groupDone
)

// groupRun is the coroutine behind RunGroup: Enter, delegate to the body,
// then delegate to Exit.
type groupRun[T any] struct {
	tg    TaskGroup
	body  func(tg *TaskGroup) Coro[T]
	aw    Awaiting[T]
	exit  groupExit
	phase groupRunPhase
	res   T
	err   error
}

func (g *groupRun[T]) Send(c *Ctx) Yield {
	switch g.phase {
	case groupStart:
		if err := g.tg.enter(c); err != nil {
			return g.finish(err)
		}
		g.phase = groupBody
		y, suspend, perr := g.step(func() (Yield, bool) {
			return g.aw.Start(c, g.body(&g.tg))
		})
		return g.afterBody(c, y, suspend, perr)
	case groupBody:
		y, suspend, perr := g.step(func() (Yield, bool) { return g.aw.Resume(c, nil) })
		return g.afterBody(c, y, suspend, perr)
	case groupExiting:
		return g.afterExit(g.exit.Send(c))
	}
	return Yield{}
}

func (g *groupRun[T]) Throw(c *Ctx, err error) Yield {
	switch g.phase {
	case groupStart:
		return g.finish(err) // never entered, nothing started
	case groupBody:
		y, suspend, perr := g.step(func() (Yield, bool) { return g.aw.Resume(c, err) })
		return g.afterBody(c, y, suspend, perr)
	case groupExiting:
		return g.afterExit(g.exit.Throw(c, err))
	}
	return Yield{}
}

// step runs one resumption of the body, turning a panic into its error.
func (g *groupRun[T]) step(f func() (Yield, bool)) (y Yield, suspend bool, perr error) {
	defer func() {
		if v := recover(); v != nil {
			perr = FailureOf(v)
		}
	}()
	y, suspend = f()
	return y, suspend, nil
}

func (g *groupRun[T]) afterBody(c *Ctx, y Yield, suspend bool, perr error) Yield {
	if suspend && perr == nil {
		return y
	}
	var bodyErr error
	if perr != nil {
		g.aw = Awaiting[T]{}
		bodyErr = perr
	} else {
		g.res, bodyErr = g.aw.Result()
	}
	g.phase = groupExiting
	g.exit = groupExit{tg: &g.tg, bodyErr: bodyErr}
	return g.afterExit(g.exit.Send(c))
}

func (g *groupRun[T]) afterExit(y Yield) Yield {
	if y.kind != yieldDone {
		return y
	}
	return g.finish(g.exit.err)
}

func (g *groupRun[T]) finish(err error) Yield {
	g.phase = groupDone
	g.err = err
	if err != nil {
		var zero T
		g.res = zero
	}
	return Yield{}
}

// Close abandons the group: the body is closed and the children cancelled.
func (g *groupRun[T]) Close() {
	switch g.phase {
	case groupBody:
		g.aw.Close()
		g.tg.abort()
	case groupExiting:
		g.exit.Close()
	}
	if g.phase != groupDone {
		g.finish(errRefClosed)
	}
}

func (g *groupRun[T]) Result() (T, error) {
	if g.phase != groupDone {
		var zero T
		return zero, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return g.res, g.err
}
