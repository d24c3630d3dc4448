package streams_test

// Behaviours of CPython's asyncio streams (Lib/test/test_asyncio/
// test_streams.py is the specification) that reader_test.go and
// stream_test.go do not already pin down, one test per behaviour, written
// against our API. Where we intentionally differ (a zero limit means the
// default; Read(-1) keeps everything buffered until EOF; ReadInto and
// ReadMore answer io.EOF), the tests check our documented behaviour.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// ptFeedTogether feeds every chunk to r from a single loop callback, so a
// waiting read wakes once and sees them all (as a test that feeds several
// chunks from one call_soon callback does in asyncio).
func ptFeedTogether(l *rt.Loop, r *streams.StreamReader, eof bool, chunks ...string) {
	l.CallSoon(func() {
		for _, c := range chunks {
			r.FeedData([]byte(c))
		}
		if eof {
			r.FeedEOF()
		}
	})
}

// ptTick lets every callback already scheduled run (a read task reaches
// its await, a feed happens).
func ptTick() {
	rt.Await(rt.Sleep(0))
}

// Feeding nothing buffers nothing and does not wake a waiting read.
func TestPortedFeedEmptyDataIsNothing(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		task := rt.CreateTask(l, r.Read(10))
		ptTick()
		r.FeedData(nil)
		r.FeedData([]byte{})
		ptTick()
		ptTick()
		if task.Done() {
			got, err := task.Result()
			t.Errorf("empty feeds woke the read: %q, %v", got, err)
		}
		if r.Buffered() != 0 {
			t.Errorf("Buffered() = %d after empty feeds, want 0", r.Buffered())
		}
		r.FeedData([]byte("x"))
		if got, err := bound(task, "the read"); err != nil || string(got) != "x" {
			t.Errorf("read after a real feed: %q, %v", got, err)
		}
		return nil
	})
}

// Read(0) returns empty at once and leaves the buffer untouched.
func TestPortedReadZeroKeepsBuffer(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		r.FeedData([]byte("line1\nline2\n"))
		got, err := rt.Await(r.Read(0))
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("Read(0) = %#v, %v; want an empty non-nil slice", got, err)
		}
		if string(r.Peek()) != "line1\nline2\n" {
			t.Errorf("buffer after Read(0) = %q", r.Peek())
		}
		return nil
	})
}

// Read(n) with more than n buffered across several feeds takes exactly n
// and leaves the rest, feed boundaries notwithstanding.
func TestPortedReadStopsAtNAcrossFeeds(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		r.FeedData([]byte("line1"))
		r.FeedData([]byte("line2"))
		got, err := rt.Await(r.Read(5))
		if err != nil || string(got) != "line1" || string(r.Peek()) != "line2" {
			t.Errorf("Read(5) = %q, %v, buffer %q; want line1 and line2 left", got, err, r.Peek())
		}
		r.FeedData([]byte("line3"))
		got, _ = rt.Await(r.Read(7))
		if string(got) != "line2li" || string(r.Peek()) != "ne3" {
			t.Errorf("Read(7) = %q, buffer %q", got, r.Peek())
		}
		return nil
	})
}

// The limit bounds lines, not Read(n) nor ReadExactly(n).
func TestPortedLimitDoesNotBoundReadOrReadExactly(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(3)
		r.FeedData([]byte("chunk"))
		if got, err := rt.Await(r.Read(5)); err != nil || string(got) != "chunk" || r.Buffered() != 0 {
			t.Errorf("Read(5) with limit 3 = %q, %v (%d left)", got, err, r.Buffered())
		}
		r.FeedData([]byte("chunk"))
		if got, err := rt.Await(r.ReadExactly(5)); err != nil || string(got) != "chunk" || r.Buffered() != 0 {
			t.Errorf("ReadExactly(5) with limit 3 = %q, %v (%d left)", got, err, r.Buffered())
		}
		// Many times the limit, arriving while the read waits.
		want := strings.Repeat("0123456789", 10)
		task := rt.CreateTask(l, r.ReadExactly(len(want)))
		feedSoon(l, r, false, want[:7], want[7:50], want[50:], "tail")
		if got, err := bound(task, "ReadExactly(100)"); err != nil || string(got) != want || string(r.Peek()) != "tail" {
			t.Errorf("ReadExactly(100) with limit 3 = %q, %v, buffer %q", got, err, r.Peek())
		}
		return nil
	})
}

// A negative limit is refused: NewStreamReader panics, and a negative
// WithLimit fails OpenConnection and StartServer with ErrBadLimit. Zero
// is not an error here (asyncio raises): it means DefaultLimit.
func TestPortedInvalidLimit(t *testing.T) {
	func() {
		defer func() {
			p := recover()
			if p == nil || !strings.Contains(fmt.Sprint(p), "limit") {
				t.Errorf("NewStreamReader(-1) panicked with %v, want a limit panic", p)
			}
		}()
		streams.NewStreamReader(-1)
	}()
	if got := streams.NewStreamReader(0).Limit(); got != streams.DefaultLimit {
		t.Errorf("NewStreamReader(0).Limit() = %d, want DefaultLimit", got)
	}
	if got := streams.NewStreamReader(7).Limit(); got != 7 {
		t.Errorf("NewStreamReader(7).Limit() = %d", got)
	}
	run(t, func(l *rt.Loop) error {
		if _, err := rt.Await(streams.OpenConnection("tcp4", "127.0.0.1:1", streams.WithLimit(-1))); !errors.Is(err, streams.ErrBadLimit) {
			t.Errorf("OpenConnection(WithLimit(-1)): %v, want ErrBadLimit", err)
		}
		srv, err := rt.Await(streams.StartServer(lineEcho, "tcp4", "127.0.0.1:0", streams.WithLimit(-1)))
		if !errors.Is(err, streams.ErrBadLimit) {
			t.Errorf("StartServer(WithLimit(-1)): %v, want ErrBadLimit", err)
		}
		if srv != nil {
			srv.Close()
		}
		return nil
	})
}

// Once an exception is set, every read fails with it even while data is
// buffered, and the buffered data stays where it is.
func TestPortedReadsAfterExceptionFailWithDataBuffered(t *testing.T) {
	boom := errors.New("boom")
	reads := []struct {
		name string
		do   func(r *streams.StreamReader) error
	}{
		{"Read(2)", func(r *streams.StreamReader) error { _, err := rt.Await(r.Read(2)); return err }},
		{"Read(-1)", func(r *streams.StreamReader) error { _, err := rt.Await(r.Read(-1)); return err }},
		{"ReadLine", func(r *streams.StreamReader) error { _, err := rt.Await(r.ReadLine()); return err }},
		{"ReadUntil", func(r *streams.StreamReader) error { _, err := rt.Await(r.ReadUntil([]byte("\n"))); return err }},
		{"ReadExactly(2)", func(r *streams.StreamReader) error { _, err := rt.Await(r.ReadExactly(2)); return err }},
		{"ReadInto", func(r *streams.StreamReader) error { _, err := rt.Await(r.ReadInto(make([]byte, 2))); return err }},
		{"ReadMore", func(r *streams.StreamReader) error { _, err := rt.Await(r.ReadMore()); return err }},
	}
	run(t, func(l *rt.Loop) error {
		for _, rd := range reads {
			r := streams.NewStreamReader(0)
			r.FeedData([]byte("line\n"))
			if got, err := rt.Await(r.Read(2)); err != nil || string(got) != "li" {
				t.Errorf("%s: first Read(2) = %q, %v", rd.name, got, err)
			}
			r.SetException(boom)
			if err := rd.do(r); !errors.Is(err, boom) {
				t.Errorf("%s after SetException: %v, want boom", rd.name, err)
			}
			if string(r.Peek()) != "ne\n" {
				t.Errorf("%s after SetException left %q buffered, want \"ne\\n\"", rd.name, r.Peek())
			}
		}
		return nil
	})
}

// Exception reports nil until an exception is set, then exactly that
// error; a later one replaces it.
func TestPortedExceptionState(t *testing.T) {
	r := streams.NewStreamReader(0)
	if err := r.Exception(); err != nil {
		t.Errorf("fresh reader Exception() = %v", err)
	}
	first, second := errors.New("first"), errors.New("second")
	r.SetException(first)
	if r.Exception() != first {
		t.Errorf("Exception() = %v, want the error set", r.Exception())
	}
	r.SetException(second)
	if r.Exception() != second {
		t.Errorf("Exception() = %v, want the latest error", r.Exception())
	}
	r.FeedEOF()
	if r.Exception() != second {
		t.Errorf("FeedEOF changed Exception() to %v", r.Exception())
	}
}

// Setting an exception after the waiting read was cancelled is safe: the
// cancelled read stays cancelled, and the next read fails with the
// exception (it is not refused as a concurrent read).
func TestPortedSetExceptionAfterCancelledRead(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		task := rt.CreateTask(l, r.ReadLine())
		ptTick()
		task.Cancel()
		ptTick()
		boom := errors.New("after cancel")
		r.SetException(boom)
		ptTick()
		if !task.Cancelled() {
			_, err := task.Result()
			t.Errorf("cancelled read ended with %v, want cancelled", err)
		}
		if _, err := rt.Await(r.ReadLine()); !errors.Is(err, boom) {
			t.Errorf("read after: %v, want the exception", err)
		}
		return nil
	})
}

// A waiting read of each kind is woken by FeedEOF and answers as at the
// end of the stream.
func TestPortedFeedEOFWakesWaitingRead(t *testing.T) {
	cases := []struct {
		name  string
		start func(l *rt.Loop, r *streams.StreamReader) func() (string, error)
		want  string
	}{
		{"Read", func(l *rt.Loop, r *streams.StreamReader) func() (string, error) {
			task := rt.CreateTask(l, r.Read(1024))
			return func() (string, error) { b, err := bound(task, "Read"); return fmt.Sprintf("%q", b), err }
		}, `""`},
		{"Read(-1)", func(l *rt.Loop, r *streams.StreamReader) func() (string, error) {
			task := rt.CreateTask(l, r.Read(-1))
			return func() (string, error) { b, err := bound(task, "Read(-1)"); return fmt.Sprintf("%q", b), err }
		}, `""`},
		{"ReadLine", func(l *rt.Loop, r *streams.StreamReader) func() (string, error) {
			task := rt.CreateTask(l, r.ReadLine())
			return func() (string, error) { b, err := bound(task, "ReadLine"); return fmt.Sprintf("%q", b), err }
		}, `""`},
		{"ReadUntil", func(l *rt.Loop, r *streams.StreamReader) func() (string, error) {
			task := rt.CreateTask(l, r.ReadUntil([]byte("--")))
			return func() (string, error) {
				_, err := bound(task, "ReadUntil")
				var ie *streams.IncompleteReadError
				if errors.As(err, &ie) {
					return fmt.Sprintf("incomplete %q/%d", ie.Partial, ie.Expected), nil
				}
				return "", err
			}
		}, `incomplete ""/-1`},
		{"ReadExactly", func(l *rt.Loop, r *streams.StreamReader) func() (string, error) {
			task := rt.CreateTask(l, r.ReadExactly(3))
			return func() (string, error) {
				_, err := bound(task, "ReadExactly")
				var ie *streams.IncompleteReadError
				if errors.As(err, &ie) {
					return fmt.Sprintf("incomplete %q/%d", ie.Partial, ie.Expected), nil
				}
				return "", err
			}
		}, `incomplete ""/3`},
		{"ReadInto", func(l *rt.Loop, r *streams.StreamReader) func() (string, error) {
			task := rt.CreateTask(l, r.ReadInto(make([]byte, 8)))
			return func() (string, error) {
				n, err := bound(task, "ReadInto")
				return fmt.Sprintf("%d %v", n, errors.Is(err, io.EOF)), nil
			}
		}, "0 true"},
		{"ReadMore", func(l *rt.Loop, r *streams.StreamReader) func() (string, error) {
			task := rt.CreateTask(l, r.ReadMore())
			return func() (string, error) {
				n, err := bound(task, "ReadMore")
				return fmt.Sprintf("%d %v", n, errors.Is(err, io.EOF)), nil
			}
		}, "0 true"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run(t, func(l *rt.Loop) error {
				r := streams.NewStreamReader(0)
				result := c.start(l, r)
				ptTick()
				r.FeedEOF()
				got, err := result()
				if err != nil {
					return err
				}
				if got != c.want {
					t.Errorf("woken by FeedEOF: %s, want %s", got, c.want)
				}
				return nil
			})
		})
	}
}

// After FeedEOF with nothing buffered, every read answers the end at once
// and keeps answering it.
func TestPortedReadsAfterFeedEOF(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		r.FeedEOF()
		for round := range 2 {
			if b, err := rt.Await(r.Read(5)); err != nil || len(b) != 0 {
				t.Errorf("round %d: Read(5) = %q, %v", round, b, err)
			}
			if b, err := rt.Await(r.Read(-1)); err != nil || len(b) != 0 {
				t.Errorf("round %d: Read(-1) = %q, %v", round, b, err)
			}
			if b, err := rt.Await(r.ReadLine()); err != nil || len(b) != 0 {
				t.Errorf("round %d: ReadLine = %q, %v", round, b, err)
			}
			var ie *streams.IncompleteReadError
			if _, err := rt.Await(r.ReadExactly(1)); !errors.As(err, &ie) || len(ie.Partial) != 0 || ie.Expected != 1 {
				t.Errorf("round %d: ReadExactly(1): %v", round, err)
			}
			if _, err := rt.Await(r.ReadUntil([]byte("x"))); !errors.As(err, &ie) || len(ie.Partial) != 0 || ie.Expected != -1 {
				t.Errorf("round %d: ReadUntil: %v", round, err)
			}
			if n, err := rt.Await(r.ReadInto(make([]byte, 4))); n != 0 || err != io.EOF {
				t.Errorf("round %d: ReadInto = %d, %v; want 0, io.EOF", round, n, err)
			}
			if n, err := rt.Await(r.ReadMore()); n != 0 || err != io.EOF {
				t.Errorf("round %d: ReadMore = %d, %v; want 0, io.EOF", round, n, err)
			}
			if !r.AtEOF() {
				t.Errorf("round %d: AtEOF() false", round)
			}
		}
		return nil
	})
}

// A partial last line is returned by ReadLine at EOF (whether the EOF
// came before the read or while it waited), and the next ReadLine gives
// the empty end.
func TestPortedReadLinePartialLineThenEOF(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		r.FeedData([]byte("some data"))
		r.FeedEOF()
		if line, err := rt.Await(r.ReadLine()); err != nil || string(line) != "some data" {
			t.Errorf("buffered partial line: %q, %v", line, err)
		}
		if line, err := rt.Await(r.ReadLine()); err != nil || len(line) != 0 {
			t.Errorf("after the partial line: %q, %v; want the empty end", line, err)
		}

		r = streams.NewStreamReader(0)
		task := rt.CreateTask(l, r.ReadLine())
		feedSoon(l, r, true, "par", "tial")
		if line, err := bound(task, "ReadLine"); err != nil || string(line) != "partial" {
			t.Errorf("partial line arriving while waiting: %q, %v", line, err)
		}
		if line, err := rt.Await(r.ReadLine()); err != nil || len(line) != 0 || !r.AtEOF() {
			t.Errorf("then: %q, %v (AtEOF %v)", line, err, r.AtEOF())
		}
		return nil
	})
}

// AtEOF is false until the end was fed and every byte was read.
func TestPortedAtEOFTransitions(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		step := func(what string, want bool) {
			if got := r.AtEOF(); got != want {
				t.Errorf("%s: AtEOF() = %v, want %v", what, got, want)
			}
		}
		step("fresh", false)
		r.FeedData([]byte("some data\n"))
		step("data buffered", false)
		rt.Await(r.ReadLine())
		step("buffer drained, no EOF yet", false)
		r.FeedData([]byte("some data\n"))
		r.FeedEOF()
		step("EOF fed, data still buffered", false)
		rt.Await(r.Read(4))
		step("part read", false)
		rt.Await(r.ReadLine())
		step("all read after EOF", true)
		return nil
	})
}

// A line of exactly the limit (the newline not counted) is a line; one
// byte more is over the limit whether or not its newline has arrived, and
// is dropped; an unterminated run of exactly the limit waits for more.
func TestPortedReadLineAtExactlyTheLimit(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(7)
		r.FeedData([]byte("1234567\n"))
		if line, err := rt.Await(r.ReadLine()); err != nil || string(line) != "1234567\n" || r.Buffered() != 0 {
			t.Errorf("7-byte line with limit 7: %q, %v (%d left)", line, err, r.Buffered())
		}
		r.FeedData([]byte("12345678\n"))
		if _, err := rt.Await(r.ReadLine()); !errors.Is(err, streams.ErrLimitOverrun) || r.Buffered() != 0 {
			t.Errorf("8-byte line with limit 7: %v (%d left), want ErrLimitOverrun and the line dropped", err, r.Buffered())
		}
		r.FeedData([]byte("12345678"))
		if _, err := rt.Await(r.ReadLine()); !errors.Is(err, streams.ErrLimitOverrun) || r.Buffered() != 0 {
			t.Errorf("8 bytes without newline, limit 7: %v (%d left), want ErrLimitOverrun and the buffer cleared", err, r.Buffered())
		}
		// Exactly the limit without a newline is not yet over it.
		task := rt.CreateTask(l, r.ReadLine())
		r.FeedData([]byte("abcdefg"))
		ptTick()
		ptTick()
		if task.Done() {
			got, err := task.Result()
			t.Fatalf("7 unterminated bytes with limit 7 ended the read: %q, %v; want it waiting", got, err)
		}
		r.FeedData([]byte("\n"))
		if line, err := bound(task, "ReadLine"); err != nil || string(line) != "abcdefg\n" {
			t.Errorf("then the newline: %q, %v", line, err)
		}
		return nil
	})
}

// A ReadLine waiting while a long line arrives: if the newline is in what
// arrived, the line is dropped through it and the next line stays; if
// the limit is passed before any newline, what had arrived is dropped.
func TestPortedReadLineOverLimitWhileWaiting(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(7)
		task := rt.CreateTask(l, r.ReadLine())
		ptFeedTogether(l, r, true, "chunk1", "chunk2", "chunk3\n")
		if _, err := bound(task, "ReadLine"); !errors.Is(err, streams.ErrLimitOverrun) || r.Buffered() != 0 {
			t.Errorf("one long line: %v (%d left), want ErrLimitOverrun and nothing left", err, r.Buffered())
		}

		r = streams.NewStreamReader(7)
		task = rt.CreateTask(l, r.ReadLine())
		ptFeedTogether(l, r, true, "chunk1", "chunk2\n", "chunk3\n")
		if _, err := bound(task, "ReadLine"); !errors.Is(err, streams.ErrLimitOverrun) || string(r.Peek()) != "chunk3\n" {
			t.Errorf("long line then a short one: %v, left %q; want ErrLimitOverrun and \"chunk3\\n\" left", err, r.Peek())
		}
		if line, err := rt.Await(r.ReadLine()); err != nil || string(line) != "chunk3\n" {
			t.Errorf("the short line after: %q, %v", line, err)
		}

		// Arriving one chunk per pass: the limit is passed at the second
		// chunk, which drops the 12 bytes seen; the rest of that line
		// then reads as a line of its own.
		r = streams.NewStreamReader(7)
		task = rt.CreateTask(l, r.ReadLine())
		feedSoon(l, r, true, "chunk1", "chunk2", "chunk3\n")
		if _, err := bound(task, "ReadLine"); !errors.Is(err, streams.ErrLimitOverrun) {
			t.Errorf("long line in pieces: %v, want ErrLimitOverrun", err)
		}
		if line, err := bound(r.ReadLine(), "ReadLine"); err != nil || string(line) != "chunk3\n" {
			t.Errorf("after the overrun in pieces: %q, %v; want the line's tail", line, err)
		}
		return nil
	})
}

// After a ReadLine overrun, both ReadLine and ReadUntil go on normally with
// what follows.
func TestPortedReadsAfterReadLineOverrun(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(4)
		r.FeedData([]byte("toolongline\nab\ncd;ef"))
		if _, err := rt.Await(r.ReadLine()); !errors.Is(err, streams.ErrLimitOverrun) {
			t.Fatalf("ReadLine of the long line: %v", err)
		}
		if got, err := rt.Await(r.ReadUntil([]byte("\n"))); err != nil || string(got) != "ab\n" {
			t.Errorf("ReadUntil after the overrun: %q, %v", got, err)
		}
		if got, err := rt.Await(r.ReadUntil([]byte(";"))); err != nil || string(got) != "cd;" {
			t.Errorf("ReadUntil(;) after: %q, %v", got, err)
		}
		r.FeedData([]byte("\n"))
		if got, err := rt.Await(r.ReadLine()); err != nil || string(got) != "ef\n" {
			t.Errorf("ReadLine after: %q, %v", got, err)
		}
		return nil
	})
}

// After a ReadUntil overrun the data stays, so the caller may consume
// what the error allows and retry; ReadLine then drops the long line.
func TestPortedReadsAfterReadUntilOverrun(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(4)
		r.FeedData([]byte("abcdefgh"))
		_, err := rt.Await(r.ReadUntil([]byte("\n")))
		var le *streams.LimitOverrunError
		if !errors.As(err, &le) {
			t.Fatalf("ReadUntil over the limit: %v", err)
		}
		// Skip what the error says may be skipped, then read on.
		r.Consume(le.Consumed)
		r.FeedData([]byte("xy\nz\n"))
		if got, err := rt.Await(r.ReadUntil([]byte("\n"))); err != nil || string(got) != "xy\n" {
			t.Errorf("ReadUntil after consuming the overrun: %q, %v", got, err)
		}
		r.FeedData([]byte("0123456789\n"))
		if got, err := rt.Await(r.ReadLine()); err != nil || string(got) != "z\n" {
			t.Errorf("ReadLine: %q, %v", got, err)
		}
		if _, err := rt.Await(r.ReadUntil([]byte("\n"))); !errors.As(err, &le) || r.Buffered() != 11 {
			t.Errorf("ReadUntil of a long line: %v, %d buffered; want an overrun keeping 11", err, r.Buffered())
		}
		if _, err := rt.Await(r.ReadLine()); !errors.Is(err, streams.ErrLimitOverrun) || r.Buffered() != 0 {
			t.Errorf("ReadLine of the same long line: %v, %d left; want it dropped", err, r.Buffered())
		}
		return nil
	})
}

// The Consumed field of both LimitOverrunErrors: without a separator it
// counts every byte that cannot start one (all but len(sep)-1), with a
// separator past the limit it is the separator's offset. Each message is
// asyncio's.
func TestPortedLimitOverrunConsumed(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(3)
		r.FeedData([]byte("some dataAA"))
		_, err := rt.Await(r.ReadUntil([]byte("AAA")))
		var le *streams.LimitOverrunError
		if !errors.As(err, &le) || le.Consumed != 9 || le.Msg != "Separator is not found, and chunk exceed the limit" {
			t.Errorf("no separator: %#v; want Consumed 9 (11 bytes minus 2 that may start the separator)", le)
		}
		if string(r.Peek()) != "some dataAA" {
			t.Errorf("buffer after the first overrun: %q", r.Peek())
		}
		r.FeedData([]byte("A"))
		_, err = rt.Await(r.ReadUntil([]byte("AAA")))
		if !errors.As(err, &le) || le.Consumed != 9 || le.Msg != "Separator is found, but chunk is longer than limit" {
			t.Errorf("separator past the limit: %#v; want Consumed 9 (the separator's offset)", le)
		}
		if string(r.Peek()) != "some dataAAA" {
			t.Errorf("buffer after the second overrun: %q", r.Peek())
		}
		if err.Error() != le.Msg || !errors.Is(err, streams.ErrLimitOverrun) {
			t.Errorf("Error() = %q, errors.Is(ErrLimitOverrun) = %v", err.Error(), errors.Is(err, streams.ErrLimitOverrun))
		}
		// ReadLine's overrun carries the message of the case it met.
		r = streams.NewStreamReader(3)
		r.FeedData([]byte("abcdef\n"))
		if _, err := rt.Await(r.ReadLine()); err == nil || !strings.Contains(err.Error(), "Separator is found") {
			t.Errorf("ReadLine with the newline past the limit: %v", err)
		}
		r.FeedData([]byte("abcdef"))
		if _, err := rt.Await(r.ReadLine()); err == nil || !strings.Contains(err.Error(), "Separator is not found") {
			t.Errorf("ReadLine without a newline past the limit: %v", err)
		}
		return nil
	})
}

// A separator split across feeds is found at every split point, whether
// the pieces are all buffered first or arrive while ReadUntil waits, and
// what follows it stays buffered.
func TestPortedReadUntilSeparatorStraddlesFeeds(t *testing.T) {
	cases := []struct{ data, sep, want, rest string }{
		{"QWEaaXYaaa", "aaa", "QWEaaXYaaa", ""},
		{"lineAAAxxx", "AAA", "lineAAA", "xxx"},
		{"GET /\r\n\r\nbody", "\r\n\r\n", "GET /\r\n\r\n", "body"},
		{"a\r\nb\r\r\n\r\n!", "\r\n\r\n", "a\r\nb\r\r\n\r\n", "!"},
		{"XXXaaa", "aaa", "XXXaaa", ""},
	}
	run(t, func(l *rt.Loop) error {
		for _, c := range cases {
			n := len(c.data)
			for i := 1; i < n; i++ {
				for j := i; j < n; j++ {
					pieces := []string{c.data[:i], c.data[i:j], c.data[j:]}
					for _, waiting := range []bool{false, true} {
						r := streams.NewStreamReader(0)
						var got []byte
						var err error
						if waiting {
							task := rt.CreateTask(l, r.ReadUntil([]byte(c.sep)))
							feedSoon(l, r, false, pieces...)
							got, err = bound(task, "ReadUntil")
							for range pieces {
								ptTick() // the pieces after the separator
							}
						} else {
							for _, p := range pieces {
								r.FeedData([]byte(p))
							}
							got, err = rt.Await(r.ReadUntil([]byte(c.sep)))
						}
						if err != nil || string(got) != c.want || string(r.Peek()) != c.rest {
							t.Errorf("%q in pieces %q (waiting %v): %q, %v, left %q; want %q, left %q",
								c.data, pieces, waiting, got, err, r.Peek(), c.want, c.rest)
						}
					}
				}
			}
		}
		return nil
	})
}

// At EOF before the separator, ReadUntil's IncompleteReadError holds
// everything buffered, a partial separator included, and says how much
// it expected in asyncio's words.
func TestPortedReadUntilEOFKeepsPartialSeparator(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		r.FeedData([]byte("some dataAA"))
		r.FeedEOF()
		_, err := rt.Await(r.ReadUntil([]byte("AAA")))
		var ie *streams.IncompleteReadError
		if !errors.As(err, &ie) || string(ie.Partial) != "some dataAA" || ie.Expected != -1 {
			t.Fatalf("ReadUntil at EOF: %v", err)
		}
		if want := "11 bytes read on a total of undefined expected bytes"; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
		if r.Buffered() != 0 || !r.AtEOF() {
			t.Errorf("%d bytes left after the incomplete read, want none", r.Buffered())
		}
		return nil
	})
}

// ReadExactly's IncompleteReadError says what arrived of how much, and
// the partial data left the buffer.
func TestPortedReadExactlyIncompleteMessage(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		data := "line1\nline2\nline3\n" // 18 bytes
		r := streams.NewStreamReader(0)
		task := rt.CreateTask(l, r.ReadExactly(2*len(data)))
		feedSoon(l, r, true, data)
		_, err := bound(task, "ReadExactly")
		var ie *streams.IncompleteReadError
		if !errors.As(err, &ie) || string(ie.Partial) != data || ie.Expected != 36 {
			t.Fatalf("ReadExactly(36) at EOF: %v", err)
		}
		if want := "18 bytes read on a total of 36 expected bytes"; ie.Error() != want {
			t.Errorf("Error() = %q, want %q", ie.Error(), want)
		}
		if r.Buffered() != 0 {
			t.Errorf("%d bytes left", r.Buffered())
		}
		return nil
	})
}

// ReadExactly(0) and a refused ReadExactly(-1) leave the buffer as it was.
func TestPortedReadExactlyZeroOrNegativeKeepsBuffer(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		r.FeedData([]byte("data"))
		if b, err := rt.Await(r.ReadExactly(0)); err != nil || len(b) != 0 || string(r.Peek()) != "data" {
			t.Errorf("ReadExactly(0) = %q, %v, left %q", b, err, r.Peek())
		}
		if _, err := rt.Await(r.ReadExactly(-1)); err == nil || string(r.Peek()) != "data" {
			t.Errorf("ReadExactly(-1): %v, left %q; want an error and the data kept", err, r.Peek())
		}
		return nil
	})
}

// Reads of different kinds share one buffer: a ReadLine, then a Read(n)
// crossing the next line, then ReadExactly, ReadUntil and ReadInto, each
// starting where the last stopped.
func TestPortedMixedReadsShareTheBuffer(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		r.FeedData([]byte("line1\nline2\nline3\n;tail"))
		var got []string
		b, _ := rt.Await(r.ReadLine())
		got = append(got, string(b))
		b, _ = rt.Await(r.Read(7))
		got = append(got, string(b))
		b, _ = rt.Await(r.ReadExactly(3))
		got = append(got, string(b))
		b, _ = rt.Await(r.ReadUntil([]byte(";")))
		got = append(got, string(b))
		p := make([]byte, 10)
		n, _ := rt.Await(r.ReadInto(p))
		got = append(got, string(p[:n]))
		if want := []string{"line1\n", "line2\nl", "ine", "3\n;", "tail"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("reads gave %q, want %q", got, want)
		}
		return nil
	})
}

// One reader serves several consumers one after another: when a waiting
// read finishes, the next task's read may wait in its turn.
func TestPortedSequentialReaders(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		var order []string
		for i := range 5 {
			task := rt.CreateTask(l, rt.Async(func() (string, error) {
				line, err := rt.Await(r.ReadLine())
				return string(line), err
			}))
			ptTick()
			if task.Done() {
				t.Fatalf("reader %d finished before any data", i)
			}
			feedSoon(l, r, false, fmt.Sprintf("msg %d", i), "\n")
			line, err := bound(task, "a reader")
			if err != nil {
				return fmt.Errorf("reader %d: %w", i, err)
			}
			order = append(order, line)
		}
		want := "[msg 0\n msg 1\n msg 2\n msg 3\n msg 4\n]"
		if fmt.Sprint(order) != want {
			t.Errorf("readers got %q", order)
		}
		// The refused concurrent read did not disturb the next one either.
		first := rt.CreateTask(l, r.ReadExactly(2))
		ptTick()
		if _, err := rt.Await(r.ReadLine()); !errors.Is(err, streams.ErrConcurrentRead) {
			t.Errorf("second waiting reader: %v", err)
		}
		r.FeedData([]byte("ab"))
		if b, err := bound(first, "first"); err != nil || string(b) != "ab" {
			t.Errorf("first = %q, %v", b, err)
		}
		r.FeedData([]byte("c\n"))
		if b, err := rt.Await(r.ReadLine()); err != nil || string(b) != "c\n" {
			t.Errorf("the next reader = %q, %v", b, err)
		}
		return nil
	})
}

// String shows the buffered count and the end of the stream.
func TestPortedReaderString(t *testing.T) {
	r := streams.NewStreamReader(123)
	if s := r.String(); s != "<StreamReader 0 bytes>" {
		t.Errorf("fresh: %q", s)
	}
	r.FeedData([]byte("data"))
	if s := r.String(); s != "<StreamReader 4 bytes>" {
		t.Errorf("with data: %q", s)
	}
	r.FeedEOF()
	if s := r.String(); s != "<StreamReader 4 bytes eof>" {
		t.Errorf("at EOF: %q", s)
	}
}

// ptRawPeer accepts one connection on a loopback listener from another
// goroutine and runs serve on it; done reports serve's outcome.
type ptRawPeer struct {
	ln   net.Listener
	done chan error
}

func ptStartRawPeer(t *testing.T, serve func(c *net.TCPConn) error) *ptRawPeer {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &ptRawPeer{ln: ln, done: make(chan error, 1)}
	go func() {
		c, err := ln.Accept()
		ln.Close()
		if err != nil {
			p.done <- err
			return
		}
		err = serve(c.(*net.TCPConn))
		c.Close()
		p.done <- err
	}()
	t.Cleanup(func() {
		// The test connected (or failed); a real-time bound guards
		// against a peer that never got its connection.
		guard := time.AfterFunc(10*time.Second, func() { ln.Close() })
		defer guard.Stop()
		if err := <-p.done; err != nil {
			t.Errorf("raw peer: %v", err)
		}
	})
	return p
}

// Read(-1) with a limit far smaller than the data (asyncio's issue 168,
// where the transport pauses above twice the limit) still reads to EOF:
// the wait resumes the transport each time.
func TestPortedReadAllWithTinyLimitOverSocket(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 100*1024/16+3)
	peer := ptStartRawPeer(t, func(c *net.TCPConn) error {
		_, err := c.Write(payload)
		return err
	})
	run(t, func(l *rt.Loop) error {
		s, err := rt.Await(streams.OpenConnection("tcp4", peer.ln.Addr().String(), streams.WithLimit(1)))
		if err != nil {
			return err
		}
		defer s.Writer.Close()
		got, err := bound(s.Reader.Read(-1), "Read(-1)")
		if err != nil {
			return err
		}
		if !bytes.Equal(got, payload) {
			t.Errorf("Read(-1) with limit 1: %d bytes, want the %d sent", len(got), len(payload))
		}
		return nil
	})
}

// Writing and draining in a loop to a peer that closed at once ends with
// a connection error, not a loop that never yields (asyncio's issue
// 25441), and nothing is reported to the exception handler.
func TestPortedDrainFailsWhenPeerCloses(t *testing.T) {
	peer := ptStartRawPeer(t, func(c *net.TCPConn) error { return nil })
	run(t, func(l *rt.Loop) error {
		var reports []rt.ErrorContext
		l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { reports = append(reports, c) })
		s, err := rt.Await(streams.OpenConnection("tcp4", peer.ln.Addr().String()))
		if err != nil {
			return err
		}
		defer s.Writer.Close()
		writer := rt.Async(func() (int, error) {
			for i := 0; ; i++ {
				s.Writer.Write([]byte("foo\n"))
				if _, err := rt.Await(s.Writer.Drain()); err != nil {
					return i, err
				}
			}
		})
		_, err = bound(writer, "the write-drain loop")
		t.Logf("the write-drain loop ended with %v", err)
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) && !errors.Is(err, streams.ErrConnectionLost) {
			t.Errorf("write-drain loop ended with %v, want a reset, a broken pipe or ErrConnectionLost", err)
		}
		if len(reports) != 0 {
			t.Errorf("exception handler called: %v", reports)
		}
		return nil
	})
}

// Closing our writer ends our reader too: once WaitClosed returns, the
// reader is at EOF (nothing was sent), or holds only what the peer sent
// and we never read, followed by the end.
func TestPortedCloseEndsReader(t *testing.T) {
	for _, sent := range []string{"", "HTTP/1.0 200 OK\r\nunread body"} {
		t.Run(fmt.Sprintf("sent=%d", len(sent)), func(t *testing.T) {
			peer := ptStartRawPeer(t, func(c *net.TCPConn) error {
				if _, err := c.Write([]byte(sent)); err != nil {
					return err
				}
				// Until our close; closing with unread data may reset.
				io.Copy(io.Discard, c)
				return nil
			})
			run(t, func(l *rt.Loop) error {
				s, err := rt.Await(streams.OpenConnection("tcp4", peer.ln.Addr().String()))
				if err != nil {
					return err
				}
				rest := sent
				if sent != "" {
					line, err := bound(s.Reader.ReadLine(), "the status line")
					if err != nil || string(line) != "HTTP/1.0 200 OK\r\n" {
						return fmt.Errorf("status line %q, %v", line, err)
					}
					rest = sent[len(line):]
				}
				if s.Writer.IsClosing() {
					t.Error("IsClosing before Close")
				}
				s.Writer.Close()
				if !s.Writer.IsClosing() {
					t.Error("not IsClosing after Close")
				}
				if _, err := bound(s.Writer.WaitClosed(), "WaitClosed"); err != nil {
					return err
				}
				if sent == "" && !s.Reader.AtEOF() {
					t.Errorf("reader not at EOF after WaitClosed: %v", s.Reader)
				}
				got, err := rt.Await(s.Reader.Read(-1))
				if err != nil || !strings.HasPrefix(rest, string(got)) || !s.Reader.AtEOF() {
					t.Errorf("Read(-1) after WaitClosed = %q, %v (AtEOF %v); want a prefix of %q, then EOF", got, err, s.Reader.AtEOF(), rest)
				}
				return nil
			})
		})
	}
}
