package gen

import (
	"bytes"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// FuzzGenerate feeds the generator arbitrary source for one file of a
// package. Whatever the input — not Go, ill-typed, or templates it must
// reject — Generate must not panic, and what it does write must be
// gofmt'd Go. The seeds are the golden inputs and the rejection cases, so a
// plain `go test` runs them as a regression check; `go test -fuzz
// FuzzGenerate ./gen/` explores from there.
func FuzzGenerate(f *testing.F) {
	goldens, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	for _, g := range goldens {
		ar, err := txtar.ParseFile(g)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasPrefix(file.Name, "in/") {
				f.Add(file.Data)
			}
		}
	}
	if bad, err := os.ReadFile(filepath.Join("testdata", "bad", "bad.go")); err == nil {
		f.Add(bad)
	}
	f.Add([]byte("package p\n\n//asyncgen:coroutine\nfunc f() {\n"))
	f.Add([]byte("package p\n\nimport \"github.com/asyncgen/asyncgen/rt\"\n\n//asyncgen:coroutine\nfunc f(x rt.Coro[int]) int { return rt.Must(x) + rt.Must(x) }\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if !bytes.HasPrefix(src, []byte("package ")) {
			return // not worth a go list run: the loader rejects it at once
		}
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		dir, err := os.MkdirTemp("testdata", "fuzz-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		if err := os.WriteFile(filepath.Join(dir, "a.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Generate(Config{Dir: dir})
		if err != nil {
			return // a diagnostic or a load error: fine, as long as no panic
		}
		for _, path := range res.Written {
			out, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			formatted, err := format.Source(out)
			if err != nil {
				t.Fatalf("generated %s does not parse: %v\n%s", path, err, out)
			}
			if !bytes.Equal(formatted, out) {
				t.Fatalf("generated %s is not gofmt'd", path)
			}
		}
	})
}
