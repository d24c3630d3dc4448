package asyncvet_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/asyncvet"
	"github.com/asyncgen/asyncgen/gen"
	"golang.org/x/tools/go/analysis/analysistest"
)

const staleTemplate = `package p

import "github.com/asyncgen/asyncgen/rt"

//asyncgen:coroutine
func twice(f *rt.Future[int]) int {
	return 2 * rt.Must(f)
}
`

// TestStale: quiet after go generate, a report after a template edit,
// quiet again after regenerating; and a file without a digest is named.
func TestStale(t *testing.T) {
	if testing.Short() {
		// About 40 s: left out of -short edit-test loops only; CI's
		// `go test ./...` runs it.
		t.Skip("loads the runtime from source four times")
	}
	dir := t.TempDir()
	for _, name := range []string{"go.mod", "go.sum"} {
		src, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		abs, err := filepath.Abs(filepath.Join("..")) // the checkout
		if err != nil {
			t.Fatal(err)
		}
		src = []byte(strings.Replace(string(src), "=> ../..", "=> "+abs, 1))
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkg := filepath.Join(dir, "p")
	tmpl := filepath.Join(pkg, "p.go")
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	generate := func() {
		t.Helper()
		if _, err := gen.Generate(gen.Config{Dir: pkg}); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(pkg, 0o755)
	write(tmpl, staleTemplate)
	generate()
	analysistest.Run(t, dir, asyncvet.Analyzer, "./p") // no want: no report

	edited := strings.Replace(staleTemplate, "2 * rt.Must(f)", "3 * rt.Must(f)", 1)
	edited = strings.Replace(edited, "package p\n", "package p // want `p_async.go is stale: the templates of p.go changed since it was generated; run go generate`\n", 1)
	write(tmpl, edited)
	analysistest.Run(t, dir, asyncvet.Analyzer, "./p")

	generate()
	write(tmpl, strings.Replace(edited, " // want `p_async.go is stale", " // was stale", 1))
	analysistest.Run(t, dir, asyncvet.Analyzer, "./p") // the comment is outside the templates

	out, _ := os.ReadFile(filepath.Join(pkg, "p_async.go"))
	lines := strings.SplitN(string(out), "\n", 3)
	write(filepath.Join(pkg, "p_async.go"), lines[0]+"\n"+lines[2])
	write(tmpl, strings.Replace(staleTemplate, "package p\n", "package p // want `p_async.go records no template digest \\(an older asyncgen wrote it\\): run go generate`\n", 1))
	analysistest.Run(t, dir, asyncvet.Analyzer, "./p")
}
