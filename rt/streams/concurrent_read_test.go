package streams_test

import (
	"errors"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// A second reader that starts to wait after data woke the first but
// before the first ran is a concurrent read, and one of the two learns it
// with ErrConcurrentRead; but the two waits stay apart: cancelling the
// second reader does not cancel the first one's read (as it does not in
// asyncio), and no byte is lost.
func TestCancellingASecondReaderLeavesTheFirstAlone(t *testing.T) {
	for _, name := range []string{"ReadLine", "ReadLineView", "ReadUntil"} {
		t.Run(name, func(t *testing.T) {
			run(t, func(l *rt.Loop) error {
				r := streams.NewStreamReader(0)
				read := map[string]func() rt.Coro[[]byte]{
					"ReadLine":     r.ReadLine,
					"ReadLineView": r.ReadLineView,
					"ReadUntil":    func() rt.Coro[[]byte] { return r.ReadUntil([]byte("\n")) },
				}[name]
				first := rt.CreateTask(l, read())
				rt.Must(rt.Sleep(0)) // first waits for data
				second := rt.CreateTask(l, read())
				// Wakes first; second's first step is queued before first's.
				r.FeedData([]byte("par"))
				rt.Must(rt.Sleep(0)) // second waits; first resumes
				rt.Must(rt.Sleep(0))
				second.Cancel("")
				rt.Must(rt.Sleep(0))
				r.FeedData([]byte("tial\n"))
				line, err := rt.Await(first)
				if errors.Is(err, rt.ErrCancelled) {
					t.Fatalf("the first reader's read was cancelled by cancelling the second")
				}
				if err == nil && string(line) != "partial\n" {
					t.Errorf("the first reader read %q", line)
				}
				if err != nil && !errors.Is(err, streams.ErrConcurrentRead) {
					t.Errorf("the first reader failed with %v; want ErrConcurrentRead if anything", err)
				}
				if _, err := rt.Await(second); !errors.Is(err, rt.ErrCancelled) {
					t.Errorf("the cancelled second reader: %v", err)
				}
				if err != nil {
					// Neither read took the line: it is all still there.
					if line, err := rt.Await(r.ReadLine()); err != nil || string(line) != "partial\n" {
						t.Errorf("the next ReadLine = %q, %v; want \"partial\\n\"", line, err)
					}
				}
				return nil
			})
		})
	}
}
