package gen

import (
	"bytes"
	"go/format"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/txtar"
)

// fuzzPkg is the package whose files the fuzzer replaces: the conformance
// suite, whose helpers (Env and its awaitables) the seed templates use.
const fuzzPkg = "../generated_test"

// FuzzGenerate feeds the generator arbitrary source for one file of the
// conformance package (name picks the file; a new name adds one).
// Whatever the input — not Go, ill-typed, or templates it must reject —
// the generator must not panic, and what it generates must be gofmt'd Go
// that type-checks together with the package. The package is listed once
// (go list) and every input is parsed, type-checked and generated in
// process, so fuzzing runs thousands of inputs a minute. The seeds are the
// conformance templates, the golden inputs and the rejection cases, so a
// plain `go test` runs them as a regression check; `go test -fuzz
// FuzzGenerate ./gen/` explores from there.
func FuzzGenerate(f *testing.F) {
	s := newFuzzSession(f)
	tmpls, _ := filepath.Glob(filepath.Join(fuzzPkg, "*_templates.go"))
	for _, path := range tmpls {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(path), src)
	}
	goldens, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	for _, g := range goldens {
		ar, err := txtar.ParseFile(g)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasPrefix(file.Name, "in/") {
				f.Add("fuzz_input.go", file.Data)
			}
		}
	}
	if bad, err := os.ReadFile(filepath.Join("testdata", "bad", "bad.go")); err == nil {
		f.Add("fuzz_input.go", bad)
	}
	f.Add("fuzz_input.go", []byte("package p\n\n//asyncgen:coroutine\nfunc f() {\n"))
	f.Add("fuzz_input.go", []byte("package p\n\nimport \"github.com/asyncgen/asyncgen/rt\"\n\n//asyncgen:coroutine\nfunc f(x rt.Coro[int]) int { return rt.Must(x) + rt.Must(x) }\n"))
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		s.run(t, name, src)
	})
}

// fuzzSession is the conformance package listed once, with the export data
// of everything it imports already read.
type fuzzSession struct {
	pkg     *packages.Package
	exports map[string]string
	cache   map[string]*types.Package
	imports *token.FileSet // positions of the imported packages
}

func newFuzzSession(tb testing.TB) *fuzzSession {
	list, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedModule | packages.NeedDeps | packages.NeedExportFile,
		Dir:  fuzzPkg,
	}, ".")
	if err != nil || len(list) != 1 || len(list[0].Errors) > 0 {
		tb.Fatalf("listing %s: %v %v", fuzzPkg, err, list)
	}
	s := &fuzzSession{pkg: list[0], exports: map[string]string{}, cache: map[string]*types.Package{}, imports: token.NewFileSet()}
	packages.Visit(list, nil, func(p *packages.Package) {
		if p != list[0] {
			s.exports[p.PkgPath] = p.ExportFile
		}
	})
	// Read every import now: the inputs' file sets then start above all
	// the imported positions, so no position means two things.
	probe := &packages.Package{PkgPath: "fuzzprobe", Imports: s.pkg.Imports}
	var src strings.Builder
	src.WriteString("package fuzzprobe\n")
	for path := range s.exports {
		if !strings.Contains(path, "internal") && !strings.HasPrefix(path, "vendor/") {
			src.WriteString("import _ \"" + path + "\"\n")
		}
	}
	probe.GoFiles = []string{"/fuzzprobe/a.go"}
	typeCheck(probe, s.imports, map[string][]byte{"/fuzzprobe/a.go": []byte(src.String())}, s.exports, s.cache)
	return s
}

// fuzzVerbose logs why inputs stop early (set it to see how many seeds
// reach the generator).
var fuzzVerbose = os.Getenv("ASYNCGEN_FUZZ_VERBOSE") != ""

var packageClause = regexp.MustCompile(`(?m)^package\s+\w+`)

// run generates the package with file name replaced by src.
func (s *fuzzSession) run(t *testing.T, name string, src []byte) {
	name = filepath.Base(name)
	if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, suffix) || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
		return // not a template file the go command would build
	}
	// Any package clause becomes the package's, so that seeds from
	// elsewhere get past it.
	src = packageClause.ReplaceAll(src, []byte("package "+s.pkg.Name))
	dir := filepath.Dir(s.pkg.GoFiles[0])
	target := filepath.Join(dir, name)
	p, overlay := s.clone(target, src)
	if err := stubPackage(p, overlay); err != nil {
		t.Fatal(err)
	}
	stubs := map[string]bool{}
	for f := range overlay {
		if f != target {
			stubs[f] = true
		}
	}
	s.check(p, overlay)
	for _, e := range p.Errors {
		if pos, _, _ := strings.Cut(e.Pos, ":"); !stubs[pos] {
			if fuzzVerbose {
				t.Logf("%s: not valid Go: %s: %s", name, e.Pos, e.Msg)
			}
			return // the input is not valid Go: the loader reports it
		}
	}
	d := &diags{fset: p.Fset}
	out, err := generatePackage(p, stubs, func(file string) bool { return file == target }, d)
	if err != nil || len(d.list) > 0 {
		for _, x := range d.list {
			if strings.Contains(x.Message, "generator bug") || strings.Contains(x.Message, "does not compile") {
				t.Fatalf("%s", x)
			}
		}
		return // rejected with diagnostics: fine
	}
	gen := generatedName(target)
	code, ok := out[gen]
	if !ok {
		return
	}
	formatted, err := format.Source(code)
	if err != nil {
		t.Fatalf("generated code does not parse: %v\n%s", err, code)
	}
	if !bytes.Equal(formatted, code) {
		t.Fatalf("generated code is not gofmt'd")
	}
	// The generated file in place of its stub must type-check.
	q, overlay := s.clone(target, src)
	if err := stubPackage(q, overlay); err != nil {
		t.Fatal(err)
	}
	overlay[gen] = code
	s.check(q, overlay)
	for _, e := range q.Errors {
		t.Errorf("generated code does not type-check: %s: %s", e.Pos, e.Msg)
	}
}

// clone is a fresh copy of the listed package with target (added if new)
// holding src.
func (s *fuzzSession) clone(target string, src []byte) (*packages.Package, map[string][]byte) {
	p := &packages.Package{ID: s.pkg.ID, Name: s.pkg.Name, PkgPath: s.pkg.PkgPath, Module: s.pkg.Module, Imports: s.pkg.Imports}
	// The package's helpers and the input: the other templates would
	// only slow every input down.
	for _, f := range s.pkg.GoFiles {
		if !strings.HasSuffix(f, "_templates.go") && !strings.HasSuffix(f, suffix) && f != target {
			p.GoFiles = append(p.GoFiles, f)
		}
	}
	p.GoFiles = append(p.GoFiles, target)
	return p, map[string][]byte{target: src}
}

// check type-checks p in a file set above the imports' positions.
func (s *fuzzSession) check(p *packages.Package, overlay map[string][]byte) {
	fset := token.NewFileSet()
	fset.AddFile("", -1, s.imports.Base())
	typeCheck(p, fset, overlay, s.exports, s.cache)
}
