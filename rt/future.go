package rt

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"weak"
)

type futureState uint8

const (
	pending futureState = iota
	finished
	cancelled
)

func (s futureState) String() string {
	return [...]string{"pending", "finished", "cancelled"}[s]
}

// CallbackID identifies a done callback for RemoveDoneCallback (Go funcs are
// not comparable, so asyncio's remove-by-equality becomes remove-by-id).
type CallbackID uint64

type cbEntry struct {
	cb callback
	id CallbackID
}

// futureBase is the untyped part of every Future and Task. It is kept small
// because a suspended task is mostly this struct: the first done callback is
// stored inline (almost every future has exactly one: the task awaiting it),
// and everything rare lives behind ext — the error too: a future that fails
// allocates ext anyway (its error log lives there), and without the error a
// Future[int] fits 48 bytes instead of 64 and a Task[Void] 112 instead of 128.
type futureBase struct {
	loop *Loop
	cb0  callback
	ext  *futureExt
	// The task fields live here, in what would otherwise be padding.
	state      futureState
	mustCancel bool
	task       bool
	numCancels int32
}

// futureExt holds what most futures never need.
type futureExt struct {
	err       error // the exception, or the *CancelledError once cancelled
	more      []cbEntry
	nextID    CallbackID
	log       *errLog
	source    string // creation site, in debug mode
	name      string // a task's name when set explicitly
	cancelMsg string // a task's pending cancellation message
}

func (f *futureBase) x() *futureExt {
	if f.ext == nil {
		f.ext = &futureExt{}
	}
	return f.ext
}

func (f *futureBase) base() *futureBase { return f }

// noteSource records where the future was created (debug mode), out of
// line so that NewFuture inlines.
//
//go:noinline
func (f *futureBase) noteSource() { f.x().source = callerSite() }

// failure is the future's error (nil while pending or with a result),
// without marking it retrieved.
func (f *futureBase) failure() error {
	if f.ext == nil {
		return nil
	}
	return f.ext.err
}

// source is where the future was created, if debug mode recorded it.
func (f *futureBase) source() string {
	if f.ext == nil {
		return ""
	}
	return f.ext.source
}

func (f *futureBase) isTask() bool { return f.task }

// Loop returns the loop the future belongs to.
func (f *futureBase) Loop() *Loop { return f.loop }

// Done reports whether the future has a result, an error, or was cancelled.
func (f *futureBase) Done() bool { return f.state != pending }

// Cancelled reports whether the future was cancelled.
func (f *futureBase) Cancelled() bool { return f.state == cancelled }

// addCallback registers an internal callback, scheduled through the ready
// queue once the future is done (at once if it already is).
func (f *futureBase) addCallback(cb callback) {
	if f.state != pending {
		f.loop.callSoon(cb)
		return
	}
	if f.cb0 == nil && (f.ext == nil || len(f.ext.more) == 0) {
		f.cb0 = cb
		return
	}
	x := f.x()
	x.more = append(x.more, cbEntry{cb: cb})
}

// removeCallback drops an internal callback (used by combinators whose
// waiter is cancelled); it reports whether it was registered. cb must be a
// comparable value (a pointer): comparing two funcCallbacks panics. cb must be of
// a comparable type (a pointer, typically): comparing two funcCallbacks
// would panic.
func (f *futureBase) removeCallback(cb callback) bool {
	if f.cb0 == cb {
		f.cb0 = nil
		return true
	}
	if f.ext != nil {
		for i, e := range f.ext.more {
			if e.id == 0 && e.cb == cb {
				f.ext.more = slices.Delete(f.ext.more, i, i+1)
				return true
			}
		}
	}
	return false
}

func (f *futureBase) addDoneCallback(cb callback) CallbackID {
	x := f.x()
	x.nextID++
	id := x.nextID
	if f.state != pending {
		f.loop.callSoon(cb)
		return id
	}
	if f.cb0 != nil {
		// Keep registration order: the inline slot must stay first.
		x.more = append([]cbEntry{{cb: f.cb0}}, x.more...)
		f.cb0 = nil
	}
	x.more = append(x.more, cbEntry{cb: cb, id: id})
	return id
}

// RemoveDoneCallback unregisters the callback with the given id and returns
// how many callbacks it removed (0 or 1).
func (f *futureBase) RemoveDoneCallback(id CallbackID) int {
	if f.ext == nil || id == 0 {
		return 0
	}
	n := 0
	kept := f.ext.more[:0]
	for _, e := range f.ext.more {
		if e.id == id {
			n++
			continue
		}
		kept = append(kept, e)
	}
	clear(f.ext.more[len(kept):])
	f.ext.more = kept
	return n
}

// scheduleCallbacks hands every done callback to the loop, in registration
// order; callbacks never run inline, so a future completed from deep inside
// one callback never re-enters another.
func (f *futureBase) scheduleCallbacks() {
	if cb := f.cb0; cb != nil {
		f.cb0 = nil
		if !f.loop.fastPush(cb) {
			f.loop.callSoonSlow(cb)
		}
	}
	if f.ext != nil && len(f.ext.more) > 0 {
		f.scheduleMore()
	}
}

// scheduleMore schedules the callbacks beyond the inline one.
func (f *futureBase) scheduleMore() {
	for _, e := range f.ext.more {
		f.loop.callSoon(e.cb)
	}
	f.ext.more = nil
}

// cancel is Future.cancel: it reports whether the future was pending.
func (f *futureBase) cancel(msg string) bool {
	if f.state != pending {
		return false
	}
	f.state = cancelled
	f.x().err = &CancelledError{Msg: msg}
	f.scheduleCallbacks()
	return true
}

// setException fails the future with err; ref finds the future again for
// the report of an error nobody retrieves (nil: a future of the runtime's
// own that no report needs to name).
func (f *futureBase) setException(err error, ref futureRef) error {
	if f.state != pending {
		return &InvalidStateError{Msg: "future is already " + f.state.String()}
	}
	if err == nil {
		return &InvalidStateError{Msg: "SetException with a nil error"}
	}
	f.x().err = err
	f.state = finished
	f.armLog(ref)
	f.scheduleCallbacks()
	return nil
}

// exception returns the error without any state check; it marks the error
// as retrieved.
func (f *futureBase) exception() error {
	switch f.state {
	case pending:
		return &InvalidStateError{Msg: "result is not set"}
	}
	f.disarmLog()
	return f.failure()
}

// Exception returns the future's error: nil if it has a result, its error,
// a *CancelledError if it was cancelled, or an *InvalidStateError if it is
// not done yet. Reading it counts as retrieving the error.
func (f *futureBase) Exception() error { return f.exception() }

func (f *futureBase) describe() string {
	if err := f.failure(); f.state == finished && err != nil {
		return fmt.Sprintf("finished error=%v", err)
	}
	return f.state.String()
}

// Future is the result of an operation that completes later (asyncio.Future).
// It goes from pending to finished (with a result or an error) or cancelled,
// once. Awaiting it suspends a coroutine until then; its done callbacks run
// through the loop's ready queue in registration order.
//
// A Future belongs to one loop and, like the loop, is used from the loop's
// goroutine only.
type Future[T any] struct {
	// result comes first: a zero-size trailing field (Future[Void]) would
	// be padded, making every Task[Void] a size class larger.
	result T
	futureBase
}

// NewFuture creates a pending future on l.
func NewFuture[T any](l *Loop) *Future[T] {
	f := &Future[T]{futureBase: futureBase{loop: l}}
	if l.debug {
		f.noteSource()
	}
	return f
}

func (f *Future[T]) futureOf() *Future[T] { return f }

// Result returns the result, or the error the future failed with, a
// *CancelledError if it was cancelled, or an *InvalidStateError if it is not
// done yet. With an error the value is the zero value, except for a Task
// whose coroutine returned a value together with its error (Go's n, err,
// as io.Reader returns them): that value comes with the error, as it does
// when the coroutine is awaited directly.
func (f *Future[T]) Result() (T, error) {
	if f.state == pending {
		var zero T
		return zero, &InvalidStateError{Msg: "result is not set"}
	}
	if f.ext != nil && f.ext.err != nil {
		f.disarmLog()
		return f.result, f.ext.err
	}
	return f.result, nil
}

// SetResult completes the future with v. It fails with an
// *InvalidStateError if the future is already done.
func (f *Future[T]) SetResult(v T) error {
	if f.state != pending {
		return &InvalidStateError{Msg: "future is already " + f.state.String()}
	}
	f.result = v
	f.state = finished
	if f.ext == nil {
		// scheduleCallbacks when the only callback can be the inline
		// one (what almost every await comes to), without the call.
		if cb := f.cb0; cb != nil {
			f.cb0 = nil
			if !f.loop.fastPush(cb) {
				f.loop.callSoonSlow(cb)
			}
		}
		return nil
	}
	f.scheduleCallbacks()
	return nil
}

// SetException completes the future with err (which must not be nil). An
// error that nobody retrieves (Result, Exception) is reported through the
// loop's exception handler when the future is collected, or at the latest
// when the loop closes.
func (f *Future[T]) SetException(err error) error { return f.setException(err, weakRef(f)) }

// Cancel cancels a pending future, scheduling its callbacks; it returns
// false if the future was already done. An optional message travels in the
// *CancelledError.
func (f *Future[T]) Cancel(msg ...string) bool {
	m := ""
	if len(msg) > 0 {
		m = msg[0]
	}
	f.disarmLog()
	return f.cancel(m)
}

// Reset makes a done future pending again, for an owner that signals the
// same event over and over (a stream reader's "data arrived") and would
// otherwise allocate a future per event. Only the future's owner may call
// it, and only once whoever awaited the future has taken its outcome: a
// task woken by the future but not yet run would find it pending again
// and wait for the next completion instead. An error nobody retrieved is
// forgotten. It fails with an *InvalidStateError on a pending future.
func (f *Future[T]) Reset() error {
	if f.state == pending {
		return &InvalidStateError{Msg: "Reset of a pending future"}
	}
	f.disarmLog()
	var zero T
	f.result, f.state = zero, pending
	if f.ext != nil {
		f.ext.err = nil
	}
	return nil
}

// AddDoneCallback arranges for fn to run (through the loop's ready queue)
// once the future is done, immediately-scheduled if it already is.
func (f *Future[T]) AddDoneCallback(fn func(*Future[T])) CallbackID {
	return f.addDoneCallback(funcCallback(func() { fn(f) }))
}

// Send implements Awaitable (Python's Future.__await__): it yields the
// future while it is pending. Coroutines use Await instead.
func (f *Future[T]) Send(*Ctx) Yield {
	if f.state == pending {
		return Yield{fut: f, kind: yieldFuture}
	}
	return Yield{}
}

// Throw implements Awaitable; an error thrown at an await of a future is
// returned by that await (see Awaiting.Resume).
func (f *Future[T]) Throw(*Ctx, error) Yield { return Yield{} }

// Close implements Awaitable; a future has nothing to unwind.
func (f *Future[T]) Close() {}

// String shows the future's state, for logs and test failures.
func (f *Future[T]) String() string { return "<Future " + f.describe() + ">" }

// errLog tracks an error nobody has retrieved yet. It is separate from the
// future so that the future can be collected while the loop still knows
// about the error.
type errLog struct {
	loop   *Loop
	err    error
	what   string
	source string
	// ref finds the future while it lives, for the report's Future;
	// name (set explicitly) or else id (Task-N) is a task's name, for a
	// report made once it is collected.
	ref   futureRef
	name  string
	id    uint64
	armed bool
	seq   uint64 // arming order, so that Close reports in a stable order
}

// futureRef finds a future again while it is alive, without keeping it
// alive (a weak pointer): a report of its unretrieved error then names it,
// as asyncio's context carries the future.
type futureRef interface{ get() AnyFuture }

// weakFuture is the futureRef of a *Future[T] or *Task[T] (P, whose
// element type is T).
type weakFuture[T any, P interface {
	*T
	AnyFuture
}] weak.Pointer[T]

func (w weakFuture[T, P]) get() AnyFuture {
	if p := weak.Pointer[T](w).Value(); p != nil {
		return P(p)
	}
	return nil
}

// weakRef returns the futureRef of f.
func weakRef[T any, P interface {
	*T
	AnyFuture
}](f P) futureRef {
	return weakFuture[T, P](weak.Make((*T)(f)))
}

func (f *futureBase) armLog(ref futureRef) {
	x := f.x()
	lg := &errLog{loop: f.loop, err: x.err, what: "Future", ref: ref, armed: true}
	lg.source = x.source
	if x.name != "" || f.isTask() {
		lg.what = "Task"
		if ref != nil {
			if t, ok := ref.get().(AnyTask); ok {
				// Not t.Name(): "Task-N" is made only for a report.
				lg.name, lg.id = x.name, t.taskID()
			}
		}
	}
	x.log = lg
	l := f.loop
	if l.unretrieved == nil {
		l.unretrieved = make(map[*errLog]struct{})
	}
	l.logSeq++
	lg.seq = l.logSeq
	l.unretrieved[lg] = struct{}{}
	// lg must not reach f, or f would never be collected: it holds the
	// error and the loop, not the future.
	runtime.AddCleanup(f, func(lg *errLog) {
		// Collected: report on the loop's goroutine, which owns lg.
		lg.loop.CallSoonThreadsafe(func() { lg.loop.reportLog(lg) })
	}, lg)
}

func (f *futureBase) disarmLog() {
	if f.ext != nil && f.ext.log != nil {
		f.ext.log.armed = false
		delete(f.loop.unretrieved, f.ext.log)
		f.ext.log = nil
	}
}

func (l *Loop) reportLog(lg *errLog) {
	if !lg.armed {
		return
	}
	lg.armed = false
	delete(l.unretrieved, lg)
	ctx := ErrorContext{
		Message: lg.what + " exception was never retrieved",
		Err:     lg.err,
		Source:  lg.source,
	}
	if lg.ref != nil {
		ctx.Future = lg.ref.get()
	}
	if ctx.Future == nil {
		// Collected: the record still says which one it was, as the
		// future's String would.
		ctx.futureDesc = fmt.Sprintf("<%s finished error=%v>", lg.what, lg.err)
		if lg.name != "" || lg.id != 0 {
			name := lg.name
			if name == "" {
				name = fmt.Sprint("Task-", lg.id)
			}
			ctx.futureDesc = fmt.Sprintf("<Task %s finished error=%v>", name, lg.err)
		}
	}
	l.CallExceptionHandler(ctx)
}

// reportUnretrieved reports, in the order they were set, the errors of
// futures that are still alive and unretrieved (Close: the last chance).
func (l *Loop) reportUnretrieved() {
	logs := make([]*errLog, 0, len(l.unretrieved))
	for lg := range l.unretrieved {
		logs = append(logs, lg)
	}
	slices.SortFunc(logs, func(a, b *errLog) int { return cmp.Compare(a.seq, b.seq) })
	for _, lg := range logs {
		l.reportLog(lg)
	}
}
