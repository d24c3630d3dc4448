package basic

import (
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
