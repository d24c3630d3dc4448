package generated_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// runPanicking runs the coroutine made by mk as a task and returns the
// task's error, which must be a *rt.PanicError.
func runPanicking(t *testing.T, mk func(*Env) rt.Coro[int]) (error, *rt.PanicError) {
	t.Helper()
	l := newLoop(t)
	e := NewEnv(l)
	task := rt.CreateTask(l, mk(e))
	e.Task = task
	l.RunUntilComplete(task)
	_, err := task.Result()
	var pe *rt.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("task error %v (%T), want *rt.PanicError", err, err)
	}
	return err, pe
}

func TestPanicWithErrorValueUnwraps(t *testing.T) {
	if err, _ := runPanicking(t, panicsWithErrorAsync); !errors.Is(err, errPanicValue) {
		t.Fatalf("task error %v, want a *rt.PanicError wrapping errPanicValue", err)
	}
}

// TestPanicErrorNamesTheTemplateLine checks the promise of a panic's error:
// its text names the template file:line of the panic, relative to the
// module root, and its stack names every file that way too, in both modes
// (the generated state machine panics in x_async.go, which //line
// directives map back to the template).
func TestPanicErrorNamesTheTemplateLine(t *testing.T) {
	site := fmt.Sprintf("generated_test/panic_templates.go:%d", markerLine(t, "panic_templates.go", "// PANIC LINE"))
	err, pe := runPanicking(t, panicsAfterAwaitAsync)
	if want := "panic: assignment to entry in nil map [" + site + "]"; err.Error() != want || pe.Site != site {
		t.Fatalf("%s mode: error %q, site %q; want %q", mode(), err.Error(), pe.Site, want)
	}
	stack := string(pe.Stack)
	if !strings.Contains(stack, "\n\t"+site+"\n") {
		t.Errorf("%s mode: the stack does not name %s:\n%s", mode(), site, stack)
	}
	for _, abs := range []string{moduleRoot(t), runtime.GOROOT()} {
		if strings.Contains(stack, abs) {
			t.Errorf("%s mode: the stack names files under %s:\n%s", mode(), abs, stack)
		}
	}
	if strings.HasPrefix(stack, "github.com/asyncgen/asyncgen/rt.") {
		t.Errorf("%s mode: the stack starts in the runtime that recovered the panic, not at the panic:\n%s", mode(), stack)
	}
}

// TestSlowStepNamesTheAwaitsItRanBetween checks debug mode's slow-callback
// report for a task's step: it names the template line the task resumed at
// and the one it suspended at next, in both modes.
func TestSlowStepNamesTheAwaitsItRanBetween(t *testing.T) {
	first := markerLine(t, "panic_templates.go", "// FIRST AWAIT")
	second := markerLine(t, "panic_templates.go", "// SECOND AWAIT")
	l := newLoop(t)
	l.SetDebug(true)
	l.SetSlowCallbackDuration(0) // every callback is slow
	var msgs []string
	l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { msgs = append(msgs, c.Message) })
	e := NewEnv(l)
	task := rt.CreateTask(l, slowStepsAsync(e))
	e.Task = task
	if err := l.RunUntilComplete(task); err != nil {
		t.Fatal(err)
	}
	at := func(line int) string {
		return fmt.Sprintf("generated_test/panic_templates.go:%d (generated_test.slowSteps)", line)
	}
	want := []string{
		"step of " + task.Name() + " took ",
		": started, suspended next at " + at(first),
		": resumed at " + at(first) + ", suspended next at " + at(second),
		": resumed at " + at(second) + ", then finished",
	}
	var steps []string
	for _, m := range msgs {
		if strings.Contains(m, want[0]) {
			steps = append(steps, m)
		}
	}
	if len(steps) != 3 {
		t.Fatalf("%s mode: %d slow-step reports, want 3: %q", mode(), len(steps), msgs)
	}
	for i, m := range steps {
		if !strings.HasSuffix(m, want[i+1]) {
			t.Errorf("%s mode: report %d is %q, want it to end in %q", mode(), i, m, want[i+1])
		}
	}
}
