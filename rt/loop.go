package rt

import (
	"errors"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncgen/asyncgen/internal/fdtab"
	"github.com/asyncgen/asyncgen/rt/selector"
)

// Tuning taken from asyncio's base_events.
const (
	// minCancelledTimersForCleanup: below this many timers the heap is
	// never rebuilt, only cancelled timers at its head are dropped.
	minCancelledTimersForCleanup = 100
	// maxSelectTimeout caps one poll (asyncio's MAXIMUM_SELECT_TIMEOUT).
	maxSelectTimeout = 24 * time.Hour
)

// Loop is an event loop (asyncio's BaseEventLoop with a selector): a ready
// queue of callbacks, a heap of timers and an I/O selector, run by one
// goroutine. Its methods must be called from that goroutine unless their
// documentation says otherwise (CallSoonThreadsafe, Stop from a signal
// handler, ...); debug mode reports violations.
type Loop struct {
	ready           ring
	timers          timerHeap
	cancelledTimers int
	timerSeq        uint64

	sel selector.Selector
	// parker is sel when it can wait both ways (see poll), else nil.
	parker  selector.Parker
	waker   *selector.Waker
	events  []selector.Ready
	fds     fdtab.Table[*fdHandlers]
	clock   Clock
	virtual *VirtualClock
	// resolution is added to "now" when collecting due timers, so a timer
	// due within the clock's granularity runs in this pass.
	resolution time.Duration

	stopping bool
	// lastPoll and sincePoll rate-limit zero-timeout polls (see pollDue).
	lastPoll  time.Duration
	sincePoll int
	// lastYield is when the loop last gave the Go scheduler a turn (see
	// yieldToScheduler).
	lastYield time.Time
	// todo is how many callbacks of the current pass have yet to run.
	todo    int
	running bool
	closed  bool
	ownerG  uint64 // goroutine running the loop, for debug checks

	// CallSoonThreadsafe queue: the only state shared with other goroutines.
	tsMu     sync.Mutex
	tsQueue  []callback
	tsSpare  []callback
	tsClosed bool
	tsLen    atomic.Int32

	excHandler func(*Loop, ErrorContext)
	debug      bool
	slow       time.Duration

	current *Ctx // the driver of the task whose step is running
	tasks   taskList
	taskSeq uint64

	unretrieved map[*errLog]struct{}
	// inflight counts executor jobs whose outcome has not reached the
	// loop yet: a virtual clock must not jump past them, and the loop
	// parks rather than blocks while they run (see poll).
	inflight int
	// drained, while Run shuts the executor down, is set when inflight
	// reaches 0.
	drained *Future[Void]
	// calledAt is when a poll last took callbacks from other goroutines
	// (see poll); parkWindow is how long the loop parks after it
	// (defaultParkWindow; tests change it).
	calledAt   time.Time
	parkWindow time.Duration
	logSeq     uint64
	exec       *executor
	signals    *signalState

	net netState // transports, servers and their shared buffers

	asyncgens asyncgenSet // started, unfinished async iterators (see Run)
}

// Option configures a Loop at construction.
type Option func(*Loop)

// WithClock runs the loop on c instead of the monotonic wall clock; pass a
// *VirtualClock for tests that must not wait for timers.
func WithClock(c Clock) Option { return func(l *Loop) { l.clock = c } }

// WithSelector makes the loop use s (for example selector.NewPoll()) instead
// of the platform's best backend. The loop owns s and closes it. If s is a
// selector.Parker, the loop calls its SelectBlocked for the waits it makes
// while no other goroutine works for it, and Select otherwise: a wrapper
// that embeds a Parker must wrap both.
func WithSelector(s selector.Selector) Option { return func(l *Loop) { l.sel = s } }

// WithDebug turns debug mode on (see SetDebug).
func WithDebug(on bool) Option { return func(l *Loop) { l.debug = on } }

// NewLoop creates an event loop. It opens a selector and a waker (two file
// descriptors) that Close releases. The selector is the platform's best
// (selector.New: on Linux epoll that blocks in epoll_wait while the loop
// is alone and parks in Go's poller while a goroutine works for it) unless
// WithSelector is given or the environment names another in
// ASYNCGEN_SELECTOR (see selector.Named): poll, the portable poll(2)
// backend, or on Linux epoll, which always blocks its thread, and
// epoll-gopoller, which always parks.
func NewLoop(opts ...Option) (*Loop, error) {
	l := &Loop{
		resolution: time.Nanosecond,
		slow:       100 * time.Millisecond,
		sincePoll:  maxPollSkips, // the first pass always polls
		parkWindow: defaultParkWindow,
	}
	for _, o := range opts {
		o(l)
	}
	if l.clock == nil {
		l.clock = monoClock{start: time.Now()}
	}
	l.virtual, _ = l.clock.(*VirtualClock)
	if l.sel == nil {
		newSel := selector.New
		if name := os.Getenv("ASYNCGEN_SELECTOR"); name != "" {
			// Another backend, so that the whole suite can be run on
			// it: ASYNCGEN_SELECTOR=poll go test ./...
			newSel = selector.Named(name)
		}
		s, err := newSel()
		if err != nil {
			return nil, err
		}
		l.sel = s
	}
	l.parker, _ = l.sel.(selector.Parker)
	w, err := selector.NewWaker()
	if err != nil {
		l.sel.Close()
		return nil, err
	}
	if err := l.sel.Register(w.FD(), selector.Read); err != nil {
		w.Close()
		l.sel.Close()
		return nil, err
	}
	l.waker = w
	l.events = make([]selector.Ready, 0, 128)
	return l, nil
}

// Time returns the loop's current time (asyncio's loop.time()); deadlines
// given to CallAt are on this scale.
func (l *Loop) Time() time.Duration { return l.clock.Now() }

// CallSoon schedules fn to run in the next pass of the loop, after the
// callbacks already scheduled (FIFO). It panics if the loop is closed.
func (l *Loop) CallSoon(fn func()) *Handle {
	l.checkUsable("CallSoon")
	h := &Handle{fn: fn, loop: l}
	l.ready.push(h)
	return h
}

// CallSoonNoHandle is CallSoon for a callback nobody will cancel, which is
// most of them: with no Handle to return it allocates nothing, so a
// callback created once (a protocol's, a server's) can be scheduled at
// every event for free. It panics if the loop is closed.
func (l *Loop) CallSoonNoHandle(fn func()) {
	if l.closed || l.debug || !l.ready.tryPush(funcCallback(fn)) {
		l.callSoonNoHandleSlow(fn)
	}
}

// callSoonNoHandleSlow is CallSoonNoHandle on a closed loop, in debug mode
// or with a full ready queue.
func (l *Loop) callSoonNoHandleSlow(fn func()) {
	l.checkUsable("CallSoonNoHandle")
	l.ready.push(funcCallback(fn))
}

// callSoon schedules an internal callback without allocating a Handle.
// Completing a future schedules its callbacks here, so in debug mode this
// is where a future completed from the wrong goroutine is caught (asyncio
// checks the thread in call_soon for the same reason).
func (l *Loop) callSoon(cb callback) {
	if !l.fastPush(cb) {
		l.callSoonSlow(cb)
	}
}

// fastPush is callSoon's common case, which inlines: it queues cb unless
// the loop is in debug mode or the queue must grow, and reports whether it
// did. The await path writes callSoon as
//
//	if !l.fastPush(cb) { l.callSoonSlow(cb) }
//
// to save a call.
func (l *Loop) fastPush(cb callback) bool { return !l.debug && l.ready.tryPush(cb) }

// callSoonSlow is callSoon in debug mode, where it checks the caller's
// goroutine, or with a full ready queue.
func (l *Loop) callSoonSlow(cb callback) {
	if l.debug && l.running {
		l.checkGoroutine("a Future or Task method")
	}
	l.ready.push(cb)
}

// CallLater schedules fn to run after delay d (which may be zero or
// negative: then it runs in the next pass). It panics if the loop is closed.
func (l *Loop) CallLater(d time.Duration, fn func()) *TimerHandle {
	return l.CallAt(l.clock.Now()+d, fn)
}

// CallAt schedules fn to run at loop time when. Timers with equal deadlines
// run in the order they were scheduled. It panics if the loop is closed.
func (l *Loop) CallAt(when time.Duration, fn func()) *TimerHandle {
	l.checkUsable("CallAt")
	l.timerSeq++
	t := &TimerHandle{Handle: Handle{fn: fn, loop: l}, when: when, seq: l.timerSeq}
	l.timers.push(t)
	return t
}

// CallSoonThreadsafe is CallSoon for any goroutine: it queues fn and wakes
// the loop if it is blocked polling. It returns ErrLoopClosed once the loop
// is closed.
func (l *Loop) CallSoonThreadsafe(fn func()) (*Handle, error) {
	h := &Handle{fn: fn, loop: l}
	l.tsMu.Lock()
	if l.tsClosed {
		l.tsMu.Unlock()
		return nil, ErrLoopClosed
	}
	l.tsQueue = append(l.tsQueue, h)
	l.tsLen.Add(1)
	l.tsMu.Unlock()
	if err := l.waker.Wake(); err != nil {
		if errors.Is(err, selector.ErrClosed) {
			// Close won the race after we queued: fn is dropped.
			return nil, ErrLoopClosed
		}
		return h, err
	}
	return h, nil
}

func (l *Loop) timerCancelled() { l.cancelledTimers++ }

// checkUsable panics with a clear message when a scheduling method is used
// on a closed loop, and in debug mode when it is called from a goroutine
// other than the one running the loop.
func (l *Loop) checkUsable(what string) {
	if l.closed || l.debug {
		l.checkUsableSlow(what) // out of line: checkUsable inlines
	}
}

func (l *Loop) checkUsableSlow(what string) {
	if l.closed {
		panic(&RuntimeError{Msg: "rt: " + what + ": " + ErrLoopClosed.Error(), Err: ErrLoopClosed})
	}
	if l.debug && l.running {
		l.checkGoroutine(what)
	}
}

// IsRunning reports whether the loop is running.
func (l *Loop) IsRunning() bool { return l.running }

// IsClosed reports whether Close was called.
func (l *Loop) IsClosed() bool { return l.closed }

// Stop makes RunForever return after the current pass: callbacks already
// ready still run, those they schedule wait for the next run. Called before
// the loop runs, it makes the next RunForever do exactly one pass that does
// not block. Like every loop method it must be called on the loop's
// goroutine; from elsewhere use CallSoonThreadsafe(l.Stop).
func (l *Loop) Stop() { l.stopping = true }

// RunForever runs the loop until Stop is called.
func (l *Loop) RunForever() error {
	if l.closed {
		return ErrLoopClosed
	}
	if l.running {
		return ErrLoopRunning
	}
	g := goid()
	if _, inRef := refByG.Load(g); inRef {
		// A reference-mode coroutine runs on a goroutine of its own;
		// the loop that drives it is still running.
		return &RuntimeError{Msg: "rt: cannot run an event loop from inside a coroutine"}
	}
	if _, busy := loopByG.LoadOrStore(g, l); busy {
		return &RuntimeError{Msg: "rt: cannot run the event loop while another loop is running on this goroutine"}
	}
	l.running, l.ownerG = true, g
	defer func() {
		l.running, l.stopping, l.ownerG = false, false, 0
		loopByG.Delete(g)
	}()
	for !l.runPasses() {
	}
	return nil
}

// runPasses runs passes until Stop. A panic escaping a callback is caught
// here, once per RunForever rather than once per callback or pass, which
// keeps the recover off the hot path: it is reported (see recovered), and
// runPasses returns false so that RunForever re-enters it and the
// interrupted pass finishes its remaining callbacks before the next poll.
func (l *Loop) runPasses() (stopped bool) {
	defer func() {
		if !stopped {
			if v := recover(); v != nil { // nil: runtime.Goexit, let it unwind
				l.recovered(v)
			}
		}
	}()
	if l.todo > 0 {
		l.runReady()
		if l.stopping {
			return true
		}
	}
	for {
		// A busy pass with no timers, no poll due and nothing from other
		// goroutines is what runOnce comes to in that case, with none
		// of its tests: only the ready callbacks run. Every await of a
		// future completed by a callback takes two of these.
		// The pass is runReady's loop written out: the call would cost
		// 15 instructions a pass, 3% of an await.
		if n := l.ready.n; n == 0 || len(l.timers) != 0 || l.sincePoll >= maxPollSkips || l.stopping || l.debug || l.tsLen.Load() != 0 {
			l.runOnce()
		} else {
			l.sincePoll += n
			for n > 0 {
				n--
				l.todo = n // exact for the resume after a panic
				l.ready.pop().run()
			}
		}
		if l.stopping {
			return true
		}
	}
}

// RunUntilComplete runs the loop until f is done and returns f's error (nil
// on success; a CancelledError if it was cancelled). Like asyncio it runs at
// least one pass, even for a future that is already done. It fails if the
// loop is closed or already running, or if it was stopped before f finished.
func (l *Loop) RunUntilComplete(f AnyFuture) error {
	if l.closed {
		return ErrLoopClosed
	}
	if l.running {
		return ErrLoopRunning
	}
	fb := f.base()
	if fb.loop != l {
		return &RuntimeError{Msg: "rt: the future belongs to a different loop"}
	}
	stop := (*loopStopper)(l)
	fb.addCallback(stop)
	err := l.RunForever()
	// After an early stop the callback must not stay behind: it would stop
	// a later run when f completes (asyncio's remove_done_callback of
	// _run_until_complete_cb).
	fb.removeCallback(stop)
	if err != nil {
		return err
	}
	if !fb.Done() {
		return &RuntimeError{Msg: "rt: event loop stopped before the future completed"}
	}
	return f.Exception()
}

// loopStopper is the done callback RunUntilComplete adds: a pointer, so it
// costs no allocation and can be found again by removeCallback.
type loopStopper Loop

func (s *loopStopper) run() { (*Loop)(s).Stop() }

// RunUntilComplete runs l until a is done and returns its outcome. A
// coroutine is wrapped in a Task first.
func RunUntilComplete[T any](l *Loop, a Awaitable[T]) (T, error) {
	var zero T
	// Checked first, so that a failed call leaves no orphan task and a
	// done future does not hide the misuse.
	if l.closed {
		return zero, ErrLoopClosed
	}
	if l.running {
		return zero, ErrLoopRunning
	}
	var fut *Future[T]
	if f, ok := a.(interface{ futureOf() *Future[T] }); ok {
		fut = f.futureOf()
	} else {
		fut = &CreateTask(l, a).Future
	}
	if err := l.RunUntilComplete(fut); err != nil && (!fut.Done() || fut.loop != l) {
		return zero, err
	}
	return fut.Result()
}

// Close closes the loop: it closes the coroutines of tasks still pending
// (reporting each, as asyncio does when such a task is collected), drops
// pending callbacks, shuts the executor down, reports errors that were
// never retrieved, and closes the selector.
// It fails while the loop runs; a second Close does nothing.
func (l *Loop) Close() error {
	if l.running {
		return &RuntimeError{Msg: "rt: cannot close a running event loop"}
	}
	if l.closed {
		return nil
	}
	// Transports and servers first: ConnectionLost may still wake tasks,
	// which are then closed with the rest. All of it before the loop is
	// marked closed, so the coroutines' defers may still cancel timers and
	// schedule (dropped) callbacks.
	l.closeResources()
	l.abandonTasks()
	l.closed = true
	l.tsMu.Lock()
	l.tsClosed = true
	l.tsQueue = nil
	l.tsMu.Unlock()
	l.ready.clear()
	for _, t := range l.timers {
		t.index = -1
	}
	l.timers = nil
	l.reportUnretrieved()
	if l.exec != nil {
		l.exec.shutdown()
	}
	if l.signals != nil {
		l.signals.close(l)
	}
	err := l.sel.Close()
	if werr := l.waker.Close(); err == nil {
		err = werr
	}
	return err
}

// runOnce is one iteration of the loop (asyncio's _run_once): purge
// cancelled timers, poll for I/O with a timeout that lets the next timer
// fire on time, move the due timers to the ready queue, then run exactly the
// callbacks that are ready at that moment. Anything they schedule runs in
// the next pass, which is what keeps one busy callback chain from starving
// I/O.
func (l *Loop) runOnce() {
	if len(l.timers) > 0 {
		l.purgeCancelledTimers()
	}

	timeout := time.Duration(-1)
	switch {
	case l.ready.len() > 0 || l.stopping || l.tsLen.Load() > 0:
		timeout = 0
	case len(l.timers) > 0:
		timeout = min(max(l.timers[0].when-l.clock.Now(), 0), maxSelectTimeout)
	}
	// The clock is read at most once per pass, and only when timers need
	// it: on virtual machines a clock read can cost as much as a step.
	var now time.Duration
	haveNow := false
	if timeout == 0 && !l.stopping && len(l.timers) > 0 {
		now, haveNow = l.clock.Now(), true
	}
	if timeout != 0 || l.stopping || l.pollDue(now, haveNow) {
		l.poll(timeout)
		haveNow = false
	} else if l.tsLen.Load() > 0 {
		l.takeThreadsafe()
		l.calledAt = time.Now() // as poll does: park for a while now
	}

	// Timers due within the clock's resolution run now: running them a
	// hair early beats another poll that would time out at once.
	if len(l.timers) > 0 {
		if !haveNow {
			now = l.clock.Now()
			l.lastPoll = now
		}
		end := now + l.resolution
		for len(l.timers) > 0 && l.timers[0].when < end {
			t := l.timers.pop()
			if t.cancelled {
				l.cancelledTimers--
				continue
			}
			l.ready.push(&t.Handle)
		}
	}

	l.todo = l.ready.len()
	l.runReady()
}

// runReady runs the callbacks of the current pass: the l.todo callbacks
// that were ready when it began. Anything they schedule waits for the next
// pass.
func (l *Loop) runReady() {
	l.sincePoll += l.todo
	if l.debug {
		for l.todo > 0 {
			l.todo--
			l.runTimed(l.ready.pop())
		}
		return
	}
	// n mirrors l.todo in a register; l.todo is stored before each call
	// so that a panic leaves it exact for runPasses to resume from.
	for n := l.todo; n > 0; {
		n--
		l.todo = n
		l.ready.pop().run()
	}
}

// Zero-timeout polls are skipped while callbacks are ready, until
// maxPollSkips callbacks have run since the last poll or pollInterval of
// loop time has passed, whichever comes first. asyncio polls on every pass;
// here a poll is a syscall costing 20 times a task step, so polling every
// pass would make every await cost a syscall. Counting callbacks rather
// than passes bounds the work a ready socket can wait behind: a few hundred
// callbacks, or pollInterval when timers give the loop a clock reading.
const (
	maxPollSkips = 256
	pollInterval = 50 * time.Microsecond
)

// pollDue reports whether a pass with ready callbacks must poll anyway.
// Without timers the clock is not read and only the callback count bounds
// the skipping.
func (l *Loop) pollDue(now time.Duration, haveNow bool) bool {
	return l.sincePoll >= maxPollSkips || haveNow && now-l.lastPoll >= pollInterval
}

// purgeCancelledTimers drops cancelled timers: a full O(n) rebuild when they
// are more than half of a large heap, otherwise only those at the head
// (cheap, and enough to compute the poll timeout correctly).
func (l *Loop) purgeCancelledTimers() {
	n := len(l.timers)
	if n > minCancelledTimersForCleanup && l.cancelledTimers*2 > n {
		kept := l.timers[:0]
		for _, t := range l.timers {
			if t.cancelled {
				t.index = -1
			} else {
				kept = append(kept, t)
			}
		}
		clear(l.timers[len(kept):])
		l.timers = kept
		l.timers.init()
		l.cancelledTimers = 0
		return
	}
	for len(l.timers) > 0 && l.timers[0].cancelled {
		l.timers.pop()
		l.cancelledTimers--
	}
}

// runOne runs one callback; a panic goes to recovered and the loop
// carries on.
func (l *Loop) runOne(cb callback) {
	defer func() {
		if v := recover(); v != nil {
			l.recovered(v)
		}
	}()
	cb.run()
}

// recovered handles a panic that escaped a callback. If a transport was
// delivering data, the panic came out of its protocol: the connection
// fails with it. If a ConnectionMade was running, the report names its
// connection, which goes on. If a task step was running, the panic came out of its
// coroutine: the task fails with it (with the stack, a *PanicError) and
// the loop survives. Otherwise it goes to the exception handler.
func (l *Loop) recovered(v any) {
	err := FailureOf(v)
	if t := l.net.delivering; t != nil {
		l.net.delivering = nil
		t.deliveryPanicked(err)
		return
	}
	if t := l.net.making; t != nil {
		p := l.net.makingProto
		l.net.making, l.net.makingProto = nil, nil
		l.CallExceptionHandler(ErrorContext{Message: "exception in callback", Err: err, Transport: t, Protocol: p})
		return
	}
	if c := l.current; c != nil {
		l.current = nil
		c.task.stepPanicked(err)
		return
	}
	l.CallExceptionHandler(ErrorContext{Message: "exception in callback", Err: err})
}

// runHandle runs a Handle's function (a panic is caught by runPasses, or
// by runOne in debug mode).
func (l *Loop) runHandle(fn func()) { fn() }

// poll waits for I/O up to timeout (<0: until something happens) and queues
// the callbacks of ready file descriptors and of other goroutines.
func (l *Loop) poll(timeout time.Duration) {
	wait := timeout
	if l.virtual != nil && timeout > 0 && l.inflight == 0 {
		// On virtual time, never sleep for a timer; but while executor
		// jobs run, wait for them (at most the timer's delay, in real
		// time) so that blocking work takes no virtual time.
		wait = 0
	}
	var waited time.Time
	if wait != 0 {
		waited = time.Now()
	}
	var evs []selector.Ready
	var err error
	if l.parker != nil && l.inflight == 0 && waited.Sub(l.calledAt) >= l.parkWindow {
		// No other goroutine is working for the loop: block the thread
		// in the kernel, one syscall per wait. While one is (an executor
		// job runs, or another goroutine called in lately and may be
		// waiting for the answer, which a callback may hand it after
		// this wait or a later one), park in Go's poller, which gives
		// it our P at once instead of leaving it queued behind a thread
		// stuck in a wait. (A poll that cannot block, wait 0, is the
		// same syscall either way.)
		evs, err = l.parker.SelectBlocked(l.events[:0], wait)
	} else {
		evs, err = l.sel.Select(l.events[:0], wait)
	}
	l.sincePoll = 0
	now := l.yieldToScheduler(waited)
	if err != nil {
		l.CallExceptionHandler(ErrorContext{Message: "selector failed", Err: err})
	}
	if cap(evs) > 0 {
		l.events = evs[:0] // keep the buffer, even after an error
	}
	woken := false
	for _, ev := range evs {
		if ev.FD == l.waker.FD() {
			l.waker.Drain()
			woken = true
			continue
		}
		l.dispatchIO(ev)
	}
	if l.tsLen.Load() > 0 {
		l.takeThreadsafe()
		woken = true
	}
	if woken {
		l.calledAt = now
	}
	if l.virtual != nil && timeout > 0 && len(evs) == 0 && !woken {
		l.virtual.advanceTo(l.timers[0].when)
	}
}

// defaultParkWindow is how long after a poll took a callback from another
// goroutine the loop parks rather than blocks (see poll). That goroutine
// often waits for an answer the loop gives only after more I/O (a request
// it asked the loop to make), and a blocked loop would leave it queued for
// its P until the runtime's monitor takes it from the blocked thread,
// 20µs to 10ms later. Parking costs two epoll_waits more per wait, so a
// loop that hears from others once in a while parks for a moment and
// blocks again; one that keeps being called into keeps parking.
const defaultParkWindow = 10 * time.Millisecond

// yieldInterval is how often a busy loop passes through the Go scheduler.
// A goroutine that never does is, after 10ms, marked for preemption by
// the runtime's monitor; found in a syscall (the loop is in one most of
// the time), its P is then taken away and handed to a new thread, and the
// monitor keeps waking every 20µs instead of backing off: on a server
// pinned to one core that cost a fifth of its throughput. A Gosched every
// few milliseconds costs well under 0.1% of the loop's time and keeps all
// of that away.
const yieldInterval = 4 * time.Millisecond

// yieldToScheduler calls runtime.Gosched when yieldInterval has passed
// since the last time. A poll that slept that long (waited is when it
// began, zero for a poll that could not block) counts as a yield: the
// loop was idle, and the first event after it is not delayed by one.
// It returns the time it read.
func (l *Loop) yieldToScheduler(waited time.Time) time.Time {
	now := time.Now()
	switch {
	case !waited.IsZero() && now.Sub(waited) >= yieldInterval:
		l.lastYield = now
	case now.Sub(l.lastYield) >= yieldInterval:
		l.lastYield = now
		runtime.Gosched()
	}
	return now
}

// takeThreadsafe moves callbacks queued by other goroutines to the ready
// queue, swapping buffers so the lock is held only for the swap.
func (l *Loop) takeThreadsafe() {
	l.tsMu.Lock()
	q := l.tsQueue
	l.tsQueue = l.tsSpare[:0]
	l.tsLen.Store(0)
	l.tsMu.Unlock()
	for i, cb := range q {
		l.ready.push(cb)
		q[i] = nil
	}
	l.tsSpare = q[:0]
}
