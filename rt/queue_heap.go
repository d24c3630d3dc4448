package rt

// Storage shared by the queues and by every primitive's list of waiters: a
// growable ring (asyncio's collections.deque) and a binary min-heap on a
// slice (asyncio's heapq). Both keep their backing arrays, so a queue or a
// lock in steady state does not allocate.

// ringDeque is a FIFO/LIFO ring buffer of power-of-two size. The zero ringDeque is
// empty and ready to use.
type ringDeque[T any] struct {
	buf  []T
	head int // index of the first item
	n    int // number of items
}

func (d *ringDeque[T]) len() int { return d.n }

// at returns the i-th item from the front, 0 ≤ i < len.
func (d *ringDeque[T]) at(i int) T { return d.buf[(d.head+i)&(len(d.buf)-1)] }

func (d *ringDeque[T]) pushBack(v T) {
	if d.n == len(d.buf) {
		d.grow()
	}
	d.buf[(d.head+d.n)&(len(d.buf)-1)] = v
	d.n++
}

func (d *ringDeque[T]) popFront() T {
	var zero T
	v := d.buf[d.head]
	d.buf[d.head] = zero // let the item be collected
	d.head = (d.head + 1) & (len(d.buf) - 1)
	d.n--
	return v
}

func (d *ringDeque[T]) popBack() T {
	var zero T
	i := (d.head + d.n - 1) & (len(d.buf) - 1)
	v := d.buf[i]
	d.buf[i] = zero
	d.n--
	return v
}

// removeAt deletes the i-th item, keeping the order of the others. It is
// O(n), used only when a waiter in the middle gives up (cancellation).
func (d *ringDeque[T]) removeAt(i int) {
	var zero T
	mask := len(d.buf) - 1
	for j := i; j < d.n-1; j++ {
		d.buf[(d.head+j)&mask] = d.buf[(d.head+j+1)&mask]
	}
	d.buf[(d.head+d.n-1)&mask] = zero
	d.n--
}

func (d *ringDeque[T]) grow() {
	size := len(d.buf) * 2
	if size == 0 {
		size = 4
	}
	buf := make([]T, size)
	for i := 0; i < d.n; i++ {
		buf[i] = d.at(i)
	}
	d.buf, d.head = buf, 0
}

// waitq is the FIFO of futures that blocked callers of a primitive wait on.
type waitq = ringDeque[*Future[Void]]

// removeWaiter deletes f from q (asyncio's deque.remove) and reports whether
// it was there; the search starts at the front, where a woken waiter is.
func removeWaiter(q *waitq, f *Future[Void]) bool {
	for i := 0; i < q.n; i++ {
		if q.at(i) == f {
			q.removeAt(i)
			return true
		}
	}
	return false
}

// heapPush adds v to the min-heap h ordered by less and returns the new
// slice. O(log n).
func heapPush[T any](h []T, v T, less func(a, b T) bool) []T {
	h = append(h, v)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !less(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return h
}

// heapPop removes and returns the least item of the non-empty heap h and
// returns the shortened slice. O(log n).
//
// It moves items exactly as Python's heapq.heappop does, not as the usual
// textbook pop: the last item's hole is first walked from the root down to
// a leaf along the lesser children (the right one on a tie), and the item
// then climbs back while it is less than its parent. Both keep the heap
// valid, but items that compare equal come out in different orders, and
// asyncio.PriorityQueue users can see that order.
func heapPop[T any](h []T, less func(a, b T) bool) (T, []T) {
	var zero T
	top := h[0]
	last := len(h) - 1
	item := h[last]
	h[last] = zero
	h = h[:last]
	if last == 0 {
		return top, h
	}
	i := 0
	for c := 1; c < last; c = 2*i + 1 {
		if r := c + 1; r < last && !less(h[c], h[r]) {
			c = r
		}
		h[i] = h[c]
		i = c
	}
	for i > 0 {
		p := (i - 1) / 2
		if !less(item, h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = item
	return top, h
}
