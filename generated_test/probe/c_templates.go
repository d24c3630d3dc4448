package probe

import (
	"errors"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

//asyncgen:coroutine
func pProducer(t *tr, y *rt.Yielder[int]) error {
	defer t.add("producer defer")
	for i := 0; ; i++ {
		if !rt.Must(y.Yield(i)) {
			t.add("producer told to stop")
			return nil
		}
	}
}

// pAbandonIter pulls one value of an iterator and returns without
// closing it, as asyncio code that breaks out of a manual anext loop.
//
//asyncgen:coroutine
func pAbandonIter(t *tr) (int, error) {
	it := rt.NewAsyncIter(func(y *rt.Yielder[int]) rt.Coro[rt.Void] { return pProducerAsync(t, y) })
	return rt.Must(it.Next()), nil
}

//asyncgen:coroutine
func pStubborn(t *tr) error {
	defer t.add("stubborn defer")
	_, err := rt.Await(rt.Sleep(time.Hour))
	t.add("stubborn woke: cancelled=%v", errors.Is(err, rt.ErrCancelled))
	rt.Must(rt.Sleep(time.Millisecond)) // cleanup that awaits
	t.add("stubborn cleaned up")
	return err
}

// pLeaveTasks returns while a task still sleeps.
//
//asyncgen:coroutine
func pLeaveTasks(t *tr) (int, error) {
	rt.CreateTask(rt.RunningLoop(), pStubbornAsync(t))
	rt.Must(rt.Sleep(0))
	return 1, nil
}
