package main

import (
	"bytes"
	"net/url"
)

// The routes of the example server.
//
//	GET|HEAD /, /hello        "Hello, World!"
//	POST     /echo            the request body back
//	GET|HEAD /static/<path>   a file under -root
//	OPTIONS  *                200, no body: what the server allows
//
// Paths are matched decoded. Anything else is 404; a known path with
// another method is 405; a path with a malformed escape is 400.

type routeKind int

const (
	routeNotFound routeKind = iota
	routeHello
	routeEcho
	routeStatic
	routeNotAllowed
	routeBadRequest // a path whose escapes are malformed
	routeOptions    // "OPTIONS *": a question about the whole server
)

// routed is where a request goes.
type routed struct {
	kind   routeKind
	target []byte // for static: the path below /static/ and the query, a view of the buffer
	path   string // for static: target, copied
	allow  string // for 405: the methods the path allows
}

// route picks the handler for method and target, without allocating
// unless the path holds escapes. A target in absolute form
// ("http://host/path", RFC 9112 section 3.2.2, which servers must
// accept) is routed by its path; the path is routed decoded, as net/http
// routes r.URL.Path, so that "/%68ello" is "/hello".
func route(method, target []byte) routed {
	if string(target) == "*" && string(method) == "OPTIONS" { // a CONNECT may name "*" too (validTarget)
		return routed{kind: routeOptions, allow: "GET, HEAD, POST, OPTIONS"}
	}
	for _, scheme := range []string{"http://", "https://"} {
		if len(target) > len(scheme) && equalFold(target[:len(scheme)], scheme) {
			rest := target[len(scheme):]
			if i := bytes.IndexByte(rest, '/'); i >= 0 {
				target = rest[i:]
			} else {
				target = []byte("/")
			}
		}
	}
	full := target
	if i := bytes.IndexByte(target, '?'); i >= 0 {
		target = target[:i]
	}
	raw := target
	if bytes.IndexByte(target, '%') >= 0 {
		p, err := url.PathUnescape(string(target))
		if err != nil {
			return routed{kind: routeBadRequest}
		}
		target = []byte(p)
	}
	get := string(method) == "GET" || string(method) == "HEAD"
	switch {
	case string(target) == "/" || string(target) == "/hello":
		if !get {
			return routed{kind: routeNotAllowed, allow: "GET, HEAD"}
		}
		return routed{kind: routeHello}
	case string(target) == "/echo":
		if string(method) != "POST" {
			return routed{kind: routeNotAllowed, allow: "POST"}
		}
		return routed{kind: routeEcho}
	case bytes.HasPrefix(target, []byte("/static/")):
		if !get {
			return routed{kind: routeNotAllowed, allow: "GET, HEAD"}
		}
		// The static handler decodes the file name itself: it gets
		// the raw rest, so that nothing is decoded twice.
		return routed{kind: routeStatic, target: full[rawLen(raw, len("/static/")):]}
	}
	return routed{kind: routeNotFound}
}

// rawLen is how many bytes of the raw path raw spell its first n decoded
// bytes: three for each escape. raw's escapes are known to be well formed.
func rawLen(raw []byte, n int) int {
	i := 0
	for ; n > 0; n-- {
		if raw[i] == '%' {
			i += 3
		} else {
			i++
		}
	}
	return i
}
