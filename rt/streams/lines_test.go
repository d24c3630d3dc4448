package streams_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// Lines hands out ReadLine's lines until EOF; each stays the consumer's
// after later reads refill the buffer.
func TestLinesIteratesToEOF(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		feedSoon(l, r, true, "li", "ne 1\nline", " 2\n", "tail")
		var kept [][]byte
		it := r.Lines()
		for {
			line, err := rt.Await(it.Next())
			if errors.Is(err, rt.ErrStopAsyncIteration) {
				break
			}
			if err != nil {
				return err
			}
			kept = append(kept, line)
		}
		var got []string
		for _, b := range kept {
			got = append(got, string(b))
		}
		if want := "line 1\n|line 2\n|tail"; strings.Join(got, "|") != want {
			t.Errorf("lines %q, want %q", got, want)
		}
		return nil
	})
}

// Closing Lines early leaves the unread lines buffered for ReadLine.
func TestLinesCloseKeepsTheRest(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(0)
		r.FeedData([]byte("a\nb\nc\n"))
		r.FeedEOF()
		it := r.Lines()
		first, err := rt.Await(it.Next())
		if err != nil {
			return err
		}
		if _, err := rt.Await(it.Close()); err != nil {
			return err
		}
		rest, err := rt.Await(r.Read(-1))
		if err != nil {
			return err
		}
		if string(first) != "a\n" || string(rest) != "b\nc\n" || !it.Done() {
			t.Errorf("first %q rest %q done %v", first, rest, it.Done())
		}
		return nil
	})
}

// A read error ends the iteration with that error at the Next that met it;
// Collect keeps the lines read before it.
func TestLinesLimitErrorEndsIteration(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		r := streams.NewStreamReader(4)
		r.FeedData([]byte("ok\n0123456789\nmore\n"))
		lines, err := rt.Await(rt.Collect(r.Lines()))
		if !errors.Is(err, streams.ErrLimitOverrun) || len(lines) != 1 || string(lines[0]) != "ok\n" {
			t.Errorf("lines %q err %v, want [\"ok\\n\"] and ErrLimitOverrun", lines, err)
		}
		return nil
	})
}
