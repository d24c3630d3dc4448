package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The set-up the package doc and the README give, followed step by step in
// a fresh module outside this one: asyncgen as a tool of the user's module
// (go get -tool, //go:generate go tool asyncgen), then build and test in
// both modes. The user's module reaches this checkout through a replace, as
// it would reach a published version through the proxy.

const userGoMod = `module example.com/user

go 1.26.0

require github.com/asyncgen/asyncgen v0.0.0

replace github.com/asyncgen/asyncgen => CHECKOUT
`

const userTemplate = `package user

//go:generate go tool asyncgen

import (
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// count sleeps n ticks and reports how many it slept.
//
//asyncgen:coroutine
func count(n int, tick time.Duration) (int, error) {
	for i := 0; i < n; i++ {
		if _, err := rt.Await(rt.Sleep(tick)); err != nil {
			return i, err
		}
	}
	return n, nil
}
`

const userTest = `package user

import (
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

func TestCount(t *testing.T) {
	clock := rt.NewVirtualClock()
	start := clock.Now()
	n, err := rt.Run(countAsync(3, time.Minute), rt.WithClock(clock))
	if n != 3 || err != nil {
		t.Fatalf("count = %d, %v; want 3, nil", n, err)
	}
	if got := clock.Now() - start; got != 3*time.Minute {
		t.Fatalf("virtual time went on by %v, want 3m", got)
	}
}
`

func TestUserModule(t *testing.T) {
	if testing.Short() {
		// -short is for quick edit-test loops; the full run (CI's
		// `go test ./...`) always builds the module.
		t.Skip("builds a module and its tool from scratch")
	}
	checkout, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":        strings.Replace(userGoMod, "CHECKOUT", checkout, 1),
		"count.go":      userTemplate,
		"count_test.go": userTest,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Offline: every module the user needs is this checkout's own
	// dependencies, already in the module cache (go mod download).
	env := append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	gocmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	gocmd("get", "-tool", "github.com/asyncgen/asyncgen/cmd/asyncgen")
	gocmd("get", "github.com/asyncgen/asyncgen/rt")
	mod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if !strings.Contains(string(mod), "\ntool github.com/asyncgen/asyncgen/cmd/asyncgen\n") {
		t.Fatalf("go get -tool did not add the tool directive:\n%s", mod)
	}
	gocmd("generate", "./...")
	gen, err := os.ReadFile(filepath.Join(dir, "count_async.go"))
	if err != nil {
		t.Fatalf("go generate wrote no count_async.go: %v", err)
	}
	if !strings.Contains(string(gen), "func countAsync(n int, tick time.Duration) rt.Coro[int]") {
		t.Errorf("count_async.go has no countAsync constructor:\n%s", gen)
	}
	gocmd("build", "./...")
	gocmd("vet", "./...")
	for _, tags := range []string{"", "asyncgen_ref"} {
		out := gocmd("test", "-count=1", "-v", "-tags="+tags, "./...")
		if !strings.Contains(out, "--- PASS: TestCount") {
			t.Errorf("tags %q: TestCount did not pass:\n%s", tags, out)
		}
	}
	gocmd("tool", "asyncgen", "-check", "./...")
}
