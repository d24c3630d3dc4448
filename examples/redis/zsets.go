package main

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
)

// Sorted sets: ZADD, ZINCRBY, ZSCORE, ZCARD, ZREM, ZRANK, ZREVRANK,
// ZRANGE (by rank or BYSCORE, REV, LIMIT, WITHSCORES) and the older
// ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZCOUNT, ZPOPMIN, ZPOPMAX.

// zset is a sorted set: each member's score, and the members in order of
// (score, member) in a skiplist. The member strings are shared by both.
type zset struct {
	scores map[string]float64
	order  *skiplist
}

func newZset() *zset { return &zset{scores: make(map[string]float64), order: newSkiplist()} }

func (z *zset) typeName() string { return "zset" }
func (z *zset) size() int        { return len(z.scores) }

// set gives member the score, adding it if it is new.
func (z *zset) set(member string, score float64) {
	if old, in := z.scores[member]; in {
		if old == score {
			return
		}
		z.order.remove(old, member)
	}
	z.scores[member] = score
	z.order.insert(score, member)
}

// del removes member and reports whether it was there.
func (z *zset) del(member string) bool {
	score, in := z.scores[member]
	if in {
		delete(z.scores, member)
		z.order.remove(score, member)
	}
	return in
}

const errNotFloat = "ERR value is not a valid float"

// parseScore reads a score as Redis's string2d does: a whole decimal or
// hex float (an exponent optional, as strtod has it), or inf, -inf, +inf;
// no blanks, no NaN, nothing out of range: neither what overflows nor
// what underflows to zero.
func parseScore(b []byte) (float64, bool) {
	if len(b) == 0 || cSpace(b[0]) {
		return 0, false
	}
	f, outOfRange, ok := strtod(b)
	if !ok || math.IsNaN(f) || outOfRange {
		return 0, false
	}
	return f, true
}

// strtod reads all of b as C's strtod reads a number, after the blanks
// it skips: outOfRange says it overflowed (f is then an infinity) or
// underflowed to zero. An empty b is 0, as strtod leaves it (nothing
// read, nothing left over); blanks alone are not a number.
func strtod(b []byte) (f float64, outOfRange, ok bool) {
	if len(b) == 0 {
		return 0, false, true
	}
	for len(b) > 0 && cSpace(b[0]) {
		b = b[1:]
	}
	if len(b) == 0 || bytes.IndexByte(b, '_') >= 0 {
		return 0, false, false // ParseFloat takes '_' between digits; strtod does not
	}
	s := string(b)
	digits := strings.TrimLeft(s, "+-")
	hex := len(digits) > 1 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')
	if hex && !strings.ContainsAny(digits, "pP") {
		s += "p0" // strtod's hex floats need no exponent; ParseFloat's do
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return f, true, true
	case err != nil:
		return 0, false, false
	case f == 0 && nonzeroMantissa(digits, hex):
		return f, true, true // underflow, which ParseFloat does not report
	}
	return f, false, true
}

// nonzeroMantissa reports whether the number s (no sign) has a digit
// other than 0 before its exponent.
func nonzeroMantissa(s string, hex bool) bool {
	start, exp := 0, "eE"
	if hex {
		start, exp = 2, "pP"
	}
	for _, c := range []byte(s[start:]) {
		switch {
		case strings.IndexByte(exp, c) >= 0:
			return false
		case '1' <= c && c <= '9', hex && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F'):
			return true
		}
	}
	return false
}

// cSpace is C's isspace in the C locale (isSpace without the NUL).
func cSpace(c byte) bool { return c != 0 && isSpace(c) }

// score writes a stored score as Redis 7.0 answers one: %.17g, with inf
// and -inf spelled as Redis spells them, and -0 as 0 (Redis keeps a small
// sorted set's integral scores as integers); a bulk string in RESP2, a
// double in RESP3.
func (c *client) score(f float64) {
	if f == 0 {
		f = 0
	}
	c.newScore(f)
}

// newScore writes a score just computed, as ZINCRBY answers it: as score
// does, but -0 as -0.
func (c *client) newScore(f float64) {
	var num [32]byte
	switch {
	case math.IsInf(f, 1):
		c.double(append(num[:0], "inf"...))
	case math.IsInf(f, -1):
		c.double(append(num[:0], "-inf"...))
	default:
		c.double(strconv.AppendFloat(num[:0], f, 'g', 17, 64))
	}
}

// zaddFlags are ZADD's options.
type zaddFlags struct{ nx, xx, gt, lt, ch, incr bool }

// cmdZAdd is ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [...].
// Like Redis, it checks the options and reads every score before it
// changes anything, and answers how many members are new (with CH, new
// or changed), or with INCR the new score (nil if the options kept it).
func cmdZAdd(c *client, args [][]byte) {
	var f zaddFlags
	i := 2
	for ; i < len(args); i++ {
		opt := args[i]
		switch {
		case isWord(opt, "nx"):
			f.nx = true
		case isWord(opt, "xx"):
			f.xx = true
		case isWord(opt, "gt"):
			f.gt = true
		case isWord(opt, "lt"):
			f.lt = true
		case isWord(opt, "ch"):
			f.ch = true
		case isWord(opt, "incr"):
			f.incr = true
		default:
			goto pairs
		}
	}
pairs:
	pairs := args[i:]
	switch {
	case len(pairs) == 0 || len(pairs)%2 != 0:
		c.out = appendError(c.out, errSyntax)
		return
	case f.nx && f.xx:
		c.out = appendError(c.out, "ERR XX and NX options at the same time are not compatible")
		return
	case f.gt && f.nx || f.lt && f.nx || f.gt && f.lt:
		c.out = appendError(c.out, "ERR GT, LT, and/or NX options at the same time are not compatible")
		return
	case f.incr && len(pairs) > 2:
		c.out = appendError(c.out, "ERR INCR option supports a single increment-element pair")
		return
	}
	for j := 0; j < len(pairs); j += 2 {
		if _, ok := parseScore(pairs[j]); !ok {
			c.out = appendError(c.out, errNotFloat)
			return
		}
	}
	c.zadd(args[1], pairs, f)
}

// cmdZIncrBy is ZINCRBY key increment member: ZADD INCR.
func cmdZIncrBy(c *client, args [][]byte) {
	if _, ok := parseScore(args[2]); !ok {
		c.out = appendError(c.out, errNotFloat)
		return
	}
	c.zadd(args[1], args[2:], zaddFlags{incr: true})
}

// zadd applies checked (score, member) pairs under the flags.
func (c *client) zadd(key []byte, pairs [][]byte, f zaddFlags) {
	z, found, ok := get[*zset](c, key)
	if !ok {
		return
	}
	if !found {
		if f.xx {
			if f.incr {
				c.null()
			} else {
				c.out = appendInt(c.out, 0)
			}
			return
		}
		z = newZset()
	}
	added, changed := 0, 0
	var score float64
	kept := false
	for j := 0; j < len(pairs); j += 2 {
		score, _ = parseScore(pairs[j])
		member := pairs[j+1]
		old, in := z.scores[string(member)]
		if f.incr && in {
			if old == 0 {
				// A stored -0 is 0, as score answers it: -0 + -0
				// would keep a sign Redis's small sets do not.
				old = 0
			}
			score += old
			if math.IsNaN(score) {
				c.out = appendError(c.out, "ERR resulting score is not a number (NaN)")
				return
			}
		}
		switch {
		case in && (f.nx || f.gt && score <= old || f.lt && score >= old):
			kept = true
		case in:
			if score != old {
				z.set(string(member), score)
				changed++
			}
		case f.xx:
			kept = true
		default:
			z.set(string(member), score)
			added++
		}
	}
	if !found && z.size() > 0 {
		c.db.add(key, z)
	}
	if added+changed > 0 {
		c.changed(key, z)
	}
	switch {
	case f.incr && kept:
		c.null()
	case f.incr:
		c.newScore(score)
	case f.ch:
		c.out = appendInt(c.out, int64(added+changed))
	default:
		c.out = appendInt(c.out, int64(added))
	}
}

func cmdZScore(c *client, args [][]byte) {
	z, found, ok := get[*zset](c, args[1])
	if !ok {
		return
	}
	if score, in := z.scoreOf(found, args[2]); in {
		c.score(score)
		return
	}
	c.null()
}

// scoreOf returns member's score in z, if z exists and holds it.
func (z *zset) scoreOf(found bool, member []byte) (float64, bool) {
	if !found {
		return 0, false
	}
	score, in := z.scores[string(member)]
	return score, in
}

func cmdZCard(c *client, args [][]byte) {
	if z, found, ok := get[*zset](c, args[1]); ok {
		c.out = appendInt(c.out, int64(sizeOf(z, found)))
	}
}

func cmdZRem(c *client, args [][]byte) {
	z, found, ok := get[*zset](c, args[1])
	if !ok {
		return
	}
	removed := 0
	if found {
		for _, m := range args[2:] {
			if z.del(string(m)) {
				removed++
			}
		}
		if removed > 0 {
			c.changed(args[1], z)
		}
	}
	c.out = appendInt(c.out, int64(removed))
}

func cmdZRank(c *client, args [][]byte)    { c.zrank(args, false) }
func cmdZRevRank(c *client, args [][]byte) { c.zrank(args, true) }

// zrank answers member's 0-based rank, from the end if rev; nil if the
// key or the member is missing.
func (c *client) zrank(args [][]byte, rev bool) {
	z, found, ok := get[*zset](c, args[1])
	if !ok {
		return
	}
	score, in := z.scoreOf(found, args[2])
	if !in {
		c.null()
		return
	}
	r := z.order.rank(score, string(args[2]))
	if rev {
		r = z.size() - 1 - r
	}
	c.out = appendInt(c.out, int64(r))
}

// scoreBound is one end of a BYSCORE range: a score, "(" making it
// exclusive.
type scoreBound struct {
	score     float64
	exclusive bool
}

// parseBound reads a bound as Redis's zslParseRange does, with strtod
// alone: blanks before the number, an empty one (0), and what overflows
// (an infinity) or underflows (0) are taken; NaN is not.
func parseBound(b []byte) (scoreBound, bool) {
	var sb scoreBound
	if len(b) > 0 && b[0] == '(' {
		sb.exclusive, b = true, b[1:]
	}
	f, _, ok := strtod(b)
	if !ok || math.IsNaN(f) {
		return sb, false
	}
	sb.score = f
	return sb, true
}

// cmdZRange is ZRANGE key start stop [BYSCORE] [REV] [LIMIT offset
// count] [WITHSCORES], checked in Redis's order: the options, then the
// range, then the key. BYLEX is not implemented.
func cmdZRange(c *client, args [][]byte) { c.zrange(args, false, false, true) }

// cmdZRevRange is ZREVRANGE key start stop [WITHSCORES]: ZRANGE ... REV.
func cmdZRevRange(c *client, args [][]byte) { c.zrange(args, true, false, false) }

// cmdZRangeByScore is ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT
// offset count]: ZRANGE ... BYSCORE.
func cmdZRangeByScore(c *client, args [][]byte) { c.zrange(args, false, true, false) }

// cmdZRevRangeByScore is ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT
// offset count]: ZRANGE ... BYSCORE REV.
func cmdZRevRangeByScore(c *client, args [][]byte) { c.zrange(args, true, true, false) }

// zrange answers ZRANGE and the older commands that are ZRANGE with its
// direction and kind of range set (rev, byScore); only ZRANGE itself
// (options) takes REV, BYSCORE and BYLEX among its options.
func (c *client) zrange(args [][]byte, rev, byScore, options bool) {
	var withScores bool
	offset, limit := int64(0), int64(-1)
	for j := 4; j < len(args); j++ {
		opt := args[j]
		switch {
		case isWord(opt, "withscores"):
			withScores = true
		case isWord(opt, "limit") && j+2 < len(args):
			var ok1, ok2 bool
			offset, ok1 = parseInt(args[j+1])
			limit, ok2 = parseInt(args[j+2])
			if !ok1 || !ok2 {
				c.out = appendError(c.out, errNotInt)
				return
			}
			j += 2
		case options && isWord(opt, "rev"):
			rev = true
		case options && isWord(opt, "byscore"):
			byScore = true
		case options && isWord(opt, "bylex"):
			c.out = appendError(c.out, "ERR ZRANGE BYLEX is not implemented by this server")
			return
		default:
			c.out = appendError(c.out, errSyntax)
			return
		}
	}
	if limit != -1 && !byScore {
		c.out = appendError(c.out, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
		return
	}
	if !byScore {
		start, stop, ok := c.rankArgs(args)
		if !ok {
			return
		}
		z, found, ok := get[*zset](c, args[1])
		if !ok {
			return
		}
		from, to := rankRange(start, stop, sizeOf(z, found))
		c.appendRange(z, from, to-from, rev, withScores)
		return
	}
	lo, hi := args[2], args[3]
	if rev { // the range is given as max, min
		lo, hi = hi, lo
	}
	z, found, from, to, ok := c.scoreRange(args[1], lo, hi)
	if !ok {
		return
	}
	if !found || offset < 0 {
		c.out = appendArray(c.out, 0)
		return
	}
	// The members in range have the ranks [from, to); LIMIT skips
	// offset of them, in the order asked for, and takes count.
	n := max(to-from, 0)
	skip := int(min(offset, int64(n)))
	n -= skip
	if limit >= 0 {
		n = int(min(limit, int64(n)))
	}
	if rev {
		c.appendRange(z, z.size()-to+skip, n, true, withScores)
	} else {
		c.appendRange(z, from+skip, n, false, withScores)
	}
}

// cmdZCount is ZCOUNT key min max: how many members have a score in the
// range, whose ends are as BYSCORE's.
func cmdZCount(c *client, args [][]byte) {
	if _, found, from, to, ok := c.scoreRange(args[1], args[2], args[3]); ok {
		n := 0
		if found {
			n = max(to-from, 0)
		}
		c.out = appendInt(c.out, int64(n))
	}
}

// scoreRange reads the score range lo to hi of BYSCORE and looks key up:
// the sorted set and the ranks [from, to) of the members in the range
// when it exists. ok is false once it has answered an error: a bound that
// is not a score (checked first, as Redis does), or a key of another type.
func (c *client) scoreRange(key, lo, hi []byte) (z *zset, found bool, from, to int, ok bool) {
	lower, ok1 := parseBound(lo)
	upper, ok2 := parseBound(hi)
	if !ok1 || !ok2 {
		c.out = appendError(c.out, "ERR min or max is not a float")
		return nil, false, 0, 0, false
	}
	z, found, ok = get[*zset](c, key)
	if ok && found {
		from = z.order.firstFrom(lower.score, lower.exclusive)
		to = z.order.firstFrom(upper.score, !upper.exclusive)
	}
	return z, found, from, to, ok
}

// appendRange answers count members from rank from (counted from the
// end if rev), with their scores if withScores: each after its member in
// RESP2, member and score as a pair in RESP3.
func (c *client) appendRange(z *zset, from, count int, rev, withScores bool) {
	if withScores && !c.resp3 {
		c.out = appendArray(c.out, 2*count)
	} else {
		c.out = appendArray(c.out, count)
	}
	if count == 0 {
		return
	}
	x := z.order.at(from)
	if rev {
		x = z.order.at(z.size() - 1 - from)
	}
	for ; count > 0; count-- {
		if withScores && c.resp3 {
			c.out = appendArray(c.out, 2)
		}
		c.out = appendBulkString(c.out, x.member)
		if withScores {
			c.score(x.score)
		}
		if rev {
			x = x.back
		} else {
			x = x.links[0].next
		}
	}
}

func cmdZPopMin(c *client, args [][]byte) { c.zpop(args, false) }
func cmdZPopMax(c *client, args [][]byte) { c.zpop(args, true) }

// zpop takes the members with the lowest (if highest, the highest) scores, one or
// count of them, and answers them with their scores, lowest first (highest
// first if highest): always an array, empty if the key is missing. In
// RESP3 the answer to a count is an array of pairs, as Redis 7.0's.
func (c *client) zpop(args [][]byte, highest bool) {
	count, ok := c.popCount(args, errSyntax)
	if !ok {
		return
	}
	z, found, ok := get[*zset](c, args[1])
	if !ok {
		return
	}
	pairs := c.resp3 && count >= 0
	if count < 0 {
		count = 1
	}
	count = min(count, sizeOf(z, found))
	if pairs {
		c.out = appendArray(c.out, count)
	} else {
		c.out = appendArray(c.out, 2*count)
	}
	for range count {
		x := z.order.head.links[0].next
		if highest {
			x = z.order.tail
		}
		if pairs {
			c.out = appendArray(c.out, 2)
		}
		c.out = appendBulkString(c.out, x.member)
		c.score(x.score)
		z.del(x.member)
	}
	if count > 0 {
		c.changed(args[1], z)
	}
}
