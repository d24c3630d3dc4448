package generated_test

import (
	"fmt"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/rtimpl"
)

// The benchmarks report the cost of one await (ns/op and allocs/op are per
// await): a task resumed by the loop, through a generated frame, compared
// with a hand-written state machine doing the same and with a goroutine
// channel ping-pong. DESIGN.md section 7 targets <= 50 ns and 0 allocs per
// await. In the reference build (-tags asyncgen_ref) the "generated" rows
// measure the goroutine-backed driver instead.

// bareSource hands out one reusable awaitable that suspends once with a
// bare yield (the task is rescheduled through the ready queue) and then
// completes: the pure resume path, with nothing allocated per await.
type bareSource struct{ a bareOnce }

func (s *bareSource) Next() rt.Coro[int] { return &s.a }

type bareOnce struct {
	bare    rt.Yield
	pending bool
}

func newBareSource() *bareSource {
	// rt.Sleep(0) yields bare on its first Send without touching the
	// driver; keep that Yield to replay it.
	return &bareSource{a: bareOnce{bare: rt.Sleep(0).Send(nil)}}
}

func (b *bareOnce) Send(*rt.Ctx) rt.Yield {
	if !b.pending {
		b.pending = true
		return b.bare
	}
	b.pending = false
	return rt.Yield{}
}

func (b *bareOnce) Throw(*rt.Ctx, error) rt.Yield { b.pending = false; return rt.Yield{} }
func (b *bareOnce) Close()                        {}
func (b *bareOnce) Result() (int, error)          { return 1, nil }

// futureSource hands out fresh futures that a loop callback completes: the
// full path of asyncio's "await fut", including creating the future and
// scheduling its completion, written as a user would, with the public API
// only. A new closure per future, given to CallSoon, is the naive form;
// a callback made once and scheduled with CallSoonNoHandle is what a
// protocol or a server does (its callback outlives the awaits), and leaves
// the future as the only allocation of an await.
type futureSource struct {
	l        *rt.Loop
	how      scheduling
	cur      *rt.Future[int]
	complete func()
}

type scheduling int

const (
	closurePerAwait scheduling = iota // CallSoon(func() { f.SetResult(1) })
	handlePerAwait                    // CallSoon(complete), complete made once
	noHandle                          // CallSoonNoHandle(complete)
)

func newFutureSource(l *rt.Loop, how scheduling) *futureSource {
	s := &futureSource{l: l, how: how}
	s.complete = func() { s.cur.SetResult(1) }
	return s
}

func (s *futureSource) Next() rt.Coro[int] {
	f := rt.NewFuture[int](s.l)
	switch s.how {
	case closurePerAwait:
		s.l.CallSoon(func() { f.SetResult(1) })
	case handlePerAwait:
		s.cur = f
		s.l.CallSoon(s.complete)
	case noHandle:
		s.cur = f
		s.l.CallSoonNoHandle(s.complete)
	}
	return f
}

// handLoop is benchAwaitLoop written by hand against the coroutine
// contract: the baseline the generated frame is measured against.
type handLoop struct {
	src    Source
	n, i   int
	sum    int
	aw     rt.Awaiting[int]
	state  uint8
	err    error
	result int
}

func (h *handLoop) Send(c *rt.Ctx) rt.Yield             { return h.step(c, nil) }
func (h *handLoop) Throw(c *rt.Ctx, err error) rt.Yield { return h.step(c, err) }
func (h *handLoop) Close()                              { h.aw.Close() }
func (h *handLoop) Result() (int, error)                { return h.result, h.err }

func (h *handLoop) step(c *rt.Ctx, thrown error) rt.Yield {
	for {
		if h.state == 1 {
			if y, suspend := h.aw.Resume(c, thrown); suspend {
				return y
			}
			thrown = nil
			h.state = 0
			v, err := h.aw.Result()
			if err != nil {
				h.err = err
				return rt.Yield{}
			}
			h.sum += v
			h.i++
		}
		if h.i >= h.n {
			h.result = h.sum
			return rt.Yield{}
		}
		if y, suspend := h.aw.Start(c, h.src.Next()); suspend {
			h.state = 1
			return y
		}
		v, err := h.aw.Result()
		if err != nil {
			h.err = err
			return rt.Yield{}
		}
		h.sum += v
		h.i++
	}
}

// runAwaits runs the coroutine mk makes as a task awaiting b.N times.
func runAwaits(b *testing.B, mk func(l *rt.Loop, n int) rt.Coro[int]) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	c := mk(l, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	v, err := rt.RunUntilComplete(l, c)
	b.StopTimer()
	if err != nil || v != b.N {
		b.Fatalf("got %d, %v; want %d", v, err, b.N)
	}
}

func BenchmarkAwaitBareYield(b *testing.B) {
	b.Run("generated", func(b *testing.B) {
		runAwaits(b, func(_ *rt.Loop, n int) rt.Coro[int] { return benchAwaitLoopAsync(newBareSource(), n) })
	})
	b.Run("handwritten", func(b *testing.B) {
		runAwaits(b, func(_ *rt.Loop, n int) rt.Coro[int] { return &handLoop{src: newBareSource(), n: n} })
	})
	for _, depth := range []int{1, 4} {
		b.Run(fmt.Sprintf("generated-depth%d", depth), func(b *testing.B) {
			runAwaits(b, func(_ *rt.Loop, n int) rt.Coro[int] { return benchChainAsync(newBareSource(), n, depth) })
		})
	}
}

// BenchmarkAwaitFuture is the figure users get: a generated coroutine
// awaiting a fresh future that a loop callback completes, side by side
// with the goroutine ping-pong anchor in the same run.
func BenchmarkAwaitFuture(b *testing.B) {
	for _, how := range []struct {
		name string
		s    scheduling
	}{{"closure-per-await", closurePerAwait}, {"callsoon", handlePerAwait}, {"callsoon-nohandle", noHandle}} {
		b.Run("generated/"+how.name, func(b *testing.B) {
			runAwaits(b, func(l *rt.Loop, n int) rt.Coro[int] { return benchAwaitLoopAsync(newFutureSource(l, how.s), n) })
		})
	}
	b.Run("handwritten/callsoon-nohandle", func(b *testing.B) {
		runAwaits(b, func(l *rt.Loop, n int) rt.Coro[int] { return &handLoop{src: newFutureSource(l, noHandle), n: n} })
	})
	b.Run("generated-depth4/callsoon-nohandle", func(b *testing.B) {
		runAwaits(b, func(l *rt.Loop, n int) rt.Coro[int] { return benchChainAsync(newFutureSource(l, noHandle), n, 4) })
	})
	b.Run("goroutine-pingpong", BenchmarkGoroutinePingPong)
}

// BenchmarkAsyncIter is one value of an async iteration: a generated
// producer yielding to a generated consumer awaiting Next, no other await
// in between (the producer runs inside the consumer's task).
func BenchmarkAsyncIter(b *testing.B) {
	runAwaits(b, func(_ *rt.Loop, n int) rt.Coro[int] {
		return benchConsumeAsync(rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return benchProduceAsync(n, y) }))
	})
}

// BenchmarkAsyncIterRange is BenchmarkAsyncIter with the consumer ranging
// over All.
func BenchmarkAsyncIterRange(b *testing.B) {
	runAwaits(b, func(_ *rt.Loop, n int) rt.Coro[int] {
		return benchConsumeRangeAsync(rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return benchProduceAsync(n, y) }))
	})
}

// BenchmarkAsyncIterShort is the life of a short async iteration, one op
// each: an iterator made, its one value pulled and its end seen by a
// generated consumer run to completion on the loop (what a connection's
// Lines costs beside its lines), the iterator's entry in the loop's set of
// open ones (see Loop.ShutdownAsyncIters) included.
func BenchmarkAsyncIterShort(b *testing.B) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ReportAllocs()
	for b.Loop() {
		it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return benchProduceAsync(1, y) })
		if v, err := rt.RunUntilComplete(l, benchConsumeAsync(it)); v != 1 || err != nil {
			b.Fatal(v, err)
		}
	}
}

// BenchmarkGoroutinePingPong is the anchor: one round trip between two
// goroutines over unbuffered channels per op.
func BenchmarkGoroutinePingPong(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		ping <- i
		<-pong
	}
	b.StopTimer()
	close(ping)
}

// driveDirect sends into c until it finishes, with no loop or task in
// between: the cost of resuming the frames alone. The awaitables ignore
// the driver, so none is needed.
func driveDirect(b *testing.B, c rt.Coro[int]) {
	b.ReportAllocs()
	b.ResetTimer()
	for !c.Send(nil).Done() {
	}
	b.StopTimer()
	if v, err := c.Result(); err != nil || v != b.N {
		b.Fatalf("got %d, %v; want %d", v, err, b.N)
	}
}

// BenchmarkResumeDirect is one await (a suspension and a resume) per op,
// driven directly: it isolates what a generated frame costs per level.
func BenchmarkResumeDirect(b *testing.B) {
	if rtimpl.RefMode {
		b.Skip("the reference driver needs a task")
	}
	b.Run("generated", func(b *testing.B) { driveDirect(b, benchAwaitLoopAsync(newBareSource(), b.N)) })
	b.Run("handwritten", func(b *testing.B) { driveDirect(b, &handLoop{src: newBareSource(), n: b.N}) })
	for _, depth := range []int{1, 4} {
		b.Run(fmt.Sprintf("generated-depth%d", depth), func(b *testing.B) {
			driveDirect(b, benchChainAsync(newBareSource(), b.N, depth))
		})
	}
}
