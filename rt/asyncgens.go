package rt

import (
	"fmt"
	"weak"
)

// asyncgenSet is a loop's set of the async iterators started on it and not
// yet finished: asyncio's loop._asyncgens, which its firstiter hook fills,
// so that ShutdownAsyncIters can close those nobody closed. It holds them
// weakly, as asyncio's WeakSet does, so that an iterator nobody references
// is still collected: each entry is a weak pointer (pointer-shaped, so
// boxing it allocates nothing), and each iterator knows its slot, so that
// finishing takes it out in O(1). Entries whose iterator was collected are
// dropped when the slice must grow. Only the loop's goroutine touches it
// (Next and Close run there, or in reference mode in strict hand-off
// with it).
type asyncgenSet struct {
	open []openIter
}

// openIter is one entry: a weak pointer to an AsyncIter of some T.
type openIter interface {
	// setSlot tells the iterator where its entry now is; false if it
	// was collected.
	setSlot(i int) bool
	// closer takes the iterator out of the set and returns its Close,
	// or false if it was collected, or is running a Next or Close.
	closer() (Coro[Void], bool)
}

// weakIter is the entry of an AsyncIter[T].
type weakIter[T any] weak.Pointer[AsyncIter[T]]

func (w weakIter[T]) setSlot(i int) bool {
	it := weak.Pointer[AsyncIter[T]](w).Value()
	if it == nil {
		return false
	}
	it.slot = i
	return true
}

func (w weakIter[T]) closer() (Coro[Void], bool) {
	it := weak.Pointer[AsyncIter[T]](w).Value()
	if it == nil {
		return nil, false
	}
	it.loop, it.slot = nil, 0 // out of the set, which take emptied
	if it.state == iterDone || it.busy {
		return nil, false
	}
	return it.Close(), true
}

// track enters it into l's set of open iterators, at its first Next.
func (it *AsyncIter[T]) track(l *Loop) {
	s := &l.asyncgens
	if len(s.open) == cap(s.open) {
		s.prune()
	}
	it.loop, it.slot = l, len(s.open)
	s.open = append(s.open, weakIter[T](weak.Make(it)))
}

// untrack takes a finished iterator out of its loop's set.
func (it *AsyncIter[T]) untrack() {
	if it.loop == nil {
		return
	}
	s := &it.loop.asyncgens
	i, last := it.slot, len(s.open)-1
	if i <= last {
		s.open[i] = s.open[last]
		s.open[last] = nil
		s.open = s.open[:last]
		if i < last {
			s.open[i].setSlot(i)
		}
	}
	it.loop, it.slot = nil, 0
}

// prune drops the entries of collected iterators, renumbering the rest.
func (s *asyncgenSet) prune() {
	kept := s.open[:0]
	for _, e := range s.open {
		if e.setSlot(len(kept)) {
			kept = append(kept, e)
		}
	}
	clear(s.open[len(kept):])
	s.open = kept
}

// take empties the set and returns its entries, oldest first but for
// those moved by an earlier removal.
func (s *asyncgenSet) take() []openIter {
	out := s.open
	s.open = nil
	return out
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
	var tasks []AnyTask
	for _, e := range l.asyncgens.take() {
		if c, ok := e.closer(); ok {
			tasks = append(tasks, CreateTask(l, c))
		}
	}
	return l.afterAll(tasks, func(t AnyTask) string {
		return fmt.Sprintf("an error occurred during closing of an asynchronous iterator (%s)", t.Name())
	})
}
