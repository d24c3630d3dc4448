package main

import "time"

// The string and key commands that client libraries send beside GET and
// SET: APPEND, STRLEN, SETNX, SETEX, PSETEX, GETSET, GETDEL, MSETNX,
// RENAME, RENAMENX and SCAN (UNLINK is DEL: nothing here frees memory
// in the background).

func cmdAppend(c *client, args [][]byte) {
	e, ok := c.str(args[1])
	switch {
	case !ok:
		return
	case e == nil:
		e = c.db.set(args[1], args[2], false)
	default:
		e.val = append(e.val, args[2]...)
		c.db.touched(args[1])
	}
	c.out = appendInt(c.out, int64(len(e.val)))
}

func cmdStrLen(c *client, args [][]byte) {
	if e, ok := c.str(args[1]); ok {
		n := 0
		if e != nil {
			n = len(e.val)
		}
		c.out = appendInt(c.out, int64(n))
	}
}

func cmdSetNX(c *client, args [][]byte) {
	if c.db.lookup(args[1]) != nil {
		c.out = appendInt(c.out, 0)
		return
	}
	c.db.set(args[1], args[2], false)
	c.out = appendInt(c.out, 1)
}

func cmdSetEx(c *client, args [][]byte)  { c.setEx(args, "setex", time.Second) }
func cmdPSetEx(c *client, args [][]byte) { c.setEx(args, "psetex", time.Millisecond) }

// setEx is SETEX/PSETEX key ttl value: SET with EX or PX, the TTL first.
func (c *client) setEx(args [][]byte, name string, unit time.Duration) {
	n, ok := parseInt(args[2])
	if !ok {
		c.out = appendError(c.out, errNotInt)
		return
	}
	at := c.db.deadline(n, unit == time.Second, true)
	if at == 0 {
		c.out = appendError(c.out, commands[name].errTimes)
		return
	}
	c.db.expire(args[1], c.db.set(args[1], args[3], false), at)
	c.ok()
}

// cmdGetSet answers the old string value (nil if none) and sets the new
// one, clearing any TTL, as SET does.
func cmdGetSet(c *client, args [][]byte) {
	e, ok := c.str(args[1])
	switch {
	case !ok:
		return
	case e == nil:
		c.null()
	default:
		c.out = appendBulk(c.out, e.val)
	}
	c.db.set(args[1], args[2], false)
}

func cmdGetDel(c *client, args [][]byte) {
	e, ok := c.str(args[1])
	switch {
	case !ok:
	case e == nil:
		c.null()
	default:
		c.out = appendBulk(c.out, e.val)
		c.db.del(args[1])
	}
}

// cmdMSetNX sets every pair only if none of the keys exists, answering
// whether it did.
func cmdMSetNX(c *client, args [][]byte) {
	if len(args)%2 != 1 {
		c.out = appendError(c.out, commands["msetnx"].errArity)
		return
	}
	for i := 1; i < len(args); i += 2 {
		if c.db.lookup(args[i]) != nil {
			c.out = appendInt(c.out, 0)
			return
		}
	}
	for i := 1; i < len(args); i += 2 {
		c.db.set(args[i], args[i+1], false)
	}
	c.out = appendInt(c.out, 1)
}

func cmdRename(c *client, args [][]byte)   { c.rename(args, false) }
func cmdRenameNX(c *client, args [][]byte) { c.rename(args, true) }

// rename is RENAME key newkey (and RENAMENX, which keeps an existing
// newkey): the value moves with its TTL, replacing what newkey held.
func (c *client) rename(args [][]byte, nx bool) {
	d := c.db
	e := d.lookup(args[1])
	switch {
	case e == nil:
		c.out = appendError(c.out, "ERR no such key")
	case string(args[1]) == string(args[2]) && nx:
		c.out = appendInt(c.out, 0)
	case string(args[1]) == string(args[2]):
		c.ok()
	case nx && d.lookup(args[2]) != nil:
		c.out = appendInt(c.out, 0)
	default:
		d.rename(args[1], args[2], e)
		if nx {
			c.out = appendInt(c.out, 1)
		} else {
			c.ok()
		}
	}
}

// cmdScan is SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]. Go's
// maps have no cursor that survives changes between calls, so the scan
// that starts at cursor 0 answers every matching key at once, with the
// cursor 0 that ends a scan: what SCAN promises (every key present for
// the whole scan, at least once) holds, and COUNT, a hint in Redis too,
// is only checked. A cursor this server never gave gets no keys.
func cmdScan(c *client, args [][]byte) {
	cursor, ok := parseInt(args[1])
	if !ok || cursor < 0 {
		c.out = appendError(c.out, "ERR invalid cursor")
		return
	}
	var pattern, typ []byte
	for i := 2; i < len(args); i += 2 {
		if i+1 >= len(args) {
			c.out = appendError(c.out, errSyntax)
			return
		}
		opt, val := args[i], args[i+1]
		switch {
		case isWord(opt, "match"):
			pattern = val
		case isWord(opt, "count"):
			n, ok := parseInt(val)
			if !ok {
				c.out = appendError(c.out, errNotInt)
				return
			}
			if n < 1 {
				c.out = appendError(c.out, errSyntax)
				return
			}
		case isWord(opt, "type"):
			typ = lowered(val)
		default:
			c.out = appendError(c.out, errSyntax)
			return
		}
	}
	var keys []string
	if cursor == 0 {
		now := c.db.now()
		for k, e := range c.db.m {
			if !e.expired(now) && (pattern == nil || globMatch(pattern, k)) && (typ == nil || string(typ) == e.typeName()) {
				keys = append(keys, k)
			}
		}
	}
	c.out = appendArray(c.out, 2)
	c.out = appendBulkString(c.out, "0")
	c.out = appendArray(c.out, len(keys))
	for _, k := range keys {
		c.out = appendBulkString(c.out, k)
	}
}
