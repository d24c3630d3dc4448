package generated_test

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for a label on a statement that declares variables, jumped to
// with goto in a template that awaits: each pass through the label
// declares the variables anew, so closures made in different passes keep
// different variables (the Go spec: a declaration creates a variable each
// time it is executed). The label is on a short variable declaration, a
// var declaration with and without a value, a multi-variable one, a
// declaration that awaits, and a declaration inside a loop body; the
// closure is made before or after the await.

// show calls each closure, for the result.
func show(fs []func() int) string {
	out := ""
	for _, f := range fs {
		out += fmt.Sprint(f(), " ")
	}
	return out
}

//asyncgen:coroutine
func labelShortDecl(e *Env) string {
	i := 0
	var fs []func() int
L:
	j := i
	fs = append(fs, func() int { return j * 10 })
	rt.Must(e.I(0))
	i++
	if i < 3 {
		goto L
	}
	j++ // the last pass's j only
	return show(fs)
}

//asyncgen:coroutine
func labelVarDecl(e *Env) string {
	i := 0
	var fs []func() int
L:
	var j = i
	var k int
	rt.Must(e.I(0))
	k += i
	fs = append(fs, func() int { return j*10 + k })
	i++
	if i < 3 {
		goto L
	}
	return show(fs)
}

//asyncgen:coroutine
func labelZeroDecl(e *Env) string {
	i := 0
	var fs []func() int
L:
	var j int
	fs = append(fs, func() int { return j })
	j = rt.Must(e.AV("v", i*10))
	i++
	if i < 3 {
		goto L
	}
	return show(fs)
}

//asyncgen:coroutine
func labelMultiDecl(e *Env) string {
	i := 0
	var fs []func() int
L:
	a, b := i, i*100
	fs = append(fs, func() int { a++; return a + b })
	rt.Must(e.I(0))
	i++
	if i < 2 {
		goto L
	}
	return show(fs) + show(fs)
}

//asyncgen:coroutine
func labelAwaitingDecl(e *Env) string {
	i := 0
	var fs []func() int
L:
	j := rt.Must(e.AV("v", i))
	fs = append(fs, func() int { return j })
	i++
	if i < 3 {
		goto L
	}
	return show(fs)
}

//asyncgen:coroutine
func labelInLoop(e *Env) string {
	var fs []func() int
	for n := range 2 {
		tries := 0
	again:
		j := n*10 + tries
		fs = append(fs, func() int { return j })
		rt.Must(e.I(0))
		tries++
		if tries < 2 {
			goto again
		}
	}
	return show(fs)
}

//asyncgen:coroutine
func labelNested(e *Env) string {
	i := 0
	var fs []func() int
A:
B:
	j := i
	fs = append(fs, func() int { return j })
	rt.Must(e.I(0))
	i++
	switch i {
	case 1:
		goto A
	case 2:
		goto B
	}
	return show(fs)
}

// cellAssignedAfterAwait needs no label: a variable declared in a loop
// body and captured is a fresh cell per iteration; assigning it after an
// await writes through the cell, which must survive the suspension.
//
//asyncgen:coroutine
func cellAssignedAfterAwait(e *Env) string {
	var fs []func() int
	for i := range 3 {
		var j int
		fs = append(fs, func() int { return j })
		j = rt.Must(e.AV("v", i*10))
	}
	return show(fs)
}
