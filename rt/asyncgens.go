package rt

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"weak"
)

// asyncgenSet is a loop's set of the async iterators started on it and not
// yet finished: asyncio's loop._asyncgens, which its firstiter hook fills,
// so that Run can close those nobody closed (loop.shutdown_asyncgens). It
// holds them weakly, as asyncio's WeakSet does: an iterator nobody
// references is collected and leaves the set. The mutex is for the
// collector's cleanups, which run on a goroutine of their own.
type asyncgenSet struct {
	mu  sync.Mutex
	m   map[*asyncgenEntry]struct{}
	seq uint64
}

// asyncgenEntry is one iterator of the set.
type asyncgenEntry struct {
	seq uint64
	// closer returns the iterator's Close, or false once the iterator
	// is collected or finished.
	closer func() (Coro[Void], bool)
}

func (s *asyncgenSet) add(e *asyncgenEntry) {
	s.mu.Lock()
	if s.m == nil {
		s.m = make(map[*asyncgenEntry]struct{})
	}
	s.seq++
	e.seq = s.seq
	s.m[e] = struct{}{}
	s.mu.Unlock()
}

func (s *asyncgenSet) remove(e *asyncgenEntry) {
	s.mu.Lock()
	delete(s.m, e)
	s.mu.Unlock()
}

// take empties the set and returns its entries in the order they were
// added.
func (s *asyncgenSet) take() []*asyncgenEntry {
	s.mu.Lock()
	out := make([]*asyncgenEntry, 0, len(s.m))
	for e := range s.m {
		out = append(out, e)
	}
	s.m = nil
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// track enters it into l's set of open iterators, at its first Next.
func (it *AsyncIter[T]) track(l *Loop) {
	wp := weak.Make(it)
	e := &asyncgenEntry{closer: func() (Coro[Void], bool) {
		p := wp.Value()
		if p == nil || p.state == iterDone || p.busy {
			return nil, false
		}
		return p.Close(), true
	}}
	it.loop, it.entry = l, e
	l.asyncgens.add(e)
	set := &l.asyncgens
	runtime.AddCleanup(it, func(e *asyncgenEntry) { set.remove(e) }, e)
}

// untrack takes a finished iterator out of its loop's set.
func (it *AsyncIter[T]) untrack() {
	if it.entry != nil {
		it.loop.asyncgens.remove(it.entry)
		it.loop, it.entry = nil, nil
	}
}

// ShutdownAsyncIters closes every async iterator started on the loop that
// is neither finished nor collected, each in a task of its own, and
// returns a future done once they all are (asyncio's
// loop.shutdown_asyncgens). A producer suspended at a Yield sees it return
// false and runs to its end, its defers included; a close that fails is
// reported to the exception handler. Run calls it after cancelling the
// tasks left; a program that runs its loop by hand awaits it (or runs the
// loop until it completes) before Close, or the producers' defers never
// run.
func (l *Loop) ShutdownAsyncIters() *Future[Void] {
	all := NewFuture[Void](l)
	var tasks []*Task[Void]
	for _, e := range l.asyncgens.take() {
		if c, ok := e.closer(); ok {
			tasks = append(tasks, CreateTask(l, c))
		}
	}
	if len(tasks) == 0 {
		all.SetResult(Void{})
		return all
	}
	remaining := len(tasks)
	for _, t := range tasks {
		t.base().addCallback(funcCallback(func() {
			if !t.Cancelled() {
				if err := t.Exception(); err != nil {
					l.CallExceptionHandler(ErrorContext{
						Message: fmt.Sprintf("an error occurred during closing of an asynchronous iterator (%s)", t.Name()),
						Err:     err,
						Future:  t,
					})
				}
			}
			remaining--
			if remaining == 0 {
				all.SetResult(Void{})
			}
		}))
	}
	return all
}
