package main

import "math"

// Lists: LPUSH, RPUSH, LPOP, RPOP, LLEN, LRANGE, LINDEX, LSET, LTRIM,
// LREM, LINSERT, LPOS, LMOVE, RPOPLPUSH.

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
	l, _, from, to, ok := c.listRange(args)
	if !ok {
		return
	}
	c.out = appendArray(c.out, to-from)
	for i := from; i < to; i++ {
		c.out = appendBulk(c.out, l.at(i))
	}
}

// listRange reads LRANGE's and LTRIM's key, start and stop: the list,
// and the range [from, to) of it they name; ok is false once answered.
func (c *client) listRange(args [][]byte) (l *list, found bool, from, to int, ok bool) {
	start, stop, ok := c.rankArgs(args)
	if !ok {
		return nil, false, 0, 0, false
	}
	if l, found, ok = get[*list](c, args[1]); !ok {
		return nil, false, 0, 0, false
	}
	from, to = rankRange(start, stop, sizeOf(l, found))
	return l, found, from, to, true
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
	i, ok, in := c.listIndex(l, args[2])
	switch {
	case !ok:
	case !in:
		c.null()
	default:
		c.out = appendBulk(c.out, l.at(i))
	}
}

// listIndex reads an index of l (negative counting from the end): ok is
// false, answered, if it is no number; in says whether it is in range.
func (c *client) listIndex(l *list, arg []byte) (i int, ok, in bool) {
	n, ok := parseInt(arg)
	if !ok {
		c.out = appendError(c.out, errNotInt)
		return 0, false, false
	}
	if n < 0 {
		n += int64(l.n)
	}
	return int(n), true, n >= 0 && n < int64(l.n)
}

// The list edits: LSET, LTRIM, LREM, LINSERT, LPOS, LMOVE, RPOPLPUSH.

// setAt replaces the i-th element, 0 ≤ i < n.
func (l *list) setAt(i int, v []byte) { l.items[(l.head+i)&(len(l.items)-1)] = v }

// keep rebuilds the list from the elements for which keep(i, v) is true,
// in order, and returns how many it dropped.
func (l *list) keep(keep func(i int, v []byte) bool) int {
	var kept [][]byte
	for i := range l.n {
		if v := l.at(i); keep(i, v) {
			kept = append(kept, v)
		}
	}
	dropped := l.n - len(kept)
	l.items, l.head, l.n = nil, 0, 0
	for _, v := range kept {
		l.pushBack(v)
	}
	return dropped
}

// insertAt puts v before the i-th element (at the end if i is n).
func (l *list) insertAt(i int, v []byte) {
	l.pushBack(nil)
	for j := l.n - 1; j > i; j-- {
		l.setAt(j, l.at(j-1))
	}
	l.setAt(i, v)
}

// cmdLSet looks the key up before it reads the index, as Redis does.
func cmdLSet(c *client, args [][]byte) {
	l, found, ok := get[*list](c, args[1])
	switch {
	case !ok:
		return
	case !found:
		c.out = appendError(c.out, "ERR no such key")
		return
	}
	i, ok, in := c.listIndex(l, args[2])
	switch {
	case !ok:
		return
	case !in:
		c.out = appendError(c.out, "ERR index out of range")
		return
	}
	l.setAt(i, append([]byte(nil), args[3]...))
	c.changed(args[1], l)
	c.ok()
}

// cmdLTrim keeps the elements from start to stop, as LRANGE counts them;
// a list left empty is deleted.
func cmdLTrim(c *client, args [][]byte) {
	l, found, from, to, ok := c.listRange(args)
	if !ok {
		return
	}
	if found {
		if l.keep(func(i int, _ []byte) bool { return from <= i && i < to }) > 0 {
			c.changed(args[1], l)
		}
	}
	c.ok()
}

// cmdLRem is LREM key count value: removes the first count elements
// equal to value (the last -count if negative, all if 0).
func cmdLRem(c *client, args [][]byte) {
	count, ok := parseInt(args[2])
	if !ok {
		c.out = appendError(c.out, errNotInt)
		return
	}
	l, found, ok := get[*list](c, args[1])
	if !ok {
		return
	}
	removed := 0
	if found {
		// Mark the elements to remove, walking from the end count names.
		drop := make([]bool, l.n)
		left := count
		for k := range l.n {
			i := k
			if count < 0 {
				i = l.n - 1 - k
			}
			if string(l.at(i)) == string(args[3]) {
				drop[i] = true
				if left > 0 {
					left--
				} else if left < 0 {
					left++
				}
				if count != 0 && left == 0 {
					break
				}
			}
		}
		if removed = l.keep(func(i int, _ []byte) bool { return !drop[i] }); removed > 0 {
			c.changed(args[1], l)
		}
	}
	c.out = appendInt(c.out, int64(removed))
}

// cmdLInsert is LINSERT key BEFORE|AFTER pivot value: the new length, -1
// without the pivot, 0 without the key.
func cmdLInsert(c *client, args [][]byte) {
	after := isWord(args[2], "after")
	if !after && !isWord(args[2], "before") {
		c.out = appendError(c.out, errSyntax)
		return
	}
	l, found, ok := get[*list](c, args[1])
	switch {
	case !ok:
		return
	case !found:
		c.out = appendInt(c.out, 0)
		return
	}
	for i := range l.n {
		if string(l.at(i)) == string(args[3]) {
			if after {
				i++
			}
			l.insertAt(i, append([]byte(nil), args[4]...))
			c.changed(args[1], l)
			c.out = appendInt(c.out, int64(l.n))
			return
		}
	}
	c.out = appendInt(c.out, -1)
}

// cmdLPos is LPOS key element [RANK rank] [COUNT n] [MAXLEN len]: the
// index of the rank-th match (from the end if rank is negative), or with
// COUNT the indexes of up to n matches (all if 0), looking at no more
// than len elements (all if 0). The options are checked before the key.
func cmdLPos(c *client, args [][]byte) {
	rank, count, maxLen := int64(1), int64(-1), int64(0)
	for i := 3; i < len(args); i += 2 {
		if i+1 >= len(args) {
			c.out = appendError(c.out, errSyntax)
			return
		}
		n, ok := parseInt(args[i+1])
		switch {
		case isWord(args[i], "rank") || isWord(args[i], "count") || isWord(args[i], "maxlen"):
			if !ok {
				c.out = appendError(c.out, errNotInt)
				return
			}
		default:
			c.out = appendError(c.out, errSyntax)
			return
		}
		switch {
		case isWord(args[i], "rank"):
			if n == 0 {
				c.out = appendError(c.out, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
				return
			}
			rank = n
		case isWord(args[i], "count"):
			if n < 0 {
				c.out = appendError(c.out, "ERR COUNT can't be negative")
				return
			}
			count = n
		default:
			if n < 0 {
				c.out = appendError(c.out, "ERR MAXLEN can't be negative")
				return
			}
			maxLen = n
		}
	}
	l, found, ok := get[*list](c, args[1])
	if !ok {
		return
	}
	var matches []int64
	if found {
		skip := uint64(rank - 1) // matches to pass over: |rank|-1
		if rank < 0 {
			skip = uint64(-(rank + 1))
		}
		if rank == math.MinInt64 {
			skip = 0 // Redis negates it, to itself, and takes the first match
		}
		for k := 0; k < l.n && (maxLen == 0 || int64(k) < maxLen); k++ {
			i := k
			if rank < 0 {
				i = l.n - 1 - k
			}
			if string(l.at(i)) != string(args[2]) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			matches = append(matches, int64(i))
			if count < 0 || count > 0 && int64(len(matches)) == count {
				break
			}
		}
	}
	if count < 0 {
		if len(matches) == 0 {
			c.null()
		} else {
			c.out = appendInt(c.out, matches[0])
		}
		return
	}
	c.out = appendArray(c.out, len(matches))
	for _, m := range matches {
		c.out = appendInt(c.out, m)
	}
}

// cmdLMove is LMOVE source destination LEFT|RIGHT LEFT|RIGHT.
func cmdLMove(c *client, args [][]byte) {
	if from, to, ok := c.moveEnds(args); ok {
		c.move(args[1], args[2], from, to)
	}
}

// moveEnds reads LMOVE's and BLMOVE's LEFT|RIGHT LEFT|RIGHT.
func (c *client) moveEnds(args [][]byte) (fromLeft, toLeft, ok bool) {
	from, ok1 := endWord(args[3])
	to, ok2 := endWord(args[4])
	if !ok1 || !ok2 {
		c.out = appendError(c.out, errSyntax)
		return false, false, false
	}
	return from, to, true
}

// cmdRPopLPush is LMOVE source destination RIGHT LEFT.
func cmdRPopLPush(c *client, args [][]byte) { c.move(args[1], args[2], false, true) }

// endWord reads LEFT (true) or RIGHT (false).
func endWord(b []byte) (left, ok bool) {
	if isWord(b, "left") {
		return true, true
	}
	return false, isWord(b, "right")
}

// move takes an element from one end of src and pushes it at one end of
// dst (which may be src), answering it, or nil if src is missing.
func (c *client) move(src, dst []byte, fromLeft, toLeft bool) {
	l, found, ok := get[*list](c, src)
	switch {
	case !ok:
		return
	case !found:
		c.null()
		return
	}
	if e := c.db.lookup(dst); e != nil {
		if _, isList := e.coll.(*list); !isList {
			c.out = appendError(c.out, errWrongType)
			return
		}
	}
	var v []byte
	if fromLeft {
		v = l.popFront()
	} else {
		v = l.popBack()
	}
	c.out = appendBulk(c.out, v)
	d := l
	if string(dst) != string(src) {
		c.changed(src, l)
		d, _ = getOrCreate(c, dst, newList)
	}
	if toLeft {
		d.pushFront(v)
	} else {
		d.pushBack(v)
	}
	c.changed(dst, d)
}
