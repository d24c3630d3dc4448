package main

// Lists: LPUSH, RPUSH, LPOP, RPOP, LLEN, LRANGE, LINDEX.

// list is a deque of values in a ring buffer whose length is a power of
// two, so that pushes and pops at both ends are O(1) and an index is a
// mask away.
type list struct {
	items [][]byte
	head  int // index in items of the first element
	n     int
}

func newList() *list { return &list{} }

func (l *list) typeName() string { return "list" }
func (l *list) size() int        { return l.n }

// at returns the i-th element, 0 ≤ i < n.
func (l *list) at(i int) []byte { return l.items[(l.head+i)&(len(l.items)-1)] }

// grow doubles the ring when it is full, moving the elements to its start.
func (l *list) grow() {
	if l.n < len(l.items) {
		return
	}
	items := make([][]byte, max(8, 2*len(l.items)))
	for i := range l.n {
		items[i] = l.at(i)
	}
	l.items, l.head = items, 0
}

func (l *list) pushFront(v []byte) {
	l.grow()
	l.head = (l.head - 1) & (len(l.items) - 1)
	l.items[l.head] = v
	l.n++
}

func (l *list) pushBack(v []byte) {
	l.grow()
	l.items[(l.head+l.n)&(len(l.items)-1)] = v
	l.n++
}

func (l *list) popFront() []byte {
	v := l.items[l.head]
	l.items[l.head] = nil
	l.head = (l.head + 1) & (len(l.items) - 1)
	l.n--
	return v
}

func (l *list) popBack() []byte {
	i := (l.head + l.n - 1) & (len(l.items) - 1)
	v := l.items[i]
	l.items[i] = nil
	l.n--
	return v
}

func cmdLPush(c *client, args [][]byte) { c.push(args, (*list).pushFront) }
func cmdRPush(c *client, args [][]byte) { c.push(args, (*list).pushBack) }

// push adds each value after the key, in order, at one end, and answers
// the list's new length.
func (c *client) push(args [][]byte, add func(*list, []byte)) {
	l, ok := getOrCreate(c, args[1], newList)
	if !ok {
		return
	}
	for _, v := range args[2:] {
		add(l, append([]byte(nil), v...))
	}
	c.changed(args[1], l)
	c.out = appendInt(c.out, int64(l.n))
}

func cmdLPop(c *client, args [][]byte) { c.pop(args, (*list).popFront) }
func cmdRPop(c *client, args [][]byte) { c.pop(args, (*list).popBack) }

// pop takes one value from an end (a bulk reply, nil if the key is
// missing), or with a count up to that many (an array, a nil array if
// the key is missing).
func (c *client) pop(args [][]byte, take func(*list) []byte) {
	count, ok := c.popCount(args, "ERR wrong number of arguments for '"+string(lowered(args[0]))+"' command")
	if !ok {
		return
	}
	l, found, ok := get[*list](c, args[1])
	switch {
	case !ok:
	case !found && count < 0:
		c.null()
	case !found:
		c.nullArray()
	case count < 0:
		c.out = appendBulk(c.out, take(l))
		c.changed(args[1], l)
	default:
		n := min(count, l.n)
		c.out = appendArray(c.out, n)
		for range n {
			c.out = appendBulk(c.out, take(l))
		}
		if n > 0 {
			c.changed(args[1], l)
		}
	}
}

func cmdLLen(c *client, args [][]byte) {
	if l, found, ok := get[*list](c, args[1]); ok {
		c.out = appendInt(c.out, int64(sizeOf(l, found)))
	}
}

func cmdLRange(c *client, args [][]byte) {
	start, stop, ok := c.rankArgs(args)
	if !ok {
		return
	}
	l, found, ok := get[*list](c, args[1])
	if !ok {
		return
	}
	from, to := rankRange(start, stop, sizeOf(l, found))
	c.out = appendArray(c.out, to-from)
	for i := from; i < to; i++ {
		c.out = appendBulk(c.out, l.at(i))
	}
}

// rankRange turns LRANGE's and ZRANGE's start and stop (inclusive,
// negative counting from the end) into the half-open range [from, to) of
// 0..n, empty when they cross or fall outside.
func rankRange(start, stop int64, n int) (from, to int) {
	size := int64(n)
	if start < 0 {
		start = max(start+size, 0)
	}
	if stop < 0 {
		stop += size
	}
	stop = min(stop, size-1)
	if start > stop || start >= size {
		return 0, 0
	}
	return int(start), int(stop + 1)
}

// cmdLIndex looks the key up before it reads the index, as Redis does: a
// missing key answers nil whatever the index.
func cmdLIndex(c *client, args [][]byte) {
	l, found, ok := get[*list](c, args[1])
	if !ok {
		return
	}
	if !found {
		c.null()
		return
	}
	i, ok := parseInt(args[2])
	if !ok {
		c.out = appendError(c.out, errNotInt)
		return
	}
	if i < 0 {
		i += int64(l.n)
	}
	if i < 0 || i >= int64(l.n) {
		c.null()
		return
	}
	c.out = appendBulk(c.out, l.at(int(i)))
}
