package streams_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// lineDriver is a task's coroutine that reads left lines with read (tests
// cannot hold templates, so it is the state machine asyncgen would
// generate for `for left > 0 { line, err := rt.Await(read(r)) ... }`).
// With block set it refills the reader with block whenever the reader is
// empty, so that every read finds its line buffered; without, the lines
// come from elsewhere (a lineFeeder) and a read may wait. waits counts
// the reads that suspended, bytes what the lines added up to.
type lineDriver struct {
	r       *streams.StreamReader
	read    func(*streams.StreamReader) rt.Coro[[]byte]
	block   []byte
	left    int
	aw      rt.Awaiting[[]byte]
	pending bool
	waits   int
	bytes   int
	err     error
}

func (d *lineDriver) Send(c *rt.Ctx) rt.Yield             { return d.step(c, nil) }
func (d *lineDriver) Throw(c *rt.Ctx, err error) rt.Yield { return d.step(c, err) }
func (d *lineDriver) Close()                              { d.aw.Close(); d.left = 0 }
func (d *lineDriver) Result() (rt.Void, error)            { return rt.Void{}, d.err }

func (d *lineDriver) step(c *rt.Ctx, thrown error) rt.Yield {
	for {
		if d.pending {
			if y, suspend := d.aw.Resume(c, thrown); suspend {
				return y
			}
			d.pending, thrown = false, nil
		} else {
			if d.left <= 0 || d.err != nil {
				return rt.Yield{}
			}
			if d.block != nil && d.r.Buffered() == 0 {
				d.r.FeedData(d.block)
			}
			if y, suspend := d.aw.Start(c, d.read(d.r)); suspend {
				d.pending = true
				d.waits++
				return y
			}
		}
		line, err := d.aw.Result()
		if err != nil {
			d.err = err
			return rt.Yield{}
		}
		d.bytes += len(line)
		d.left--
	}
}

// lineFeeder feeds line to r, then gives way with a bare yield, left
// times: beside a lineDriver started before it, every read waits for its
// line.
type lineFeeder struct {
	r    *streams.StreamReader
	line []byte
	left int
}

func (f *lineFeeder) Send(*rt.Ctx) rt.Yield {
	if f.left <= 0 {
		return rt.Yield{}
	}
	f.left--
	f.r.FeedData(f.line)
	return rt.BareYield()
}
func (f *lineFeeder) Throw(*rt.Ctx, error) rt.Yield { return rt.Yield{} }
func (f *lineFeeder) Close()                        { f.left = 0 }
func (f *lineFeeder) Result() (rt.Void, error)      { return rt.Void{}, nil }

// benchLine is the line the allocation tests and benchmarks read: 127
// bytes and '\n', the line echo benchmark's size.
var benchLine = append(bytes.Repeat([]byte{'x'}, 127), '\n')

// readLines has a lineDriver read n lines of a reader it feeds by blocks
// of 100 lines (every read finds its line buffered), or, if waiting, of a
// reader a lineFeeder feeds one line at a time (every read waits).
func readLines(tb testing.TB, l *rt.Loop, read func(*streams.StreamReader) rt.Coro[[]byte], n int, waiting bool) *lineDriver {
	r := streams.NewStreamReader(0)
	d := &lineDriver{r: r, read: read, left: n}
	if !waiting {
		d.block = bytes.Repeat(benchLine, 100)
	}
	task := rt.CreateTask(l, rt.Coro[rt.Void](d))
	if waiting {
		rt.CreateTask(l, rt.Coro[rt.Void](&lineFeeder{r: r, line: benchLine, left: n}))
	}
	if err := l.RunUntilComplete(task); err != nil {
		tb.Fatal(err)
	}
	if d.err != nil || d.left != 0 || d.bytes != n*len(benchLine) {
		tb.Fatalf("%d lines read (%d bytes), %d left, %v", n-d.left, d.bytes, d.left, d.err)
	}
	if want := map[bool]int{false: 0, true: n}[waiting]; d.waits != want {
		tb.Fatalf("%d of %d reads waited, want %d", d.waits, n, want)
	}
	return d
}

// allocsPerLine is the allocations of each line beyond the first lines'
// (the task, the reader's buffer, the first wait's future, the coroutines
// reused from then on): the difference between reading 2n and n lines,
// per line. The lowest of three measurements: AllocsPerRun counts every
// allocation of the process, and once in CI (packages tested side by
// side on two cores) one measurement found 10 more in the longer runs,
// 1.001 a line, which no line read explains; an allocation the reads
// make shows in all three.
func allocsPerLine(t *testing.T, read func(*streams.StreamReader) rt.Coro[[]byte], waiting bool) float64 {
	l := allocLoop(t)
	const n = 1000
	readLines(t, l, read, n, waiting) // warm: the loop's queues at their size
	least := math.Inf(1)
	for range 3 {
		a1 := testing.AllocsPerRun(10, func() { readLines(t, l, read, n, waiting) })
		a2 := testing.AllocsPerRun(10, func() { readLines(t, l, read, 2*n, waiting) })
		least = min(least, (a2-a1)/n)
	}
	return least
}

// about reports whether allocations per line got are want: within 0.02,
// what a few allocations of the process's own over the 1,000 lines add
// (seen once in CI: 1.001); an allocation the reads make adds 1.
func about(got, want float64) bool { return math.Abs(got-want) < 0.02 }

func readLine(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadLine() }

// A ReadLine of a line already buffered allocates the line it returns,
// and nothing else: its coroutine is the reader's own once the last
// ReadLine finished.
func TestReadLineBufferedAllocatesOnlyTheLine(t *testing.T) {
	got := allocsPerLine(t, readLine, false)
	t.Logf("ReadLine of a buffered line: %.2f allocations", got)
	if !about(got, 1) {
		t.Errorf("a ReadLine of a buffered line costs %.2f allocations, want 1 (the line)", got)
	}
}

// A ReadLine that waits for its line allocates the line too and nothing
// else: the wait's future is the reader's, reset and reused.
func TestReadLineWaitingAllocatesOnlyTheLine(t *testing.T) {
	got := allocsPerLine(t, readLine, true)
	t.Logf("ReadLine waiting for its line: %.2f allocations", got)
	if !about(got, 1) {
		t.Errorf("a ReadLine waiting for its line costs %.2f allocations, want 1 (the line)", got)
	}
}

// A ReadLine made and dropped without being awaited does not cost every
// later ReadLine of that reader an allocation: the reader's reused
// coroutine is the last one made, not the first.
func TestReadLineAfterADroppedOneAllocatesOnlyTheLine(t *testing.T) {
	dropped := map[*streams.StreamReader]rt.Coro[[]byte]{}
	read := func(r *streams.StreamReader) rt.Coro[[]byte] {
		if dropped[r] == nil {
			dropped[r] = r.ReadLine() // made, never awaited
		}
		return r.ReadLine()
	}
	got := allocsPerLine(t, read, false)
	if !about(got, 1) {
		t.Errorf("a ReadLine after a dropped one costs %.2f allocations, want 1 (the line)", got)
	}
}

// BenchmarkReadLineBuffered: one op is one ReadLine of a 128-byte line
// already buffered, awaited by a task's coroutine (the reader refilled
// 100 lines at a time). For allocations and callgrind's instruction
// counts, not time:
//
//	go test -c -o /tmp/streams.test ./rt/streams/
//	GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind \
//	  /tmp/streams.test -test.run '^$' -test.bench 'ReadLineBuffered$' -test.benchtime 200000x
func BenchmarkReadLineBuffered(b *testing.B) {
	benchReadLines(b, readLine)
}

func benchReadLines(b *testing.B, read func(*streams.StreamReader) rt.Coro[[]byte]) {
	l, err := rt.NewLoop()
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ReportAllocs()
	b.SetBytes(int64(len(benchLine)))
	readLines(b, l, read, b.N, false)
}

// BenchmarkReadLineViewBuffered is BenchmarkReadLineBuffered with
// ReadLineView: the same lines, no copy.
func BenchmarkReadLineViewBuffered(b *testing.B) {
	benchReadLines(b, readLineView)
}

// The waits of ReadUntil, Read and ReadExactly cost no allocation of
// their own: a read that waits allocates what a buffered one does, its
// coroutine and the bytes it returns. The awaitable each wait goes
// through is the reader's, reused once the last wait ended.
func TestWaitingReadsAllocateWhatBufferedOnesDo(t *testing.T) {
	for _, tc := range []struct {
		name string
		read func(*streams.StreamReader) rt.Coro[[]byte]
	}{
		{"ReadUntil", func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadUntil([]byte("\n")) }},
		{"Read", func(r *streams.StreamReader) rt.Coro[[]byte] { return r.Read(len(benchLine)) }},
		{"ReadExactly", func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadExactly(len(benchLine)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buffered, waiting := allocsPerLine(t, tc.read, false), allocsPerLine(t, tc.read, true)
			t.Logf("%s: %.2f allocations buffered, %.2f waiting", tc.name, buffered, waiting)
			if !about(waiting, buffered) {
				t.Errorf("a %s that waits costs %.2f allocations, one that finds its data %.2f: the wait costs %.2f", tc.name, waiting, buffered, waiting-buffered)
			}
		})
	}
}
