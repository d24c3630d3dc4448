package rt

// White-box tests of the loop core: the timer heap's invariants, the purge
// of cancelled timers, and the allocation-free await.

import (
	"math/rand/v2"
	"testing"
	"time"
)

func checkHeap(t *testing.T, h timerHeap) {
	t.Helper()
	for i, tm := range h {
		if tm.index != i {
			t.Fatalf("timer at %d has index %d", i, tm.index)
		}
		if i > 0 && h.less(i, (i-1)/2) {
			t.Fatalf("heap order broken at %d", i)
		}
	}
}

func TestTimerHeapKeepsIndexesAndOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h timerHeap
	var seq uint64
	for range 500 {
		seq++
		h.push(&TimerHandle{when: time.Duration(r.IntN(50)), seq: seq})
	}
	checkHeap(t, h)
	var prev *TimerHandle
	for len(h) > 0 {
		tm := h.pop()
		if tm.index != -1 {
			t.Fatalf("popped timer keeps index %d", tm.index)
		}
		if prev != nil && (tm.when < prev.when || tm.when == prev.when && tm.seq < prev.seq) {
			t.Fatalf("popped (%v,%d) after (%v,%d)", tm.when, tm.seq, prev.when, prev.seq)
		}
		prev = tm
	}
}

func newCoreLoop(t *testing.T) *Loop {
	t.Helper()
	l, err := NewLoop(WithClock(NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// TestPurgeRebuildsHeapWhenMostTimersAreCancelled is BE's
// test__run_once_cancelled_event_cleanup: more than 100 timers with more
// than half cancelled rebuild the heap; otherwise only the head is cleaned.
func TestPurgeRebuildsHeapWhenMostTimersAreCancelled(t *testing.T) {
	l := newCoreLoop(t)
	var hs []*TimerHandle
	for i := range 150 {
		hs = append(hs, l.CallLater(time.Duration(i+1)*time.Hour, func() {}))
	}
	// Cancel 75 of the later ones: exactly half, no rebuild; only the
	// (uncancelled) head stays.
	for _, h := range hs[75:] {
		h.Cancel()
	}
	l.purgeCancelledTimers()
	if len(l.timers) != 150 || l.cancelledTimers != 75 {
		t.Fatalf("at half: %d timers, %d cancelled", len(l.timers), l.cancelledTimers)
	}
	hs[74].Cancel() // now more than half
	l.purgeCancelledTimers()
	if len(l.timers) != 74 || l.cancelledTimers != 0 {
		t.Fatalf("after rebuild: %d timers, %d cancelled", len(l.timers), l.cancelledTimers)
	}
	checkHeap(t, l.timers)
	for _, h := range hs[74:] {
		if h.index != -1 {
			t.Fatal("a purged timer kept its index")
		}
	}
}

func TestPurgeDropsOnlyCancelledHeadOfSmallHeap(t *testing.T) {
	l := newCoreLoop(t)
	var hs []*TimerHandle
	for i := range 10 {
		hs = append(hs, l.CallLater(time.Duration(i+1)*time.Second, func() {}))
	}
	hs[0].Cancel()
	hs[1].Cancel()
	hs[5].Cancel()
	l.purgeCancelledTimers()
	if len(l.timers) != 8 || l.cancelledTimers != 1 || l.timers[0] != hs[2] {
		t.Fatalf("%d timers, %d cancelled, head %v", len(l.timers), l.cancelledTimers, l.timers[0].when)
	}
	checkHeap(t, l.timers)
}

func TestCancellingPoppedTimerDoesNotCount(t *testing.T) {
	l := newCoreLoop(t)
	h := l.CallLater(0, func() {})
	l.Stop()
	l.RunForever()
	h.Cancel()
	if l.cancelledTimers != 0 {
		t.Fatalf("cancelledTimers %d after cancelling a timer that ran", l.cancelledTimers)
	}
}

func TestRingGrowsKeepingFIFO(t *testing.T) {
	var r ring
	next, want := 0, 0
	for round := range 5 {
		for range 100 * (round + 1) {
			r.push(intCallback(next))
			next++
		}
		for range 70 {
			if got := r.pop().(intCallback); int(got) != want {
				t.Fatalf("popped %d, want %d", got, want)
			}
			want++
		}
	}
	r.clear()
	if r.len() != 0 {
		t.Fatal("clear left items")
	}
}

type intCallback int

func (intCallback) run() {}

// corePinger is a hand-written coroutine that awaits futs one after the
// other; corePonger completes the one it is waiting on from a callback.
type corePinger struct {
	futs []*Future[int]
	i    int
	aw   Awaiting[int]
}

func (p *corePinger) Send(c *Ctx) Yield {
	for {
		if p.aw.Pending() {
			if y, suspend := p.aw.Resume(c, nil); suspend {
				return y
			}
			p.aw.Result()
			p.i++
		}
		if p.i == len(p.futs) {
			return Yield{}
		}
		if y, suspend := p.aw.Start(c, p.futs[p.i]); suspend {
			return y
		}
	}
}

func (p *corePinger) Throw(c *Ctx, err error) Yield { return Yield{} }
func (p *corePinger) Close()                        {}
func (p *corePinger) Result() (int, error)          { return p.i, nil }

type corePonger struct {
	p *corePinger
	l *Loop
}

func (c *corePonger) run() {
	if c.p.i < len(c.p.futs) {
		c.p.futs[c.p.i].SetResult(c.p.i)
	}
	c.l.callSoon(c)
}

func TestAwaitOfFutureCompletedByCallbackAllocatesNothing(t *testing.T) {
	l := newCoreLoop(t)
	const runs = 200
	p := &corePinger{futs: make([]*Future[int], runs+50)}
	for i := range p.futs {
		p.futs[i] = NewFuture[int](l)
	}
	task := CreateTask[int](l, p)
	l.callSoon(&corePonger{p: p, l: l})
	// Warm up: the ring and the task list reach their steady size.
	for range 10 {
		l.runOnce()
	}
	start := p.i
	allocs := testing.AllocsPerRun(runs, func() { l.runOnce() })
	if p.i-start < runs {
		t.Fatalf("only %d awaits in %d passes", p.i-start, runs)
	}
	if allocs != 0 {
		t.Fatalf("%v allocations per await, want 0", allocs)
	}
	_ = task
}
