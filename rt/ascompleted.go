package rt

import "time"

// AsCompleted runs aws concurrently and returns one awaitable per distinct
// argument (asyncio.as_completed): each await yields the outcome of the next
// argument to complete, in completion order, whatever order the awaitables
// themselves are awaited in.
//
//	for _, next := range rt.AsCompleted(aws, time.Second) {
//		v, err := rt.Await(next) // earliest first
//	}
//
// Coroutines are wrapped in tasks on the running loop when the first of the
// returned awaitables is awaited, and the timeout (NoTimeout: none) starts
// then; once it expires, every await not yet served fails with a
// *TimeoutError while the children go on running.
func AsCompleted[T any](aws []Awaitable[T], timeout time.Duration) []Coro[T] {
	s := &asCompleted[T]{timeout: timeout}
	n := 0
	seen := make(map[any]bool)
	for _, a := range aws {
		if dedupKey(a) {
			if seen[a] {
				continue
			}
			seen[a] = true
		}
		s.uniq = append(s.uniq, a)
		n++
	}
	out := make([]Coro[T], n)
	for i := range out {
		out[i] = &nextCompleted[T]{s: s}
	}
	return out
}

// asCompleted is the state the awaitables of one AsCompleted share: a queue
// of completed futures (nil marks a timeout) and the getters waiting on it,
// like the asyncio.Queue the Python version uses.
type asCompleted[T any] struct {
	uniq    []Awaitable[T]
	timeout time.Duration
	bound   bool
	err     error // a binding failure, reported by every await
	kids    []asCompletedKid[T]
	todo    int
	queue   []typedFuture[T]
	getters []*Future[Void]
	timer   *TimerHandle
}

// asCompletedKid is the done callback on one child.
type asCompletedKid[T any] struct {
	s       *asCompleted[T]
	f       typedFuture[T]
	pending bool
}

// bind wraps the arguments in futures on l and starts the timer.
func (s *asCompleted[T]) bind(l *Loop) {
	s.bound = true
	for _, a := range s.uniq {
		if a == nil {
			s.err = errNilAwaitable
			return
		}
		if f, ok := asFuture(a); ok && f.Loop() != l {
			s.err = errOtherLoop
			return
		}
	}
	s.kids = make([]asCompletedKid[T], len(s.uniq))
	for i, a := range s.uniq {
		f, _ := ensureFuture(l, a) // cannot fail: checked above
		s.kids[i] = asCompletedKid[T]{s: s, f: f, pending: true}
		f.base().addCallback(&s.kids[i])
	}
	s.todo = len(s.kids)
	if s.todo > 0 && s.timeout != NoTimeout {
		s.timer = l.CallLater(s.timeout, s.onTimeout)
	}
}

func (k *asCompletedKid[T]) run() {
	s := k.s
	if !k.pending {
		return // the timeout was here first
	}
	k.pending = false
	s.todo--
	s.put(k.f)
	if s.todo == 0 && s.timer != nil {
		s.timer.Cancel()
		s.timer = nil
	}
}

// onTimeout queues a timeout marker for every child not yet completed.
func (s *asCompleted[T]) onTimeout() {
	s.timer = nil
	for i := range s.kids {
		k := &s.kids[i]
		if k.pending {
			k.pending = false
			k.f.base().removeCallback(k)
			s.put(nil)
		}
	}
	s.todo = 0
}

func (s *asCompleted[T]) put(f typedFuture[T]) {
	s.queue = append(s.queue, f)
	s.wakeupNext()
}

// wakeupNext wakes the first getter still waiting.
func (s *asCompleted[T]) wakeupNext() {
	for len(s.getters) > 0 {
		g := s.getters[0]
		s.getters[0] = nil
		s.getters = s.getters[1:]
		if !g.Done() {
			g.SetResult(Void{})
			return
		}
	}
}

func (s *asCompleted[T]) removeGetter(g *Future[Void]) {
	for i, x := range s.getters {
		if x == g {
			s.getters = append(s.getters[:i], s.getters[i+1:]...)
			return
		}
	}
}

// nextCompleted is one awaitable returned by AsCompleted.
type nextCompleted[T any] struct {
	s       *asCompleted[T]
	getter  *Future[Void]
	started bool
	done    bool
	res     T
	err     error
}

func (n *nextCompleted[T]) Send(c *Ctx) Yield {
	if n.done {
		return Yield{}
	}
	s := n.s
	if !n.started {
		n.started = true
		if !s.bound {
			s.bind(c.Loop())
		}
		if s.err != nil {
			n.finish(s.err)
			return Yield{}
		}
	} else if n.getter != nil {
		if !n.getter.Done() {
			return Yield{fut: n.getter, kind: yieldFuture} // spurious
		}
		if n.getter.Cancelled() {
			// The awaiting task was cancelled.
			return n.Throw(c, n.getter.failure())
		}
		n.getter = nil
	}
	if len(s.queue) == 0 {
		n.getter = NewFuture[Void](c.Loop())
		s.getters = append(s.getters, n.getter)
		return Yield{fut: n.getter, kind: yieldFuture}
	}
	f := s.queue[0]
	s.queue[0] = nil
	s.queue = s.queue[1:]
	if f == nil {
		n.finish(&TimeoutError{})
	} else {
		n.done = true
		n.res, n.err = f.Result()
	}
	return Yield{}
}

func (n *nextCompleted[T]) finish(err error) {
	n.done, n.err = true, err
}

// Throw ends the await with err; a wake-up this getter had already been
// given passes to the next one, as in asyncio.Queue.get.
func (n *nextCompleted[T]) Throw(_ *Ctx, err error) Yield {
	if n.done {
		return Yield{}
	}
	n.started = true
	if g := n.getter; g != nil {
		n.getter = nil
		woken := g.Done() && !g.Cancelled()
		g.Cancel()
		n.s.removeGetter(g)
		if woken && len(n.s.queue) > 0 {
			n.s.wakeupNext()
		}
	}
	n.finish(err)
	return Yield{}
}

func (n *nextCompleted[T]) Close() { n.Throw(nil, errRefClosed) }

func (n *nextCompleted[T]) Result() (T, error) {
	if !n.done {
		var zero T
		return zero, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return n.res, n.err
}
