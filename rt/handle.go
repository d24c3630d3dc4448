package rt

import "time"

// callback is what the ready queue holds: a Handle, a Task (whose run is
// its step), or an internal function. An interface rather than a func()
// lets a Task be scheduled without allocating a closure per await.
type callback interface{ run() }

// funcCallback adapts a plain func for the ready queue; a func value stored
// in an interface does not allocate.
type funcCallback func()

func (f funcCallback) run() { f() }

// Handle is a callback scheduled on a loop (asyncio.Handle). Cancel keeps it
// from running if it has not run yet.
type Handle struct {
	fn        func()
	loop      *Loop
	cancelled bool
}

// Cancel keeps the callback from running. Cancelling twice, or after it
// ran, does nothing.
func (h *Handle) Cancel() {
	if h.cancelled {
		return
	}
	h.cancelled = true
	h.fn = nil // drop what the callback references
}

// Cancelled reports whether Cancel was called.
func (h *Handle) Cancelled() bool { return h.cancelled }

func (h *Handle) run() {
	if h.cancelled {
		return
	}
	h.loop.runHandle(h.fn)
}

// TimerHandle is a callback scheduled for a loop time (asyncio.TimerHandle).
// Timers with equal deadlines run in the order they were scheduled.
type TimerHandle struct {
	Handle
	when  time.Duration
	seq   uint64
	index int // in the heap; -1 when not in it
}

// When returns the loop time the callback is scheduled for.
func (t *TimerHandle) When() time.Duration { return t.when }

// Cancel keeps the timer from firing; the loop drops cancelled timers from
// its heap lazily (see Loop.runOnce).
func (t *TimerHandle) Cancel() {
	if t.cancelled {
		return
	}
	t.Handle.Cancel()
	if t.index >= 0 && t.loop != nil {
		t.loop.timerCancelled()
	}
}

// timerHeap is a min-heap of timers ordered by (when, seq): the earliest
// deadline first, ties in scheduling order. Push and Pop are O(log n), the
// head is O(1). It keeps each timer's index up to date (-1 once popped) so
// that a timer can tell whether it is still queued.
type timerHeap []*TimerHandle

func (h timerHeap) less(i, j int) bool {
	a, b := h[i], h[j]
	if a.when != b.when {
		return a.when < b.when
	}
	return a.seq < b.seq
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) push(t *TimerHandle) {
	t.index = len(*h)
	*h = append(*h, t)
	h.up(t.index)
}

func (h *timerHeap) pop() *TimerHandle {
	old := *h
	n := len(old) - 1
	old.swap(0, n)
	old[:n].down(0)
	t := old[n]
	old[n] = nil
	t.index = -1
	*h = old[:n]
	return t
}

func (h timerHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

func (h timerHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && h.less(r, l) {
			j = r
		}
		if !h.less(j, i) {
			return
		}
		h.swap(i, j)
		i = j
	}
}

// init establishes the heap order in O(n) after a bulk rebuild.
func (h timerHeap) init() {
	for i := range h {
		h[i].index = i
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}
