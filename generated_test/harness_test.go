package generated_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/rtimpl"
)

// A case runs one coroutine as the main task of a fresh loop on a virtual
// clock and checks its result, its error text and the trace of its side
// effects against values derived from Go's semantics. The same table passes
// in the generated build and in the reference build (-tags asyncgen_ref),
// which runs the templates as plain Go.
type tcase struct {
	name  string
	run   runner
	res   string // fmt.Sprint of the result
	err   string // the error's text, "" for none
	trace string // trace lines joined by "; "
}

// runner starts the coroutine on l as a task and returns its outcome.
type runner func(l *rt.Loop, e *Env) (string, error)

// outcome is what a case produced.
type outcome struct {
	Res, Err, Trace string
}

func (o outcome) String() string {
	return fmt.Sprintf("res=%q err=%q trace=%q", o.Res, o.Err, o.Trace)
}

// co adapts a constructor call to a runner.
func co[T any](mk func(e *Env) rt.Coro[T]) runner {
	return func(l *rt.Loop, e *Env) (string, error) {
		task := rt.CreateTask(l, mk(e))
		e.Task = task
		if err := l.RunUntilComplete(task); err != nil && !task.Done() {
			return "", fmt.Errorf("loop: %w", err)
		}
		v, err := task.Result()
		return fmt.Sprint(v), err
	}
}

// drive runs one case and captures its outcome.
func drive(t testing.TB, r runner) outcome {
	t.Helper()
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	e := NewEnv(l)
	res, rerr := r(l, e)
	o := outcome{Res: res, Trace: e.String()}
	if rerr != nil {
		o.Err = rerr.Error()
	}
	return o
}

// allCases gathers the tables of every *_cases_test.go file.
func allCases() []tcase {
	var all []tcase
	for _, tab := range [][]tcase{exprCases, ctrlCases, rangeCases, deferCases, closureCases, methodCases, delegCases, selectCases, hardCases, edgeCases, expr2Cases, loopvarCases, poolCases, cacheCases, flowCases, textCases, importCases, trickyCases, generic2Cases, misc2Cases, sel2Cases, posCases, namesCases, corolitCases, corolit2Cases, exitCases, types2Cases, valErrCases, labelCases, iterCases, iterRangeCases, iterRangeMoreCases, iterRangeResultCases, reviewCases, reviewCases2, reviewCases3, reviewCases4, reviewCases5, reviewCases6, reviewCases7, reviewCases8, rangeCheckCases} {
		all = append(all, tab...)
	}
	return all
}

func mode() string {
	if rtimpl.RefMode {
		return "reference"
	}
	return "generated"
}

func TestTemplatesMatchGoSemantics(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range allCases() {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			got := drive(t, c.run)
			want := outcome{Res: c.res, Err: c.err, Trace: c.trace}
			if got != want {
				t.Errorf("%s mode:\n got: %v\nwant: %v", mode(), got, want)
			}
		})
	}
}

// dumpEnv names the file TestDumpTraces writes every case's outcome to.
const dumpEnv = "ASYNCGEN_DUMP_TRACES"

func dumpAll(t testing.TB) string {
	var b strings.Builder
	for _, c := range allCases() {
		fmt.Fprintf(&b, "%s: %v\n", c.name, drive(t, c.run))
	}
	return b.String()
}

// TestDumpTraces writes every case's outcome to the file named by
// $ASYNCGEN_DUMP_TRACES (it only runs the cases otherwise), for
// TestModesAgree to compare the two builds.
func TestDumpTraces(t *testing.T) {
	out := dumpAll(t)
	if p := os.Getenv(dumpEnv); p != "" {
		if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestModesAgree builds this test in the other mode, has it dump its
// outcomes, and compares them with this build's, case by case: any
// difference between the generated state machines and the templates run as
// plain Go shows up here even where the tables' expectations are loose.
func TestModesAgree(t *testing.T) {
	if testing.Short() {
		// -short is the quick edit-compile loop; CI runs it in full.
		t.Skip("builds the package a second time")
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	dump := filepath.Join(t.TempDir(), "other.txt")
	args := []string{"test", "-count=1", "-run", "^TestDumpTraces$"}
	if !rtimpl.RefMode {
		args = append(args, "-tags", "asyncgen_ref")
	}
	cmd := exec.Command(goTool, append(args, ".")...)
	cmd.Env = append(os.Environ(), dumpEnv+"="+dump)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	other, err := os.ReadFile(dump)
	if err != nil {
		t.Fatal(err)
	}
	mine := dumpAll(t)
	if d := lineDiff(mine, string(other)); d != "" {
		t.Errorf("%s mode (-) and the other mode (+) disagree:\n%s", mode(), d)
	}
}

// lineDiff lists the lines only in a (-) or only in b (+), sorted.
func lineDiff(a, b string) string {
	count := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(b, "\n") {
		count[l]--
	}
	var out []string
	for l, n := range count {
		switch {
		case n > 0:
			out = append(out, "- "+l)
		case n < 0:
			out = append(out, "+ "+l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][2:] < out[j][2:] || out[i][2:] == out[j][2:] && out[i] < out[j] })
	return strings.Join(out, "\n")
}

var _ = errors.New
