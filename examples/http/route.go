package main

import "bytes"

// The routes of the example server.
//
//	GET|HEAD /, /hello        "Hello, World!"
//	POST     /echo            the request body back
//	GET|HEAD /static/<path>   a file under -root
//
// Anything else is 404; a known path with another method is 405.

type routeKind int

const (
	routeNotFound routeKind = iota
	routeHello
	routeEcho
	routeStatic
	routeNotAllowed
)

// routed is where a request goes.
type routed struct {
	kind   routeKind
	target []byte // for static: the path below /static/ and the query, a view of the buffer
	path   string // for static: target, copied
	allow  string // for 405: the methods the path allows
}

// route picks the handler for method and target, without allocating.
// A target in absolute form ("http://host/path", RFC 9112 section 3.2.2,
// which servers must accept) is routed by its path.
func route(method, target []byte) routed {
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
		return routed{kind: routeStatic, target: full[len("/static/"):]}
	}
	return routed{kind: routeNotFound}
}
