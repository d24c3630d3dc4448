package streams_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// ReadLine coroutines made before any of them ran are each their own (the
// reader reuses only a finished one): each reads its line, in the order
// they are awaited.
func TestReadLineCoroutinesMadeAheadAreTheirOwn(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		first, second := r.ReadLine(), r.ReadLine()
		r.FeedData([]byte("one\ntwo\nthree\n"))
		a, errA := rt.Await(first)
		b, errB := rt.Await(second)
		if errA != nil || errB != nil || string(a) != "one\n" || string(b) != "two\n" {
			t.Errorf("ReadLine, ReadLine made ahead = %q, %v; %q, %v; want each its line", a, errA, b, errB)
		}
		// And the finished one, reused, reads the next line while the
		// lines it returned stay as they were.
		c, err := rt.Await(r.ReadLine())
		if err != nil || string(c) != "three\n" || string(a) != "one\n" || string(b) != "two\n" {
			t.Errorf("then %q, %v (lines before %q, %q)", c, err, a, b)
		}
		return nil
	})
}

// A task waiting in ReadLine or ReadLineView shows it in its async stack,
// the first time and when the reader reuses the coroutine; a finished one
// shows nothing.
func TestLineReadsShowInAsyncStacks(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		for i, read := range []struct {
			name string
			read func() rt.Coro[[]byte]
		}{{"ReadLine", r.ReadLine}, {"ReadLine", r.ReadLine}, {"ReadLineView", r.ReadLineView}} {
			task := rt.CreateTask(l, read.read())
			ptTick()
			st := task.GetStack()
			if len(st) == 0 {
				t.Fatalf("read %d: a task waiting in %s has no async stack", i, read.name)
			}
			top := st[len(st)-1]
			if !strings.HasSuffix(top.Func, "/rt/streams.(*StreamReader)."+read.name) || !strings.HasPrefix(top.File, "rt/streams/") || top.Line <= 0 {
				t.Errorf("read %d: a task waiting in %s shows %+v last", i, read.name, top)
			}
			r.FeedData([]byte("x\n"))
			if line, err := rt.Await(task); err != nil || string(line) != "x\n" {
				t.Errorf("read %d = %q, %v", i, line, err)
			}
			if st := task.GetStack(); len(st) != 0 {
				t.Errorf("read %d: a finished %s shows %+v", i, read.name, st)
			}
		}
		return nil
	})
}

// lineScript reads r to its end with read, line after line, and returns
// what each read returned (the bytes copied at once), until the end, an
// error other than ErrLimitOverrun, or 20 reads.
func lineScript(r *streams.StreamReader, read func() rt.Coro[[]byte]) []string {
	var out []string
	for range 20 {
		line, err := rt.Await(read())
		switch {
		case errors.Is(err, streams.ErrLimitOverrun):
			out = append(out, fmt.Sprintf("overrun, %d left", r.Buffered()))
			continue
		case err != nil:
			return append(out, "error "+err.Error())
		case len(line) == 0:
			return append(out, "end")
		}
		out = append(out, fmt.Sprintf("%q, %d left", line, r.Buffered()))
	}
	return out
}

// ReadLineView returns what ReadLine returns, line after line, under the
// same rules: the limit (a line over it discarded through its newline, or
// the whole buffer without one), the partial last line at EOF, the end,
// the reader's error; the data delivered at once or while the reads wait.
func TestReadLineViewReadsAsReadLine(t *testing.T) {
	cases := []struct {
		name   string
		limit  int
		chunks []string
		err    bool // the stream fails after the chunks instead of ending
	}{
		{"lines", 0, []string{"a\nbb\n\nccc\n"}, false},
		{"partial last line", 0, []string{"line\npart"}, false},
		{"at the limit", 8, []string{"1234567\n12345678\nabc\n"}, false},
		{"over the limit with its newline", 4, []string{"toolong\nok\n"}, false},
		{"over the limit without a newline", 4, []string{"muchtoolong", "er\nok\n"}, false},
		{"in pieces", 0, []string{"he", "llo\nwor", "ld\n", "\n", "tail"}, false},
		{"failed", 0, []string{"one\ntw"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got [2][]string
			run(t, func(l *rt.Loop) error {
				for i := range got {
					r := streams.NewStreamReader(c.limit)
					read := r.ReadLine
					if i == 1 {
						read = r.ReadLineView
					}
					if len(c.chunks) == 1 && !c.err {
						r.FeedData([]byte(c.chunks[0]))
						r.FeedEOF()
					} else {
						feedSoon(l, r, !c.err, c.chunks...)
					}
					if c.err {
						task := rt.CreateTask(l, rt.Async(func() ([]string, error) { return lineScript(r, read), nil }))
						for range len(c.chunks) + 2 {
							ptTick()
						}
						r.SetException(errors.New("boom"))
						got[i], _ = rt.Await(task)
					} else {
						got[i] = lineScript(r, read)
					}
				}
				return nil
			})
			if fmt.Sprint(got[0]) != fmt.Sprint(got[1]) {
				t.Errorf("ReadLine:     %q\nReadLineView: %q", got[0], got[1])
			}
			if len(got[0]) < 2 {
				t.Errorf("ReadLine read %q: the case reads too little to compare", got[0])
			}
		})
	}
}

// A view stays as it was until the next read: while more data arrives,
// however the buffer must grow or move to make room (within the pool's
// buffer size, or beyond it), and while other readers take buffers from
// the pool; then the next read reads on where the view ended.
func TestReadLineViewStaysUntilTheNextRead(t *testing.T) {
	first := "first " + strings.Repeat("x", 8000) + "\n"
	for _, more := range []int{9 * 1024, 40 * 1024} {
		t.Run(fmt.Sprint(more), func(t *testing.T) {
			run(t, func(l *rt.Loop) error {
				r := streams.NewStreamReader(0)
				r.FeedData([]byte(first + "second "))
				v, err := rt.Await(r.ReadLineView())
				if err != nil || string(v) != first {
					t.Fatalf("ReadLineView = %.20q..., %v", v, err)
				}
				// Fill the buffer to its end, then past it: the data
				// must move or grow.
				for fed := 0; fed < more; fed += 1024 {
					r.FeedData(bytes.Repeat([]byte{'y'}, 1024))
				}
				other := streams.NewStreamReader(0)
				for range 3 {
					other.FeedData(bytes.Repeat([]byte{'z'}, 8*1024))
					other.Consume(other.Buffered())
				}
				ptTick()
				if string(v) != first {
					t.Errorf("the view became %.20q... before the next read", v)
				}
				r.FeedData([]byte("\n"))
				line, err := rt.Await(r.ReadLine())
				if want := "second " + strings.Repeat("y", more/1024*1024) + "\n"; err != nil || string(line) != want {
					t.Errorf("the next read = %d bytes %.20q..., %v; want %d bytes", len(line), line, err, len(want))
				}
				return nil
			})
		})
	}
}

// A view of a line that emptied the reader keeps its buffer from the pool
// until the next read: another reader filling a buffer does not write
// over it. And its capacity ends with the line: an append to it leaves
// what follows in the buffer alone.
func TestReadLineViewBufferIsNotReusedWhileViewed(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		r.FeedData([]byte("abc\n"))
		v, err := rt.Await(r.ReadLineView())
		if err != nil || string(v) != "abc\n" || r.Buffered() != 0 {
			t.Fatalf("ReadLineView = %q, %v with %d left", v, err, r.Buffered())
		}
		other := streams.NewStreamReader(0)
		other.FeedData(bytes.Repeat([]byte{'z'}, 100))
		if string(v) != "abc\n" {
			t.Errorf("another reader's data wrote over the view: %q", v)
		}
		other.Consume(other.Buffered())

		r.FeedData([]byte("de\nfg\n"))
		w, _ := rt.Await(r.ReadLineView())
		_ = append(w, "XX"...)
		if string(w) != "de\n" || string(r.Peek()) != "fg\n" {
			t.Errorf("after an append to the view %q, %q is buffered; want \"fg\\n\"", w, r.Peek())
		}
		return nil
	})
}

// A ReadLineView of a buffered line, or of one it waits for, allocates
// nothing once the reader's coroutine and buffer are warm.
func TestReadLineViewAllocatesNothing(t *testing.T) {
	for _, waiting := range []bool{false, true} {
		if got := allocsPerLine(t, readLineView, waiting); got != 0 {
			t.Errorf("a ReadLineView (waiting %v) costs %.2f allocations, want none", waiting, got)
		}
	}
}

func readLineView(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadLineView() }

// Views read on one loop while other goroutines' readers take buffers
// from the pool and fill them: under the race detector, a buffer handed
// to the pool while a view of it was still in use would be a reported
// race, and without it, a changed view.
func TestReadLineViewOwnershipAcrossGoroutines(t *testing.T) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fill := bytes.Repeat([]byte{'z'}, 4096)
			for {
				select {
				case <-stop:
					return
				default:
				}
				o := streams.NewStreamReader(0)
				o.FeedData(fill)
				o.Consume(o.Buffered())
			}
		}()
	}
	defer wg.Wait()
	defer close(stop)
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		for i := range 2000 {
			want := fmt.Sprintf("line %d\n", i)
			r.FeedData([]byte(want))
			v, err := rt.Await(r.ReadLineView())
			if err != nil {
				return err
			}
			ptTick() // the view outlives a pass of the loop
			if i%7 == 0 {
				r.FeedData([]byte("next "))
			}
			if string(v) != want {
				return fmt.Errorf("view %d became %q", i, v)
			}
			if i%7 == 0 {
				if _, err := rt.Await(r.ReadUntil([]byte(" "))); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
