package rt_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/selector"
)

// blockWatch is a Parker that knows whether the loop is inside a wait
// that blocks its thread.
// With neverBlock set, every wait parks instead (what epoll-gopoller
// does), for comparison.
type blockWatch struct {
	selector.Parker
	neverBlock bool
	blocked    atomic.Bool
}

func (w *blockWatch) SelectBlocked(buf []selector.Ready, timeout time.Duration) ([]selector.Ready, error) {
	if w.neverBlock {
		return w.Parker.Select(buf, timeout)
	}
	if timeout != 0 {
		w.blocked.Store(true)
		defer w.blocked.Store(false)
	}
	return w.Parker.SelectBlocked(buf, timeout)
}

// BenchmarkFutureToGoroutine is a goroutine that asks the loop for a value
// with CallSoonThreadsafe and receives it on a channel from a callback the
// loop runs after one more wait (the I/O that produces the answer: here a
// byte the callback writes into a socket whose other end is the loop's), on
// one P (GOMAXPROCS=1, as in a one-CPU container). The deterministic figure is blocked-handoffs/op: how often
// the goroutine first ran while the loop was blocked in epoll_wait, which
// on one P means the runtime's monitor had to take the P from the blocked
// thread (20µs to 10ms later) before the answer was read. 0 means the loop
// parked and gave the goroutine its P at once. The "parked" case never
// blocks, for comparison.
func BenchmarkFutureToGoroutine(b *testing.B) {
	b.Run("default", func(b *testing.B) { benchFutureToGoroutine(b, false) })
	b.Run("parked", func(b *testing.B) { benchFutureToGoroutine(b, true) })
}

func benchFutureToGoroutine(b *testing.B, neverBlock bool) {
	blocked := futureToGoroutine(b, b.N, neverBlock)
	b.ReportMetric(float64(blocked)/float64(b.N), "blocked-handoffs/op")
}

// futureToGoroutine makes n such round trips and returns how many of the
// answers were taken while the loop was blocked in epoll_wait.
func futureToGoroutine(tb testing.TB, n int, neverBlock bool) int {
	w := &blockWatch{Parker: newAutoParker(tb), neverBlock: neverBlock}
	l, err := rt.NewLoop(rt.WithSelector(w))
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))

	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer unix.Close(fds[0])
	answer := make(chan byte)
	onData := &funcProtocol{data: func(p []byte) { answer <- p[0] }}
	if _, err := rt.RunUntilComplete(l, l.ConnectAcceptedSocket(func() rt.StreamProtocol { return onData }, fds[1])); err != nil {
		tb.Fatal(err)
	}
	done := rt.NewFuture[int](l)
	var blocked int
	go func() {
		for i := 0; i < n; i++ {
			l.CallSoonThreadsafe(func() { unix.Write(fds[0], []byte{byte(i)}) })
			<-answer
			if w.blocked.Load() {
				blocked++
			}
		}
		l.CallSoonThreadsafe(func() { done.SetResult(blocked) })
	}()
	if b, ok := tb.(*testing.B); ok {
		b.ResetTimer()
	}
	got, err := rt.RunUntilComplete(l, done)
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

// A goroutine that called in and waits on a channel for the answer, which
// a loop callback sends after the loop waited once more (for the I/O that
// makes the answer), must get to run at once: on one P, a loop that blocks
// its thread in epoll_wait right after sending leaves the goroutine queued
// until the runtime takes the P from the blocked thread (180 µs against
// 4 µs parked here, BenchmarkFutureToGoroutine). The loop must park then,
// though the wait that brought the I/O took no call from another goroutine.
func TestLoopParksWhileAGoroutineWaitsForItsAnswer(t *testing.T) {
	const n = 40
	if blocked := futureToGoroutine(t, n, false); blocked*2 > n {
		t.Fatalf("%d of %d answers were taken while the loop was blocked in epoll_wait; want (almost) none", blocked, n)
	}
}

// funcProtocol is a Protocol that passes what arrives to data.
type funcProtocol struct{ data func([]byte) }

func (f *funcProtocol) ConnectionMade(rt.Transport) {}
func (f *funcProtocol) DataReceived(p []byte)       { f.data(p) }
func (f *funcProtocol) EOFReceived() bool           { return false }
func (f *funcProtocol) ConnectionLost(error)        {}
func (f *funcProtocol) PauseWriting()               {}
func (f *funcProtocol) ResumeWriting()              {}
