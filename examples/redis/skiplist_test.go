package main

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The skiplist agrees with a sorted slice through random inserts,
// removes and score changes: every rank, the node at every rank, the
// backward links and the tail, and firstFrom for inclusive and exclusive
// bounds.
func TestSkiplistMatchesSortedSlice(t *testing.T) {
	type item struct {
		score  float64
		member string
	}
	r := rand.New(rand.NewPCG(1, 2))
	z := newZset()
	for step := range 4000 {
		m := string(rune('a'+r.IntN(26))) + string(rune('a'+r.IntN(26)))
		if r.IntN(3) == 0 {
			z.del(m)
		} else {
			z.set(m, float64(r.IntN(40)-20)/2)
		}
		want := make([]item, 0, len(z.scores))
		for m, s := range z.scores {
			want = append(want, item{s, m})
		}
		slices.SortFunc(want, func(a, b item) int {
			if less(a.score, a.member, b.score, b.member) {
				return -1
			}
			return 1
		})
		s := z.order
		if s.n != len(want) {
			t.Fatalf("step %d: %d nodes, want %d", step, s.n, len(want))
		}
		var prev *zNode
		for i, w := range want {
			x := s.at(i)
			if x == nil || x.score != w.score || x.member != w.member {
				t.Fatalf("step %d: at(%d) = %+v, want %+v", step, i, x, w)
			}
			if got := s.rank(w.score, w.member); got != i {
				t.Fatalf("step %d: rank of %+v = %d, want %d", step, w, got, i)
			}
			if x.back != prev {
				t.Fatalf("step %d: node %d's back link is wrong", step, i)
			}
			prev = x
		}
		if s.tail != prev {
			t.Fatalf("step %d: tail is wrong", step)
		}
		bound := float64(r.IntN(44)-22) / 2
		for _, excl := range []bool{false, true} {
			got := s.firstFrom(bound, excl)
			i := 0
			for i < len(want) && (want[i].score < bound || excl && want[i].score == bound) {
				i++
			}
			if got != i {
				t.Fatalf("step %d: firstFrom(%v, %v) = %d, want %d", step, bound, excl, got, i)
			}
		}
	}
}
