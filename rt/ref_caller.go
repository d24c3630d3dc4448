package rt

import (
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
)

// In a normal build a template's awaits are suspension points of its state
// machine, and an Await anywhere else (a helper the template calls) panics:
// no driver serves it. Under the reference driver the helper runs on the
// template's goroutine, where an Await would work. So that both modes
// refuse the mistake the same way, the driver of a generated constructor
// checks that each Await is the template's own: called by the function its
// closure calls. A coroutine written by hand with Async may await anywhere
// in its body and the functions it calls, in both modes.

// refTemplate names the closure of a generated constructor
// (pkg.fAsync.func1), or is "" for a hand-written Async. The generated
// closures are the ones declared in a file asyncgen wrote.
func refTemplate(fn any) string {
	f := runtime.FuncForPC(reflect.ValueOf(fn).Pointer())
	if f == nil {
		return ""
	}
	if file, _ := f.FileLine(f.Entry()); !strings.HasSuffix(file, "_async.go") {
		return ""
	}
	return f.Name()
}

// checkAwaitCaller panics, as a normal build would, when the Await being
// served is not in the template itself: the function calling it must be
// the one the generated closure calls, or a range-over-func loop body of
// it (the compiler makes those closures named template-rangeN, and the
// generated code suspends in them too).
func (d *refDriver) checkAwaitCaller(name string) {
	if d.template == "" {
		return
	}
	var pcs [64]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	caller, prev := "", ""
	for {
		f, more := frames.Next()
		if caller == "" && !isRTFrame(f) {
			caller = f.Function
		}
		if f.Function == d.template {
			break
		}
		prev = f.Function
		if !more {
			return // too deep to tell: let it be
		}
	}
	if caller == prev || strings.HasPrefix(caller, prev+"-range") {
		return
	}
	panic("rt." + name + " called outside a coroutine template (in " + caller +
		", which the template calls): only a function marked //asyncgen:coroutine suspends; mark it, and await its constructor")
}

// rtPkg is this package's import path; rtPkgPrefix starts the names of its functions.
const (
	rtPkg       = "github.com/asyncgen/asyncgen/rt"
	rtPkgPrefix = rtPkg + "."
)

// rtDir is the directory of this package's source, as the runtime names
// files.
var rtDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}()

// isRTFrame reports whether f runs this package's code: a function of
// package rt, or one of its func literals inlined into a caller (AsyncIter.All's
// iterator inlined into a template is named after the template).
func isRTFrame(f runtime.Frame) bool {
	return strings.HasPrefix(f.Function, rtPkgPrefix) || f.File != "" && filepath.Dir(f.File) == rtDir
}
