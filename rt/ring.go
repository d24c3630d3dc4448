package rt

// ring is the loop's ready queue: a FIFO of callbacks in a power-of-two
// circular buffer that grows by doubling and never shrinks, so steady-state
// scheduling does not allocate (asyncio uses a deque for the same reason).
type ring struct {
	buf  []callback
	head int // index of the first item
	n    int // number of items
}

func (r *ring) len() int { return r.n }

// tryPush appends cb if the buffer has room and reports whether it did.
// It inlines (push, with its call to grow, does not), so the schedulers
// on the await path store into the queue without a call of their own and
// fall back to push only when the buffer must grow.
func (r *ring) tryPush(cb callback) bool {
	if r.n == len(r.buf) {
		return false
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = cb
	r.n++
	return true
}

func (r *ring) push(cb callback) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = cb
	r.n++
}

func (r *ring) pop() callback {
	cb := r.buf[r.head]
	r.buf[r.head] = nil // let the callback be collected
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	return cb
}

func (r *ring) grow() {
	size := len(r.buf) * 2
	if size == 0 {
		size = 64
	}
	buf := make([]callback, size)
	for i := 0; i < r.n; i++ {
		buf[i] = r.buf[(r.head+i)&(len(r.buf)-1)]
	}
	r.buf, r.head = buf, 0
}

// clear drops every queued callback (used by Close).
func (r *ring) clear() {
	for r.n > 0 {
		r.pop()
	}
}
