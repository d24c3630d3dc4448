// Package fdtab is a table keyed by file descriptor. The kernel hands out
// the lowest free number, so the fds a process holds are dense and a slice
// indexed by fd costs a few bytes per open fd where a map costs about
// thirty, and a lookup is an index instead of a hash.
package fdtab

import "iter"

// Table maps fds to values of V. The zero Table is empty and ready.
type Table[V any] struct {
	vals []V
	has  []bool
	n    int
	// far holds fds at or above maxDense: a number that large is not one
	// the kernel handed out in order (or a caller's mistake), and must not
	// cost a slice that long.
	far map[int]V
}

// maxDense bounds the slice: a million fds, about 9 MB of table at most.
const maxDense = 1 << 20

// Get returns fd's value and whether fd is in the table.
func (t *Table[V]) Get(fd int) (V, bool) {
	if fd >= maxDense {
		v, ok := t.far[fd]
		return v, ok
	}
	if fd < 0 || fd >= len(t.has) || !t.has[fd] {
		var zero V
		return zero, false
	}
	return t.vals[fd], true
}

// Set puts fd in the table with value v. fd must not be negative.
func (t *Table[V]) Set(fd int, v V) {
	if fd < 0 {
		panic("fdtab: negative fd")
	}
	if fd >= maxDense {
		if t.far == nil {
			t.far = map[int]V{}
		}
		if _, ok := t.far[fd]; !ok {
			t.n++
		}
		t.far[fd] = v
		return
	}
	if fd >= len(t.has) {
		// A quarter more than needed: fds grow one by one, and the
		// table is paid for by every open fd.
		size := min(max(fd+1+fd/4, 64), maxDense)
		vals := make([]V, size)
		has := make([]bool, size)
		copy(vals, t.vals)
		copy(has, t.has)
		t.vals, t.has = vals, has
	}
	if !t.has[fd] {
		t.has[fd] = true
		t.n++
	}
	t.vals[fd] = v
}

// Delete removes fd from the table, if it is there.
func (t *Table[V]) Delete(fd int) {
	if fd >= maxDense {
		if _, ok := t.far[fd]; ok {
			delete(t.far, fd)
			t.n--
		}
		return
	}
	if fd < 0 || fd >= len(t.has) || !t.has[fd] {
		return
	}
	var zero V
	t.vals[fd], t.has[fd] = zero, false
	t.n--
}

// Len returns how many fds the table holds.
func (t *Table[V]) Len() int { return t.n }

// All yields the fds in the table with their values, in increasing fd
// order (those past the dense range last, in no order). The table may be
// changed during the iteration.
func (t *Table[V]) All() iter.Seq2[int, V] {
	return func(yield func(int, V) bool) {
		for fd := 0; fd < len(t.has); fd++ {
			if t.has[fd] && !yield(fd, t.vals[fd]) {
				return
			}
		}
		for fd, v := range t.far {
			if !yield(fd, v) {
				return
			}
		}
	}
}

// Reset empties the table and drops its storage.
func (t *Table[V]) Reset() { *t = Table[V]{} }
