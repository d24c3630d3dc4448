package rt

// Outcome is one child's outcome in GatherReturnErrors: its value, or the
// error it failed with (a *CancelledError if it was cancelled: with the
// future's cancel message, or with none for a task, as asyncio gives it).
type Outcome[T any] struct {
	Value T
	Err   error
}

// Gather runs aws concurrently and returns their results in argument order
// (asyncio.gather). Coroutines are wrapped in tasks on the running loop when
// the Gather is first awaited; futures and tasks are used as they are; an
// argument given twice runs once and its result appears twice.
//
// Children that are already done are taken at once, as asyncio 3.12 does:
// a Gather of done futures returns without suspending. The first child to
// fail or be cancelled makes the await fail at once with that error while
// the other children keep running. Cancelling the task that
// awaits the Gather cancels every child still running, and the await fails
// with a *CancelledError once they are all done.
//
// Go has no heterogeneous tuples: to gather results of different types,
// wrap each awaitable in AsAny and assert the results back:
//
//	vs, err := rt.Await(rt.Gather(rt.AsAny(count), rt.AsAny(name)))
//	n, s := vs[0].(int), vs[1].(string)
func Gather[T any](aws ...Awaitable[T]) Coro[[]T] {
	return &gatherValues[T]{gatherCoro[T]{aws: aws}}
}

// GatherReturnErrors is Gather with return_exceptions=True: every child's
// value or error is returned in argument order and a child's failure does
// not end the wait. Cancelling the awaiting task still cancels the children
// and makes the await fail with a *CancelledError (bpo-32684).
func GatherReturnErrors[T any](aws ...Awaitable[T]) Coro[[]Outcome[T]] {
	return &gatherOutcomes[T]{gatherCoro[T]{aws: aws, returnErrors: true}}
}

// gatherFuture is the "outer" future the awaiting task parks on. Its Cancel
// (what Task.Cancel calls on the future its task waits on) cancels the
// children instead of itself, like asyncio's _GatheringFuture: the outer
// future completes only when the children have.
type gatherFuture struct {
	Future[Void]
	kids            []AnyFuture
	cancelRequested bool
}

// Cancel cancels the children still running and reports whether it
// cancelled any.
func (g *gatherFuture) Cancel(msg ...string) bool {
	if g.Done() {
		return false
	}
	ret := false
	for _, k := range g.kids {
		if k.Cancel(msg...) {
			ret = true
		}
	}
	if ret {
		g.cancelRequested = true
	}
	return ret
}

// gatherCoro is the state both Gather forms share.
type gatherCoro[T any] struct {
	aws          []Awaitable[T]
	returnErrors bool
	outer        gatherFuture
	kids         []gatherKid[T]
	pos          []int // argument index -> kids index
	nfinished    int
	outs         []Outcome[T]
	started      bool
	done         bool
	err          error
}

// gatherKid is the done callback on one distinct child.
type gatherKid[T any] struct {
	g *gatherCoro[T]
	f typedFuture[T]
}

func (k *gatherKid[T]) run() { k.g.kidDone(k) }

func (g *gatherCoro[T]) Send(c *Ctx) Yield {
	if g.done {
		return Yield{}
	}
	if !g.started {
		g.started = true
		if len(g.aws) == 0 {
			g.done = true
			g.outs = []Outcome[T]{}
			return Yield{}
		}
		if err := g.start(c.Loop()); err != nil {
			g.done, g.err = true, err
			return Yield{}
		}
		if g.outer.Done() {
			// The children that were done settled it already.
			g.done = true
			g.err = g.outer.exception()
			return Yield{}
		}
		return Yield{fut: &g.outer, kind: yieldFuture}
	}
	if !g.outer.Done() {
		return Yield{fut: &g.outer, kind: yieldFuture} // spurious wake-up
	}
	g.done = true
	g.err = g.outer.exception()
	return Yield{}
}

// start wraps the arguments in futures, all or none: a future of another
// loop is found before any task is created.
func (g *gatherCoro[T]) start(l *Loop) error {
	for _, a := range g.aws {
		if a == nil {
			return errNilAwaitable
		}
		if f, ok := asFuture(a); ok && f.Loop() != l {
			return errOtherLoop
		}
	}
	g.outer.loop = l
	g.pos = make([]int, len(g.aws))
	seen := make(map[any]int)
	for i, a := range g.aws {
		key := dedupKey(a)
		if key {
			if j, ok := seen[a]; ok {
				g.pos[i] = j
				continue
			}
		}
		f, _ := ensureFuture(l, a) // cannot fail: checked above
		if key {
			seen[a] = len(g.kids)
		}
		g.pos[i] = len(g.kids)
		g.kids = append(g.kids, gatherKid[T]{g: g, f: f})
	}
	g.outer.kids = make([]AnyFuture, len(g.kids))
	for i := range g.kids {
		g.outer.kids[i] = g.kids[i].f
	}
	// Like asyncio 3.12's gather, the children already done are taken at
	// once, in argument order, not through the loop: a gather of done
	// futures does not suspend, and one that already failed fails it now.
	for i := range g.kids {
		if k := &g.kids[i]; k.f.Done() {
			g.kidDone(k)
		} else {
			k.f.base().addCallback(k)
		}
	}
	return nil
}

// kidDone is asyncio's gather _done_callback.
func (g *gatherCoro[T]) kidDone(k *gatherKid[T]) {
	g.nfinished++
	o := &g.outer
	if o.Done() {
		if !k.f.Cancelled() {
			k.f.Exception() // retrieved: the outer future reported first
		}
		return
	}
	if !g.returnErrors {
		if err := k.f.Exception(); err != nil {
			// A child cancel is an error of the outer future too, which
			// is not itself cancelled.
			o.setException(err, nil)
			return
		}
	}
	if g.nfinished < len(g.kids) {
		return
	}
	g.outs = make([]Outcome[T], len(g.aws))
	for i, j := range g.pos {
		kid := g.kids[j].f
		v, err := kid.Result()
		if kid.Cancelled() && kid.base().isTask() {
			// asyncio's gather makes the returned CancelledError from the
			// message the child keeps as a future, and a task settles its
			// cancellation without one: its outcome carries no message
			// (the task's own error still does).
			err = &CancelledError{}
		}
		g.outs[i] = Outcome[T]{Value: v, Err: err}
	}
	if o.cancelRequested {
		// Cancelling the outer future propagates even when errors are
		// returned as values (bpo-32684).
		var err error = &CancelledError{}
		if last := g.kids[len(g.kids)-1].f; last.Cancelled() {
			err = last.Exception()
		}
		g.outs = nil
		o.setException(err, nil)
		return
	}
	o.SetResult(Void{})
}

// Throw ends the await with err. Before the first Send it is as if gather
// had never been called: coroutine arguments are closed unstarted. After it,
// the children go on running, as after an exception at asyncio's
// "await outer".
func (g *gatherCoro[T]) Throw(_ *Ctx, err error) Yield {
	if !g.done {
		if !g.started {
			g.closeArgs()
		}
		g.started, g.done, g.err = true, true, err
	}
	return Yield{}
}

// Close abandons the await; see Throw.
func (g *gatherCoro[T]) Close() {
	if !g.done {
		if !g.started {
			g.closeArgs()
		}
		g.started, g.done, g.err = true, true, errRefClosed
	}
}

func (g *gatherCoro[T]) closeArgs() {
	for _, a := range g.aws {
		if _, ok := asFuture(a); !ok && a != nil {
			a.Close()
		}
	}
}

func (g *gatherCoro[T]) outcome() ([]Outcome[T], error) {
	if !g.done {
		return nil, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return g.outs, g.err
}

// gatherValues is the coroutine behind Gather.
type gatherValues[T any] struct{ gatherCoro[T] }

func (g *gatherValues[T]) Result() ([]T, error) {
	outs, err := g.outcome()
	if err != nil {
		return nil, err
	}
	vs := make([]T, len(outs))
	for i, o := range outs {
		vs[i] = o.Value
	}
	return vs, nil
}

// gatherOutcomes is the coroutine behind GatherReturnErrors.
type gatherOutcomes[T any] struct{ gatherCoro[T] }

func (g *gatherOutcomes[T]) Result() ([]Outcome[T], error) { return g.outcome() }

// AsAny makes a an Awaitable[any], for gathering (or waiting on) awaitables
// of different result types together; see Gather. A future or task stays
// one (Gather does not wrap it in a task, and cancelling the gather cancels
// it); a coroutine stays a coroutine. Its result is boxed in an interface.
func AsAny[T any](a Awaitable[T]) Awaitable[any] {
	if a == nil {
		return nil
	}
	if f, ok := asFuture(a); ok {
		return &anyFuture[T]{typedFuture: f, a: a}
	}
	return &anyCoro[T]{a: a}
}

// anyFuture is a future or task seen as an Awaitable[any].
type anyFuture[T any] struct {
	typedFuture[T]
	a Awaitable[T]
}

func (f *anyFuture[T]) Send(c *Ctx) Yield             { return f.a.Send(c) }
func (f *anyFuture[T]) Throw(c *Ctx, err error) Yield { return f.a.Throw(c, err) }
func (f *anyFuture[T]) Close()                        { f.a.Close() }
func (f *anyFuture[T]) Result() (any, error)          { return f.typedFuture.Result() }

// anyCoro is a coroutine seen as an Awaitable[any].
type anyCoro[T any] struct{ a Awaitable[T] }

func (c *anyCoro[T]) Send(x *Ctx) Yield             { return c.a.Send(x) }
func (c *anyCoro[T]) Throw(x *Ctx, err error) Yield { return c.a.Throw(x, err) }
func (c *anyCoro[T]) Close()                        { c.a.Close() }
func (c *anyCoro[T]) Result() (any, error)          { return c.a.Result() }

// AwaitStack lets an async stack go through the wrapper.
func (c *anyCoro[T]) AwaitStack(buf []StackFrame) []StackFrame {
	if s, ok := c.a.(Stacker); ok {
		return s.AwaitStack(buf)
	}
	return buf
}
