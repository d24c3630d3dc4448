package streams_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// readScript reads r to its end with a sequence of ReadLine, ReadUntil,
// ReadExactly and ReadLineView chosen by ops, and returns what each returned, until
// one reports the end (an empty line or an incomplete read).
func readScript(r *streams.StreamReader, ops []byte) []string {
	var out []string
	for i := 0; i < 10000; i++ {
		op := ops[i%len(ops)]
		var got []byte
		var err error
		switch op % 4 {
		case 0:
			got, err = rt.Await(r.ReadLine())
		case 1:
			got, err = rt.Await(r.ReadUntil([]byte("\r\n")))
		case 2:
			got, err = rt.Await(r.ReadExactly(int(op%7) + 1))
		case 3:
			got, err = rt.Await(r.ReadLineView())
		}
		var ie *streams.IncompleteReadError
		switch {
		case errors.As(err, &ie):
			return append(out, fmt.Sprintf("op%d incomplete %q/%d", op%4, ie.Partial, ie.Expected))
		case err != nil:
			return append(out, fmt.Sprintf("op%d error %v", op%4, err))
		case len(got) == 0:
			return append(out, fmt.Sprintf("op%d end", op%4))
		}
		out = append(out, fmt.Sprintf("op%d %q", op%4, got))
	}
	return append(out, "too many reads")
}

// The same bytes delivered in one piece or in random pieces give the same
// results, read after read (under the limit: over it, asyncio's answers
// depend on how much has arrived, by design).
func FuzzChunkingDoesNotChangeReads(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody\nmore"), []byte{0, 1, 2}, uint64(1))
	f.Add([]byte("a\nb\r\nccc\r\n\n\n"), []byte{1, 1, 0, 5}, uint64(7))
	f.Add([]byte("no separator at all"), []byte{0}, uint64(3))
	f.Add([]byte("\r\n\r\n\r"), []byte{2, 1}, uint64(42))
	f.Add([]byte(""), []byte{0}, uint64(0))
	f.Fuzz(func(t *testing.T, data, ops []byte, seed uint64) {
		if len(ops) == 0 {
			ops = []byte{0}
		}
		limit := len(data) + 8
		var whole, chunked []string
		run(t, func(l *rt.Loop) error {
			r := streams.NewStreamReader(limit)
			r.FeedData(data)
			r.FeedEOF()
			whole = readScript(r, ops)

			r = streams.NewStreamReader(limit)
			rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
			var pieces []string
			for rest := data; len(rest) > 0; {
				n := 1 + rng.IntN(min(len(rest), 9))
				pieces = append(pieces, string(rest[:n]))
				rest = rest[n:]
			}
			feedSoon(l, r, true, pieces...)
			chunked = readScript(r, ops)
			return nil
		})
		if fmt.Sprint(whole) != fmt.Sprint(chunked) {
			t.Errorf("one delivery: %q\nin pieces:    %q", whole, chunked)
		}
	})
}
