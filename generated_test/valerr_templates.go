package generated_test

import (
	"fmt"
	"io"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for a value returned together with an error (issue 9 class 7):
// like io.Reader's n, err, both reach the awaiter whether it awaits the
// coroutine directly, through a Task, or gets it from rt.Run or
// RunUntilComplete (valerr_test.go).

// valErrRead reads "5 bytes" and hits the end.
//
//asyncgen:coroutine
func valErrRead(e *Env) (int, error) {
	return rt.Must(e.I(5)), io.EOF
}

// valErrPaths awaits valErrRead directly and through a task.
//
//asyncgen:coroutine
func valErrPaths(e *Env) string {
	n1, err1 := rt.Await(valErrReadAsync(e))
	task := rt.CreateTask(rt.RunningLoop(), valErrReadAsync(e))
	n2, err2 := rt.Await(task)
	return fmt.Sprint(n1, err1, n2, err2)
}

// valErrMain runs valErrRead as a task of rt.Run's own loop and returns
// its outcome.
//
//asyncgen:coroutine
func valErrMain() (int, error) {
	task := rt.CreateTask(rt.RunningLoop(), valErrReadAsync(NewEnv(rt.RunningLoop())))
	return rt.Await(task)
}
