package main

import (
	"bytes"
	"strconv"
)

// The request head parser. It works on the reader's buffer in place
// (StreamReader.Peek) and returns views into it, so a request that is
// answered from its head alone allocates nothing. It is written by hand
// because net/http.ReadRequest allocates a Request, a header map and a
// string per header line, which is most of the cost of a small request;
// FuzzParseHead checks it against net/http.

// request is one parsed request head. Its byte slices are views into the
// buffer it was parsed from, valid until that buffer is consumed.
type request struct {
	method  []byte
	target  []byte
	minor   int   // HTTP/1.minor
	length  int64 // Content-Length, -1 when absent
	chunked bool  // Transfer-Encoding: chunked
	close   bool  // the connection ends after this response
	expect  bool  // Expect: 100-continue
	headLen int   // bytes of the head, blank line included
}

// hasBody reports whether a body follows the head.
func (q *request) hasBody() bool { return q.chunked || q.length > 0 }

// isHead reports whether the response must have no body.
func (q *request) isHead() bool { return string(q.method) == "HEAD" }

// connHeader is what the response to q says of the connection: close if
// it ends, keep-alive if an HTTP/1.0 client asked to keep it, which it
// would otherwise not assume.
func (q *request) connHeader() connHeader {
	switch {
	case q.close:
		return connClose
	case q.minor == 0:
		return connKeepAlive
	}
	return connPersist
}

// httpError is a request the server answers with an error status and then
// closes the connection on, since what follows cannot be framed.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return strconv.Itoa(e.status) + " " + e.msg }

func badRequest(msg string) *httpError { return &httpError{400, msg} }

// parseHead parses the request head at the start of b. It returns the
// request when the whole head is in b; ok false when more bytes are
// needed; an *httpError for a head that is malformed (400), too large
// (431: more than maxHead bytes), of an unsupported version (505) or
// transfer coding (501), or with an unmet expectation (417). With an
// error, q.method is still the method when the head got that far, so
// that the refusal of a HEAD goes without a body.
func parseHead(b []byte, maxHead int) (q request, ok bool, err *httpError) {
	pos := 0
	// A server should ignore empty lines before the request line
	// (RFC 9112 section 2.2): some clients send a CRLF after a body.
	for {
		if pos < len(b) && b[pos] == '\n' {
			pos++
		} else if pos+1 < len(b) && b[pos] == '\r' && b[pos+1] == '\n' {
			pos += 2
		} else {
			break
		}
		if pos > maxHead {
			return q, false, &httpError{431, "Request Header Fields Too Large"}
		}
	}
	line, next, found := nextLine(b, pos)
	if !found {
		if m, _, sp := bytes.Cut(b[pos:], []byte{' '}); sp {
			q.method = m // a request line too long to end within the limit
		}
		return q, false, tooLarge(len(b), maxHead)
	}
	if err := q.parseRequestLine(line); err != nil {
		return q, false, err
	}
	q.length = -1
	var conn connTokens
	hosts, lengths := 0, 0
	for {
		pos = next
		line, next, found = nextLine(b, pos)
		if !found {
			return q, false, tooLarge(len(b), maxHead)
		}
		if next > maxHead {
			return q, false, &httpError{431, "Request Header Fields Too Large"}
		}
		if len(line) == 0 {
			break
		}
		name, value, err := splitField(line)
		if err != nil {
			return q, false, err
		}
		switch {
		case equalFold(name, "content-length"):
			n, err := parseLength(value)
			if err != nil {
				return q, false, err
			}
			if lengths > 0 && n != q.length {
				return q, false, badRequest("conflicting Content-Length")
			}
			q.length = n
			lengths++
		case equalFold(name, "transfer-encoding"):
			if q.chunked || !equalFold(value, "chunked") {
				// Only chunked alone is understood; a server must not
				// guess at the framing of anything else.
				return q, false, &httpError{501, "unsupported Transfer-Encoding"}
			}
			q.chunked = true
		case equalFold(name, "connection"):
			conn.scan(value)
		case equalFold(name, "host"):
			hosts++
		case equalFold(name, "expect"):
			if !equalFold(value, "100-continue") {
				return q, false, &httpError{417, "Expectation Failed"}
			}
			q.expect = q.minor >= 1
		}
	}
	if q.chunked && lengths > 0 {
		// Both framings at once is how requests are smuggled past
		// proxies (RFC 9112 section 6.3): refuse it.
		return q, false, badRequest("both Transfer-Encoding and Content-Length")
	}
	if q.chunked && q.minor == 0 {
		return q, false, badRequest("chunked body in an HTTP/1.0 request")
	}
	if hosts > 1 || (hosts == 0 && q.minor >= 1) {
		return q, false, badRequest("an HTTP/1.1 request needs exactly one Host")
	}
	q.close = conn.close || (q.minor == 0 && !conn.keepAlive)
	q.headLen = next
	return q, true, nil
}

// tooLarge is the verdict on an incomplete head of n bytes.
func tooLarge(n, maxHead int) *httpError {
	if n > maxHead {
		return &httpError{431, "Request Header Fields Too Large"}
	}
	return nil
}

// nextLine returns the line starting at pos without its terminator (LF or
// CRLF; a bare LF is accepted as RFC 9112 section 2.2 allows) and where
// the next one starts, or found false when no terminator is buffered yet.
func nextLine(b []byte, pos int) (line []byte, next int, found bool) {
	i := bytes.IndexByte(b[pos:], '\n')
	if i < 0 {
		return nil, 0, false
	}
	line = b[pos : pos+i]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, pos + i + 1, true
}

// parseRequestLine parses "METHOD SP target SP HTTP/1.x".
func (q *request) parseRequestLine(line []byte) *httpError {
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 || !isToken(line[:sp]) {
		return badRequest("malformed request line")
	}
	q.method = line[:sp]
	rest := line[sp+1:]
	sp = bytes.IndexByte(rest, ' ')
	if sp <= 0 {
		return badRequest("malformed request line")
	}
	q.target = rest[:sp]
	for _, c := range q.target {
		if c <= ' ' || c == 0x7f {
			return badRequest("malformed request target")
		}
	}
	if !validTarget(q.method, q.target) {
		return badRequest("malformed request target")
	}
	proto := rest[sp+1:]
	if len(proto) != 8 || string(proto[:5]) != "HTTP/" || proto[6] != '.' ||
		!isDigit(proto[5]) || !isDigit(proto[7]) {
		return badRequest("malformed HTTP version")
	}
	if proto[5] != '1' {
		return &httpError{505, "HTTP Version Not Supported"}
	}
	q.minor = int(proto[7] - '0')
	return nil
}

// validTarget reports whether target is in one of the four forms of RFC
// 9112 section 3.2: origin ("/path?query"), absolute ("scheme:..."),
// authority ("host:port", for CONNECT) or asterisk ("*", for OPTIONS).
func validTarget(method, target []byte) bool {
	switch {
	case target[0] == '/':
		return true
	case string(method) == "CONNECT":
		return true // authority-form; CONNECT is then routed to a 404
	case string(target) == "*":
		return string(method) == "OPTIONS"
	}
	// absolute-form: a scheme (a letter, then letters, digits, '+', '-'
	// and '.') and a colon.
	colon := bytes.IndexByte(target, ':')
	if colon <= 0 || !isLetter(target[0]) {
		return false
	}
	for _, c := range target[1:colon] {
		if !isLetter(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// splitField splits "name: value", trimming the value's optional
// whitespace. Whitespace before the colon and obsolete line folding are
// errors (RFC 9112 section 5).
func splitField(line []byte) (name, value []byte, err *httpError) {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 || !isToken(line[:colon]) {
		return nil, nil, badRequest("malformed header field")
	}
	value = line[colon+1:]
	for len(value) > 0 && (value[0] == ' ' || value[0] == '\t') {
		value = value[1:]
	}
	for len(value) > 0 && (value[len(value)-1] == ' ' || value[len(value)-1] == '\t') {
		value = value[:len(value)-1]
	}
	for _, c := range value {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return nil, nil, badRequest("control character in a header value")
		}
	}
	return line[:colon], value, nil
}

// maxLength bounds a Content-Length so that the arithmetic on it cannot
// overflow; the server's body limit is far below it.
const maxLength = 1 << 50

// parseLength parses a Content-Length value: decimal digits only.
func parseLength(v []byte) (int64, *httpError) {
	if len(v) == 0 {
		return 0, badRequest("empty Content-Length")
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return 0, badRequest("malformed Content-Length")
		}
		n = n*10 + int64(c-'0')
		if n > maxLength {
			return 0, &httpError{413, "Content Too Large"}
		}
	}
	return n, nil
}

// connTokens records the Connection options that matter here.
type connTokens struct{ close, keepAlive bool }

// scan reads a comma-separated Connection value.
func (c *connTokens) scan(v []byte) {
	for len(v) > 0 {
		tok := v
		if i := bytes.IndexByte(v, ','); i >= 0 {
			tok, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		tok = bytes.TrimSpace(tok)
		switch {
		case equalFold(tok, "close"):
			c.close = true
		case equalFold(tok, "keep-alive"):
			c.keepAlive = true
		}
	}
}

// equalFold reports whether b equals the lower-case ASCII string s,
// ignoring ASCII case, without allocating.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isToken reports whether b is a non-empty RFC 9110 token.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !tokenChar[c] {
			return false
		}
	}
	return true
}

// tokenChar holds the bytes RFC 9110 section 5.6.2 allows in a token.
var tokenChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()
