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

// waitingReads are the reads that wait for "hello\n" (all six bytes, for
// most): each made afresh on r.
var waitingReads = map[string]func(r *streams.StreamReader) rt.Coro[[]byte]{
	"Read":         func(r *streams.StreamReader) rt.Coro[[]byte] { return r.Read(100) },
	"Read(-1)":     func(r *streams.StreamReader) rt.Coro[[]byte] { return r.Read(-1) },
	"ReadUntil":    func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadUntil([]byte("\n")) },
	"ReadExactly":  func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadExactly(6) },
	"ReadLine":     func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadLine() },
	"ReadLineView": func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadLineView() },
}

// A read closed while it waits for data gives up its wait: the next read
// waits for data as if the closed one had never been, instead of failing
// with ErrConcurrentRead, and gets every byte.
func TestAReadClosedWhileWaitingLeavesTheReaderFree(t *testing.T) {
	for name, read := range waitingReads {
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

// startThen is a task's coroutine that, in its first step, runs before,
// starts read, and runs after, so that the test can act between those
// while no other task runs; it then waits for the read like any await.
type startThen struct {
	aw            rt.Awaiting[[]byte]
	read          rt.Coro[[]byte]
	before, after func()
	started       bool
}

func (s *startThen) Send(c *rt.Ctx) rt.Yield {
	var y rt.Yield
	var suspend bool
	if !s.started {
		s.started = true
		s.before()
		y, suspend = s.aw.Start(c, s.read)
		s.after()
	} else {
		y, suspend = s.aw.Resume(c, nil)
	}
	if suspend {
		return y
	}
	return rt.Yield{}
}

func (s *startThen) Throw(c *rt.Ctx, err error) rt.Yield {
	if y, suspend := s.aw.Resume(c, err); suspend {
		return y
	}
	return rt.Yield{}
}

func (s *startThen) Close()                  { s.aw.Close() }
func (s *startThen) Result() ([]byte, error) { return s.aw.Result() }

// A read closed after data woke it, but before its task ran, does not
// hand the future its task still waits on to the next read: cancelling
// that task then, before it runs, cancels nothing of the next read,
// which waits on and gets every byte.
func TestAReadClosedAfterItsWakeUpLeavesTheNextReadAlone(t *testing.T) {
	for name, read := range waitingReads {
		if name == "Read" {
			continue // the first bytes fed would end it at once
		}
		t.Run(name, func(t *testing.T) {
			run(t, func(l *rt.Loop) error {
				r := streams.NewStreamReader(0)
				h := &holder{inner: read(r)}
				first := rt.CreateTask(l, h)
				rt.Must(rt.Sleep(0)) // the held read waits for data
				next := rt.CreateTask(l, &startThen{
					read: read(r),
					before: func() {
						r.FeedData([]byte("hel")) // wakes the held read's task
						h.aw.Close()              // and closes the read before that task runs
					},
					after: func() {
						first.Cancel("") // that task, still woken, not yet run
						l.CallSoon(func() {
							r.FeedData([]byte("lo\n"))
							r.FeedEOF()
						})
					},
				})
				got, err := rt.Await(next)
				rt.Await(first) // the holder's task ends, whatever its outcome
				if err != nil || string(got) != "hello\n" {
					t.Errorf("the next %s = %q, %v; want \"hello\\n\", nil", name, got, err)
				}
				return nil
			})
		})
	}
}
