package main

// Sets: SADD, SREM, SCARD, SISMEMBER, SMEMBERS, SPOP.

// set is a set of members. Like a Redis set kept as a hash table, it
// lists its members in no particular order, and SPOP takes any of them.
type set map[string]struct{}

func newSet() set { return make(set) }

func (s set) typeName() string { return "set" }
func (s set) size() int        { return len(s) }

func cmdSAdd(c *client, args [][]byte) {
	s, ok := getOrCreate(c, args[1], newSet)
	if !ok {
		return
	}
	added := 0
	for _, m := range args[2:] {
		if _, in := s[string(m)]; !in {
			s[string(m)] = struct{}{}
			added++
		}
	}
	if added > 0 {
		c.changed(args[1], s)
	}
	c.out = appendInt(c.out, int64(added))
}

func cmdSRem(c *client, args [][]byte) {
	s, found, ok := get[set](c, args[1])
	if !ok {
		return
	}
	removed := 0
	if found {
		for _, m := range args[2:] {
			if _, in := s[string(m)]; in {
				delete(s, string(m))
				removed++
			}
		}
		if removed > 0 {
			c.changed(args[1], s)
		}
	}
	c.out = appendInt(c.out, int64(removed))
}

func cmdSCard(c *client, args [][]byte) {
	if s, _, ok := get[set](c, args[1]); ok {
		c.out = appendInt(c.out, int64(len(s)))
	}
}

func cmdSIsMember(c *client, args [][]byte) {
	if s, _, ok := get[set](c, args[1]); ok {
		_, in := s[string(args[2])]
		c.out = appendInt(c.out, bool01(in))
	}
}

func cmdSMembers(c *client, args [][]byte) {
	s, _, ok := get[set](c, args[1])
	if !ok {
		return
	}
	c.setLen(len(s))
	for m := range s {
		c.out = appendBulkString(c.out, m)
	}
}

// cmdSPop takes a member (a bulk reply, nil if the key is missing), or
// with a count up to that many (an array, empty if the key is missing).
func cmdSPop(c *client, args [][]byte) {
	count, ok := c.popCount(args, errSyntax)
	if !ok {
		return
	}
	s, found, ok := get[set](c, args[1])
	switch {
	case !ok:
		return
	case count < 0 && !found:
		c.null()
		return
	case count < 0:
		count = 1
	default:
		c.setLen(min(count, len(s)))
	}
	popped := 0
	for m := range s {
		if popped == count {
			break
		}
		c.out = appendBulkString(c.out, m)
		delete(s, m)
		popped++
	}
	if popped > 0 {
		c.changed(args[1], s)
	}
}

// bool01 is Redis's integer reply for a yes/no answer.
func bool01(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
