package generated_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// Templates for coroutine func literals (rt.Async, rt.AsyncVoid): they
// capture the enclosing template's variables by reference, like any Go
// closure, and run as tasks, TaskGroup bodies, Gather arguments or by
// delegation.

// litTaskGroupPerIteration spawns one coroutine literal per iteration of a
// loop whose body also awaits: each sees its own i (Go 1.22), and all add
// into the one sum of the template.
//
//asyncgen:coroutine
func litTaskGroupPerIteration(e *Env) (int, error) {
	sum := 0
	tg := rt.NewTaskGroup()
	rt.Must(tg.Enter())
	for i := 1; i <= 3; i++ {
		rt.Spawn(tg, rt.AsyncVoid(func() error {
			v := rt.Must(e.AV(fmt.Sprint("kid", i), i*10))
			sum += v
			e.Add("kid%d sum=%d", i, sum)
			return nil
		}))
		rt.Must(e.I(0))
		e.Add("spawned %d", i)
	}
	if _, err := rt.Await(tg.Exit(nil)); err != nil {
		return 0, err
	}
	return sum, nil
}

// litTaskGroupVerbatimLoop spawns from a loop that does not await itself,
// so the loop stays plain Go in the generated code.
//
//asyncgen:coroutine
func litTaskGroupVerbatimLoop(e *Env) (string, error) {
	var got []string
	tg := rt.NewTaskGroup()
	rt.Must(tg.Enter())
	for _, name := range []string{"a", "b", "c"} {
		rt.Spawn(tg, rt.AsyncVoid(func() error {
			rt.Must(e.I(0))
			got = append(got, name)
			return nil
		}))
	}
	_, err := rt.Await(tg.Exit(nil))
	return strings.Join(got, ","), err
}

// litGather gathers literals returning values; a variable changed by the
// template after creating them (and before they run) is seen by them.
//
//asyncgen:coroutine
func litGather(e *Env) ([]int, error) {
	base := 1
	var cs []rt.Awaitable[int]
	for k := range 3 {
		cs = append(cs, rt.Async(func() (int, error) {
			v := rt.Must(e.I(k))
			e.Add("lit%d base=%d", k, base)
			return base*100 + v, nil
		}))
	}
	base = 2
	return rt.Await(rt.Gather(cs...))
}

// litTaskAndDelegation runs a literal as a task of its own and another by
// delegation; each writes back to the template's variables, and a failing
// literal's error reaches the awaiter with its value.
//
//asyncgen:coroutine
func litTaskAndDelegation(e *Env) (string, error) {
	n := 0
	t := rt.CreateTask(rt.RunningLoop(), rt.Async(func() (string, error) {
		n += rt.Must(e.AV("task", 5))
		return "task done", nil
	}))
	d := rt.Must(rt.Async(func() (int, error) {
		n += rt.Must(e.AV("deleg", 7))
		return n, nil
	}))
	s := rt.Must(t)
	v, err := rt.Await(rt.Async(func() (int, error) {
		rt.Must(e.I(0))
		return n, errors.New("lit failed")
	}))
	return fmt.Sprintf("%s d=%d n=%d v=%d err=%v", s, d, n, v, err), nil
}

// litNested nests a literal in a literal: the inner one captures a
// variable of the template and one of the outer literal.
//
//asyncgen:coroutine
func litNested(e *Env) (string, error) {
	top := "t"
	out, err := rt.Await(rt.Async(func() (string, error) {
		mid := "m"
		inner := rt.Async(func() (string, error) {
			rt.Must(e.I(0))
			top += "1"
			mid += "2"
			return top + mid, nil
		})
		s := rt.Must(inner)
		return s + "/" + mid, nil
	}))
	return out + "/" + top, err
}

// litDeferCancel cancels a task running a literal while it waits: its
// defers run, and it sees the cancellation as an error.
//
//asyncgen:coroutine
func litDeferCancel(e *Env) (string, error) {
	state := "new"
	t := rt.CreateTask(rt.RunningLoop(), rt.AsyncVoid(func() error {
		defer func() { state += " deferred" }()
		state = "waiting"
		_, err := rt.Await(rt.Sleep(1e9))
		state += " err=" + fmt.Sprint(errors.Is(err, rt.ErrCancelled))
		return err
	}))
	rt.Must(e.I(0))
	t.Cancel("stop")
	_, err := rt.Await(t)
	return state, errors.Unwrap(err)
}

type litCounter struct{ n int }

// bump awaits in a literal that uses the receiver and a parameter.
//
//asyncgen:coroutine
func (c *litCounter) bump(e *Env, by int) (int, error) {
	return rt.Await(rt.Async(func() (int, error) {
		c.n += rt.Must(e.I(by))
		return c.n, nil
	}))
}

// litGeneric captures a variable of a type parameter's type.
//
//asyncgen:coroutine
func litGeneric[T any](e *Env, v T) (string, error) {
	var got []T
	rt.Must(rt.AsyncVoid(func() error {
		rt.Must(e.I(0))
		got = append(got, v, v)
		return nil
	}))
	return fmt.Sprint(got), nil
}

// litStack is suspended inside a literal it delegates to, for the async
// stack trace test.
//
//asyncgen:coroutine
func litStack(gate *rt.Future[int]) (int, error) {
	return rt.Await(rt.Async(func() (int, error) {
		return rt.Await(gate)
	}))
}

type litBox[T any] struct{ v []T }

// add is a method of a generic type whose literals capture the receiver
// and two variables of the same name, one shadowing the other.
//
//asyncgen:coroutine
func (b *litBox[T]) add(e *Env, v T) (string, error) {
	x := 1
	{
		x := 20
		rt.Must(rt.AsyncVoid(func() error {
			rt.Must(e.I(0))
			b.v = append(b.v, v)
			x++
			return nil
		}))
		e.Add("inner x=%d", x)
	}
	n := rt.Must(rt.Async(func() (int, error) {
		x += rt.Must(e.I(10))
		return x + len(b.v), nil
	}))
	return fmt.Sprint(n, x, b.v), nil
}

// litInRangeFuncAndSelect creates literals in the body of a range over a
// function iterator that awaits, and in a select case, and runs them
// after the loop: each keeps its own v.
//
//asyncgen:coroutine
func litInRangeFuncAndSelect(e *Env) (string, error) {
	var cs []rt.Awaitable[string]
	for v := range e.Count(3) {
		cs = append(cs, rt.Async(func() (string, error) {
			rt.Must(e.I(0))
			return fmt.Sprint("v", v), nil
		}))
		rt.Must(e.I(0))
	}
	ch := make(chan int, 1)
	ch <- 7
	select { //asyncvet:nonblocking ch is buffered and holds a value
	case got := <-ch:
		cs = append(cs, rt.Async(func() (string, error) {
			return fmt.Sprint("got", got+rt.Must(e.I(1))), nil
		}))
	}
	defer rt.CreateTask(rt.RunningLoop(), rt.AsyncVoid(func() error {
		e.Add("deferred task ran")
		return nil
	}))
	out := rt.Must(rt.Gather(cs...))
	return strings.Join(out, " "), nil
}

// litSharedWhileSuspended changes a captured variable while the literal's
// task is suspended; the literal reads the new value when it resumes, and
// what it writes is what the template reads after awaiting it.
//
//asyncgen:coroutine
func litSharedWhileSuspended(e *Env) (string, error) {
	x, y := 1, 0
	gate := rt.NewFuture[int](rt.RunningLoop())
	t := rt.CreateTask(rt.RunningLoop(), rt.AsyncVoid(func() error {
		e.Add("lit sees x=%d", x)
		rt.Must(gate)
		e.Add("lit resumed x=%d", x)
		y = x * 10
		x = -1
		return nil
	}))
	rt.Must(e.I(0))
	x = 5
	gate.SetResult(0)
	rt.Must(t)
	return fmt.Sprint(x, " ", y), nil
}
