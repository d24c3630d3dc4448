package main

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// The commands about keys as values: RANDOMKEY, COPY, EXPIRETIME,
// PEXPIRETIME, OBJECT ENCODING and MEMORY USAGE.

var (
	objectCommands = subcommands("object", []*command{
		{name: "encoding", arity: 3, flags: []string{"readonly"}, first: 2, last: 2, step: 1, run: cmdObjectEncoding},
		{name: "help", arity: 2, flags: []string{"loading", "stale"}, run: func(c *client, _ [][]byte) { c.help("OBJECT", objectHelp) }},
	})
	memoryCommands = subcommands("memory", []*command{
		{name: "usage", arity: -3, flags: []string{"readonly"}, first: 2, last: 2, step: 1, run: cmdMemoryUsage},
		{name: "help", arity: 2, flags: []string{"loading", "stale"}, run: func(c *client, _ [][]byte) { c.help("MEMORY", memoryHelp) }},
	})
	objectHelp = []string{
		"ENCODING <key>",
		"    Return the kind of internal representation that Redis 7.0 would use for the value stored at <key>.",
	}
	memoryHelp = []string{
		"USAGE <key> [SAMPLES <count>]",
		"    Return an estimate of the memory, in bytes, that <key> and its value take.",
	}
)

// cmdRandomKey answers a key picked at random (Go's map order is), nil
// in an empty keyspace. An expired key met on the way is deleted, as
// Redis deletes it, and another is picked.
func cmdRandomKey(c *client, _ [][]byte) {
	d := c.db
	for len(d.m) > 0 {
		skip := rand.IntN(min(len(d.m), 16))
		for k := range d.m {
			if skip > 0 {
				skip--
				continue
			}
			if d.lookup([]byte(k)) != nil {
				c.out = appendBulkString(c.out, k)
				return
			}
			break
		}
	}
	c.null()
}

// cmdCopy is COPY source destination [DB n] [REPLACE]: a deep copy of
// the value and its deadline. There is one database, so DB names only 0.
func cmdCopy(c *client, args [][]byte) {
	replace := false
	for i := 3; i < len(args); i++ {
		switch {
		case isWord(args[i], "replace"):
			replace = true
		case isWord(args[i], "db") && i+1 < len(args):
			n, ok := parseInt(args[i+1])
			if !ok || n < -1<<31 || n >= 1<<31 {
				c.out = appendError(c.out, errNotInt)
				return
			}
			if n != 0 {
				c.out = appendError(c.out, "ERR DB index is out of range")
				return
			}
			i++
		default:
			c.out = appendError(c.out, errSyntax)
			return
		}
	}
	if string(args[1]) == string(args[2]) {
		c.out = appendError(c.out, "ERR source and destination objects are the same")
		return
	}
	d := c.db
	e := d.lookup(args[1])
	if e == nil || !replace && d.lookup(args[2]) != nil {
		c.out = appendInt(c.out, 0)
		return
	}
	d.del(args[2])
	if e.coll == nil {
		d.set(args[2], e.val, false)
	} else {
		d.add(args[2], clone(e.coll))
		d.touched(args[2])
	}
	if e.expireAt != 0 {
		d.expire(args[2], d.m[string(args[2])], e.expireAt)
	}
	c.out = appendInt(c.out, 1)
}

// clone is a deep copy of a collection.
func clone(coll collection) collection {
	switch t := coll.(type) {
	case *list:
		l := newList()
		for i := range t.n {
			l.pushBack(append([]byte(nil), t.at(i)...))
		}
		return l
	case hash:
		h := make(hash, len(t))
		for f, v := range t {
			h[f] = append([]byte(nil), v...)
		}
		return h
	case set:
		s := make(set, len(t))
		for m := range t {
			s[m] = struct{}{}
		}
		return s
	case *zset:
		z := newZset()
		for m, score := range t.scores {
			z.set(m, score)
		}
		return z
	}
	panic("clone: unknown collection")
}

func cmdExpireTime(c *client, args [][]byte)  { c.ttl(args[1], time.Second, true) }
func cmdPExpireTime(c *client, args [][]byte) { c.ttl(args[1], time.Millisecond, true) }

// cmdObjectEncoding answers the encoding Redis 7.0 would give the value
// with its default thresholds, judged from the value as it is now: int,
// embstr (up to 44 bytes) or raw for a string; quicklist for a list;
// intset (integers only, up to 512) or hashtable for a set; listpack (up
// to 128 entries of up to 64 bytes) or hashtable for a hash, skiplist
// for such a sorted set. Redis never converts back, so a collection that
// grew past a threshold and shrank again says hashtable (skiplist) there
// but listpack (intset) here.
func cmdObjectEncoding(c *client, args [][]byte) {
	e := c.db.lookup(args[2])
	if e == nil {
		c.null()
		return
	}
	c.out = appendBulkString(c.out, encoding(e))
}

func encoding(e *entry) string {
	small := func(n int, each func(yield func(string) bool)) bool {
		if n > 128 {
			return false
		}
		ok := true
		each(func(s string) bool { ok = len(s) <= 64; return ok })
		return ok
	}
	switch t := e.coll.(type) {
	case nil:
		if n, ok := parseInt(e.val); ok && len(e.val) <= 20 && strconv.FormatInt(n, 10) == string(e.val) {
			return "int"
		}
		if len(e.val) <= 44 {
			return "embstr"
		}
		return "raw"
	case *list:
		return "quicklist"
	case set:
		if len(t) > 512 {
			return "hashtable"
		}
		for m := range t {
			if n, ok := parseInt([]byte(m)); !ok || strconv.FormatInt(n, 10) != m {
				return "hashtable"
			}
		}
		return "intset"
	case hash:
		if small(len(t), func(yield func(string) bool) {
			for f, v := range t {
				if !yield(f) || !yield(string(v)) {
					return
				}
			}
		}) {
			return "listpack"
		}
		return "hashtable"
	case *zset:
		if small(len(t.scores), func(yield func(string) bool) {
			for m := range t.scores {
				if !yield(m) {
					return
				}
			}
		}) {
			return "listpack"
		}
		return "skiplist"
	}
	return "unknown"
}

// cmdMemoryUsage is MEMORY USAGE key [SAMPLES n]: an estimate of the
// bytes the key and its value take in this server (not in Redis): the
// bytes of the key, the value, every element, and the Go headers and
// map slots that hold them. It counts every element, whatever SAMPLES
// asks for.
func cmdMemoryUsage(c *client, args [][]byte) {
	for i := 3; i < len(args); i += 2 {
		if !isWord(args[i], "samples") || i+1 >= len(args) {
			c.out = appendError(c.out, errSyntax)
			return
		}
		if _, ok := parseInt(args[i+1]); !ok {
			c.out = appendError(c.out, errNotInt)
			return
		}
	}
	e := c.db.lookup(args[2])
	if e == nil {
		c.null()
		return
	}
	c.out = appendInt(c.out, int64(memoryUsage(len(args[2]), e)))
}

// The sizes memoryUsage counts with, in bytes on a 64-bit machine.
const (
	sliceHeader  = 24
	stringHeader = 16
	mapSlot      = 8 + 8 // a map entry's tophash and overhead, amortized
	entrySize    = sliceHeader + 16 + 8 + 8
)

// memoryUsage estimates what a key of keyLen bytes and its entry take.
func memoryUsage(keyLen int, e *entry) int {
	n := stringHeader + keyLen + 8 + mapSlot + entrySize // the keyspace's slot and the entry
	switch t := e.coll.(type) {
	case nil:
		n += cap(e.val)
	case *list:
		n += 8 + 8*3 + sliceHeader*len(t.items)
		for i := range t.n {
			n += cap(t.at(i))
		}
	case set:
		n += 48
		for m := range t {
			n += stringHeader + len(m) + mapSlot
		}
	case hash:
		n += 48
		for f, v := range t {
			n += stringHeader + len(f) + sliceHeader + cap(v) + mapSlot
		}
	case *zset:
		n += 48 + 16 + 48
		for m := range t.scores {
			// The map's key and score, and a skiplist node of 1.33
			// levels on average, which shares the member string.
			n += stringHeader + len(m) + 8 + mapSlot + stringHeader + 8 + 8 + sliceHeader + 21
		}
	}
	return n
}
