package rt

import (
	"runtime"
	"sync"
)

// executor is a bounded pool of goroutines for blocking work
// (asyncio's default ThreadPoolExecutor). Workers start on demand, up to
// max, and exit when idle work runs out after shutdown.
type executor struct {
	mu      sync.Mutex
	cond    *sync.Cond
	jobs    []func()
	workers int
	idle    int
	max     int
	closed  bool
	exited  sync.WaitGroup
}

// DefaultExecutorWorkers is the pool size of a loop's default executor, as
// in Python's ThreadPoolExecutor: min(32, NumCPU+4).
var DefaultExecutorWorkers = min(32, runtime.NumCPU()+4)

func newExecutor(max int) *executor {
	e := &executor{max: max}
	e.cond = sync.NewCond(&e.mu)
	return e
}

func (e *executor) submit(job func()) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	e.jobs = append(e.jobs, job)
	if e.idle > 0 {
		e.cond.Signal()
	} else if e.workers < e.max {
		e.workers++
		e.exited.Add(1)
		go e.work()
	}
	return true
}

func (e *executor) work() {
	e.mu.Lock()
	for {
		for len(e.jobs) == 0 && !e.closed {
			e.idle++
			e.cond.Wait()
			e.idle--
		}
		if len(e.jobs) == 0 { // closed and drained
			e.workers--
			e.mu.Unlock()
			e.exited.Done()
			return
		}
		job := e.jobs[0]
		e.jobs[0] = nil
		e.jobs = e.jobs[1:]
		e.mu.Unlock()
		job()
		e.mu.Lock()
	}
}

// shutdown lets queued jobs finish but accepts no more; it does not wait
// (like executor.shutdown(wait=False) in loop.close()).
func (e *executor) shutdown() {
	e.mu.Lock()
	e.closed = true
	e.cond.Broadcast()
	e.mu.Unlock()
}

// shutdownWait is shutdown, then waits until every queued job has run and
// every worker has exited.
func (e *executor) shutdownWait() {
	e.shutdown()
	e.exited.Wait()
}

// SetDefaultExecutorWorkers bounds the goroutines RunInExecutor may use on l;
// call it before the first RunInExecutor.
func (l *Loop) SetDefaultExecutorWorkers(n int) {
	if l.exec == nil && n > 0 {
		l.exec = newExecutor(n)
	}
}

// RunInExecutor runs fn on the loop's pool of goroutines, for blocking work
// that must not stall the loop, and returns a Future of its outcome. A panic
// in fn becomes the future's error. Cancelling the future does not stop fn;
// its outcome is then dropped. On a VirtualClock the job takes no virtual
// time: the loop does not jump to its next timer while jobs are running,
// unless a job outlasts that timer's delay in real time.
func RunInExecutor[T any](l *Loop, fn func() (T, error)) *Future[T] {
	l.checkUsable("RunInExecutor")
	if l.exec == nil {
		l.exec = newExecutor(DefaultExecutorWorkers)
	}
	fut := NewFuture[T](l)
	ok := l.exec.submit(func() {
		v, err := callBlocking(fn)
		l.CallSoonThreadsafe(func() {
			if !fut.Done() {
				if err != nil {
					fut.SetException(err)
				} else {
					fut.SetResult(v)
				}
			}
			l.inflight--
			if l.inflight == 0 && l.drained != nil {
				// Set after fut: its callbacks run before Run's wait ends.
				l.drained.SetResult(Void{})
				l.drained = nil
			}
		})
	})
	if !ok {
		fut.SetException(ErrLoopClosed)
	} else {
		l.inflight++
	}
	return fut
}

func callBlocking[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = FailureOf(p)
		}
	}()
	return fn()
}
