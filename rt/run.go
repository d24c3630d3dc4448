package rt

import "fmt"

// Run is asyncio.run: it creates a loop, runs c as the main task until it is
// done, cancels every task still running and waits for them, closes every
// async iterator started and neither finished nor collected (asyncio's
// shutdown_asyncgens: a producer waiting at a Yield sees it return false
// and runs to its end, defers included), shuts the
// executor down (waiting for its running jobs) and closes the loop. It
// returns the main coroutine's outcome. It fails when called from a
// coroutine or callback of a running loop.
func Run[T any](c Coro[T], opts ...Option) (T, error) {
	var zero T
	if currentRef() != nil || loopOfGoroutine() != nil {
		return zero, &RuntimeError{Msg: "rt: Run cannot be called from a running event loop"}
	}
	l, err := NewLoop(opts...)
	if err != nil {
		return zero, err
	}
	defer l.Close()
	main := CreateTask(l, c)
	runErr := l.RunUntilComplete(main)
	// Decided before the leftovers are cancelled: an early stop is
	// reported as such, not as the cancellation of main that follows.
	stoppedEarly := !main.Done()
	l.cancelAllTasks()
	l.RunUntilComplete(l.ShutdownAsyncIters())
	if l.exec != nil {
		// asyncio.run's shutdown_default_executor: no new job is taken,
		// and the loop runs until the running ones end, so that their
		// outcomes, and the done callbacks waiting for them, are
		// delivered before the loop closes.
		l.exec.shutdown()
		if l.inflight > 0 {
			l.drained = NewFuture[Void](l)
			l.RunUntilComplete(l.drained)
		}
		l.exec.shutdownWait()
	}
	if stoppedEarly {
		return zero, runErr
	}
	return main.Result()
}

// cancelAllTasks cancels the tasks left when the main task finished and
// runs the loop until they are all done; those that end with an error other
// than cancellation are reported to the exception handler.
func (l *Loop) cancelAllTasks() {
	left := l.AllTasks()
	if len(left) == 0 {
		return
	}
	for _, t := range left {
		t.Cancel()
	}
	l.RunUntilComplete(l.afterAll(left, func(t AnyTask) string {
		return fmt.Sprintf("unhandled error during Run() shutdown in %s", t.Name())
	}))
}

// afterAll returns a future done once every task of ts is. Then the tasks
// that failed (a cancellation is not a failure) are reported to the
// exception handler in the order of ts, each with the message what gives.
func (l *Loop) afterAll(ts []AnyTask, what func(AnyTask) string) *Future[Void] {
	all := NewFuture[Void](l)
	remaining := len(ts)
	done := func() {
		remaining--
		if remaining > 0 {
			return
		}
		for _, t := range ts {
			if t.Cancelled() {
				continue
			}
			if err := t.Exception(); err != nil {
				l.CallExceptionHandler(ErrorContext{Message: what(t), Err: err, Future: t})
			}
		}
		all.SetResult(Void{})
	}
	if remaining == 0 {
		all.SetResult(Void{})
	}
	for _, t := range ts {
		t.base().addCallback(funcCallback(done))
	}
	return all
}
