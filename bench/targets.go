package main

import (
	"fmt"
	"math"
)

// target is one of DESIGN.md's goals, checked against this run.
type target struct{ what, measured, verdict string }

// verdict says whether the median v meets want (at least want, or at most
// when atMost).
func verdict(s summary, want float64, atMost bool) string {
	switch {
	case s.n == 0 || math.IsNaN(s.median):
		return "not measured"
	case atMost && s.median <= want, !atMost && s.median >= want:
		return "met"
	default:
		return "**MISS**"
	}
}

// targets are the suite's goals: echo at least 90% of C and ahead of Go
// net, gnet and uvloop (the like-for-like uvloop server); RESP at least
// 90% of redis-server in every cell; HTTP 1.5× net/http; an idle
// connection at most 0.6 KB over a Protocol and 1 KB over streams.
func (r *results) targets() []target {
	var ts []target
	ratio := func(what, group, a, b string, want float64) {
		s := r.versus(group, a, b)
		// "ahead of" is strictly more: a tie is not ahead.
		v := verdict(s, want, false)
		if want == 1 && s.n > 0 && s.median == 1 {
			v = "**MISS**"
		}
		ts = append(ts, target{what, fmtRange(s, times), v})
	}
	for _, conns := range []int{50, 100} {
		g := echoGroup(conns)
		for _, ours := range []struct{ name, uv string }{{"asyncgen Protocol", "uvloop Protocol"}, {"asyncgen streams", "uvloop streams"}} {
			ratio(fmt.Sprintf("%s: %s ≥ 0.9× C epoll", g, ours.name), g, ours.name, "C epoll", 0.9)
			for _, peer := range []string{"Go net", "gnet v2", ours.uv} {
				ratio(fmt.Sprintf("%s: %s ahead of %s", g, ours.name, peer), g, ours.name, peer, 1)
			}
		}
	}
	for _, c := range respCells {
		ratio(fmt.Sprintf("%s: examples/redis ≥ 0.9× redis-server", c), c.String(), "asyncgen examples/redis", "redis-server", 0.9)
	}
	ratio("HTTP: examples/http ≥ 1.5× net/http", httpGroup, "asyncgen examples/http", "net/http", 1.5)
	for _, t := range []struct {
		server string
		limit  float64
	}{{"asyncgen Protocol", 600}, {"asyncgen streams", 1000}} {
		w := r.idx[idleGroup+"\x00"+t.server]
		s := summary{nan, nan, nan, 0}
		m := "n/a"
		if w != nil && !math.IsNaN(w.idle) {
			s = summary{w.idle, w.idle, w.idle, 1}
			m = fmt.Sprintf("%.0f B", w.idle)
		}
		ts = append(ts, target{fmt.Sprintf("idle connection, %s ≤ %.0f B", t.server, t.limit), m, verdict(s, t.limit, true)})
	}
	return ts
}
