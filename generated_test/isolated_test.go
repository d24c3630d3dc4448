package generated_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// Cases that once made the generated file fail to compile. A compile error
// in a generated file breaks every test of its package, in both modes (the
// reference constructors live in the same file), so these templates live
// in a package of their own, written to testdata/ and built here, instead
// of among the templates of this package.
var isolatedCases = []struct {
	name string
	src  string // templates; package main, with rt imported
	main string // body of main: print what the templates return
	want string // the output of both builds
	// rejected, if set, is a regexp the generator's diagnostic must match:
	// the template cannot be compiled correctly, so asyncgen must refuse
	// it with a positioned error and write nothing.
	rejected string
}{
	{
		name: "labelled-range-awaited-operand",
		src: `
//asyncgen:coroutine
func labelledRangeBreak(e *env, p int) int {
	n := 0
L:
	for i := range rt.Must(e.later(3)) {
		if p > 2 {
			break L
		}
		n += i
	}
	return n
}

//asyncgen:coroutine
func labelledRangeContinue(e *env, p int) int {
	n := 0
L:
	for _, v := range []int{1, rt.Must(e.later(2)), 3} {
		for j := range 2 {
			if v == p {
				continue L
			}
			n += v * j
		}
	}
	return n
}
`,
		main: `
	fmt.Println(run(func(e *env) rt.Coro[int] { return labelledRangeBreakAsync(e, 3) }))
	fmt.Println(run(func(e *env) rt.Coro[int] { return labelledRangeBreakAsync(e, 0) }))
	fmt.Println(run(func(e *env) rt.Coro[int] { return labelledRangeContinueAsync(e, 2) }))
`,
		want: "0 <nil>\n3 <nil>\n4 <nil>\n",
	},
	{
		// The pulled iterator's scaffolding once declared its own yield
		// around the operand, which then called that yield instead.
		name: "range-over-func-operand-named-yield",
		src: `
func upTo(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

//asyncgen:coroutine
func rangeYieldNamed(e *env) int {
	yield, k := upTo(3), 10
	n := 0
	for i := range yield {
		n += k*i + rt.Must(e.later(i))
	}
	return n
}
`,
		main: `
	fmt.Println(run(func(e *env) rt.Coro[int] { return rangeYieldNamedAsync(e) }))
`,
		want: "33 <nil>\n",
	},
	{
		// A loop whose body always leaves it and that names no key or
		// value: the hidden value the iterator or channel gives was
		// assigned and never used (a compile error).
		name: "range-unnamed-values-body-leaves",
		src: `
func pairs(yield func(int, int) bool) {
	_ = yield(7, 5) && yield(8, 6)
}

func single(yield func(int) bool) {
	_ = yield(3) && yield(4)
}

//asyncgen:coroutine
func unnamedSingle(e *env) int {
	for range single {
		return rt.Must(e.later(1))
	}
	return 0
}

//asyncgen:coroutine
func unnamedPairs(e *env) int {
	n := 0
	for range pairs {
		n += rt.Must(e.later(10))
		break
	}
	for k := range pairs {
		n += k * rt.Must(e.later(100))
		break
	}
	for _, v := range pairs {
		return n + v*rt.Must(e.later(1000))
	}
	return 0
}

//asyncgen:coroutine
func unnamedChan(e *env) int {
	ch := make(chan int, 1)
	ch <- 1
	for range ch {
		return rt.Must(e.later(2))
	}
	return 0
}
`,
		main: `
	fmt.Println(run(func(e *env) rt.Coro[int] { return unnamedSingleAsync(e) }))
	fmt.Println(run(func(e *env) rt.Coro[int] { return unnamedPairsAsync(e) }))
	fmt.Println(run(func(e *env) rt.Coro[int] { return unnamedChanAsync(e) }))
`,
		want: "1 <nil>\n5710 <nil>\n2 <nil>\n",
	},
	{
		name: "local-type-across-await",
		src: `
//asyncgen:coroutine
func localType(e *env) string {
	type pair struct{ a, b int }
	p := pair{rt.Must(e.later(1)), 2}
	rt.Must(e.later(0))
	p.b = 5
	return fmt.Sprint(p)
}
`,
		main: `
	fmt.Println(runString(func(e *env) rt.Coro[string] { return localTypeAsync(e) }))
`,
		rejected: `templates\.go:\d+:\d+: .*pair.*declared inside`,
	},
}

const isolatedHelpers = `package main

import (
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

type env struct{ l *rt.Loop }

func (e *env) later(v int) *rt.Future[int] {
	f := rt.NewFuture[int](e.l)
	e.l.CallSoon(func() { f.SetResult(v) })
	return f
}

func run(mk func(e *env) rt.Coro[int]) string {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		panic(err)
	}
	defer l.Close()
	v, err := rt.RunUntilComplete(l, mk(&env{l: l}))
	return fmt.Sprint(v, " ", err)
}

func runString(mk func(e *env) rt.Coro[string]) string {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		panic(err)
	}
	defer l.Close()
	v, err := rt.RunUntilComplete(l, mk(&env{l: l}))
	return fmt.Sprint(v, " ", err)
}

func main() {
`

func TestIsolatedCases(t *testing.T) {
	if testing.Short() {
		// -short is the quick edit-compile loop; CI runs it in full.
		t.Skip("compiles generated programs")
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	root := moduleRoot(t)
	for _, c := range isolatedCases {
		t.Run(c.name, func(t *testing.T) {
			dir, err := os.MkdirTemp("testdata", "isolated-")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(dir)
			files := map[string]string{
				"main.go":      isolatedHelpers + c.main + "}\n",
				"templates.go": "package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/asyncgen/asyncgen/rt\"\n)\n\nvar _ = fmt.Sprint\n" + c.src,
			}
			for name, src := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			pkg := "./generated_test/" + filepath.ToSlash(dir)
			out, err := runGo(root, "run", "./cmd/asyncgen", pkg)
			if c.rejected != "" {
				if err == nil || !regexp.MustCompile(c.rejected).MatchString(out) {
					t.Fatalf("asyncgen: want a diagnostic matching %q, got %v\n%s", c.rejected, err, out)
				}
				if _, statErr := os.Stat(filepath.Join(dir, "templates_async.go")); statErr == nil {
					t.Fatal("asyncgen wrote templates_async.go despite the diagnostic")
				}
				return
			}
			if err != nil {
				t.Fatalf("asyncgen: %v\n%s", err, out)
			}
			for _, m := range []struct{ name, tags string }{{"generated", ""}, {"reference", "asyncgen_ref"}} {
				args := []string{"run"}
				if m.tags != "" {
					args = append(args, "-tags", m.tags)
				}
				out, err := runGo(root, append(args, pkg)...)
				if err != nil || out != c.want {
					t.Errorf("%s build: %v\n got: %q\nwant: %q", m.name, err, out, c.want)
				}
			}
		})
	}
}

// runGo runs the go command in dir and returns its combined output.
func runGo(dir string, args ...string) (string, error) {
	cmd := exec.Command(goTool(), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}
