package rt_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/selector"
)

func TestRunInExecutorReturnsResultAsFuture(t *testing.T) {
	l := newLoop(t)
	f := rt.RunInExecutor(l, func() (int, error) { return 6 * 7, nil })
	if v, err := rt.RunUntilComplete[int](l, f); v != 42 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestRunInExecutorReturnsError(t *testing.T) {
	l := newLoop(t)
	boom := errors.New("boom")
	f := rt.RunInExecutor(l, func() (int, error) { return 0, boom })
	if _, err := rt.RunUntilComplete[int](l, f); err != boom {
		t.Fatalf("got %v", err)
	}
}

func TestRunInExecutorPanicBecomesError(t *testing.T) {
	l := newLoop(t)
	f := rt.RunInExecutor(l, func() (int, error) { panic("blocking code broke") })
	_, err := rt.RunUntilComplete[int](l, f)
	var pe *rt.PanicError
	if !errors.As(err, &pe) || pe.Value != "blocking code broke" {
		t.Fatalf("got %v", err)
	}
}

func TestRunInExecutorIsBounded(t *testing.T) {
	l := newLoop(t)
	const workers, jobs = 2, 6
	l.SetDefaultExecutorWorkers(workers)
	var active, peak atomic.Int32
	started := make(chan struct{}, jobs)
	release := make(chan struct{})
	var futs []*rt.Future[int]
	for i := range jobs {
		futs = append(futs, rt.RunInExecutor(l, func() (int, error) {
			n := active.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			started <- struct{}{}
			<-release
			active.Add(-1)
			return i, nil
		}))
	}
	for range workers {
		<-started
	}
	close(release)
	for i, f := range futs {
		if v, err := rt.RunUntilComplete[int](l, f); v != i || err != nil {
			t.Fatalf("job %d: %v, %v", i, v, err)
		}
	}
	if p := peak.Load(); p > workers {
		t.Fatalf("%d jobs ran at once, the pool has %d workers", p, workers)
	}
}

func TestCancelledExecutorFutureDropsOutcome(t *testing.T) {
	l := newLoop(t)
	release := make(chan struct{})
	ran := make(chan struct{})
	f := rt.RunInExecutor(l, func() (int, error) {
		<-release
		close(ran)
		return 1, nil
	})
	f.Cancel()
	close(release)
	<-ran
	// Let the outcome arrive: it must be dropped without complaint.
	g := rt.RunInExecutor(l, func() (int, error) { return 2, nil })
	if v, err := rt.RunUntilComplete[int](l, g); v != 2 || err != nil {
		t.Fatalf("got %v, %v", v, err)
	}
	if !f.Cancelled() {
		t.Fatal("the cancelled future changed state")
	}
}

func TestVirtualClockWaitsForExecutorJobs(t *testing.T) {
	l := newLoop(t)
	timerFired := false
	l.CallLater(time.Hour, func() { timerFired = true })
	var once sync.Once
	f := rt.RunInExecutor(l, func() (int, error) {
		once.Do(func() {})
		return 1, nil
	})
	if err := l.RunUntilComplete(f); err != nil {
		t.Fatal(err)
	}
	// Blocking work takes no virtual time: the loop must not jump to the
	// timer while the job is still running.
	if timerFired || l.Time() != 0 {
		t.Fatalf("the clock jumped to %v while a job ran (timer fired: %v)", l.Time(), timerFired)
	}
}

func TestRunWaitsForExecutorJobs(t *testing.T) {
	var finished atomic.Bool
	_, err := rt.Run(rt.Async(func() (int, error) {
		rt.RunInExecutor(rt.RunningLoop(), func() (int, error) {
			finished.Store(true)
			return 0, nil
		})
		return 0, nil
	}), rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	if !finished.Load() {
		t.Fatal("Run returned before the executor job finished")
	}
}

// A job that ends after the main coroutine still has its outcome delivered
// before Run closes the loop, as asyncio.run keeps the loop running while
// it shuts the default executor down: a done callback that releases what
// the job made (a file it opened for a handler that was cancelled
// meanwhile) runs. The job here is released only once the loop runs with
// no task left, so it ends while Run shuts down.
func TestRunDeliversExecutorOutcomesBeforeClosing(t *testing.T) {
	release := make(chan struct{})
	loops := make(chan *rt.Loop, 1)
	var delivered atomic.Int64
	ran := make(chan error, 1)
	go func() {
		_, err := rt.Run(rt.Async(func() (int, error) {
			l := rt.RunningLoop()
			job := rt.RunInExecutor(l, func() (int, error) { <-release; return 7, nil })
			job.AddDoneCallback(func(f *rt.Future[int]) {
				v, _ := f.Result()
				delivered.Store(int64(v))
			})
			loops <- l
			return 0, nil
		}))
		ran <- err
	}()
	l := <-loops
	deadline := time.After(10 * time.Second)
	for idle := false; !idle; {
		tasks := make(chan int, 1)
		if _, err := l.CallSoonThreadsafe(func() { tasks <- len(l.AllTasks()) }); err != nil {
			close(release)
			t.Fatal(err)
		}
		select {
		case n := <-tasks:
			idle = n == 0
		case <-deadline:
			close(release)
			t.Fatal("the loop does not run once its tasks are done while the executor has a job")
		}
	}
	close(release)
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if got := delivered.Load(); got != 7 {
		t.Fatalf("the job's done callback saw %d, want 7 (it ran before Run closed the loop)", got)
	}
}

// BenchmarkExecutorRoundTrip is one RunInExecutor job awaited from the
// loop, on each backend the platform has: the loop must wake when a
// goroutine of the executor finishes, which is where a loop blocked in its
// thread (epoll) and one parked in Go's poller (epoll-gopoller, and
// epoll-auto, Linux's default, while a job is in flight) differ most. Run
// it at -cpu 1,2.
func BenchmarkExecutorRoundTrip(b *testing.B) {
	onEachBackend(b, func(b *testing.B, l *rt.Loop) {
		job := func() (int, error) { return 1, nil }
		b.ReportAllocs()
		for b.Loop() {
			if v, err := rt.RunUntilComplete(l, rt.RunInExecutor(l, job)); v != 1 || err != nil {
				b.Fatal(v, err)
			}
		}
	})
}

// BenchmarkThreadsafeRoundTrip is another goroutine calling in with
// CallSoonThreadsafe and waiting for the loop's answer, on each backend
// the platform has: the loop wakes for the call, answers, and waits
// again while the caller, made runnable by the answer, must get a thread.
func BenchmarkThreadsafeRoundTrip(b *testing.B) {
	onEachBackend(b, func(b *testing.B, l *rt.Loop) {
		done := rt.NewFuture[rt.Void](l)
		answer := make(chan struct{}, 1)
		reply := func() { answer <- struct{}{} }
		b.ReportAllocs()
		b.ResetTimer()
		go func() {
			for range b.N {
				if _, err := l.CallSoonThreadsafe(reply); err != nil {
					panic(err)
				}
				<-answer
			}
			l.CallSoonThreadsafe(func() { done.SetResult(rt.Void{}) })
		}()
		if _, err := rt.RunUntilComplete(l, done); err != nil {
			b.Fatal(err)
		}
	})
}

// onEachBackend runs bench as a sub-benchmark per selector backend the
// platform has, each on a loop of its own.
func onEachBackend(b *testing.B, bench func(b *testing.B, l *rt.Loop)) {
	for _, name := range []string{"epoll", "epoll-auto", "epoll-gopoller", "kqueue", "poll"} {
		newSel := selector.Named(name)
		if sel, err := newSel(); err != nil {
			continue // not on this platform
		} else {
			sel.Close()
		}
		b.Run(name, func(b *testing.B) {
			sel, err := newSel()
			if err != nil {
				b.Fatal(err)
			}
			l, err := rt.NewLoop(rt.WithSelector(sel))
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			bench(b, l)
		})
	}
}
