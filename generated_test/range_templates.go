package generated_test

import (
	"fmt"
	"sort"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for range over every kind of operand with awaits in the body.
// Each also checks the operand's Go semantics: evaluated once, arrays
// copied, slices and pointers to arrays read live, strings by rune.

// rangeSlice changes the slice during the loop: the length was fixed when
// the loop started, elements are read live.
//
//asyncgen:coroutine
func rangeSlice(e *Env) string {
	s := []int{1, 2, 3}
	out := ""
	for i, v := range s {
		if i == 0 {
			s[2] = 30
			s = append(s, 4)
		}
		v2 := rt.Must(e.I(v))
		out += fmt.Sprintf("%d:%d ", i, v2)
	}
	for i := range rt.Must(Later(e, []string{"a", "b"})) {
		out += fmt.Sprint(i)
	}
	for range s {
		rt.Must(e.I(0))
		out += "."
	}
	return out
}

// rangeArray ranges over an array (a copy) and a pointer to an array (read
// live), changing the array in the first iteration.
//
//asyncgen:coroutine
func rangeArray(e *Env) string {
	arr := [3]int{1, 2, 3}
	out := ""
	for i, v := range arr {
		if i == 0 {
			arr[2] = 30
		}
		out += fmt.Sprintf("%d:%d ", i, rt.Must(e.I(v)))
	}
	out += "| "
	p := &arr
	for i, v := range p {
		if i == 0 {
			p[2] = 300
		}
		out += fmt.Sprintf("%d:%d ", i, rt.Must(e.I(v)))
	}
	out += "| "
	for i, v := range rt.Must(Later(e, [2]string{"x", "y"})) {
		rt.Must(e.I(0))
		out += fmt.Sprintf("%d:%s ", i, v)
	}
	return out
}

// rangeString ranges over a string by rune, with an invalid byte; changing
// the variable does not change the loop.
//
//asyncgen:coroutine
func rangeString(e *Env) string {
	s := "a\u00e9\xffz\U0001F600"
	out := ""
	for i, r := range s {
		s = "changed"
		r2 := rt.Must(Later(e, r))
		out += fmt.Sprintf("%d:%U ", i, r2)
	}
	for i := range "ab" {
		out += fmt.Sprint(rt.Must(e.I(i)))
	}
	return out
}

// rangeMap sums a map in any order, then checks that an entry deleted
// before it is reached is never produced, across an await.
//
//asyncgen:coroutine
func rangeMap(e *Env) string {
	m := map[string]int{"a": 1, "b": 2, "c": 3}
	sum := 0
	var keys []string
	for k, v := range m {
		sum += rt.Must(e.I(v))
		keys = append(keys, k)
		m[k] = v * 10
	}
	sort.Strings(keys)
	m2 := map[int]bool{1: true, 2: true, 3: true, 4: true}
	n := 0
	for k := range m2 {
		rt.Must(e.I(0))
		for _, k2 := range []int{1, 2, 3, 4} {
			if k2 != k {
				delete(m2, k2)
			}
		}
		n++
	}
	return fmt.Sprintf("%v sum=%d n=%d m=%v", keys, sum, n, m)
}

// rangeChan drains a buffered, closed channel with awaits in the body.
//
//asyncgen:coroutine
func rangeChan(e *Env) string {
	ch := make(chan int, 3)
	ch <- 1
	ch <- 2
	ch <- 3
	close(ch)
	out := ""
	for v := range ch {
		out += fmt.Sprint(rt.Must(e.I(v*10)), " ")
		if v == 2 {
			rt.Must(e.I(0))
			continue
		}
	}
	return out
}

// rangeInt ranges over an int that the body changes (evaluated once).
//
//asyncgen:coroutine
func rangeInt(e *Env) string {
	n := 3
	out := ""
	for i := range n {
		n = 10
		rt.Must(e.I(0))
		out += fmt.Sprint(i)
	}
	var k int64 = 2
	for j := range k {
		out += fmt.Sprintf(" %T%d", j, rt.Must(Later(e, j)))
	}
	return fmt.Sprintf("%s n=%d", out, n)
}

// rangeFunc ranges over func iterators: to the end, with an early break
// (the iterator must see yield return false right then), with continue and
// with a return from inside the body.
//
//asyncgen:coroutine
func rangeFunc(e *Env) string {
	out := ""
	for v := range e.Count(2) {
		out += fmt.Sprint(rt.Must(e.I(v)))
		e.Add("body %d", v)
	}
	for v := range e.Count(5) {
		if v == 1 {
			continue
		}
		rt.Must(e.I(0))
		e.Add("body %d", v)
		if v == 2 {
			break
		}
	}
	e.Add("after break")
	for i, s := range e.Pairs("p", "q") {
		out += fmt.Sprintf(" %d%s", i, rt.Must(Later(e, s)))
	}
	return out
}

// rangeFuncReturn returns from inside a range-over-func body after an
// await, with a defer registered in the body (it belongs to the template).
//
//asyncgen:coroutine
func rangeFuncReturn(e *Env) (res string) {
	defer func() { e.Add("deferred res=%s", res) }()
	for v := range e.Count(4) {
		defer e.Add("body defer %d", v)
		if rt.Must(e.I(v)) == 1 {
			return "returned at 1"
		}
	}
	return "end"
}

// rangeNested nests ranges of different kinds with labelled continue.
//
//asyncgen:coroutine
func rangeNested(e *Env) string {
	out := ""
rows:
	for _, row := range [][]int{{1, 2, 3}, {4, 5}, {6}} {
		for _, c := range "xyz" {
			for v := range row {
				if v == 1 && c == 'y' {
					rt.Must(e.I(0))
					continue rows
				}
				out += fmt.Sprintf("%c%d ", c, rt.Must(e.I(row[v])))
			}
		}
	}
	return out
}
