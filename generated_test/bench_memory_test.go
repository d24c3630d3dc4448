package generated_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/rtimpl"
)

// Memory per suspended task, the generated way, against goroutines.

const memN = 200_000

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkSuspendedMemory reports the heap bytes per suspended task whose
// coroutine is a generated frame (benchWait) awaiting its own future:
// task, frame and future all counted, as a user's program holds them.
func BenchmarkSuspendedMemory(b *testing.B) {
	if rtimpl.RefMode {
		b.Skip("the reference driver parks a goroutine per coroutine: see the goroutine rows")
	}
	for i := 0; i < b.N; i++ {
		l, err := rt.NewLoop()
		if err != nil {
			b.Fatal(err)
		}
		// The first round grows the loop's ready queue to hold memN
		// starting tasks (16 B each); that capacity then stays, sized by
		// the peak of ready tasks, not by the suspended ones. Both
		// rounds are reported.
		b.ReportMetric(suspendTasks(l), "B/task-first")
		b.ReportMetric(suspendTasks(l), "B/task")
		l.Close()
	}
}

// suspendTasks suspends memN tasks of generated frames on l, returns the
// heap bytes per task while they wait, and finishes them.
func suspendTasks(l *rt.Loop) float64 {
	futs := make([]*rt.Future[rt.Void], memN)
	before := heapAlloc()
	for j := range futs {
		futs[j] = rt.NewFuture[rt.Void](l)
		rt.CreateTask(l, benchWaitAsync(futs[j]))
	}
	l.CallSoon(l.Stop)
	l.RunForever() // every task runs its first step and suspends
	after := heapAlloc()
	for _, f := range futs {
		f.SetResult(rt.Void{})
	}
	l.CallSoon(l.Stop)
	l.RunForever()
	runtime.KeepAlive(futs)
	return float64(after-before) / memN
}

// BenchmarkSuspendedGoroutineMemory is the anchor: heap and stack bytes per
// goroutine parked on a channel receive, as Go really behaves. The runtime
// starts goroutines with a stack sized from the average it has seen
// (adaptive stack start), so the first batch of goroutines a process
// parks costs less than the following ones: both are reported, "first"
// (measured once per process) and "steady".
func BenchmarkSuspendedGoroutineMemory(b *testing.B) {
	firstPark.Do(func() { firstParkBytes = parkGoroutines(memN) })
	for i := 0; i < b.N; i++ {
		b.ReportMetric(firstParkBytes, "B/goroutine-first")
		b.ReportMetric(parkGoroutines(memN), "B/goroutine-steady")
	}
}

// The first batch of goroutines the process parks, measured once.
var (
	firstPark      sync.Once
	firstParkBytes float64
)

// parkGoroutines parks n goroutines on channels, returns the bytes per
// goroutine they took (heap and stacks), and releases them.
func parkGoroutines(n int) float64 {
	chans := make([]chan struct{}, n)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	var wg sync.WaitGroup
	wg.Add(n)
	for j := range chans {
		ch := make(chan struct{})
		chans[j] = ch
		go func() {
			var buf [64]byte // a little work on the stack, like real code
			_ = buf
			<-ch
			wg.Done()
		}()
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	used := (m1.HeapAlloc + m1.StackInuse) - (m0.HeapAlloc + m0.StackInuse)
	for _, ch := range chans {
		close(ch)
	}
	wg.Wait()
	return float64(used) / float64(n)
}
