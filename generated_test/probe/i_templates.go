package probe

import (
	"errors"
	"fmt"

	"github.com/asyncgen/asyncgen/rt"
)

//asyncgen:coroutine
func pMustRecovered(t *tr) (n int, err error) {
	defer func() {
		r := recover()
		t.add("recovered %T %v; n=%d err=%v", r, r, n, err)
		n = 42
	}()
	n = 1
	rt.Must(rt.Async(func() (int, error) { return 0, errors.New("boom") }))
	return 2, nil
}

//asyncgen:coroutine
func pMustRecoveredCaller(t *tr) (string, error) {
	n, err := rt.Await(pMustRecoveredAsync(t))
	return fmt.Sprint(n, " ", err), nil
}
