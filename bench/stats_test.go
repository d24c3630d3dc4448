package main

import (
	"math"
	"testing"
)

func TestSummarize(t *testing.T) {
	for _, c := range []struct {
		in            []float64
		med, min, max float64
		n             int
	}{
		{[]float64{3, 1, 2}, 2, 1, 3, 3},
		{[]float64{4, 1, 3, 2}, 2.5, 1, 4, 4},
		{[]float64{5}, 5, 5, 5, 1},
		{[]float64{math.NaN(), 7, 1, math.NaN()}, 4, 1, 7, 2},
	} {
		s := summarize(c.in)
		if s.median != c.med || s.min != c.min || s.max != c.max || s.n != c.n {
			t.Errorf("summarize(%v) = %+v, want median %v range %v–%v n %d", c.in, s, c.med, c.min, c.max, c.n)
		}
	}
	if s := summarize([]float64{math.NaN()}); s.n != 0 || !math.IsNaN(s.median) {
		t.Errorf("summarize(NaN) = %+v, want nothing measured", s)
	}
}

func TestRatiosPairRepetitions(t *testing.T) {
	got := ratios([]float64{10, 30, 5, math.NaN()}, []float64{5, 10, 0, 2})
	want := []float64{2, 3, math.NaN(), math.NaN()}
	for i := range want {
		if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			t.Errorf("ratios[%d] = %v, want %v (all: %v)", i, got[i], want[i], got)
		}
	}
}

func TestVerdict(t *testing.T) {
	for _, c := range []struct {
		s      summary
		want   float64
		atMost bool
		out    string
	}{
		{summary{0.95, 0.9, 1, 3}, 0.9, false, "met"},
		{summary{0.85, 0.8, 0.95, 3}, 0.9, false, "**MISS**"},
		{summary{550, 550, 550, 1}, 600, true, "met"},
		{summary{1033, 1033, 1033, 1}, 1000, true, "**MISS**"},
		{summary{math.NaN(), math.NaN(), math.NaN(), 0}, 1, false, "not measured"},
	} {
		if got := verdict(c.s, c.want, c.atMost); got != c.out {
			t.Errorf("verdict(%+v, %v, atMost %v) = %q, want %q", c.s, c.want, c.atMost, got, c.out)
		}
	}
}

// TestRatioAgainstReference checks the table's ratio column: each
// repetition's req/s over the reference's in the same repetition.
func TestRatioAgainstReference(t *testing.T) {
	r := newResults(options{reps: 3})
	ref := r.row("echo", "Go net")
	ours := r.row("echo", "ours")
	for i, v := range []float64{100, 200, 100} {
		ref.samples[i].reqps = v
	}
	for i, v := range []float64{110, 180, 150} {
		ours.samples[i].reqps = v
	}
	s := r.ratio(ours)
	if s.median != 1.1 || s.min != 0.9 || s.max != 1.5 {
		t.Errorf("ratio = %+v, want median 1.1 range 0.9–1.5", s)
	}
	if v := r.versus("echo", "ours", "missing"); v.n != 0 {
		t.Errorf("versus a server not in the cell = %+v, want nothing measured", v)
	}
}
