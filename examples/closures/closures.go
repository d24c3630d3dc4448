// Package closures shows coroutine func literals: a func literal wrapped in
// rt.Async (or rt.AsyncVoid when it returns only an error) is a coroutine
// that captures the enclosing template's variables by reference, as any Go
// closure does. It can be a task, a TaskGroup body, a Gather argument, or
// be awaited directly. Without it, every inline task would be a separate
// named template taking all its state as parameters.
package closures

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

import (
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// fetch stands in for a network call: the size of name arrives from a loop
// callback after a delay that depends on the name.
func fetch(name string) *rt.Future[int] {
	l := rt.RunningLoop()
	f := rt.NewFuture[int](l)
	l.CallLater(time.Duration(len(name))*time.Millisecond, func() { f.SetResult(10 * len(name)) })
	return f
}

// Sizes fetches every name concurrently, one task of a TaskGroup per name,
// and collects the sizes. Each task is a func literal: it sees its own name
// (a Go 1.22 loop variable) and writes into the one map of the template.
//
//asyncgen:coroutine
func Sizes(names []string) (map[string]int, error) {
	sizes := map[string]int{}
	tg := rt.NewTaskGroup()
	if _, err := rt.Await(tg.Enter()); err != nil {
		return nil, err
	}
	for _, name := range names {
		rt.Spawn(tg, rt.AsyncVoid(func() error {
			n, err := rt.Await(fetch(name))
			if err != nil {
				return err
			}
			sizes[name] = n
			return nil
		}))
	}
	_, err := rt.Await(tg.Exit(nil))
	return sizes, err
}

// Total awaits Sizes and sums the sizes in a literal it delegates to: the
// literal adds into total, a variable of the template.
//
//asyncgen:coroutine
func Total(names []string) (int, error) {
	total := 0
	_, err := rt.Await(rt.AsyncVoid(func() error {
		sizes, err := rt.Await(SizesAsync(names))
		for _, n := range sizes {
			total += n
		}
		return err
	}))
	return total, err
}
