package generated_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

func newLoop(t testing.TB) *rt.Loop {
	t.Helper()
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// runLoopFor runs l through n passes of callbacks.
func runLoopFor(t testing.TB, l *rt.Loop, n int) {
	t.Helper()
	f := rt.NewFuture[int](l)
	var step func(int)
	step = func(k int) {
		if k == 0 {
			f.SetResult(0)
			return
		}
		l.CallSoon(func() { step(k - 1) })
	}
	step(n)
	if err := l.RunUntilComplete(f); err != nil {
		t.Fatal(err)
	}
}

func TestCloseRunsPendingDefers(t *testing.T) {
	l := newLoop(t)
	e := NewEnv(l)
	c := closeRunsDefersAsync(e)
	e.Task = rt.CreateTask(l, c)
	runLoopFor(t, l, 3)
	if got, want := e.String(), "suspending"; got != want {
		t.Fatalf("before Close: trace %q, want %q", got, want)
	}
	c.Close()
	c.Close() // a second Close does nothing
	want := "suspending; closed loop defer 1; closed loop defer 0; closed defer 1"
	if got := e.String(); got != want {
		t.Fatalf("%s mode: after Close trace %q, want %q", mode(), got, want)
	}
}

func TestCloseRunsDelegatedDefersFirst(t *testing.T) {
	l := newLoop(t)
	e := NewEnv(l)
	c := closeDelegatingAsync(e)
	e.Task = rt.CreateTask(l, c)
	runLoopFor(t, l, 3)
	c.Close()
	want := "suspending; closed loop defer 1; closed loop defer 0; closed defer 1; parent defer"
	if got := e.String(); got != want {
		t.Fatalf("%s mode: after Close trace %q, want %q", mode(), got, want)
	}
}

// Closing a coroutine suspended in a range-over-func body unwinds through
// the iterator like a panic would (Python's GeneratorExit): the iterator's
// defers run, its yield never returns false.
func TestCloseInsideRangeOverFunc(t *testing.T) {
	l := newLoop(t)
	e := NewEnv(l)
	c := closeInIteratorAsync(e)
	e.Task = rt.CreateTask(l, c)
	runLoopFor(t, l, 3)
	c.Close()
	want := "yield 0; suspending at 0; iter end; template defer"
	if got := e.String(); got != want {
		t.Fatalf("%s mode: after Close trace %q, want %q", mode(), got, want)
	}
}

func TestThrowBeforeStartFinishesWithoutRunning(t *testing.T) {
	l := newLoop(t)
	e := NewEnv(l)
	c := childAsync(e, "never")
	boom := errors.New("thrown before start")
	y := c.Throw(nil, boom)
	if !y.Done() {
		t.Fatalf("Throw into an unstarted coroutine did not finish it")
	}
	if _, err := c.Result(); err != boom {
		t.Fatalf("Result err = %v, want %v", err, boom)
	}
	if e.String() != "" {
		t.Fatalf("the body ran: %q", e.String())
	}
}

// markerLine returns the 1-based line of file holding marker.
func markerLine(t *testing.T, file, marker string) int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), marker) {
			return n
		}
	}
	t.Fatalf("%s: no line with %q", file, marker)
	return 0
}

// goTool is the go command of the toolchain running the test.
func goTool() string { return filepath.Join(runtime.GOROOT(), "bin", "go") }

// moduleRoot is the directory of go.mod (the parent of this package).
func moduleRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

func TestGeneratedFilesAreFresh(t *testing.T) {
	cmd := exec.Command(goTool(), "run", "./cmd/asyncgen", "-check", "./generated_test/")
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v (regenerate with go generate ./generated_test/)\n%s", strings.Join(cmd.Args, " "), err, out)
	}
}

// rejectSrc holds awaits where no coroutine can suspend; each offending
// line is marked with "// want".
const rejectSrc = `package rejects

import "github.com/asyncgen/asyncgen/rt"

func fut() *rt.Future[int] { return nil }

//asyncgen:coroutine
func inGo() int {
	go func() {
		rt.Must(fut()) // want
	}()
	return 0
}

//asyncgen:coroutine
func inDefer() int {
	defer func() {
		_, _ = rt.Await(fut()) // want
	}()
	return rt.Must(fut())
}

//asyncgen:coroutine
func inFuncLit() int {
	f := func() int {
		return rt.Must(fut()) // want
	}
	return f()
}

//asyncgen:coroutine
func inGoCall() int {
	go rt.Must(fut()) // want
	return 0
}
`

func TestRejectsAwaitWhereNoCoroutineCanSuspend(t *testing.T) {
	dir, err := os.MkdirTemp("testdata", "rejects-")
	if err != nil {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if dir, err = os.MkdirTemp("testdata", "rejects-"); err != nil {
			t.Fatal(err)
		}
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "bad.go"), []byte(rejectSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goTool(), "run", "./cmd/asyncgen", "./generated_test/"+filepath.ToSlash(dir))
	cmd.Dir = moduleRoot(t)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("asyncgen on rejected templates: %v, want exit status 1\n%s", err, out)
	}
	for n, l := range strings.Split(rejectSrc, "\n") {
		if !strings.Contains(l, "// want") {
			continue
		}
		re := regexp.MustCompile(fmt.Sprintf(`bad\.go:%d:\d+: \S`, n+1))
		if !re.Match(out) {
			t.Errorf("no positioned diagnostic for line %d (%s) in:\n%s", n+1, strings.TrimSpace(l), out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bad_async.go")); err == nil {
		t.Errorf("bad_async.go was written despite the errors")
	}
}
