// Command asyncgen turns coroutine templates into resumable state machines.
//
// A template is an ordinary, type-checked Go function whose doc comment
// holds the line //asyncgen:coroutine. It suspends at rt.Await(x), which
// returns (T, error), or rt.Must(x), which returns T and makes the coroutine
// fail with the awaited error. For each file x.go holding templates,
// asyncgen writes x_async.go beside it with, per template f, a constructor
// fAsync returning an rt.Coro: the state machine, or under -tags
// asyncgen_ref the template itself run by the reference driver.
//
// Usage:
//
//	asyncgen [flags] [packages]
//
// The packages default to "."; run from go generate without arguments, it
// works on the directory of $GOFILE. Put this line in one file of the
// package:
//
//	//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen
//
// That line is for this module's own packages. Other modules use the
// tool directive, below.
//
// A generated file whose templates were all removed is deleted. Templates
// asyncgen cannot lower are reported as file:line:col: message, all at
// once, with exit status 1, and nothing is written.
//
// Flags:
//
//	-tags list   build tags to honour when loading (comma separated)
//	-check       write nothing; list stale, missing and extra generated
//	             files and exit 1 if there are any
//	-v           list the files written
//
// # Using asyncgen in your module
//
// Make asyncgen a tool of your module, so that go generate runs the version
// your go.mod names, with the go.sum entries of its own dependencies:
//
//	go get -tool github.com/asyncgen/asyncgen/cmd/asyncgen@latest
//	go get github.com/asyncgen/asyncgen/rt
//
// The first adds a tool directive to go.mod; the second the runtime your
// templates import, with its dependency golang.org/x/sys. Then write the
// go:generate line as
//
//	//go:generate go tool asyncgen
//
// and run go generate ./... after every change to a template. go run
// github.com/asyncgen/asyncgen/cmd/asyncgen from another module fails with
// "missing go.sum entry for module providing package
// github.com/dave/jennifer/jen": the go command does not add the go.sum
// entries of a package that is only run, and the go get it suggests records
// them without a tool directive, so go mod tidy drops them again.
// go tool asyncgen -check ./... (in CI, say) exits 1 when a generated file is
// stale.
//
// See package github.com/asyncgen/asyncgen/gen for the full manual.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/asyncgen/asyncgen/gen"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("asyncgen", flag.ContinueOnError)
	tags := fs.String("tags", "", "build tags to honour when loading (comma separated)")
	check := fs.Bool("check", false, "write nothing; list stale, missing and extra generated files, exit 1 if any")
	verbose := fs.Bool("v", false, "list the files written")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: asyncgen [flags] [packages]\n\n"+
			"asyncgen rewrites the functions marked //asyncgen:coroutine into state machines,\n"+
			"writing x_async.go beside each template file x.go. Packages default to \".\"\n"+
			"(the directory of $GOFILE under go generate).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg := gen.Config{Patterns: fs.Args(), Tags: *tags, Check: *check}
	if len(cfg.Patterns) == 0 && os.Getenv("GOFILE") != "" {
		cfg.Patterns = []string{"."} // go generate runs in the file's directory
	}
	if *verbose {
		cfg.Log = os.Stderr
	}
	res, err := gen.Generate(cfg)
	if err != nil {
		var ds *gen.Diagnostics
		if errors.As(err, &ds) {
			for _, d := range ds.List {
				d.Pos.Filename = relative(d.Pos.Filename)
				fmt.Fprintln(os.Stderr, d)
			}
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		return 1
	}
	if *check && res.Stale() {
		for _, f := range res.Written {
			fmt.Fprintf(os.Stderr, "stale or missing: %s\n", f)
		}
		for _, f := range res.Deleted {
			fmt.Fprintf(os.Stderr, "extra: %s\n", f)
		}
		return 1
	}
	return 0
}

// relative shortens a path under the working directory to the "./x.go"
// form the go command prints, so diagnostics are as easy to click as the
// compiler's.
func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(path) {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return path
	}
	return "." + string(filepath.Separator) + rel
}
