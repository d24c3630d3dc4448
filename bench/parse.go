package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// redisBenchLine matches a result line of `redis-benchmark -q`, such as
// "SET: 81037.28 requests per second, p50=0.311 msec". Progress lines
// ("SET: rps=...") end with a carriage return and do not match.
var redisBenchLine = regexp.MustCompile(`(?m)^([A-Z_]+): ([0-9.]+) requests per second`)

// parseRedisBenchmark returns the requests per second of each test.
func parseRedisBenchmark(out string) (map[string]float64, error) {
	// Progress goes to the same stream, separated by '\r'.
	out = strings.ReplaceAll(out, "\r", "\n")
	res := map[string]float64{}
	for _, m := range redisBenchLine.FindAllStringSubmatch(out, -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return nil, fmt.Errorf("redis-benchmark: %q: %v", m[0], err)
		}
		res[m[1]] = v
	}
	if len(res) == 0 {
		return nil, fmt.Errorf("redis-benchmark printed no result: %q", out)
	}
	return res, nil
}

var (
	wrkRate     = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkRequests = regexp.MustCompile(`(?m)^\s*([0-9]+) requests in `)
	wrkErrors   = regexp.MustCompile(`(?m)^\s*(Non-2xx or 3xx responses|Socket errors):.*$`)
)

// wrkResult is what a wrk run reports.
type wrkResult struct {
	rate     float64 // Requests/sec
	requests int64   // requests completed
}

// parseWrk reads wrk's summary. Errors wrk counted (sockets, non-2xx
// answers) fail the run: a server that answers wrongly fast is not fast.
func parseWrk(out string) (wrkResult, error) {
	if m := wrkErrors.FindString(out); m != "" {
		return wrkResult{}, fmt.Errorf("wrk: %s", strings.TrimSpace(m))
	}
	r, n := wrkRate.FindStringSubmatch(out), wrkRequests.FindStringSubmatch(out)
	if r == nil || n == nil {
		return wrkResult{}, fmt.Errorf("wrk printed no summary: %q", out)
	}
	var res wrkResult
	var err error
	if res.rate, err = strconv.ParseFloat(r[1], 64); err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v", err)
	}
	if res.requests, err = strconv.ParseInt(n[1], 10, 64); err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v", err)
	}
	return res, nil
}

// parsePerfCSV reads `perf stat -x ,` output: one event a line, the count
// first and the event's name third. Counts perf could not take
// ("<not counted>", "<not supported>") are left out.
func parsePerfCSV(out string) map[string]int64 {
	counts := map[string]int64{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, ",")
		if len(f) < 3 || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseInt(strings.TrimSpace(f[0]), 10, 64)
		if err != nil {
			continue
		}
		counts[f[2]] = v
	}
	return counts
}
