package streams_test

import (
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// holder drives one read the way a hand-written combinator does, so that
// the test can close the read while it waits, as a combinator that
// abandons a loser does (Close, not a cancellation).
type holder struct {
	aw      rt.Awaiting[[]byte]
	inner   rt.Coro[[]byte]
	started bool
	err     error
}

func (h *holder) Send(c *rt.Ctx) rt.Yield {
	if !h.started {
		h.started = true
		y, _ := h.aw.Start(c, h.inner)
		return y
	}
	return rt.Yield{}
}

func (h *holder) Throw(c *rt.Ctx, err error) rt.Yield {
	h.err = err
	return rt.Yield{}
}

func (h *holder) Close()                  { h.aw.Close() }
func (h *holder) Result() ([]byte, error) { return nil, h.err }

// A read closed while it waits for data gives up its wait: the next read
// waits for data as if the closed one had never been, instead of failing
// with ErrConcurrentRead, and gets every byte.
func TestAReadClosedWhileWaitingLeavesTheReaderFree(t *testing.T) {
	reads := map[string]func(r *streams.StreamReader) rt.Coro[[]byte]{
		"Read":         func(r *streams.StreamReader) rt.Coro[[]byte] { return r.Read(100) },
		"Read(-1)":     func(r *streams.StreamReader) rt.Coro[[]byte] { return r.Read(-1) },
		"ReadUntil":    func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadUntil([]byte("\n")) },
		"ReadExactly":  func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadExactly(6) },
		"ReadLine":     func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadLine() },
		"ReadLineView": func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadLineView() },
	}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			run(t, func(l *rt.Loop) error {
				r := streams.NewStreamReader(0)
				h := &holder{inner: read(r)}
				first := rt.CreateTask(l, h)
				rt.Must(rt.Sleep(0)) // the held read waits for data
				h.aw.Close()
				first.Cancel("")
				rt.Await(first) // the holder's task ends, whatever its outcome
				next := rt.CreateTask(l, read(r))
				rt.Must(rt.Sleep(0))
				r.FeedData([]byte("hello\n"))
				r.FeedEOF()
				got, err := rt.Await(next)
				if err != nil || string(got) != "hello\n" {
					t.Errorf("the next %s = %q, %v; want \"hello\\n\", nil", name, got, err)
				}
				return nil
			})
		})
	}
}
