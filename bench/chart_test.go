package main

import "testing"

// Both panels of the chart leave room above their tallest bar: a bar
// that reaches the frame cannot be read, and the echo panel's legend,
// drawn at the top, would cover it.
func TestChartLeavesRoomAboveTheTallestBar(t *testing.T) {
	r := newResults(options{reps: 1})
	for _, s := range []struct {
		group, server string
		reqps         float64
	}{
		// A group's first row is its reference.
		{echoGroup(50), "Go net", 100}, {echoGroup(50), "C epoll", 144}, {echoGroup(50), "asyncgen Protocol", 141},
		{echoGroup(100), "Go net", 100}, {echoGroup(100), "C epoll", 130}, {echoGroup(100), "asyncgen Protocol", 122},
		{httpGroup, "net/http", 100}, {httpGroup, "asyncgen examples/http", 201},
	} {
		r.row(s.group, s.server).samples[0].reqps = s.reqps
	}
	left, err := r.barPlot("echo", []string{echoGroup(50), echoGroup(100)}, []string{"50", "100"}, r.serversOf(echoGroup(50)))
	if err != nil {
		t.Fatal(err)
	}
	if left.Y.Max < 1.44*1.1 {
		t.Errorf("echo panel: axis up to %.2f, tallest bar 1.44: no room above it", left.Y.Max)
	}
	right, err := r.pairPlot("RESP and HTTP", []string{httpGroup})
	if err != nil {
		t.Fatal(err)
	}
	if right.Y.Max < 2.01*1.05 {
		t.Errorf("RESP and HTTP panel: axis up to %.2f, tallest bar 2.01: no room above it", right.Y.Max)
	}
}
