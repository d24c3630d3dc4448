package generated_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// TestRangeAllStack checks that a task suspended inside the producer of a
// range over All reports the consumer at its range statement, then the
// producer at its own await, while the loop pulls a value and while the
// early return awaits the close, in both modes.
func TestRangeAllStack(t *testing.T) {
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	next, cleanup := rt.NewFuture[int](l), rt.NewFuture[int](l)
	task := rt.CreateTask(l, rangeStackAsync(next, cleanup))
	var inNext, inClose []rt.StackFrame
	l.CallSoon(func() {
		inNext = task.GetStack()
		next.SetResult(9)
		// After the task's wakeup, which SetResult queued first.
		l.CallSoon(func() {
			inClose = task.GetStack()
			cleanup.SetResult(0)
		})
	})
	if err := l.RunUntilComplete(task); err != nil {
		t.Fatal(err)
	}
	if v, err := task.Result(); v != 9 || err != nil {
		t.Fatalf("rangeStack = %v, %v; want 9, nil", v, err)
	}
	src, err := os.ReadFile("iterrange_templates.go")
	if err != nil {
		t.Fatal(err)
	}
	lineOf := func(s string) int {
		for i, l := range strings.Split(string(src), "\n") {
			if strings.Contains(l, s) {
				return i + 1
			}
		}
		t.Fatalf("no %q in iterrange_templates.go", s)
		return 0
	}
	pkg := "github.com/asyncgen/asyncgen/generated_test."
	loop := rt.StackFrame{Func: pkg + "rangeStack", Line: lineOf("return rangeStackProducerAsync(next, cleanup, y) }).All() {")}
	for _, c := range []struct {
		name       string
		got        []rt.StackFrame
		producerAt string
	}{
		{"in Next", inNext, "v := rt.Must(next)"},
		{"in Close", inClose, "rt.Must(cleanup)"},
	} {
		want := []rt.StackFrame{loop, {Func: pkg + "rangeStackProducer", Line: lineOf(c.producerAt)}}
		if len(c.got) != len(want) {
			t.Errorf("%s mode, %s: stack %+v, want %d frames", mode(), c.name, c.got, len(want))
			continue
		}
		for i, fr := range c.got {
			if fr.Func != want[i].Func || fr.Line != want[i].Line || filepath.Base(fr.File) != "iterrange_templates.go" {
				t.Errorf("%s mode, %s: frame %d = %+v, want %s at iterrange_templates.go:%d", mode(), c.name, i, fr, want[i].Func, want[i].Line)
			}
		}
	}
}
