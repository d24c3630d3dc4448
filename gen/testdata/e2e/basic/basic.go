package basic

import (
	"fmt"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// sum awaits two sleeps and adds.
//
//asyncgen:coroutine
func sum(a, b int) (int, error) {
	n := a
	rt.Must(rt.Sleep(time.Millisecond))
	n += b
	for i := 0; i < 3; i++ {
		if _, err := rt.Await(rt.Sleep(0)); err != nil {
			return 0, err
		}
		n += i
	}
	return n, nil
}

// localType declares a type in the coroutine and uses it on both sides of
// an await, never across one: it stays a local of the step method.
//
//asyncgen:coroutine
func localType(n int) (string, error) {
	type pair struct{ a, b int }
	p := pair{n, 0}
	n = p.a + 1
	rt.Must(rt.Sleep(0))
	q := pair{n, 2}
	return fmt.Sprint(q), nil
}
