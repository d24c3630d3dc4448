// Package asyncvet defines an Analyzer that reports the mistakes a user of
// asyncgen makes that the compiler cannot see: a call that blocks the event
// loop inside a coroutine template, rt.Await or rt.Must outside a template,
// a coroutine object that is never awaited, a loop method called from
// another goroutine, a range over an async iterator that drops its error,
// and a generated file older than its templates.
//
// # Analyzer asyncvet
//
// asyncvet: report blocking calls in coroutines and other asyncgen mistakes
//
// Blocking calls. A template runs on the event loop's goroutine; a call
// that blocks it stops every other task. Reported inside a template (and in
// the func literals it calls, but not those it hands to a go statement or to
// rt.RunInExecutor): time.Sleep, the Lock and RLock of sync.Mutex and
// sync.RWMutex, sync.WaitGroup.Wait, sync.Cond.Wait, channel sends and
// receives, range over a channel, a select without default, the dialling,
// listening, lookup, read, write and accept functions and methods of
// package net, file I/O of package os, exec.Cmd's Run, Output,
// CombinedOutput and Wait, and net/http's client calls. Each message names
// the non-blocking replacement. An ordinary function that does any of these
// is blocking too, and so is a call of it from a template, in this package
// or, through facts, in any package that imports it. Mark a function of
// your own as blocking (cgo, a driver the analyzer cannot see into) with
// the line
//
//	//asyncvet:blocking
//
// in its doc comment. An operation that cannot block where it stands (a
// channel whose buffer the code sized, a select that is always ready) is
// waived by a comment on its line or the line above that starts with
//
//	//asyncvet:nonblocking
//
// followed by the reason. Operations on a channel the same function made
// with make(chan T, n), n a constant above 0, are taken as such already.
//
// rt.Await and rt.Must outside a template. Only a function marked
// //asyncgen:coroutine suspends; elsewhere these calls panic.
//
// Coroutine objects never awaited. A call returning an rt.Coro (fAsync(x),
// rt.Sleep(d)) does nothing until it is awaited, given to rt.CreateTask, or
// returned: as a statement, or assigned to _, it is lost (Python's
// "coroutine was never awaited").
//
// Loop methods from another goroutine. Inside a go statement, a method of
// an *rt.Loop that the goroutine did not create itself must be
// CallSoonThreadsafe.
//
// A range over an async iterator that drops its error. for v := range
// it.All() (or for range it.All()) gets a producer's failure as one more
// iteration with the zero value, and loses the error: range with v, err.
// A loop whose producer cannot fail, or that means to run on, is waived by
// a comment on its line or the line above that starts with
//
//	//asyncvet:droperr
//
// followed by the reason.
//
// Stale generated files. asyncgen records a digest of each template file's
// templates in x_async.go; a template changed since then is reported
// (run go generate).
package asyncvet

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// Analyzer is the asyncvet analysis.
var Analyzer = &analysis.Analyzer{
	Name:      "asyncvet",
	Doc:       "report blocking calls in coroutines and other asyncgen mistakes\n\nSee the package doc of github.com/asyncgen/asyncgen/asyncvet for the checks.",
	URL:       "https://pkg.go.dev/github.com/asyncgen/asyncgen/asyncvet",
	Run:       run,
	FactTypes: []analysis.Fact{new(blockingFact)},
}

const (
	rtPath          = "github.com/asyncgen/asyncgen/rt"
	coroutineMark   = "//asyncgen:coroutine"
	blockingMark    = "//asyncvet:blocking"
	nonblockingMark = "//asyncvet:nonblocking"
	droperrMark     = "//asyncvet:droperr"
)

func run(pass *analysis.Pass) (any, error) {
	b := newBlocking(pass)
	b.exportFacts()
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if hasLine(fd.Doc, coroutineMark) {
				b.reportIn(fd.Body)
			}
			checkGoStmts(pass, fd.Body)
		}
		checkDiscarded(pass, f)
	}
	checkAwaits(pass, refReachable(pass))
	checkRangeAll(pass)
	checkStale(pass)
	return nil, nil
}

// hasLine reports whether the comment group holds the directive line.
func hasLine(cg *ast.CommentGroup, line string) bool {
	if cg == nil {
		return false
	}
	for _, c := range cg.List {
		if c.Text == line {
			return true
		}
	}
	return false
}

// callee is the function or method a call invokes, or nil (a func value,
// a conversion, a builtin).
func callee(info *types.Info, call *ast.CallExpr) *types.Func {
	fun := ast.Unparen(call.Fun)
	switch x := fun.(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	var id *ast.Ident
	switch x := ast.Unparen(fun).(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	default:
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	if fn != nil {
		fn = fn.Origin()
	}
	return fn
}

// isRT reports whether fn is the runtime's package-level function name.
func isRT(fn *types.Func, name string) bool {
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == rtPath && fn.Name() == name &&
		fn.Type().(*types.Signature).Recv() == nil
}
