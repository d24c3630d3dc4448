package a

import (
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// awaitsOutside is an ordinary function that awaits: it panics.
func awaitsOutside(f *rt.Future[int]) int {
	v, _ := rt.Await(f)   // want `rt.Await outside a coroutine template: only a function marked //asyncgen:coroutine suspends`
	return v + rt.Must(f) // want `rt.Must outside a coroutine template`
}

// refHelper is run by a hand-written coroutine (rt.Async), where awaiting is allowed.
func refHelper(f *rt.Future[int]) int { return rt.Must(f) }

func handWritten(f *rt.Future[int]) rt.Coro[int] {
	return rt.Async(func() (int, error) {
		v, err := rt.Await(f)
		return v + refHelper(f), err
	})
}

//asyncgen:coroutine
func parent(f *rt.Future[int]) int {
	return rt.Must(f)
}

func coroutines(l *rt.Loop, f *rt.Future[int]) rt.Coro[int] {
	rt.Sleep(time.Second) // want `the coroutine rt.Sleep\(…\) returns is never awaited`
	_ = handWritten(f)    // want `the coroutine handWritten\(…\) returns is never awaited`
	rt.CreateTask(l, handWritten(f))
	c := handWritten(f)
	_ = c
	return handWritten(f)
}

func goroutines(l *rt.Loop) {
	go l.CallSoon(func() {}) // want `l.CallSoon called from another goroutine than the loop's: only CallSoonThreadsafe may be`
	go func() {
		l.CallLater(time.Second, func() {}) // want `l.CallLater called from another goroutine`
		l.CallSoonThreadsafe(func() {})
	}()
	go func() {
		own, err := rt.NewLoop()
		if err != nil {
			return
		}
		own.CallSoon(own.Stop)
		own.RunForever()
	}()
	go func() {
		// This goroutine runs l: it is the loop's goroutine from here on.
		rt.RunUntilComplete(l, rt.Sleep(time.Second))
		l.Close()
	}()
	go func() {
		l.RunForever()
		l.Close()
	}()
	go l.RunForever() // the new goroutine runs l: it is the loop's
	l.CallSoon(func() {})
}

//asyncgen:coroutine
func rangeAll(it *rt.AsyncIter[int]) (int, error) {
	n := 0
	for v := range it.All() { // want `this range over it.All\(\) drops the producer's error`
		n += v
	}
	for range it.All() { // want `this range over it.All\(\) drops the producer's error`
		n++
	}
	for v, _ := range it.All() { // want `this range over it.All\(\) drops the producer's error`
		n += v
	}
	for v, err := range it.All() {
		if err != nil {
			return n, err
		}
		n += v
	}
	for _, err := range it.All() {
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

//asyncgen:coroutine
func rangeAllWaived(it *rt.AsyncIter[int]) int {
	n := 0
	//asyncvet:droperr the producer here never fails
	for range it.All() {
		n++
	}
	return n
}
