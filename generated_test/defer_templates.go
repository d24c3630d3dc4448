package generated_test

import (
	"errors"
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for defer, panic and recover around suspensions, and for
// cancellation entering at an await (the Throw path).

// deferArgs evaluates defer arguments at the defer (one of them awaits),
// runs defers LIFO on return, and lets a deferred closure see the result.
//
//asyncgen:coroutine
func deferArgs(e *Env) (res int) {
	x := 1
	defer e.Add("deferred x=%d", x)
	defer func() { e.Add("closure x=%d res=%d", x, res) }()
	defer e.Add("awaited arg %d", rt.Must(e.AV("darg", 7)))
	x = rt.Must(e.I(2))
	for i := 0; i < 3; i++ {
		defer e.Add("loop defer %d", i)
	}
	rt.Must(e.I(0))
	return x * 10
}

// deferChangesResult doubles a named result in a deferred closure.
//
//asyncgen:coroutine
func deferChangesResult(e *Env, n int) (res int, err error) {
	defer func() {
		res *= 2
		if res > 10 {
			err = fmt.Errorf("too big: %d", res)
		}
	}()
	return rt.Must(e.I(n)), nil
}

// deferRecoverPanic recovers a panic raised after a resume and rewrites
// the named result.
//
//asyncgen:coroutine
func deferRecoverPanic(e *Env) (res int, err error) {
	defer func() {
		if r := recover(); r != nil {
			e.Add("recovered %v", r)
			res = -1
		}
	}()
	rt.Must(e.I(0))
	e.Add("about to panic")
	panic("late")
}

// deferRecoverRaised recovers the *rt.Raised that a failed Must throws and
// turns it into a result.
//
//asyncgen:coroutine
func deferRecoverRaised(e *Env) (res int, err error) {
	defer e.Add("outer defer")
	defer func() {
		r := recover()
		if re, ok := r.(*rt.Raised); ok {
			e.Add("raised %v", re.Err)
			res = 42
			err = nil
		}
	}()
	defer e.Add("inner defer")
	rt.Must(e.I(0))
	v := rt.Must(Fail[int](e, "boom"))
	e.Add("unreachable %d", v)
	return v, nil
}

// deferUnrecovered lets a failed Must escape: defers run (recover called
// from a helper, not directly by the deferred func, returns nil and does
// not stop it), and the coroutine fails with the awaited error itself.
//
//asyncgen:coroutine
func deferUnrecovered(e *Env) int {
	defer e.Add("defer ran")
	defer func() {
		e.Add("helper recover nil=%v", recoverInHelper() == nil)
	}()
	return rt.Must(Fail[int](e, "escaped"))
}

// recoverInHelper is not called directly by a deferred function, so Go's
// rules make its recover return nil.
func recoverInHelper() any { return recover() }

// deferRepanic recovers a panic and panics again with another value.
//
//asyncgen:coroutine
func deferRepanic(e *Env) int {
	defer func() {
		r := recover()
		e.Add("second recover %v", r)
	}()
	defer func() {
		r := recover()
		e.Add("first recover %v", r)
		panic(fmt.Sprintf("again(%v)", r))
	}()
	rt.Must(e.I(0))
	panic("first")
}

// deferSwallowCancel recovers the cancellation thrown at a Must and
// rewrites the named result: the task then completes normally.
//
//asyncgen:coroutine
func deferSwallowCancel(e *Env) (res int, err error) {
	defer func() {
		if r := recover(); r != nil {
			re, ok := r.(*rt.Raised)
			e.Add("recovered cancelled=%v", ok && errors.Is(re.Err, rt.ErrCancelled))
			res = 7
		}
	}()
	e.Add("before")
	rt.Must(e.Cancel("stop"))
	e.Add("unreachable")
	return 1, nil
}

// cancelAwait sees the cancellation as the error of its await, swallows it
// and goes on awaiting.
//
//asyncgen:coroutine
func cancelAwait(e *Env) (int, error) {
	_, err := rt.Await(e.Cancel("go away"))
	e.Add("err=%v", err)
	v := rt.Must(e.I(5))
	return v, nil
}

// cancelPropagate lets the cancellation escape a Must: the task ends
// cancelled after the defers ran.
//
//asyncgen:coroutine
func cancelPropagate(e *Env) int {
	defer e.Add("cleanup")
	rt.Must(e.Cancel("bye"))
	return 1
}

// cancelThrown is cancelled while in a bare yield, so the error is thrown
// in (Throw) through a delegated coroutine into its Sleep(0).
//
//asyncgen:coroutine
func cancelThrown(e *Env) (int, error) {
	e.CancelSoon("thrown")
	v, err := rt.Await(cancelThrownChildAsync(e))
	e.Add("parent v=%d err=%v", v, err)
	return v + 1, err
}

//asyncgen:coroutine
func cancelThrownChild(e *Env) (int, error) {
	defer e.Add("child defer")
	_, err := rt.Await(e.Sleep(0))
	e.Add("child err=%v", err)
	return 10, err
}

// closeRunsDefers suspends forever; the test closes it and expects its
// pending defers to run.
//
//asyncgen:coroutine
func closeRunsDefers(e *Env) int {
	defer e.Add("closed defer 1")
	for i := 0; i < 2; i++ {
		defer e.Add("closed loop defer %d", i)
	}
	e.Add("suspending")
	rt.Must(rt.NewFuture[int](e.L))
	e.Add("unreachable")
	return 0
}

// closeDelegating is suspended inside a delegated coroutine when closed:
// the child's defers run first, then its own.
//
//asyncgen:coroutine
func closeDelegating(e *Env) int {
	defer e.Add("parent defer")
	return rt.Must(closeRunsDefersAsync(e))
}

// closeInIterator is suspended inside a range-over-func body when closed.
//
//asyncgen:coroutine
func closeInIterator(e *Env) int {
	defer e.Add("template defer")
	for v := range e.Count(3) {
		e.Add("suspending at %d", v)
		rt.Must(rt.NewFuture[int](e.L))
	}
	return 0
}
