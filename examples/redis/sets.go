package main

import "math/rand/v2"

// Sets: SADD, SREM, SCARD, SISMEMBER, SMEMBERS, SPOP, SRANDMEMBER, SMOVE,
// SINTER, SUNION, SDIFF and their STORE forms.

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

// cmdSRandMember answers a member (nil if the key is missing), or with
// a count up to that many distinct ones, or with a negative count that
// many, repeats allowed (an array, empty if the key is missing).
func cmdSRandMember(c *client, args [][]byte) {
	if len(args) > 3 {
		c.out = appendError(c.out, errSyntax)
		return
	}
	count, hasCount := int64(1), len(args) == 3
	if hasCount {
		n, ok := parseInt(args[2])
		if !ok {
			c.out = appendError(c.out, errNotInt)
			return
		}
		count = n
	}
	s, found, ok := get[set](c, args[1])
	switch {
	case !ok:
		return
	case !found && !hasCount:
		c.null()
		return
	case !found:
		c.out = appendArray(c.out, 0)
		return
	}
	if !hasCount {
		for m := range s { // a map's order is random: its first member will do
			c.out = appendBulkString(c.out, m)
			break
		}
		return
	}
	if count >= 0 {
		n := int(min(count, int64(len(s))))
		c.out = appendArray(c.out, n)
		for m := range s {
			if n == 0 {
				break
			}
			c.out = appendBulkString(c.out, m)
			n--
		}
		return
	}
	if count < -(1 << 31) {
		c.out = appendError(c.out, "ERR value is out of range")
		return
	}
	members := make([]string, 0, len(s))
	for m := range s {
		members = append(members, m)
	}
	c.out = appendArray(c.out, int(-count))
	for range -count {
		c.out = appendBulkString(c.out, members[rand.IntN(len(members))])
	}
}

// cmdSMove moves a member from one set to another; both keys are type
// checked, once the source is known to exist, as Redis checks them.
func cmdSMove(c *client, args [][]byte) {
	src, found, ok := get[set](c, args[1])
	if !ok || !found {
		if ok {
			c.out = appendInt(c.out, 0)
		}
		return
	}
	dst, dstFound, ok := get[set](c, args[2])
	if !ok {
		return
	}
	m := string(args[3])
	if _, in := src[m]; !in {
		c.out = appendInt(c.out, 0)
		return
	}
	if string(args[1]) == string(args[2]) {
		c.out = appendInt(c.out, 1)
		return
	}
	delete(src, m)
	c.changed(args[1], src)
	if !dstFound {
		dst = newSet()
		c.db.add(args[2], dst)
	}
	dst[m] = struct{}{}
	c.changed(args[2], dst)
	c.out = appendInt(c.out, 1)
}

// The set algebra: each command's sets are read (a missing key is an
// empty set, another type WRONGTYPE) before anything is answered; the
// STORE forms replace the destination, whatever it held, deleting it
// for an empty result.
func cmdSInter(c *client, args [][]byte)      { c.setAlgebra(args[1:], nil, setInter) }
func cmdSUnion(c *client, args [][]byte)      { c.setAlgebra(args[1:], nil, setUnion) }
func cmdSDiff(c *client, args [][]byte)       { c.setAlgebra(args[1:], nil, setDiff) }
func cmdSInterStore(c *client, args [][]byte) { c.setAlgebra(args[2:], args[1], setInter) }
func cmdSUnionStore(c *client, args [][]byte) { c.setAlgebra(args[2:], args[1], setUnion) }
func cmdSDiffStore(c *client, args [][]byte)  { c.setAlgebra(args[2:], args[1], setDiff) }

type setOp int

const (
	setInter setOp = iota
	setUnion
	setDiff
)

func (c *client) setAlgebra(keys [][]byte, dst []byte, op setOp) {
	sets := make([]set, len(keys))
	for i, k := range keys {
		s, _, ok := get[set](c, k)
		if !ok {
			return
		}
		sets[i] = s // nil for a missing key, which reads as empty
	}
	out := newSet()
	switch op {
	case setInter:
		for m := range sets[0] {
			in := true
			for _, s := range sets[1:] {
				if _, ok := s[m]; !ok {
					in = false
					break
				}
			}
			if in {
				out[m] = struct{}{}
			}
		}
	case setUnion:
		for _, s := range sets {
			for m := range s {
				out[m] = struct{}{}
			}
		}
	case setDiff:
		for m := range sets[0] {
			out[m] = struct{}{}
		}
		for _, s := range sets[1:] {
			for m := range s {
				delete(out, m)
			}
		}
	}
	if dst == nil {
		c.setLen(len(out))
		for m := range out {
			c.out = appendBulkString(c.out, m)
		}
		return
	}
	c.db.del(dst)
	if len(out) > 0 {
		c.db.add(dst, out)
		c.db.touched(dst)
	}
	c.out = appendInt(c.out, int64(len(out)))
}
