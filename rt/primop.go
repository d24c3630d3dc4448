package rt

// This file holds the shape shared by the awaitables of locks.py and
// queues.py (Lock, Semaphore, Event, Condition, Barrier, Queue).
//
// Each blocking method returns a hand-written coroutine ("op") that does its
// work when first sent, like calling an async def in Python: nothing happens
// until it is awaited. An op that has to block waits on a Future embedded
// in itself and queued in the primitive's FIFO of waiters, so blocking costs
// one allocation (the op) and not blocking costs none: every primitive keeps
// one op of each kind inline and hands it out while it is not in use; it is
// free again once its outcome has been read (Result) or it was closed.
// Like a Python coroutine, an op must be awaited at most once.
//
// What differs between primitives (when to block, what a wake-up means,
// what to pass on when leaving) stays in each op; primOp holds the rest.
// Its helpers are plain methods, not hooks, so the uncontended path makes
// no indirect call.

// primState is where a hand-written primitive awaitable is in its life.
type primState uint8

const (
	primNew     primState = iota // created, not yet sent
	primWaiting                  // suspended on its waiter future
	primDone                     // finished; Result holds the outcome
)

func errNotFinished() error {
	return &InvalidStateError{Msg: "coroutine has not finished"}
}

// loopBound binds a primitive to the loop of the first caller that has to
// wait (asyncio's _LoopBoundMixin), so primitives are created without a
// loop; using one from a second loop is an error.
type loopBound struct{ loop *Loop }

func (b *loopBound) bindLoop(c *Ctx, what string) (*Loop, error) {
	l := c.Loop()
	if b.loop == nil {
		b.loop = l
	}
	if b.loop != l {
		return nil, &RuntimeError{Msg: "rt: " + what + " is bound to a different event loop"}
	}
	return l, nil
}

// armWaiter makes f a fresh pending future of l (f may be a reused one).
func armWaiter(f *Future[Void], l *Loop) {
	*f = Future[Void]{}
	f.loop = l
}

// primOp is the bookkeeping every primitive op embeds: its waiter future,
// its outcome and whether it is its owner's inline op.
type primOp struct {
	fut   Future[Void]
	err   error
	state primState
	// lent marks the owner's inline op while it is handed out; the owner
	// hands out a new one instead until Result or Close gives it back.
	lent bool
}

func (o *primOp) finish(err error) {
	o.state = primDone
	o.err = err
}

// suspend is the Yield that waits on the waiter future.
func (o *primOp) suspend() Yield { return Yield{fut: &o.fut, kind: yieldFuture} }

// wait queues the op in ws as a fresh waiter of l and suspends.
func (o *primOp) wait(ws *waitq, l *Loop) Yield {
	armWaiter(&o.fut, l)
	ws.pushBack(&o.fut)
	o.state = primWaiting
	return o.suspend()
}

// bindWait is wait on the loop b is bound to (binding it if need be); if b
// belongs to another loop it returns that error and leaves the op as it was.
func (o *primOp) bindWait(c *Ctx, b *loopBound, what string, ws *waitq) (Yield, error) {
	l, err := b.bindLoop(c, what)
	if err != nil {
		return Yield{}, err
	}
	return o.wait(ws, l), nil
}

// thrown handles an error thrown into the op: one not yet started simply
// fails with it; it reports whether the op was waiting, when the caller
// has to leave the wait because of err.
func (o *primOp) thrown(err error) (waiting bool) {
	if o.state == primNew {
		o.finish(err)
	}
	return o.state == primWaiting
}

// close ends the op for Close, once the caller has left any wait.
func (o *primOp) close() {
	o.state = primDone
	o.recycle()
}

// result reads the outcome (an error if the op has not finished) and gives
// an inline op back to its owner.
func (o *primOp) result() error {
	if o.state != primDone {
		return errNotFinished()
	}
	err := o.err
	o.recycle()
	return err
}

// Result is the outcome of the ops that produce no value.
func (o *primOp) Result() (Void, error) { return Void{}, o.result() }

func (o *primOp) recycle() {
	if o.lent {
		o.lent = false
		o.err = nil
	}
}
