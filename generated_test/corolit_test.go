package generated_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// TestCoroutineLiteralStack checks that a task suspended in a coroutine
// literal it delegates to reports both frames: the template at its await of
// the literal, then the literal (named as Go names it, template.func1) at
// its own await, with the template's file and lines, in both modes.
func TestCoroutineLiteralStack(t *testing.T) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	gate := rt.NewFuture[int](l)
	task := rt.CreateTask(l, litStackAsync(gate))
	var stack []rt.StackFrame
	l.CallSoon(func() {
		stack = task.GetStack()
		gate.SetResult(9)
	})
	if err := l.RunUntilComplete(task); err != nil {
		t.Fatal(err)
	}
	if v, err := task.Result(); v != 9 || err != nil {
		t.Fatalf("litStack = %v, %v; want 9, nil", v, err)
	}
	pkg := "github.com/asyncgen/asyncgen/generated_test."
	line := func(s string) int { return sourceLine(t, "corolit_templates.go", "func litStack(", s) }
	checkStack(t, "litStack", stack, []rt.StackFrame{
		{Func: pkg + "litStack", Line: line("return rt.Await(rt.Async(func() (int, error) {")},
		{Func: pkg + "litStack.func1", Line: line("return rt.Await(gate)")},
	}, "corolit_templates.go")
}

// sourceLine is the number of the first line of file, from the one holding
// from on, that holds s.
func sourceLine(t *testing.T, file, from, s string) int {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	start := 0
	for start < len(lines) && !strings.Contains(lines[start], from) {
		start++
	}
	for i := start; i < len(lines); i++ {
		if strings.Contains(lines[i], s) {
			return i + 1
		}
	}
	t.Fatalf("no %q after %q in %s", s, from, file)
	return 0
}

// checkStack compares a task's stack with want, frame by frame, every
// frame being in file.
func checkStack(t *testing.T, what string, got, want []rt.StackFrame, file string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s mode, %s: stack %+v, want %d frames", mode(), what, got, len(want))
		return
	}
	for i, fr := range got {
		if fr.Func != want[i].Func || fr.Line != want[i].Line || filepath.Base(fr.File) != file {
			t.Errorf("%s mode, %s: frame %d = %+v, want %s at %s:%d", mode(), what, i, fr, want[i].Func, file, want[i].Line)
		}
	}
}
