// Command asyncvet reports the asyncgen mistakes the compiler cannot see:
// blocking calls inside coroutine templates, rt.Await or rt.Must outside a
// template, coroutine objects never awaited, loop methods called from
// another goroutine, and generated files older than their templates. The
// checks are described in package github.com/asyncgen/asyncgen/asyncvet.
//
// Run it on package patterns:
//
//	go run github.com/asyncgen/asyncgen/cmd/asyncvet ./...
//
// or as go vet's tool, with go vet's other checks:
//
//	go build -o /tmp/asyncvet github.com/asyncgen/asyncgen/cmd/asyncvet
//	go vet -vettool=/tmp/asyncvet ./...
//
// In another module, make it a tool of the module like asyncgen
// (go get -tool github.com/asyncgen/asyncgen/cmd/asyncvet) and run
// go tool asyncvet ./... . Standalone, it exits 3 when it reports
// anything (the analysis framework's convention); under go vet, go vet
// exits 1.
package main

import (
	"github.com/asyncgen/asyncgen/asyncvet"
	"golang.org/x/tools/go/analysis/singlechecker"
)

func main() { singlechecker.Main(asyncvet.Analyzer) }
