package generated_test

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates over text and nested data: string building with += in loops,
// ranging over unicode strings, assignments through nested selectors and
// indexes with side effects, select in an event loop, and closures over
// the variables of range-over-func and range-over-int loops.

// titleCase awaits each rune's case decision and builds the result with
// += rt.Must(...), ranging over a string with multi-byte runes.
//
//asyncgen:coroutine
func titleCase(e *Env, s string) (string, error) {
	out := ""
	prevSpace := true
	for i, r := range s {
		if prevSpace {
			out += rt.Must(Later(e, string(unicode.ToUpper(r))))
		} else {
			out += string(r)
		}
		prevSpace = r == ' '
		if r >= utf8.RuneSelf {
			out += fmt.Sprintf("<%d:%d>", i, rt.Must(e.I(utf8.RuneLen(r))))
		}
	}
	count := 0
	for range s {
		count += rt.Must(e.I(1))
	}
	return out + fmt.Sprint(" runes=", count), nil
}

// cell, row and grid are nested for the selector/index assignments.
type cell struct{ g, h int }

type row struct{ f []cell }

type grid struct {
	rows []row
	m    map[string]*row
}

// gridAssign assigns through s.rows[i].f[j].g with side effects in the
// index expressions and awaits on the right, checking Go's order: index
// operands left to right, then the right side, then the assignment.
//
//asyncgen:coroutine
func gridAssign(e *Env) string {
	s := &grid{rows: make([]row, 3), m: map[string]*row{}}
	for i := range s.rows {
		s.rows[i].f = make([]cell, 3)
	}
	s.m["x"] = &s.rows[2]
	s.rows[e.V("i", 1)].f[e.V("j", 2)].g = rt.Must(e.AV("rhs", 7))
	s.rows[e.V("i2", 0)].f[rt.Must(e.AV("j2", 1))].h += rt.Must(e.AV("rhs2", 5)) * e.V("k2", 2)
	s.m[rt.Must(Later(e, "x"))].f[e.V("j3", 0)].g, s.rows[e.V("i4", 0)].f[0].h = e.V("v3", 3), rt.Must(e.AV("v4", 4))
	i := 0
	s.rows[i].f[i].g, i = rt.Must(e.AV("v5", 50)), 2
	return fmt.Sprint(s.rows, " i=", i)
}

// eventLoop selects over channels in a loop, awaiting before the select,
// inside case bodies and after it.
//
//asyncgen:coroutine
func eventLoop(e *Env, msgs chan string, quit chan struct{}) (string, error) {
	var b strings.Builder
	for round := 0; ; round++ {
		b.WriteString(rt.Must(Later(e, fmt.Sprintf("[%d]", round))))
		select {
		case m, ok := <-msgs:
			if !ok {
				msgs = nil
				b.WriteString("closed ")
				continue
			}
			b.WriteString(strings.ToUpper(rt.Must(Later(e, m))) + " ")
		case <-quit:
			b.WriteString("quit")
			return b.String(), nil
		default:
			if msgs == nil {
				close(quit)
			}
			b.WriteString("idle ")
		}
		b.WriteString(fmt.Sprint(rt.Must(e.I(round)), ";"))
	}
}

// closuresOverIterators builds closures in range-over-func and
// range-over-int loops, awaiting between creating and calling them.
//
//asyncgen:coroutine
func closuresOverIterators(e *Env) string {
	var fs []func() string
	for i, s := range e.Pairs("a", "b", "c") {
		j := rt.Must(e.I(i * 10))
		fs = append(fs, func() string { i += 100; return fmt.Sprint(s, i, j) })
	}
	for k := range rt.Must(e.I(2)) {
		fs = append(fs, func() string { return fmt.Sprint("k", k) })
		k += 5
		rt.Must(e.I(k))
	}
	for v := range e.Count(2) {
		fs = append(fs, func() string { return fmt.Sprint("v", v) })
	}
	var out []string
	for _, f := range fs {
		out = append(out, f(), f())
		rt.Must(e.I(0))
	}
	return strings.Join(out, " ")
}
