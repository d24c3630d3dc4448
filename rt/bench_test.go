package rt

// Benchmarks of the runtime's hot paths, each beside its goroutine
// counterpart so that one run gives the ratio (DESIGN.md section 7):
//
//	go test -run '^$' -bench . -benchmem ./rt/

import (
	"errors"
	"iter"
	"runtime"
	"sync"
	"testing"
	"time"
)

// pinger is a hand-written coroutine that awaits n futures one after the
// other, each completed by a loop callback (the completer) scheduled just
// before the await: the round trip of asyncio's await of a pending future.
// The future is reset and reused so that what is measured is the await and
// the resume, not the allocation of a future (BenchmarkAwaitFreshFuture
// measures that too).
type pinger struct {
	n, i  int
	fut   Future[int]
	done  completer
	aw    Awaiting[int]
	sum   int
	fresh bool
}

type completer struct{ f *Future[int] }

func (c *completer) run() { c.f.SetResult(1) }

func (p *pinger) Send(c *Ctx) Yield {
	for {
		if p.aw.Pending() {
			if y, suspend := p.aw.Resume(c, nil); suspend {
				return y
			}
			v, _ := p.aw.Result()
			p.sum += v
			p.i++
		}
		if p.i == p.n {
			return Yield{}
		}
		f := &p.fut
		if p.fresh {
			f = NewFuture[int](c.Loop())
		} else {
			p.fut.state = pending
		}
		f.loop = c.Loop()
		p.done.f = f
		c.Loop().callSoon(&p.done)
		if y, suspend := p.aw.Start(c, f); suspend {
			return y
		}
	}
}

func (p *pinger) Throw(c *Ctx, err error) Yield { return Yield{} }
func (p *pinger) Close()                        {}
func (p *pinger) Result() (int, error)          { return p.sum, nil }

func benchLoop(b *testing.B) *Loop {
	l, err := NewLoop()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	return l
}

// BenchmarkAwaitResume: one op is one await of a pending future that a
// callback completes, and the task's resume.
func BenchmarkAwaitResume(b *testing.B) {
	l := benchLoop(b)
	p := &pinger{n: b.N}
	b.ReportAllocs()
	b.ResetTimer()
	sum, err := RunUntilComplete[int](l, CreateTask[int](l, p))
	if err != nil || sum != b.N {
		b.Fatal(sum, err)
	}
}

// BenchmarkAwaitFreshFuture is BenchmarkAwaitResume with a new future per
// await, as most real awaits have.
func BenchmarkAwaitFreshFuture(b *testing.B) {
	l := benchLoop(b)
	p := &pinger{n: b.N, fresh: true}
	b.ReportAllocs()
	b.ResetTimer()
	if sum, err := RunUntilComplete[int](l, CreateTask[int](l, p)); err != nil || sum != b.N {
		b.Fatal(sum, err)
	}
}

// herdMember awaits its future rounds times; the herd's completer wakes
// every member at once.
type herdMember struct {
	rounds, i int
	fut       Future[int]
	aw        Awaiting[int]
}

func (m *herdMember) Send(c *Ctx) Yield {
	if m.aw.Pending() {
		if y, suspend := m.aw.Resume(c, nil); suspend {
			return y
		}
		m.aw.Result()
		m.i++
	}
	if m.i == m.rounds {
		return Yield{}
	}
	m.fut.state = pending
	m.fut.loop = c.Loop()
	y, _ := m.aw.Start(c, &m.fut)
	return y
}
func (m *herdMember) Throw(*Ctx, error) Yield { return Yield{} }
func (m *herdMember) Close()                  {}
func (m *herdMember) Result() (int, error)    { return m.i, nil }

// BenchmarkAwaitResumeHerd: 1024 tasks each await their own future; one
// callback per round completes all of them, and the next pass resumes them
// all. One op is one await and resume, with the loop's per-pass cost shared
// as it is on a busy server.
func BenchmarkAwaitResumeHerd(b *testing.B) {
	const herd = 1024
	l := benchLoop(b)
	rounds := b.N/herd + 1
	members := make([]*herdMember, herd)
	for i := range members {
		members[i] = &herdMember{rounds: rounds}
		CreateTask[int](l, members[i])
	}
	l.Stop()
	l.RunForever() // every member suspends on its first await
	b.ReportAllocs()
	b.ResetTimer()
	for r := 0; r < rounds; r++ {
		for _, m := range members {
			m.fut.SetResult(1)
		}
		l.Stop()
		l.RunForever()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rounds*herd), "ns/await")
}

// BenchmarkAwaitResumeGoroutine is the goroutine counterpart: one op is a
// round trip between two goroutines over unbuffered channels.
func BenchmarkAwaitResumeGoroutine(b *testing.B) {
	req, resp := make(chan int), make(chan int)
	go func() {
		for v := range req {
			resp <- v
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	sum := 0
	for i := 0; i < b.N; i++ {
		req <- 1
		sum += <-resp
	}
	close(req)
}

// BenchmarkAwaitResumeIterPull is the iter.Pull counterpart: one op is one
// resume of a coroutine-backed iterator.
func BenchmarkAwaitResumeIterPull(b *testing.B) {
	next, stop := iter.Pull(func(yield func(int) bool) {
		for yield(1) {
		}
	})
	defer stop()
	b.ReportAllocs()
	b.ResetTimer()
	sum := 0
	for i := 0; i < b.N; i++ {
		v, _ := next()
		sum += v
	}
}

// oneShot finishes on its first Send.
type oneShot struct{}

func (oneShot) Send(*Ctx) Yield             { return Yield{} }
func (oneShot) Throw(*Ctx, error) Yield     { return Yield{} }
func (oneShot) Close()                      {}
func (oneShot) Result() (int, error)        { return 1, nil }
func (*oneShotPtr) Send(*Ctx) Yield         { return Yield{} }
func (*oneShotPtr) Throw(*Ctx, error) Yield { return Yield{} }
func (*oneShotPtr) Close()                  {}
func (o *oneShotPtr) Result() (int, error)  { return o.v, nil }

// oneShotPtr is a coroutine frame with a field, like a generated one.
type oneShotPtr struct{ v int }

// BenchmarkTaskCreateRun: one op creates a task whose coroutine (a fresh
// frame) finishes at its first step, and runs it to completion.
func BenchmarkTaskCreateRun(b *testing.B) {
	l := benchLoop(b)
	const batch = 1024
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(batch, b.N-done)
		for i := 0; i < n; i++ {
			CreateTask[int](l, &oneShotPtr{v: i})
		}
		l.Stop()
		l.RunForever()
		done += n
	}
}

// BenchmarkTaskCreateRunGoroutine is the counterpart: go f() + WaitGroup.
func BenchmarkTaskCreateRunGoroutine(b *testing.B) {
	const batch = 1024
	var wg sync.WaitGroup
	var sink [batch]int
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(batch, b.N-done)
		wg.Add(n)
		for i := 0; i < n; i++ {
			go func(i int) {
				sink[i] = i
				wg.Done()
			}(i)
		}
		wg.Wait()
		done += n
	}
}

// BenchmarkCallSoon: one op schedules a callback and runs it.
func BenchmarkCallSoon(b *testing.B) {
	l := benchLoop(b)
	n := 0
	fn := func() { n++ }
	const batch = 1024
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += batch {
		for i := 0; i < batch; i++ {
			l.CallSoon(fn)
		}
		l.Stop()
		l.RunForever()
	}
}

// BenchmarkCallLaterCancel: one op schedules a timer and cancels it; the
// loop purges the cancelled timers.
func BenchmarkCallLaterCancel(b *testing.B) {
	l := benchLoop(b)
	fn := func() {}
	const batch = 1024
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += batch {
		for i := 0; i < batch; i++ {
			l.CallLater(time.Hour, fn).Cancel()
		}
		l.Stop()
		l.RunForever()
	}
}

// waiter awaits its own future once.
type waiter struct {
	f  *Future[Void]
	aw Awaiting[Void]
}

func (w *waiter) Send(c *Ctx) Yield {
	if !w.aw.Pending() {
		y, _ := w.aw.Start(c, w.f)
		return y
	}
	y, _ := w.aw.Resume(c, nil)
	return y
}
func (w *waiter) Throw(c *Ctx, err error) Yield { return Yield{} }
func (w *waiter) Close()                        {}
func (w *waiter) Result() (Void, error)         { return Void{}, nil }

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

const suspendedN = 1_000_000

// BenchmarkSuspendedTaskMemory reports the heap bytes per suspended task:
// 1,000,000 tasks, each awaiting its own future (task + coroutine frame +
// future all counted).
func BenchmarkSuspendedTaskMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		l := benchLoop(b)
		futs := make([]*Future[Void], suspendedN)
		before := heapInUse()
		for j := range futs {
			f := NewFuture[Void](l)
			futs[j] = f
			CreateTask[Void](l, &waiter{f: f})
		}
		l.Stop()
		l.RunForever() // every task runs its first step and suspends
		after := heapInUse()
		b.ReportMetric(float64(after-before)/suspendedN, "B/task")
		for _, f := range futs {
			f.SetResult(Void{})
		}
		l.Stop()
		l.RunForever()
		l.Stop()
		l.RunForever()
		if n := len(l.AllTasks()); n != 0 {
			b.Fatalf("%d tasks left", n)
		}
		runtime.KeepAlive(futs)
	}
}

// BenchmarkSuspendedGoroutineMemory is the counterpart: heap and stack bytes
// per goroutine parked on its own channel.
func BenchmarkSuspendedGoroutineMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		chans := make([]chan struct{}, suspendedN)
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		var wg sync.WaitGroup
		wg.Add(suspendedN)
		for j := range chans {
			ch := make(chan struct{})
			chans[j] = ch
			go func() {
				<-ch
				wg.Done()
			}()
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		used := (m1.HeapAlloc + m1.StackInuse) - (m0.HeapAlloc + m0.StackInuse)
		b.ReportMetric(float64(used)/suspendedN, "B/task")
		for _, ch := range chans {
			close(ch)
		}
		wg.Wait()
	}
}

// failOnce is a coroutine frame that fails at its first step.
type failOnce struct{ err error }

func (*failOnce) Send(*Ctx) Yield         { return Yield{} }
func (*failOnce) Throw(*Ctx, error) Yield { return Yield{} }
func (*failOnce) Close()                  {}
func (o *failOnce) Result() (int, error)  { return 0, o.err }

// BenchmarkTaskFailRetrieved: one op creates a task that fails at its
// first step, runs it, and retrieves its error, as an awaiter does: what
// a failure costs beyond BenchmarkTaskCreateRun (the report of an error
// nobody retrieves is armed and disarmed).
func BenchmarkTaskFailRetrieved(b *testing.B) {
	l := benchLoop(b)
	const batch = 1024
	fail := &failOnce{err: errors.New("failed")}
	tasks := make([]*Task[int], 0, batch)
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(batch, b.N-done)
		tasks = tasks[:0]
		for range n {
			tasks = append(tasks, CreateTask[int](l, fail))
		}
		l.Stop()
		l.RunForever()
		for _, t := range tasks {
			if t.Exception() == nil {
				b.Fatal("task did not fail")
			}
		}
		done += n
	}
}
