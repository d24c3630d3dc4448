package main

import (
	"math"
	"slices"
)

// summary is the median and range of a cell's repetitions.
type summary struct {
	median, min, max float64
	n                int
}

// summarize ignores NaNs (a repetition without that figure); with no value
// left every field is NaN and n is 0.
func summarize(vs []float64) summary {
	var xs []float64
	for _, v := range vs {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return summary{math.NaN(), math.NaN(), math.NaN(), 0}
	}
	slices.Sort(xs)
	m := xs[len(xs)/2]
	if len(xs)%2 == 0 {
		m = (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	return summary{median: m, min: xs[0], max: xs[len(xs)-1], n: len(xs)}
}

// ratios divides a by b repetition by repetition (the two ran back to
// back in the same round, so they shared the machine's load); a pair with
// a NaN or a zero divisor gives NaN.
func ratios(a, b []float64) []float64 {
	out := make([]float64, min(len(a), len(b)))
	for i := range out {
		if b[i] == 0 || math.IsNaN(a[i]) || math.IsNaN(b[i]) {
			out[i] = math.NaN()
			continue
		}
		out[i] = a[i] / b[i]
	}
	return out
}
