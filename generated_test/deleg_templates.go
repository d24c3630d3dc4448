package generated_test

import (
	"errors"
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates that await other coroutine objects (delegation, like "yield
// from") and tasks, and that recurse.

// fib recurses through its own constructor.
//
//asyncgen:coroutine
func fib(e *Env, n int) int {
	if n < 2 {
		return rt.Must(e.I(n))
	}
	return rt.Must(fibAsync(e, n-1)) + rt.Must(fibAsync(e, n-2))
}

// child logs around one await.
//
//asyncgen:coroutine
func child(e *Env, tag string) int {
	e.Add("%s start", tag)
	v := rt.Must(e.I(1))
	e.Add("%s end", tag)
	return v
}

// delegate awaits a coroutine directly and another through a task.
//
//asyncgen:coroutine
func delegate(e *Env) int {
	t := rt.CreateTask(e.L, childAsync(e, "t"))
	a := rt.Must(childAsync(e, "c"))
	b := rt.Must(t)
	return a + b
}

// failing fails after an await.
//
//asyncgen:coroutine
func failing(e *Env, msg string) (int, error) {
	rt.Must(e.I(0))
	return 5, errors.New(msg)
}

// delegateErrors sees a delegated coroutine's error through both forms.
//
//asyncgen:coroutine
func delegateErrors(e *Env) (string, error) {
	v, err := rt.Await(failingAsync(e, "first"))
	e.Add("v=%d err=%v", v, err)
	_, err = rt.Await(ctrlVoidAsync(e, 3))
	e.Add("void err=%v", err)
	err = rt.Must(Later(e, errors.New("as value")))
	e.Add("value %v", err)
	return fmt.Sprint(rt.Must(failingAsync(e, "second"))), nil
}

// delegateDeep delegates through several frames at once.
//
//asyncgen:coroutine
func delegateDeep(e *Env, depth int) int {
	if depth == 0 {
		return rt.Must(e.AV("leaf", 1))
	}
	defer e.Add("unwind %d", depth)
	return rt.Must(delegateDeepAsync(e, depth-1)) + depth
}

// delegateTwice awaits the same coroutine object twice: the second await
// finds it finished and returns its outcome again without running it.
//
//asyncgen:coroutine
func delegateTwice(e *Env) string {
	c := childAsync(e, "once")
	a := rt.Must(c)
	b, err := rt.Await(c)
	return fmt.Sprint(a, b, err)
}
