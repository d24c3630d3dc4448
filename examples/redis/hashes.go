package main

import (
	"math/big"
	"strconv"
)

// Hashes: HSET, HGET, HMGET, HDEL, HLEN, HEXISTS, HGETALL, HINCRBY,
// HINCRBYFLOAT, HKEYS, HVALS, HSETNX, HSTRLEN.

// hash maps fields to values. Like a Redis hash kept as a hash table, it
// lists its fields in no particular order.
type hash map[string][]byte

func newHash() hash { return make(hash) }

func (h hash) typeName() string { return "hash" }
func (h hash) size() int        { return len(h) }

// cmdHSet is HSET key field value [field value ...]; it answers how many
// fields are new.
func cmdHSet(c *client, args [][]byte) {
	if len(args)%2 != 0 {
		c.out = appendError(c.out, commands["hset"].errArity)
		return
	}
	h, ok := getOrCreate(c, args[1], newHash)
	if !ok {
		return
	}
	added := 0
	for i := 2; i < len(args); i += 2 {
		if old, in := h[string(args[i])]; in {
			h[string(args[i])] = append(old[:0], args[i+1]...)
			continue
		}
		h[string(args[i])] = append([]byte(nil), args[i+1]...)
		added++
	}
	c.changed(args[1], h) // even if every field kept its value, as Redis has it
	c.out = appendInt(c.out, int64(added))
}

func cmdHGet(c *client, args [][]byte) {
	if h, _, ok := get[hash](c, args[1]); ok {
		c.appendMaybe(h, args[2])
	}
}

func cmdHMGet(c *client, args [][]byte) {
	h, _, ok := get[hash](c, args[1])
	if !ok {
		return
	}
	c.out = appendArray(c.out, len(args)-2)
	for _, f := range args[2:] {
		c.appendMaybe(h, f)
	}
}

// appendMaybe answers field's value, nil if h has none.
func (c *client) appendMaybe(h hash, field []byte) {
	if v, in := h[string(field)]; in {
		c.out = appendBulk(c.out, v)
		return
	}
	c.null()
}

func cmdHDel(c *client, args [][]byte) {
	h, found, ok := get[hash](c, args[1])
	if !ok {
		return
	}
	removed := 0
	if found {
		for _, f := range args[2:] {
			if _, in := h[string(f)]; in {
				delete(h, string(f))
				removed++
			}
		}
		if removed > 0 {
			c.changed(args[1], h)
		}
	}
	c.out = appendInt(c.out, int64(removed))
}

func cmdHLen(c *client, args [][]byte) {
	if h, _, ok := get[hash](c, args[1]); ok {
		c.out = appendInt(c.out, int64(len(h)))
	}
}

func cmdHExists(c *client, args [][]byte) {
	if h, _, ok := get[hash](c, args[1]); ok {
		_, in := h[string(args[2])]
		c.out = appendInt(c.out, bool01(in))
	}
}

func cmdHGetAll(c *client, args [][]byte) {
	h, _, ok := get[hash](c, args[1])
	if !ok {
		return
	}
	c.mapLen(len(h))
	for f, v := range h {
		c.out = appendBulkString(c.out, f)
		c.out = appendBulk(c.out, v)
	}
}

// cmdHIncrBy adds to the integer in a field (0 if missing) and answers
// the sum. The increment is read before the key is looked up, and the
// field's value after, as Redis does.
func cmdHIncrBy(c *client, args [][]byte) {
	by, ok := parseInt(args[3])
	if !ok {
		c.out = appendError(c.out, errNotInt)
		return
	}
	h, found, ok := get[hash](c, args[1])
	if !ok {
		return
	}
	var v int64
	if old, in := h[string(args[2])]; in {
		if v, ok = parseInt(old); !ok {
			c.out = appendError(c.out, "ERR hash value is not an integer")
			return
		}
	}
	if v, ok = addInt(v, by); !ok {
		c.out = appendError(c.out, errOverflow)
		return
	}
	if !found {
		h = newHash()
		c.db.add(args[1], h)
	}
	h[string(args[2])] = strconv.AppendInt(h[string(args[2])][:0], v, 10)
	c.changed(args[1], h) // even by 0, as Redis has it
	c.out = appendInt(c.out, v)
}

// cmdHIncrByFloat adds a float to a field (0 if missing), in long double
// arithmetic as INCRBYFLOAT does, and answers the sum as it stores it.
func cmdHIncrByFloat(c *client, args [][]byte) {
	by, ok := longDouble(args[3])
	if !ok {
		c.out = appendError(c.out, errNotFloat)
		return
	}
	h, found, ok := get[hash](c, args[1])
	if !ok {
		return
	}
	v := new(big.Float).SetPrec(64)
	if old, in := h[string(args[2])]; in {
		if v, ok = longDouble(old); !ok {
			c.out = appendError(c.out, "ERR hash value is not a float")
			return
		}
	}
	sum, ok := addLongDouble(v, by)
	if !ok {
		c.out = appendError(c.out, errNaNOrInfty)
		return
	}
	if !found {
		h = newHash()
		c.db.add(args[1], h)
	}
	text := appendLongDouble(h[string(args[2])][:0], sum)
	h[string(args[2])] = text
	c.changed(args[1], h)
	c.out = appendBulk(c.out, text)
}

func cmdHKeys(c *client, args [][]byte) { c.hashList(args[1], true, false) }
func cmdHVals(c *client, args [][]byte) { c.hashList(args[1], false, true) }

// hashList answers a hash's fields, values, or both (HGETALL's pairs).
func (c *client) hashList(key []byte, fields, values bool) {
	h, _, ok := get[hash](c, key)
	if !ok {
		return
	}
	c.out = appendArray(c.out, len(h))
	for f, v := range h {
		if fields {
			c.out = appendBulkString(c.out, f)
		}
		if values {
			c.out = appendBulk(c.out, v)
		}
	}
}

// cmdHSetNX sets a field only if the hash has none of that name.
func cmdHSetNX(c *client, args [][]byte) {
	h, ok := getOrCreate(c, args[1], newHash)
	if !ok {
		return
	}
	if _, in := h[string(args[2])]; in {
		c.out = appendInt(c.out, 0)
		return
	}
	h[string(args[2])] = append([]byte(nil), args[3]...)
	c.changed(args[1], h)
	c.out = appendInt(c.out, 1)
}

func cmdHStrLen(c *client, args [][]byte) {
	if h, _, ok := get[hash](c, args[1]); ok {
		c.out = appendInt(c.out, int64(len(h[string(args[2])])))
	}
}
