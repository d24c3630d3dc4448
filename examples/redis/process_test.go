package main

import (
	"bytes"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// runBuffered runs every request it can from r, as serve does between
// reads, and returns the answers.
func runBuffered(c *client, r *streams.StreamReader) []byte {
	var all []byte
	for !c.quit {
		more := c.process(r)
		all = append(all, c.out...)
		c.out = c.out[:0]
		if more {
			break
		}
	}
	return all
}

// fuzzLimits are small enough for the fuzzer to reach, with a query
// limit above any complete request (an inline one may be 64 KiB), so that
// whether a request is too large does not depend on its chunking.
var fuzzLimits = limits{maxArgs: 16, maxBulk: 64, maxQuery: 1 << 17}

// FuzzProcessChunking feeds the same bytes to two connections' state,
// once whole and once in chunks whose sizes come from the fuzzer, and
// requires the same answers and the same decision to close: a request
// split across reads runs as if it had come in one.
func FuzzProcessChunking(f *testing.F) {
	f.Add([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nvv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nINCR n\r\nPING\r\n"), []byte{1, 5, 2, 9})
	f.Add([]byte("SET a 1\r\nMGET a b\r\n*1\r\n$x\r\nPING\r\n"), []byte{3})
	f.Add([]byte("PING\r\nQUIT\r\nPING\r\n"), []byte{0, 1})
	f.Add([]byte("ECHO \"a\\x41\"\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), []byte{7, 1, 1})
	f.Fuzz(func(t *testing.T, in, sizes []byte) {
		if bytes.Contains(bytes.ToLower(in), []byte("keys")) {
			return // KEYS answers in map order, which differs between the two
		}
		_, err := rt.Run(rt.Coro[rt.Void](rt.Async(func() (rt.Void, error) {
			l := rt.RunningLoop()
			whole := newServer(l, fuzzLimits).newClient()
			split := newServer(l, fuzzLimits).newClient()
			rw := streams.NewStreamReader(0)
			rw.FeedData(in)
			want := runBuffered(whole, rw)
			rs := streams.NewStreamReader(0)
			var got []byte
			rest := in
			for i := 0; len(rest) > 0 && !split.quit; i++ {
				n := len(rest)
				if len(sizes) > 0 {
					n = min(n, int(sizes[i%len(sizes)])+1)
				}
				rs.FeedData(rest[:n])
				rest = rest[n:]
				got = append(got, runBuffered(split, rs)...)
			}
			if !bytes.Equal(got, want) || split.quit != whole.quit {
				t.Fatalf("in chunks: %q (close %v)\nwhole: %q (close %v)", got, split.quit, want, whole.quit)
			}
			return rt.Void{}, nil
		})), rt.WithClock(rt.NewVirtualClock()))
		if err != nil {
			t.Fatal(err)
		}
	})
}
