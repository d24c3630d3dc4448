package main

import (
	"math/big"
	"strconv"
	"strings"
)

// More string commands: INCRBYFLOAT, GETEX, GETRANGE, SETRANGE, and
// TIME.

// maxString is the longest string SETRANGE may make: Redis's default
// proto-max-bulk-len, 512 MB.
const maxString = 512 << 20

// longDouble reads b as Redis's string2ld reads a number: all of it as
// strtold takes it, no leading blank, no NaN. The value is held as C's
// long double is on x86-64, with a 64-bit mantissa, which is why 10.5
// plus 0.1 is 10.6 there and not 10.599999999999999.
func longDouble(b []byte) (*big.Float, bool) {
	if len(b) == 0 || cSpace(b[0]) {
		return nil, false
	}
	f, _, ok := strtod(b) // the syntax strtold takes too
	if !ok || f != f {
		return nil, false
	}
	x := new(big.Float).SetPrec(64)
	s := string(b)
	d := strings.TrimLeft(s, "+-")
	if d[0] == 'i' || d[0] == 'I' { // inf or infinity, which Parse does not all take
		return x.SetInf(f < 0), true
	}
	if len(d) > 1 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X') && !strings.ContainsAny(d, "pP") {
		s += "p0"
	}
	if _, _, err := x.Parse(s, 0); err != nil {
		return nil, false
	}
	if x.MantExp(nil) > 16384 { // past a long double's range: strtold's HUGE_VALL
		return nil, false
	}
	return x, true
}

// appendLongDouble formats x as Redis's ld2string does for a human:
// "%.17Lf" with the trailing zeros (and point) dropped, -0 as 0.
func appendLongDouble(out []byte, x *big.Float) []byte {
	s := x.Text('f', 17)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return append(out, s...)
}

// addLongDouble is v+by in long double arithmetic, and false if that is
// not finite.
func addLongDouble(v, by *big.Float) (*big.Float, bool) {
	if v.IsInf() || by.IsInf() {
		return nil, false
	}
	sum := new(big.Float).SetPrec(64).Add(v, by)
	return sum, sum.MantExp(nil) <= 16384
}

const (
	errNaNOrInfty = "ERR increment would produce NaN or Infinity"
)

// cmdIncrByFloat adds a float to the number at key (0 if missing),
// keeping its TTL, and answers the sum as it stores it.
func cmdIncrByFloat(c *client, args [][]byte) {
	e, ok := c.str(args[1])
	if !ok {
		return
	}
	v := new(big.Float).SetPrec(64)
	if e != nil {
		if v, ok = longDouble(e.val); !ok {
			c.out = appendError(c.out, errNotFloat)
			return
		}
	}
	by, ok := longDouble(args[2])
	if !ok {
		c.out = appendError(c.out, errNotFloat)
		return
	}
	sum, ok := addLongDouble(v, by)
	if !ok {
		c.out = appendError(c.out, errNaNOrInfty)
		return
	}
	text := appendLongDouble(nil, sum)
	c.db.set(args[1], text, true)
	c.out = appendBulk(c.out, text)
}

// cmdGetEx is GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]: GET, and a
// new deadline or none. As in Redis, the options are read first, then
// the key, then the number.
func cmdGetEx(c *client, args [][]byte) {
	var persist bool
	var expiry string
	var num []byte
	for i := 2; i < len(args); i++ {
		opt := args[i]
		switch w := expiryWord(opt); {
		case isWord(opt, "persist") && expiry == "":
			persist = true
		case w != "" && i+1 < len(args) && !persist && (expiry == "" || expiry == w):
			expiry, num = w, args[i+1]
			i++
		default:
			c.out = appendError(c.out, errSyntax)
			return
		}
	}
	e, ok := c.str(args[1])
	if !ok {
		return
	}
	if e == nil {
		c.null()
		return
	}
	d := c.db
	if expiry != "" {
		n, ok := parseInt(num)
		if !ok {
			c.out = appendError(c.out, errNotInt)
			return
		}
		// GETEX, unlike SET, takes a Unix time in the past: the key
		// is then deleted.
		at := d.deadline(n, expiry[0] == 'e', len(expiry) == 2)
		if at == 0 {
			c.out = appendError(c.out, commands["getex"].errTimes)
			return
		}
		c.out = appendBulk(c.out, e.val) // before expire, which may delete it
		d.expire(args[1], e, at)
		return
	}
	c.out = appendBulk(c.out, e.val)
	if persist && e.expireAt != 0 {
		d.persist(args[1], e)
	}
}

// cmdGetRange is GETRANGE key start end: the bytes from start to end
// inclusive, negative counting from the end, as Redis clamps them.
func cmdGetRange(c *client, args [][]byte) {
	start, end, ok := c.rankArgs(args)
	if !ok {
		return
	}
	e, ok := c.str(args[1])
	if !ok {
		return
	}
	var s []byte
	if e != nil {
		s = e.val
	}
	n := int64(len(s))
	if start < 0 && end < 0 && start > end {
		c.out = appendBulk(c.out, nil)
		return
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	end = min(end, n-1)
	if start > end || n == 0 {
		c.out = appendBulk(c.out, nil)
		return
	}
	c.out = appendBulk(c.out, s[start:end+1])
}

// cmdSetRange is SETRANGE key offset value: value written over the
// string from offset, zero bytes filling any gap; it answers the new
// length. An empty value changes nothing (and creates no key).
func cmdSetRange(c *client, args [][]byte) {
	off, ok := parseInt(args[2])
	if !ok {
		c.out = appendError(c.out, errNotInt)
		return
	}
	if off < 0 {
		c.out = appendError(c.out, "ERR offset is out of range")
		return
	}
	e, ok := c.str(args[1])
	if !ok {
		return
	}
	val := args[3]
	if len(val) == 0 {
		n := 0
		if e != nil {
			n = len(e.val)
		}
		c.out = appendInt(c.out, int64(n))
		return
	}
	if off+int64(len(val)) > maxString {
		c.out = appendError(c.out, "ERR string exceeds maximum allowed size (proto-max-bulk-len)")
		return
	}
	if e == nil {
		e = c.db.set(args[1], nil, false)
	} else {
		c.db.touched(args[1])
	}
	if end := int(off) + len(val); end > len(e.val) {
		e.val = append(e.val, make([]byte, end-len(e.val))...)
	}
	copy(e.val[off:], val)
	c.out = appendInt(c.out, int64(len(e.val)))
}

// cmdTime answers the server's clock (the loop's) as Unix seconds and
// microseconds.
func cmdTime(c *client, _ [][]byte) {
	us := c.db.epoch*1000 + c.db.loop.Time().Microseconds()
	var num [20]byte
	c.out = appendArray(c.out, 2)
	c.out = appendBulk(c.out, strconv.AppendInt(num[:0], us/1e6, 10))
	c.out = appendBulk(c.out, strconv.AppendInt(num[:0], us%1e6, 10))
}
