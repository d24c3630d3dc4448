package streams_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// run runs body as the main coroutine of a fresh loop.
func run(t testing.TB, body func(l *rt.Loop) error, opts ...rt.Option) {
	t.Helper()
	_, err := rt.Run(rt.Async(func() (rt.Void, error) { return rt.Void{}, body(rt.RunningLoop()) }), opts...)
	var pe *rt.PanicError
	if errors.As(err, &pe) {
		t.Fatalf("%v\n%s", err, pe.Stack)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// feedSoon feeds chunks to r from loop callbacks, one per pass, then EOF
// if eof: data arriving while a read waits.
func feedSoon(l *rt.Loop, r *streams.StreamReader, eof bool, chunks ...string) {
	var next func()
	i := 0
	next = func() {
		if i < len(chunks) {
			r.FeedData([]byte(chunks[i]))
			i++
			l.CallSoon(next)
			return
		}
		if eof {
			r.FeedEOF()
		}
	}
	l.CallSoon(next)
}

func TestReadReturnsWhatIsThereUpToN(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		feedSoon(l, r, true, "abc", "defgh")
		got, err := rt.Await(r.Read(100))
		if err != nil || string(got) != "abc" {
			t.Errorf("Read(100) = %q, %v; want the first chunk", got, err)
		}
		if got, _ := rt.Await(r.Read(0)); len(got) != 0 {
			t.Errorf("Read(0) = %q", got)
		}
		got, _ = rt.Await(r.Read(2))
		rest, _ := rt.Await(r.Read(-1))
		if string(got) != "de" || string(rest) != "fgh" {
			t.Errorf("Read(2), Read(-1) = %q, %q", got, rest)
		}
		if got, err := rt.Await(r.Read(5)); len(got) != 0 || err != nil || !r.AtEOF() {
			t.Errorf("Read at EOF = %q, %v (AtEOF %v); want empty", got, err, r.AtEOF())
		}
		return nil
	})
}

func TestReadAllToEOF(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(4) // blocks of the limit
		feedSoon(l, r, true, "0123456789", "abc", "", "def")
		got, err := rt.Await(r.Read(-1))
		if err != nil || string(got) != "0123456789abcdef" {
			t.Errorf("Read(-1) = %q, %v", got, err)
		}
		return nil
	})
}

func TestReadLine(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		feedSoon(l, r, true, "li", "ne 1\nline", " 2\n", "tail")
		var lines []string
		for {
			line, err := rt.Await(r.ReadLine())
			if err != nil {
				return err
			}
			if len(line) == 0 {
				break
			}
			lines = append(lines, string(line))
		}
		want := []string{"line 1\n", "line 2\n", "tail"}
		if strings.Join(lines, "|") != strings.Join(want, "|") {
			t.Errorf("lines %q, want %q", lines, want)
		}
		return nil
	})
}

// A line over the limit: with its newline buffered, the line is dropped
// through the newline and the next line reads fine; without one, the
// whole buffer is dropped.
func TestReadLineOverTheLimitDiscards(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(5)
		r.FeedData([]byte("0123456789\nnext\n"))
		if _, err := rt.Await(r.ReadLine()); !errors.Is(err, streams.ErrLimitOverrun) {
			t.Errorf("long line: %v, want ErrLimitOverrun", err)
		}
		if line, err := rt.Await(r.ReadLine()); string(line) != "next\n" || err != nil {
			t.Errorf("after the long line: %q, %v", line, err)
		}
		r.FeedData([]byte("0123456789abc"))
		if _, err := rt.Await(r.ReadLine()); !errors.Is(err, streams.ErrLimitOverrun) {
			t.Errorf("long line without newline: %v, want ErrLimitOverrun", err)
		}
		if r.Buffered() != 0 {
			t.Errorf("%d bytes left after a long unterminated line, want the buffer cleared", r.Buffered())
		}
		return nil
	})
}

func TestReadUntilMultiByteSeparator(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		feedSoon(l, r, false, "head\r", "\nbo", "dy\r\n\r", "\n")
		var got []string
		for range 3 {
			chunk, err := rt.Await(r.ReadUntil([]byte("\r\n")))
			if err != nil {
				return err
			}
			got = append(got, string(chunk))
		}
		if want := "head\r\n|body\r\n|\r\n"; strings.Join(got, "|") != want {
			t.Errorf("ReadUntil gave %q, want %q", strings.Join(got, "|"), want)
		}
		if _, err := rt.Await(r.ReadUntil(nil)); err == nil {
			t.Error("ReadUntil with an empty separator succeeded")
		}
		return nil
	})
}

// Over the limit ReadUntil fails and keeps the data; at EOF it fails with
// the partial data, which leaves the buffer.
func TestReadUntilLimitKeepsDataAndEOFReturnsPartial(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(4)
		r.FeedData([]byte("abcdefgh"))
		_, err := rt.Await(r.ReadUntil([]byte("!")))
		var le *streams.LimitOverrunError
		if !errors.As(err, &le) || le.Consumed != 8 {
			t.Errorf("no separator over the limit: %v, want a LimitOverrunError consuming 8", err)
		}
		if r.Buffered() != 8 {
			t.Errorf("buffer holds %d after the overrun, want the 8 bytes kept", r.Buffered())
		}
		r.FeedData([]byte("!"))
		if _, err := rt.Await(r.ReadUntil([]byte("!"))); !errors.As(err, &le) || le.Consumed != 8 {
			t.Errorf("separator past the limit: %v, want a LimitOverrunError at 8", err)
		}
		r.Consume(r.Buffered())
		r.FeedData([]byte("xy"))
		r.FeedEOF()
		_, err = rt.Await(r.ReadUntil([]byte("!")))
		var ie *streams.IncompleteReadError
		if !errors.As(err, &ie) || string(ie.Partial) != "xy" || ie.Expected != -1 || r.Buffered() != 0 {
			t.Errorf("EOF before the separator: %v, want IncompleteReadError(\"xy\", undefined) and an empty buffer", err)
		}
		return nil
	})
}

func TestReadExactly(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		feedSoon(l, r, true, "12", "345", "67")
		got, err := rt.Await(r.ReadExactly(4))
		if err != nil || string(got) != "1234" {
			t.Errorf("ReadExactly(4) = %q, %v", got, err)
		}
		if got, _ := rt.Await(r.ReadExactly(0)); len(got) != 0 {
			t.Errorf("ReadExactly(0) = %q", got)
		}
		_, err = rt.Await(r.ReadExactly(10))
		var ie *streams.IncompleteReadError
		if !errors.As(err, &ie) || string(ie.Partial) != "567" || ie.Expected != 10 || !errors.Is(err, streams.ErrIncompleteRead) {
			t.Errorf("ReadExactly(10) at EOF: %v, want IncompleteReadError(\"567\", 10)", err)
		}
		if _, err := rt.Await(r.ReadExactly(-1)); err == nil {
			t.Error("ReadExactly(-1) succeeded")
		}
		return nil
	})
}

func TestReadIntoAndEOF(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		feedSoon(l, r, true, "hello world")
		buf := make([]byte, 5)
		var out bytes.Buffer
		for {
			n, err := rt.Await(r.ReadInto(buf))
			out.Write(buf[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
		if out.String() != "hello world" {
			t.Errorf("ReadInto gave %q", out.String())
		}
		return nil
	})
}

// A parser works on Peek in place and asks for more with ReadMore.
func TestPeekConsumeReadMore(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		feedSoon(l, r, true, "3:ab", "c2:", "de")
		var fields []string
		for {
			buf := r.Peek()
			if i := bytes.IndexByte(buf, ':'); i > 0 {
				n := int(buf[0] - '0')
				if len(buf) >= i+1+n {
					fields = append(fields, string(buf[i+1:i+1+n]))
					r.Consume(i + 1 + n)
					continue
				}
			}
			if _, err := rt.Await(r.ReadMore()); err == io.EOF {
				break
			} else if err != nil {
				return err
			}
		}
		if strings.Join(fields, ",") != "abc,de" {
			t.Errorf("parsed %q", fields)
		}
		return nil
	})
}

func TestSecondConcurrentReaderFails(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		first := rt.CreateTask(l, r.ReadLine())
		rt.Await(rt.Sleep(0))
		if _, err := rt.Await(r.ReadExactly(3)); !errors.Is(err, streams.ErrConcurrentRead) {
			t.Errorf("second reader: %v, want ErrConcurrentRead", err)
		}
		r.FeedData([]byte("ok\n"))
		if line, err := rt.Await(first); string(line) != "ok\n" || err != nil {
			t.Errorf("first reader got %q, %v", line, err)
		}
		return nil
	})
}

// SetException fails a waiting read and every later one.
func TestSetExceptionFailsReads(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		boom := errors.New("boom")
		waiting := rt.CreateTask(l, r.ReadExactly(3))
		rt.Await(rt.Sleep(0))
		r.SetException(boom)
		if _, err := rt.Await(waiting); !errors.Is(err, boom) {
			t.Errorf("waiting read: %v, want boom", err)
		}
		if _, err := rt.Await(r.Read(1)); !errors.Is(err, boom) || r.Exception() != boom {
			t.Errorf("later read: %v, want boom", err)
		}
		return nil
	})
}

// Cancelling a read at its await leaves every byte buffered, in order,
// for the next read: whichever read it is.
func TestCancelledReadsLoseNothing(t *testing.T) {
	reads := map[string]func(*streams.StreamReader) rt.Coro[[]byte]{
		"ReadLine":     (*streams.StreamReader).ReadLine,
		"ReadLineView": (*streams.StreamReader).ReadLineView,
		"ReadExactly":  func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadExactly(100) },
		"ReadUntil":    func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadUntil([]byte("END")) },
		"Read(-1)":     func(r *streams.StreamReader) rt.Coro[[]byte] { return r.Read(-1) },
	}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			run(t, func(l *rt.Loop) error {
				r := streams.NewStreamReader(0)
				task := rt.CreateTask(l, read(r))
				for _, part := range []string{"par", "tial ", "data E"} {
					rt.Await(rt.Sleep(0))
					r.FeedData([]byte(part))
				}
				rt.Await(rt.Sleep(0))
				task.Cancel()
				if _, err := rt.Await(task); !errors.Is(err, rt.ErrCancelled) {
					t.Errorf("cancelled %s: %v", name, err)
				}
				r.FeedData([]byte("ND\n"))
				r.FeedEOF()
				rest, err := rt.Await(r.Read(-1))
				if err != nil || string(rest) != "partial data END\n" {
					t.Errorf("after cancelling %s: %q, %v; want every byte", name, rest, err)
				}
				return nil
			})
		})
	}
}
