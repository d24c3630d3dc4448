package rt

// The suspension intrinsics. asyncgen recognises these by their
// types.Object and rewrites every call in a template into a suspension point
// of the generated state machine, so in a normal build they are never called
// from a coroutine. In reference mode (-tags asyncgen_ref) the template runs
// as written on a goroutine and these calls are served by the reference
// driver that runs it (see ref.go).

const outsideMsg = "called outside a coroutine: run a template through its generated constructor " +
	"(fAsync for a template f, driven by a Task) after running asyncgen (go generate), " +
	"or build with -tags asyncgen_ref"

// Await suspends the calling coroutine until a is done and returns its
// outcome: the result or the error of a Future or Task, or the return values
// of a delegated coroutine. An error thrown into the coroutine while it waits
// (cancellation) is returned as err.
func Await[T any](a Awaitable[T]) (T, error) {
	d := currentRef()
	if d == nil {
		panic("rt.Await " + outsideMsg)
	}
	d.checkAwaitCaller("Await")
	return refAwait(d, a)
}

// Must is the one-result form of Await, usable anywhere an expression is:
// when the awaited thing fails, the coroutine fails with that error as if it
// had returned it. It does so by panicking with *Raised, so the coroutine's
// defers run and a deferred recover can intercept it; the error is not
// assigned to a named error result, so a deferred check of that result
// does not see it.
func Must[T any](a Awaitable[T]) T {
	v, err := Await(a)
	if err != nil {
		panic(&Raised{Err: err})
	}
	return v
}

// RunningLoop returns the loop running the calling coroutine or callback
// (asyncio.get_running_loop). Inside a template asyncgen rewrites it to the
// frame's driver; elsewhere it finds the loop whose goroutine is calling, and
// panics if there is none.
func RunningLoop() *Loop {
	if d := currentRef(); d != nil {
		return d.ctx.Loop()
	}
	if l := loopOfGoroutine(); l != nil {
		return l
	}
	panic("rt.RunningLoop " + outsideMsg + " or a loop callback")
}

// Current returns the task running the calling coroutine
// (asyncio.current_task). Inside a template asyncgen rewrites it to the
// frame's driver.
func Current() AnyTask {
	if d := currentRef(); d != nil {
		return d.ctx.Task()
	}
	if l := loopOfGoroutine(); l != nil {
		return l.CurrentTask()
	}
	panic("rt.Current " + outsideMsg + " or a loop callback")
}
