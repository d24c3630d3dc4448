package main

import (
	"errors"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// The fan-out, as coroutine templates (fetch_async.go): n requests run
// as tasks of one TaskGroup, at most c at a time (a Semaphore), each
// under its own WaitFor timeout, and Gather collects their results in
// order.

// result is one request's outcome.
type result struct {
	status  int
	size    int
	latency time.Duration // from getting a slot to the end
	err     error
}

// timedOut reports whether the request hit its timeout.
func (r result) timedOut() bool {
	var te *rt.TimeoutError
	return errors.As(r.err, &te) || errors.Is(r.err, rt.ErrTimeout)
}

// fetchAll makes n requests to t, c at a time, each with the timeout.
//
//asyncgen:coroutine
func fetchAll(t target, n, c int, timeout time.Duration) ([]result, error) {
	sem := rt.NewSemaphore(c)
	return rt.Await(rt.RunGroup(func(tg *rt.TaskGroup) rt.Coro[[]result] {
		return spawnAllAsync(tg, t, n, sem, timeout)
	}))
}

// spawnAll starts the n requests in tg and gathers their results. A
// request's failure is in its result, so one failure does not cancel
// the others.
//
//asyncgen:coroutine
func spawnAll(tg *rt.TaskGroup, t target, n int, sem *rt.Semaphore, timeout time.Duration) ([]result, error) {
	tasks := make([]rt.Awaitable[result], 0, n)
	for range n {
		task, err := rt.Spawn(tg, fetchOneAsync(t, sem, timeout))
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, task)
	}
	return rt.Await(rt.Gather(tasks...))
}

// fetchOne waits for a slot, then makes one request under the timeout.
//
//asyncgen:coroutine
func fetchOne(t target, sem *rt.Semaphore, timeout time.Duration) result {
	if _, err := rt.Await(sem.Acquire()); err != nil {
		return result{err: err}
	}
	defer sem.Release()
	loop := rt.RunningLoop()
	start := loop.Time()
	r, err := rt.Await(rt.WaitFor(getAsync(t), timeout))
	r.latency = loop.Time() - start
	if err != nil {
		r.err = err
	}
	return r
}
