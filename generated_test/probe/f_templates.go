package probe

import (
	"errors"
	"fmt"
	"sync"

	"github.com/asyncgen/asyncgen/rt"
)

//asyncgen:coroutine
func pDeferInLoop(t *tr) (string, error) {
	func() {
		for i := range 3 {
			defer t.add("plain %d", i)
		}
	}()
	for i := range 3 {
		defer func() { t.add("loop defer %d", i) }()
		rt.Must(later(t, "", i))
		i += 10
	}
	return "body", nil
}

//asyncgen:coroutine
func pArrayCopy(t *tr) (string, error) {
	a := [3]int{1, 2, 3}
	b := a
	rt.Must(later(t, "", 0))
	b[0] = 100
	pa := &a
	c := *pa
	rt.Must(later(t, "", 0))
	pa[1] = 200
	return fmt.Sprint(a, b, c), nil
}

//asyncgen:coroutine
func pGoroutineShares(t *tr) (string, error) {
	x := 0
	var wg sync.WaitGroup
	wg.Add(1)
	start := make(chan struct{})
	go func() {
		defer wg.Done()
		<-start
		x += 5
	}()
	x = rt.Must(later(t, "", 10))
	close(start)
	wg.Wait() //asyncvet:nonblocking the goroutine only adds
	return fmt.Sprint(x), nil
}

//asyncgen:coroutine
func pRedeclare(t *tr) (string, error) {
	a, err := rt.Await(later(t, "", 1))
	if err != nil {
		return "", err
	}
	b, err := rt.Await(later(t, "", 2))
	{
		a, err := rt.Await(later(t, "", 30))
		_ = err
		b += a
	}
	c, err := rt.Await(rt.Async(func() (int, error) { return 0, errors.New("inner") }))
	return fmt.Sprint(a, b, c, err), nil
}

type outerT struct {
	counter
	name string
}

//asyncgen:coroutine
func pPromoted(t *tr) (string, error) {
	o := &outerT{name: "o"}
	rt.Must(o.addAsync(t, 4))
	rt.Must(o.counter.addAsync(t, 5))
	return fmt.Sprint(o.n, rt.Must(o.getAsync(t))), nil
}

//asyncgen:coroutine
func pVariadic(t *tr, prefix string, xs ...int) (string, error) {
	s := prefix
	for _, x := range xs {
		s += fmt.Sprint(rt.Must(later(t, "", x)))
	}
	if len(xs) > 1 {
		s += "/" + rt.Must(pVariadicAsync(t, "", xs[1:]...))
	}
	return s, nil
}

//asyncgen:coroutine
func pErrOnly(t *tr) (err error) {
	defer func() {
		if err != nil {
			t.add("defer saw %v", err)
			err = fmt.Errorf("wrapped(%w)", err)
		}
	}()
	rt.Must(later(t, "", 1))
	rt.Must(rt.Async(func() (int, error) { return 0, errors.New("must failed") }))
	t.add("not reached")
	return nil
}

//asyncgen:coroutine
func pErrOnlyCaller(t *tr) (string, error) {
	err := rt.Must(later(t, "", error(nil)))
	_, err = rt.Await(pErrOnlyAsync(t))
	return fmt.Sprint(err), nil
}
