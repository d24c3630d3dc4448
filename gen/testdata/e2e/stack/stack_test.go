package stack

import (
	"bufio"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// markerLine returns the line of stack.go holding marker.
func markerLine(t *testing.T, marker string) int {
	t.Helper()
	f, err := os.Open("stack.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.HasSuffix(sc.Text(), marker) {
			return n
		}
	}
	t.Fatalf("no line with %q", marker)
	return 0
}

func TestSuspendedTaskReportsAwaitChain(t *testing.T) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fut := rt.NewFuture[int](l)
	task := rt.CreateTask(l, outerAsync(fut))
	task.SetName("chain")
	step := rt.NewFuture[int](l)
	l.CallSoon(func() { l.CallSoon(func() { l.CallSoon(func() { step.SetResult(0) }) }) })
	if err := l.RunUntilComplete(step); err != nil {
		t.Fatal(err)
	}

	const pkg = "github.com/asyncgen/asyncgen/gen/testdata/e2e/stack."
	const file = "gen/testdata/e2e/stack/stack.go"
	want := []rt.StackFrame{
		{Func: pkg + "outer", File: file, Line: markerLine(t, "// AWAIT outer")},
		{Func: pkg + "middle", File: file, Line: markerLine(t, "// AWAIT middle")},
		{Func: pkg + "inner", File: file, Line: markerLine(t, "// AWAIT inner")},
	}
	// Both modes report the file relative to the module root.
	got := task.GetStack()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("GetStack:\n got %v\nwant %v", got, want)
	}
	var b strings.Builder
	task.PrintStack(&b)
	wantText := "Stack for chain (most recent await last):\n"
	for _, fr := range task.GetStack() {
		wantText += fmt.Sprintf("  %s\n    %s:%d\n", fr.Func, fr.File, fr.Line)
	}
	if b.String() != wantText {
		t.Fatalf("PrintStack:\n%s\nwant:\n%s", b.String(), wantText)
	}

	fut.SetResult(20)
	if err := l.RunUntilComplete(task); err != nil {
		t.Fatal(err)
	}
	if v, err := task.Result(); v != 41 || err != nil {
		t.Fatalf("result %v, %v, want 41", v, err)
	}
	if s := task.GetStack(); s != nil {
		t.Fatalf("finished task has a stack: %v", s)
	}
}
