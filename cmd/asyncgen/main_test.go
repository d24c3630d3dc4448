package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The command as a user drives it: built once, run on a package written
// into testdata (inside the module, so its imports resolve).

const template = `package tmpl

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

import "github.com/asyncgen/asyncgen/rt"

// double awaits f and doubles it.
//
//asyncgen:coroutine
func double(f *rt.Future[int]) int {
	return 2 * rt.Must(f)
}
`

type cli struct {
	t   *testing.T
	bin string
	dir string // the package, relative to this directory
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "asyncgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("testdata", "pkg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return &cli{t: t, bin: bin, dir: dir}
}

func (c *cli) write(name, src string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(src), 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// run runs the command with args and the package, returning its combined
// output and exit code.
func (c *cli) run(args ...string) (string, int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, append(args, "./"+filepath.ToSlash(c.dir))...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return string(out), 0
}

func (c *cli) exists(name string) bool {
	_, err := os.Stat(filepath.Join(c.dir, name))
	return err == nil
}

func TestCheckReportsMissingThenFreshThenStale(t *testing.T) {
	c := newCLI(t)
	c.write("a.go", template)
	out, code := c.run("-check")
	if code != 1 || !strings.Contains(out, "a_async.go") || c.exists("a_async.go") {
		t.Fatalf("check before generating: code %d, wrote %v, output:\n%s", code, c.exists("a_async.go"), out)
	}
	if out, code := c.run(); code != 0 {
		t.Fatalf("generate: code %d\n%s", code, out)
	}
	src, err := os.ReadFile(filepath.Join(c.dir, "a_async.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`).Match(src) {
		t.Fatalf("no generated-code header:\n%s", src)
	}
	if !strings.Contains(string(src), "func doubleAsync(f *rt.Future[int]) rt.Coro[int]") {
		t.Fatalf("no constructor:\n%s", src)
	}
	if out, code := c.run("-check"); code != 0 {
		t.Fatalf("check after generating: code %d\n%s", code, out)
	}
	c.write("a.go", strings.Replace(template, "2 * rt.Must(f)", "3 * rt.Must(f)", 1))
	if out, code := c.run("-check"); code != 1 || !strings.Contains(out, "a_async.go") {
		t.Fatalf("check after editing the template: code %d\n%s", code, out)
	}
}

func TestGeneratedFileWithoutTemplatesIsDeleted(t *testing.T) {
	c := newCLI(t)
	c.write("a.go", template)
	if out, code := c.run(); code != 0 || !c.exists("a_async.go") {
		t.Fatalf("generate: code %d\n%s", code, out)
	}
	c.write("a.go", strings.Replace(template, "//asyncgen:coroutine\n", "", 1))
	if out, code := c.run("-check"); code != 1 || !strings.Contains(out, "a_async.go") {
		t.Fatalf("check should name the extra file: code %d\n%s", code, out)
	}
	if out, code := c.run(); code != 0 || c.exists("a_async.go") {
		t.Fatalf("generate after removing the directive: code %d, file still there: %v\n%s", code, c.exists("a_async.go"), out)
	}
}

func TestBadTemplateIsReportedWithPositionsAndNothingIsWritten(t *testing.T) {
	c := newCLI(t)
	c.write("a.go", template+`
//asyncgen:coroutine
func spawn(f *rt.Future[int]) {
	go func() { rt.Must(f) }()
}

//asyncgen:coroutine
func deferred(f *rt.Future[int]) {
	defer func() { rt.Must(f) }()
}
`)
	out, code := c.run()
	if code != 1 {
		t.Fatalf("code %d, want 1\n%s", code, out)
	}
	pos := regexp.MustCompile(`a\.go:\d+:\d+: `)
	if n := len(pos.FindAllString(out, -1)); n < 2 {
		t.Fatalf("want a positioned diagnostic for each bad template, got %d:\n%s", n, out)
	}
	if c.exists("a_async.go") {
		t.Fatal("a_async.go written despite the errors")
	}
}

func TestGoGenerateRunsIt(t *testing.T) {
	c := newCLI(t)
	c.write("a.go", template)
	cmd := exec.Command("go", "generate", "./"+filepath.ToSlash(c.dir))
	if out, err := cmd.CombinedOutput(); err != nil || !c.exists("a_async.go") {
		t.Fatalf("go generate: %v, wrote %v\n%s", err, c.exists("a_async.go"), out)
	}
}

func TestHelpDocumentsTheFlags(t *testing.T) {
	c := newCLI(t)
	out, err := exec.Command(c.bin, "-h").CombinedOutput()
	if err != nil {
		t.Fatalf("-h: %v\n%s", err, out)
	}
	for _, want := range []string{"usage: asyncgen", "-check", "-tags", "//asyncgen:coroutine"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("-h output lacks %q:\n%s", want, out)
		}
	}
}
