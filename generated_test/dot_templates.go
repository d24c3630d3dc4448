package generated_test

import (
	"fmt"

	. "github.com/asyncgen/asyncgen/rt"
)

// Templates in a file that dot-imports the runtime, with a non-template
// helper in between.

// dotDouble awaits through the dot-imported intrinsics.
//
//asyncgen:coroutine
func dotDouble(e *Env, n int) (int, error) {
	v, err := Await(e.I(n))
	if err != nil {
		return 0, err
	}
	return v + Must(e.I(v)), nil
}

// dotHelper is an ordinary function between two templates.
func dotHelper(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// dotSum delegates to dotDouble through the dot-imported Must, and waits
// with a timeout of the dot-imported package.
//
//asyncgen:coroutine
func dotSum(e *Env, ns ...int) string {
	var got []int
	for _, n := range ns {
		got = append(got, Must(dotDoubleAsync(e, n)))
	}
	_, err := Await(WaitFor(Sleep(5), 1))
	return fmt.Sprint(dotHelper(got), got, err)
}
