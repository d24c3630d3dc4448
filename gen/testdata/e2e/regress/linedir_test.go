package regress

import (
	"fmt"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// suspendedStack runs co until it waits on fut and returns the stack of its
// task, then lets it finish and returns its error.
func suspendedStack(t *testing.T, mk func(fut *rt.Future[int]) rt.Coro[int]) (string, error) {
	t.Helper()
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fut := rt.NewFuture[int](l)
	task := rt.CreateTask(l, mk(fut))
	step := rt.NewFuture[int](l)
	l.CallSoon(func() { l.CallSoon(func() { l.CallSoon(func() { step.SetResult(0) }) }) })
	if err := l.RunUntilComplete(step); err != nil {
		t.Fatal(err)
	}
	var frames []string
	for _, fr := range task.GetStack() {
		frames = append(frames, fmt.Sprintf("%s:%d", fr.File, fr.Line))
	}
	fut.SetResult(1)
	if err := l.RunUntilComplete(task); err != nil && !task.Done() {
		t.Fatal(err)
	}
	_, err = task.Result()
	return strings.Join(frames, " "), err
}

func TestLineDirectives(t *testing.T) {
	const dir = "gen/testdata/e2e/regress/"
	stack, err := suspendedStack(t, func(fut *rt.Future[int]) rt.Coro[int] { return directiveInsideAsync(later(0), fut) })
	if want := dir + "tmpl.y:10"; stack != want {
		t.Errorf("directiveInside suspended at %q, want %q", stack, want)
	}
	if want := "[" + dir + "tmpl.y:12]"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("directiveInside failed with %v, want a panic at %s", err, want)
	}
	stack, err = suspendedStack(t, func(fut *rt.Future[int]) rt.Coro[int] { return directiveAroundAsync(fut) })
	if want := dir + "tmpl.y:26"; stack != want {
		t.Errorf("directiveAround suspended at %q, want %q", stack, want)
	}
	if want := "panic: 1 [" + dir + "tmpl.y:27]"; err == nil || err.Error() != want {
		t.Errorf("directiveAround failed with %v, want %s", err, want)
	}
}
