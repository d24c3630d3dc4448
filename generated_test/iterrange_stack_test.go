package generated_test

import (
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
	pkg := "github.com/asyncgen/asyncgen/generated_test."
	line := func(s string) int { return sourceLine(t, "iterrange_templates.go", "func rangeStackProducer(", s) }
	loop := rt.StackFrame{Func: pkg + "rangeStack", Line: line("return rangeStackProducerAsync(next, cleanup, y) }).All() {")}
	checkStack(t, "in Next", inNext, []rt.StackFrame{loop, {Func: pkg + "rangeStackProducer", Line: line("v := rt.Must(next)")}}, "iterrange_templates.go")
	checkStack(t, "in Close", inClose, []rt.StackFrame{loop, {Func: pkg + "rangeStackProducer", Line: line("rt.Must(cleanup)")}}, "iterrange_templates.go")
}
