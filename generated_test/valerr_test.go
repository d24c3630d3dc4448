package generated_test

import (
	"errors"
	"io"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

var valErrCases = []tcase{
	{"valerr/delegated-and-task", co(func(e *Env) rt.Coro[string] { return valErrPathsAsync(e) }),
		"5 EOF 5 EOF", "", ""},
	// The case runner itself goes through a Task's Result.
	{"valerr/task-result", co(func(e *Env) rt.Coro[int] { return valErrReadAsync(e) }),
		"5", "EOF", ""},
}

// TestValueWithErrorFromRunAndRunUntilComplete checks the two entry points
// that do not go through the case runner.
func TestValueWithErrorFromRunAndRunUntilComplete(t *testing.T) {
	n, err := rt.Run(rt.Coro[int](valErrMainAsync()))
	if n != 5 || !errors.Is(err, io.EOF) {
		t.Errorf("rt.Run: got (%d, %v), want (5, EOF)", n, err)
	}
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	n, err = rt.RunUntilComplete(l, valErrReadAsync(NewEnv(l)))
	if n != 5 || !errors.Is(err, io.EOF) {
		t.Errorf("RunUntilComplete: got (%d, %v), want (5, EOF)", n, err)
	}
}
