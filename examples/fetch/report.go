package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// report summarises the results: counts by outcome, latency percentiles
// of the requests that completed, and a histogram with buckets that
// double in width.
type report struct {
	total, ok, timedOut, failed int
	statuses                    map[int]int
	latencies                   []time.Duration // of completed requests, sorted
	firstErr                    error
}

func summarise(rs []result) report {
	rep := report{total: len(rs), statuses: map[int]int{}}
	for _, r := range rs {
		switch {
		case r.timedOut():
			rep.timedOut++
		case r.err != nil:
			rep.failed++
			if rep.firstErr == nil {
				rep.firstErr = r.err
			}
		default:
			rep.ok++
			rep.statuses[r.status]++
			rep.latencies = append(rep.latencies, r.latency)
		}
	}
	slices.Sort(rep.latencies)
	return rep
}

// percentile returns the p-th percentile (0 < p ≤ 100) of the latencies.
func (rep report) percentile(p float64) time.Duration {
	if len(rep.latencies) == 0 {
		return 0
	}
	i := int(float64(len(rep.latencies))*p/100+0.5) - 1
	return rep.latencies[min(max(i, 0), len(rep.latencies)-1)]
}

// firstBucket is the upper edge of the histogram's first bucket.
const firstBucket = 100 * time.Microsecond

// histogram counts the latencies in buckets [0, 100µs), [100µs, 200µs),
// [200µs, 400µs), ...; it returns the buckets' upper edges and counts,
// from the first to the last non-empty one.
func (rep report) histogram() (edges []time.Duration, counts []int) {
	for _, l := range rep.latencies {
		i, edge := 0, firstBucket
		for l >= edge {
			i, edge = i+1, edge*2
		}
		for len(counts) <= i {
			counts = append(counts, 0)
			edges = append(edges, firstBucket<<len(edges))
		}
		counts[i]++
	}
	first := 0
	for first < len(counts) && counts[first] == 0 {
		first++
	}
	return edges[first:], counts[first:]
}

// print writes the report, elapsed being the whole run's duration.
func (rep report) print(w io.Writer, elapsed time.Duration) {
	fmt.Fprintf(w, "%d requests in %v (%.0f/s): %d completed, %d timed out, %d failed\n",
		rep.total, elapsed.Round(time.Millisecond), float64(rep.total)/elapsed.Seconds(), rep.ok, rep.timedOut, rep.failed)
	codes := make([]int, 0, len(rep.statuses))
	for c := range rep.statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		fmt.Fprintf(w, "  status %d: %d\n", c, rep.statuses[c])
	}
	if rep.firstErr != nil {
		fmt.Fprintf(w, "  first error: %v\n", rep.firstErr)
	}
	if len(rep.latencies) == 0 {
		return
	}
	fmt.Fprintf(w, "latency: min %v  p50 %v  p90 %v  p99 %v  max %v\n",
		us(rep.latencies[0]), us(rep.percentile(50)), us(rep.percentile(90)), us(rep.percentile(99)), us(rep.latencies[len(rep.latencies)-1]))
	edges, counts := rep.histogram()
	most := slices.Max(counts)
	for i, n := range counts {
		bar := strings.Repeat("#", (n*40+most-1)/most)
		fmt.Fprintf(w, "  < %-9v %-40s %d\n", edges[i], bar, n)
	}
}

// us rounds a latency to the microsecond, for reading.
func us(d time.Duration) time.Duration { return d.Round(time.Microsecond) }
