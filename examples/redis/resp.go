package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// The request parser (requests are the same in RESP2 and RESP3). It works on the reader's buffer in place
// (StreamReader.Peek): the arguments it returns alias that buffer, so a
// command runs before anything is consumed or the loop runs again.

// Redis's framing limits (server.h): a header line without its CRLF may
// not grow past 64 KiB and a bulk string not past proto-max-bulk-len,
// 512 MiB. Redis 7 takes up to 2^31-1 arguments (older Redis 1024*1024);
// the default here is the older bound, which refuses at once a count no
// request under the 1 GiB query limit could fill.
const (
	maxInline       = 64 * 1024
	defaultMaxArgs  = 1024 * 1024
	defaultMaxBulk  = 512 * 1024 * 1024
	defaultMaxQuery = 1024 * 1024 * 1024
)

// protocolError is a framing error: the stream cannot be resynchronised, so
// the server answers "-ERR Protocol error: ..." and closes the connection,
// as Redis does.
type protocolError struct{ msg string }

func (e *protocolError) Error() string { return "Protocol error: " + e.msg }

var (
	errMultibulkLen  = &protocolError{"invalid multibulk length"}
	errBulkLen       = &protocolError{"invalid bulk length"}
	errBigMbulk      = &protocolError{"too big mbulk count string"}
	errBigBulkCount  = &protocolError{"too big bulk count string"}
	errBigInline     = &protocolError{"too big inline request"}
	errUnbalanced    = &protocolError{"unbalanced quotes in request"}
	errQueryTooLarge = &protocolError{"query buffer limit exceeded"}
)

// parser splits requests out of a byte buffer. Its zero value is not
// usable: maxArgs and maxBulk must be set.
type parser struct {
	maxArgs int
	maxBulk int
	args    [][]byte // reused by every command
}

// parse looks for one complete request at the start of buf. It returns
// its arguments (nil for an empty request, which gets no answer) and how
// many bytes it took; n == 0 with a nil error means buf holds only the
// start of a request. A non-nil error is a framing error.
func (p *parser) parse(buf []byte) (args [][]byte, n int, err error) {
	if len(buf) == 0 {
		return nil, 0, nil
	}
	if buf[0] == '*' {
		return p.parseMultibulk(buf)
	}
	return p.parseInline(buf)
}

// parseMultibulk parses "*<count>\r\n" followed by count "$<len>\r\n<bytes>\r\n".
func (p *parser) parseMultibulk(buf []byte) ([][]byte, int, error) {
	count, pos, ok, err := headerLine(buf, 0, errBigMbulk)
	if !ok || err != nil {
		return nil, 0, err
	}
	if !count.valid || count.v > int64(p.maxArgs) {
		return nil, 0, errMultibulkLen
	}
	if count.v <= 0 {
		return nil, pos, nil // "*0" and "*-1": nothing to run
	}
	args := p.args[:0]
	for range count.v {
		if pos >= len(buf) {
			return nil, 0, nil
		}
		if buf[pos] != '$' {
			return nil, 0, &protocolError{fmt.Sprintf("expected '$', got '%c'", buf[pos])}
		}
		size, next, ok, err := headerLine(buf, pos, errBigBulkCount)
		if !ok || err != nil {
			return nil, 0, err
		}
		if !size.valid || size.v < 0 || size.v > int64(p.maxBulk) {
			return nil, 0, errBulkLen
		}
		end := next + int(size.v)
		if end+2 > len(buf) {
			return nil, 0, nil
		}
		// Like Redis, trust the length and skip the two bytes after the
		// data without checking that they are CRLF.
		args = append(args, buf[next:end:end])
		pos = end + 2
	}
	p.args = args
	return args, pos, nil
}

// number is a header's integer; valid is false when the text is not one.
type number struct {
	v     int64
	valid bool
}

// headerLine reads the integer of the line starting at buf[at] (after its
// type byte) up to "\r\n". ok is false when the line is not complete yet;
// tooBig is the error for an incomplete line over maxInline.
func headerLine(buf []byte, at int, tooBig error) (number, int, bool, error) {
	i := bytes.IndexByte(buf[at:], '\r')
	if i < 0 || at+i+1 >= len(buf) {
		if len(buf)-at > maxInline {
			return number{}, 0, false, tooBig
		}
		return number{}, 0, false, nil
	}
	v, ok := parseInt(buf[at+1 : at+i])
	return number{v, ok}, at + i + 2, true, nil
}

// parseInt parses a decimal int64 as Redis's string2ll does: an optional
// '-', digits, no leading zeros (except "0"), no '+', no spaces, no overflow.
// It allocates nothing.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := false
	if b[0] == '-' {
		neg = true
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if b[0] == '0' && (len(b) > 1 || neg) {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if u > (1<<64-1-d)/10 {
			return 0, false
		}
		u = u*10 + d
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return int64(-u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

// parseInline parses a request typed by hand ("SET k v\r\n", the telnet
// and nc form): arguments split at blanks, with Redis's quoting.
func (p *parser) parseInline(buf []byte) ([][]byte, int, error) {
	nl := bytes.IndexByte(buf, '\n')
	if nl < 0 {
		if len(buf) > maxInline {
			return nil, 0, errBigInline
		}
		return nil, 0, nil
	}
	line := buf[:nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, err := splitArgs(line, p.args[:0])
	if err != nil {
		return nil, 0, err
	}
	if len(args) > p.maxArgs {
		return nil, 0, errMultibulkLen
	}
	p.args = args
	if len(args) == 0 {
		return nil, nl + 1, nil
	}
	return args, nl + 1, nil
}

// splitArgs splits line as Redis's sdssplitargs does: blanks separate
// arguments; a quote, at the start of an argument or inside it, opens a
// quoted part that ends the argument and must be followed by a blank or
// the end; "double quotes" take the escapes \n \r \t \b \a \\ \" and
// \xHH, 'single quotes' take \'. Unquoted arguments alias line; those
// with a quoted part are copies.
func splitArgs(line []byte, args [][]byte) ([][]byte, error) {
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i == len(line) {
			return args, nil
		}
		start := i
		for i < len(line) && !endsWord(line[i]) && line[i] != '"' && line[i] != '\'' {
			i++
		}
		if i == len(line) || endsWord(line[i]) {
			args = append(args, line[start:i:i])
			continue
		}
		arg, next, err := quoted(line, i, append([]byte{}, line[start:i]...))
		if err != nil {
			return nil, err
		}
		args = append(args, arg)
		i = next
	}
}

// quoted appends to arg the quoted part starting at line[i] and returns
// it with the position after the closing quote.
func quoted(line []byte, i int, arg []byte) ([]byte, int, error) {
	q := line[i]
	i++
	for {
		if i >= len(line) {
			return nil, 0, errUnbalanced
		}
		c := line[i]
		switch {
		case c == q:
			if i+1 < len(line) && !isSpace(line[i+1]) {
				return nil, 0, errUnbalanced
			}
			return arg, i + 1, nil
		case c == '\\' && q == '"' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
			arg = append(arg, unhex(line[i+2])<<4|unhex(line[i+3]))
			i += 4
		case c == '\\' && q == '"' && i+1 < len(line):
			arg = append(arg, unescape(line[i+1]))
			i += 2
		case c == '\\' && q == '\'' && i+1 < len(line) && line[i+1] == '\'':
			arg = append(arg, '\'')
			i += 2
		default:
			arg = append(arg, c)
			i++
		}
	}
}

// isSpace reports whether c is skipped between arguments: C's isspace,
// and NUL, which ends a C string (Redis never sees a NUL in an inline
// request: its search for the newline stops there, so it waits for more).
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0
}

// endsWord reports whether c ends an unquoted argument: fewer bytes than
// isSpace, as in sdssplitargs (\v and \f belong to the word).
func endsWord(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

// The reply writers append RESP2 to an output buffer, allocating nothing
// once the buffer has grown.

func appendSimple(out []byte, s string) []byte {
	out = append(out, '+')
	out = append(out, s...)
	return append(out, '\r', '\n')
}

// appendError writes msg as an error reply; msg starts with its code
// ("ERR ...", "WRONGTYPE ...").
func appendError(out []byte, msg string) []byte {
	out = append(out, '-')
	out = append(out, msg...)
	return append(out, '\r', '\n')
}

func appendInt(out []byte, v int64) []byte {
	out = append(out, ':')
	out = strconv.AppendInt(out, v, 10)
	return append(out, '\r', '\n')
}

func appendBulk(out []byte, b []byte) []byte {
	out = append(out, '$')
	out = strconv.AppendInt(out, int64(len(b)), 10)
	out = append(out, '\r', '\n')
	out = append(out, b...)
	return append(out, '\r', '\n')
}

func appendBulkString(out []byte, s string) []byte {
	out = append(out, '$')
	out = strconv.AppendInt(out, int64(len(s)), 10)
	out = append(out, '\r', '\n')
	out = append(out, s...)
	return append(out, '\r', '\n')
}

func appendNull(out []byte) []byte { return append(out, "$-1\r\n"...) }

// appendNullArray writes the null array, which EXEC answers when a
// watched key has changed.
func appendNullArray(out []byte) []byte { return append(out, "*-1\r\n"...) }

func appendArray(out []byte, n int) []byte { return appendLen(out, '*', n) }

// appendLen writes the header of an aggregate: its type byte and its
// length.
func appendLen(out []byte, kind byte, n int) []byte {
	out = append(out, kind)
	out = strconv.AppendInt(out, int64(n), 10)
	return append(out, '\r', '\n')
}

// The replies whose type RESP3 (HELLO 3) changes, written in the
// client's protocol: RESP2 has only the null bulk string and the null
// array, and flat arrays for maps and sets; RESP3 has one null, maps and
// sets of their own, doubles and verbatim text.

// null writes the null reply: a missing key's value or member.
func (c *client) null() {
	if c.resp3 {
		c.out = append(c.out, "_\r\n"...)
		return
	}
	c.out = appendNull(c.out)
}

// nullArray writes the null array of RESP2, the null of RESP3.
func (c *client) nullArray() {
	if c.resp3 {
		c.out = append(c.out, "_\r\n"...)
		return
	}
	c.out = appendNullArray(c.out)
}

// mapLen starts a map of n pairs: an array of 2n items in RESP2.
func (c *client) mapLen(n int) {
	if c.resp3 {
		c.out = appendLen(c.out, '%', n)
		return
	}
	c.out = appendArray(c.out, 2*n)
}

// setLen starts a set of n members: an array in RESP2.
func (c *client) setLen(n int) {
	if c.resp3 {
		c.out = appendLen(c.out, '~', n)
		return
	}
	c.out = appendArray(c.out, n)
}

// double writes a number's text as a double in RESP3, a bulk string in
// RESP2.
func (c *client) double(text []byte) {
	if c.resp3 {
		c.out = append(c.out, ',')
		c.out = append(c.out, text...)
		c.out = append(c.out, '\r', '\n')
		return
	}
	c.out = appendBulk(c.out, text)
}

// verbatim writes text as RESP3's verbatim plain text ("txt:"), as Redis
// answers INFO and CLIENT LIST; a bulk string in RESP2.
func (c *client) verbatim(text []byte) {
	if !c.resp3 {
		c.out = appendBulk(c.out, text)
		return
	}
	c.out = append(c.out, '=')
	c.out = strconv.AppendInt(c.out, int64(len(text)+4), 10)
	c.out = append(c.out, "\r\ntxt:"...)
	c.out = append(c.out, text...)
	c.out = append(c.out, '\r', '\n')
}

// isProtocolError reports whether err is a framing error.
func isProtocolError(err error) bool {
	var pe *protocolError
	return errors.As(err, &pe)
}
