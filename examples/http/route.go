package main

import (
	"bytes"
	"net/url"
	"path"
)

// The routes of the example server.
//
//	GET|HEAD /, /hello        "Hello, World!"
//	POST     /echo            the request body back
//	GET|HEAD /static/<path>   a file under -root
//	OPTIONS  *                200, no body: what the server allows
//
// Paths are matched decoded. Anything else is 404; a known path with
// another method is 405; a path with a malformed escape is 400. A path
// with dot-segments or doubled slashes is first a 307 to its cleaned
// form, as net/http's ServeMux answers it (Go 1.22 on; it was a 301).

type routeKind int

const (
	routeNotFound routeKind = iota
	routeHello
	routeEcho
	routeStatic
	routeNotAllowed
	routeBadRequest // a path whose escapes are malformed
	routeOptions    // "OPTIONS *": a question about the whole server
	routeRedirect   // a path that is not clean: to path, its cleaned form
)

// routed is where a request goes.
type routed struct {
	kind   routeKind
	target []byte // for static: the path below /static/ and the query, a view of the buffer
	path   string // for static: target, copied; for a redirect: the Location
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
	if len(raw) > 0 && raw[0] == '/' && string(method) != "CONNECT" && !cleanPath(raw) {
		// The escaped path is cleaned, as ServeMux cleans it: "%2e%2e"
		// is not a segment, and the escapes are kept as they were.
		loc := path.Clean(string(raw))
		if loc != "/" && raw[len(raw)-1] == '/' {
			loc += "/"
		}
		loc += string(full[len(raw):])
		return routed{kind: routeRedirect, path: loc}
	}
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

// cleanPath reports whether the path p, which starts with "/", is in
// the form path.Clean gives it, but for a final slash: no empty, "."
// or ".." segment. It does not allocate.
func cleanPath(p []byte) bool {
	for i := 0; i < len(p); {
		// p[i] is a '/': the segment after it runs to the next one.
		j := i + 1
		for j < len(p) && p[j] != '/' {
			j++
		}
		seg := p[i+1 : j]
		if j < len(p) && len(seg) == 0 || string(seg) == "." || string(seg) == ".." {
			return false
		}
		i = j
	}
	return true
}
