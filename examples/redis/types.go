package main

// The types beyond strings: lists, sets, hashes and sorted sets, each a
// collection held in an entry. As in Redis, a key holds one type; a
// command for another type answers WRONGTYPE; a collection left empty by
// a command is deleted with its key, so that no key holds an empty one.

const errWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

// collection is the value of a key that is not a string.
type collection interface {
	// typeName is what TYPE answers.
	typeName() string
	// size is the number of elements; 0 deletes the key.
	size() int
}

// get returns key's collection if it is a T, and whether the key
// exists. A key of another type is answered WRONGTYPE, and get reports
// ok false.
func get[T collection](c *client, key []byte) (t T, found, ok bool) {
	e := c.db.lookup(key)
	if e == nil {
		return t, false, true
	}
	if t, ok = e.coll.(T); ok {
		return t, true, true
	}
	c.out = appendError(c.out, errWrongType)
	return t, true, false
}

// getOrCreate is get for a command that adds elements: a missing key is
// created holding fresh(). The caller adds at least one element before it
// returns, so that no key holds an empty collection.
func getOrCreate[T collection](c *client, key []byte, fresh func() T) (T, bool) {
	t, found, ok := get[T](c, key)
	if found || !ok {
		return t, ok
	}
	t = fresh()
	c.db.add(key, t)
	return t, true
}

// changed is called by a command once it has changed key's collection
// (in place, which the keyspace does not see): a collection left empty
// is deleted with its key, and either way the transactions watching key
// are spoiled, as a write to a string spoils them. A command that changed
// nothing (SADD of members there already) does not call it, as Redis
// then leaves watchers be.
func (c *client) changed(key []byte, t collection) {
	if t.size() == 0 {
		c.db.del(key)
		return
	}
	c.db.touched(key)
}

// str returns key's string value, nil for a missing key; a key of another
// type is answered WRONGTYPE, and str reports false.
func (c *client) str(key []byte) (*entry, bool) {
	e := c.db.lookup(key)
	if e != nil && e.coll != nil {
		c.out = appendError(c.out, errWrongType)
		return nil, false
	}
	return e, true
}

// sizeOf is t's size, 0 for a key that was not found (t is then nil).
func sizeOf[T collection](t T, found bool) int {
	if !found {
		return 0
	}
	return t.size()
}

// rankArgs reads LRANGE's and ZRANGE's start and stop.
func (c *client) rankArgs(args [][]byte) (start, stop int64, ok bool) {
	start, ok1 := parseInt(args[2])
	stop, ok2 := parseInt(args[3])
	if !ok1 || !ok2 {
		c.out = appendError(c.out, errNotInt)
		return 0, 0, false
	}
	return start, stop, true
}

// typeName is what TYPE answers for the entry.
func (e *entry) typeName() string {
	if e.coll == nil {
		return "string"
	}
	return e.coll.typeName()
}

func cmdType(c *client, args [][]byte) {
	if e := c.db.lookup(args[1]); e != nil {
		c.out = appendSimple(c.out, e.typeName())
		return
	}
	c.out = appendSimple(c.out, "none")
}

// popCount reads the optional count of LPOP, RPOP, SPOP, ZPOPMIN and
// ZPOPMAX: -1 when there is none. More arguments are answered with
// tooMany (their commands word it differently). Like Redis, it words a
// count that is not a number as one out of range.
func (c *client) popCount(args [][]byte, tooMany string) (int, bool) {
	if len(args) > 3 {
		c.out = appendError(c.out, tooMany)
		return 0, false
	}
	if len(args) < 3 {
		return -1, true
	}
	n, ok := parseInt(args[2])
	if !ok || n < 0 {
		c.out = appendError(c.out, "ERR value is out of range, must be positive")
		return 0, false
	}
	return int(min(n, 1<<31)), true
}
