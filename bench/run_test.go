package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"strings"
	"testing"
)

// helperListen is the argument that makes this test binary the listener
// of TestHelperListener.
const helperListen = "bench-helper-listen"

// Not a test: the server process of TestFailedIdleFigureIsNotAFigure. It
// accepts connections on the address it is given and never answers, until
// the suite stops it.
func TestHelperListener(t *testing.T) {
	if flag.Arg(0) != helperListen {
		// Run as an ordinary test it has nothing to do: only the
		// process TestFailedIdleFigureIsNotAFigure starts serves.
		t.Skip("the helper process of TestFailedIdleFigureIsNotAFigure")
	}
	ln, err := net.Listen("tcp4", flag.Arg(1))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			os.Exit(1)
		}
		defer c.Close()
	}
}

// A server whose idle connections cannot be opened has no idle figure:
// the table says n/a and its target is not measured, rather than showing
// 0 B and the target met.
func TestFailedIdleFigureIsNotAFigure(t *testing.T) {
	sv := &server{
		name: "asyncgen Protocol",
		argv: func(port int) []string {
			return []string{os.Args[0], "-test.run=^TestHelperListener$", helperListen, fmt.Sprintf("127.0.0.1:%d", port)}
		},
		idle: func(string, int) (io.Closer, error) { return nil, errors.New("refused on purpose") },
	}
	r := newResults(options{reps: 1, idle: 10})
	r.idleFigures([]*server{sv})
	if len(r.failures) != 1 {
		t.Errorf("failures %q, want the idle figure's", r.failures)
	}
	if w := r.row(idleGroup, sv.name); !math.IsNaN(w.idle) {
		t.Errorf("idle figure %v after the dial failed, want none (NaN)", w.idle)
	}
	md := r.markdown()
	if !strings.Contains(md, "| asyncgen Protocol | n/a |") {
		t.Errorf("the idle table does not say n/a:\n%s", md)
	}
	if !strings.Contains(md, "| idle connection, asyncgen Protocol ≤ 600 B | n/a | not measured |") {
		t.Errorf("the idle target is not 'not measured':\n%s", md)
	}
}
