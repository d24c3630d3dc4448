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
	src, err := os.ReadFile("corolit_templates.go")
	if err != nil {
		t.Fatal(err)
	}
	// The lines of litStack's two awaits.
	start := strings.Index(string(src), "func litStack(")
	lineOf := func(s string) int {
		for i, l := range strings.Split(string(src), "\n") {
			if i >= strings.Count(string(src[:start]), "\n") && strings.Contains(l, s) {
				return i + 1
			}
		}
		t.Fatalf("no %q in corolit_templates.go", s)
		return 0
	}
	pkg := "github.com/asyncgen/asyncgen/generated_test."
	want := []rt.StackFrame{
		{Func: pkg + "litStack", Line: lineOf("return rt.Await(rt.Async(func() (int, error) {")},
		{Func: pkg + "litStack.func1", Line: lineOf("return rt.Await(gate)")},
	}
	if len(stack) != len(want) {
		t.Fatalf("%s mode: stack %+v, want %d frames", mode(), stack, len(want))
	}
	for i, fr := range stack {
		if fr.Func != want[i].Func || fr.Line != want[i].Line || filepath.Base(fr.File) != "corolit_templates.go" {
			t.Errorf("%s mode: frame %d = %+v, want %s at corolit_templates.go:%d", mode(), i, fr, want[i].Func, want[i].Line)
		}
	}
}
