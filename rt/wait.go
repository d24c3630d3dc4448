package rt

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"time"
)

// NoTimeout is the timeout (or deadline) that never expires: asyncio's
// timeout=None. Any other duration is a real timeout, and a negative one has
// already expired, as in asyncio; a sentinel rather than "any negative value"
// keeps a deadline computed as "deadline - now" from turning into "forever"
// once it is past.
const NoTimeout time.Duration = math.MinInt64

// ReturnWhen says when Wait returns (asyncio's return_when).
type ReturnWhen int

const (
	// AllCompleted returns when every future is done (the default, as in
	// asyncio).
	AllCompleted ReturnWhen = iota
	// FirstCompleted returns when any future is done.
	FirstCompleted
	// FirstException returns when any future fails with an error (a
	// cancelled future does not count), or when all are done.
	FirstException
)

// String returns the constant's name.
func (r ReturnWhen) String() string {
	switch r {
	case AllCompleted:
		return "AllCompleted"
	case FirstCompleted:
		return "FirstCompleted"
	case FirstException:
		return "FirstException"
	}
	return "ReturnWhen(" + strconv.Itoa(int(r)) + ")"
}

// WaitResult is what Wait returns: the futures that are done and those still
// pending when it woke up, each in the order they were given.
type WaitResult struct {
	Done    []AnyFuture
	Pending []AnyFuture
}

var (
	errWaitEmpty   = errors.New("rt: Wait of an empty set of futures")
	errWaitWhen    = errors.New("rt: Wait: invalid ReturnWhen")
	errWaitNil     = errors.New("rt: Wait of a nil future")
	errOtherLoop   = errors.New("rt: a future attached to a different loop")
	errNoTaskToRun = errors.New("rt: must be awaited inside a task")
)

// waitCoro is the coroutine behind Wait: a private waiter future released by
// callbacks on the children (or the timer), awaited in place. The waiter is
// a field, not embedded, so a waitCoro is never taken for a future.
type waitCoro struct {
	fs      []AnyFuture
	when    ReturnWhen
	timeout time.Duration
	waiter  Future[Void]
	timer   *TimerHandle
	kids    []waitKid
	counter int
	started bool
	done    bool
	res     WaitResult
	err     error
}

// waitKid is the done callback Wait puts on one child; a pointer per child
// so that removeCallback can find it again.
type waitKid struct {
	w *waitCoro
	f AnyFuture
}

// Wait waits for the futures and tasks in fs (asyncio.wait) until when says
// so or the timeout (NoTimeout: none) expires, and returns which are done and
// which are pending at that moment. It never cancels the futures, and a
// timeout is not an error: the expired futures simply stay in Pending.
// Duplicates count once. An empty fs or an invalid when make the await fail.
// Pass coroutines wrapped in tasks (CreateTask), as asyncio requires.
func Wait(fs []AnyFuture, when ReturnWhen, timeout time.Duration) Coro[WaitResult] {
	return &waitCoro{fs: fs, when: when, timeout: timeout}
}

func (w *waitCoro) Send(c *Ctx) Yield {
	if w.done {
		return Yield{}
	}
	if !w.started {
		w.started = true
		if err := w.start(c.Loop()); err != nil {
			w.finish(err)
			return Yield{}
		}
		// asyncio's wait always suspends, even when everything is
		// already done: the children's callbacks release the waiter.
		return Yield{fut: &w.waiter, kind: yieldFuture}
	}
	if !w.waiter.Done() {
		return Yield{fut: &w.waiter, kind: yieldFuture} // spurious wake-up
	}
	// A cancelled waiter means the task awaiting us was cancelled.
	w.finish(w.waiter.failure())
	return Yield{}
}

func (w *waitCoro) start(l *Loop) error {
	if len(w.fs) == 0 {
		return errWaitEmpty
	}
	if w.when < AllCompleted || w.when > FirstException {
		return errWaitWhen
	}
	uniq := make([]AnyFuture, 0, len(w.fs))
	seen := make(map[AnyFuture]bool, len(w.fs))
	for _, f := range w.fs {
		if f == nil {
			return errWaitNil
		}
		if f.Loop() != l {
			return errOtherLoop
		}
		if !seen[f] {
			seen[f] = true
			uniq = append(uniq, f)
		}
	}
	w.fs = uniq
	w.waiter.loop = l
	w.counter = len(uniq)
	if w.timeout != NoTimeout {
		w.timer = l.CallLater(w.timeout, w.release)
	}
	w.kids = make([]waitKid, len(uniq))
	for i, f := range uniq {
		w.kids[i] = waitKid{w: w, f: f}
		f.base().addCallback(&w.kids[i])
	}
	return nil
}

func (k *waitKid) run() {
	w := k.w
	w.counter--
	if w.counter <= 0 || w.when == FirstCompleted ||
		(w.when == FirstException && !k.f.Cancelled() && k.f.Exception() != nil) {
		w.release()
	}
}

// release wakes the waiting coroutine (a child's callback, or the timer).
func (w *waitCoro) release() {
	if w.timer != nil {
		w.timer.Cancel()
		w.timer = nil
	}
	if !w.waiter.Done() {
		w.waiter.SetResult(Void{})
	}
}

// finish unhooks everything and, on success, sorts the futures into done
// and pending as they are now.
func (w *waitCoro) finish(err error) {
	w.done = true
	if w.timer != nil {
		w.timer.Cancel()
		w.timer = nil
	}
	for i := range w.kids {
		w.kids[i].f.base().removeCallback(&w.kids[i])
	}
	w.kids = nil
	w.err = err
	if err != nil {
		return
	}
	for _, f := range w.fs {
		if f.Done() {
			w.res.Done = append(w.res.Done, f)
		} else {
			w.res.Pending = append(w.res.Pending, f)
		}
	}
}

func (w *waitCoro) Throw(_ *Ctx, err error) Yield {
	if !w.done {
		w.started = true
		w.finish(err)
	}
	return Yield{}
}

func (w *waitCoro) Close() {
	if !w.done {
		w.finish(errRefClosed)
	}
}

func (w *waitCoro) Result() (WaitResult, error) {
	if !w.done {
		return WaitResult{}, &InvalidStateError{Msg: "coroutine has not finished"}
	}
	return w.res, w.err
}

// typedFuture is what *Future[T] and *Task[T] have in common: the combinators
// take any Awaitable[T] and treat these as futures, everything else as a
// coroutine to wrap in a task.
type typedFuture[T any] interface {
	AnyFuture
	Result() (T, error)
}

// asFuture returns a as a future if it is one (asyncio.isfuture).
func asFuture[T any](a Awaitable[T]) (typedFuture[T], bool) {
	f, ok := a.(typedFuture[T])
	return f, ok
}

// ensureFuture is asyncio.ensure_future on loop l: a future of l is used as
// is, a coroutine is wrapped in a new task.
func ensureFuture[T any](l *Loop, a Awaitable[T]) (typedFuture[T], error) {
	if a == nil {
		return nil, errNilAwaitable
	}
	if f, ok := asFuture(a); ok {
		if f.Loop() != l {
			return nil, errOtherLoop
		}
		return f, nil
	}
	return CreateTask(l, a), nil
}

// dedupKey reports whether a can serve as a map key to find duplicate
// arguments. Only pointers are used: any Coro worth passing twice is one,
// and comparing other dynamic types could panic.
func dedupKey(a any) bool {
	return a != nil && reflect.TypeOf(a).Kind() == reflect.Pointer
}

// isCancellation reports whether err is a cancellation and not a timeout
// that converted one: the test asyncio spells "except CancelledError".
func isCancellation(err error) bool {
	return errors.Is(err, ErrCancelled) && !errors.Is(err, ErrTimeout)
}
