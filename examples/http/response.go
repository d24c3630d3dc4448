package main

import (
	"net/http"
	"strconv"
	"time"
)

// Responses are appended to a connection's output buffer, so that the
// answers to pipelined requests leave in one write.

// header is one response header line beyond the ones every response has.
type header struct{ name, value string }

// dateCache formats the Date header once a second rather than once a
// response. Each loop has its own, so no lock is needed.
type dateCache struct {
	sec  int64
	line []byte // "Date: ...\r\n"
}

// get returns the Date line for now.
func (d *dateCache) get() []byte {
	now := time.Now()
	if s := now.Unix(); s != d.sec || d.line == nil {
		d.sec = s
		d.line = append(d.line[:0], "Date: "...)
		d.line = now.UTC().AppendFormat(d.line, http.TimeFormat)
		d.line = append(d.line, "\r\n"...)
	}
	return d.line
}

// connHeader is what a response says of its connection.
type connHeader uint8

const (
	// connPersist says nothing: HTTP/1.1 connections persist by default.
	connPersist connHeader = iota
	// connClose is "Connection: close": the server closes after the
	// response.
	connClose
	// connKeepAlive is "Connection: keep-alive", the answer to an
	// HTTP/1.0 client that asked to keep the connection: without it the
	// client takes the response as the connection's last (RFC 9112
	// appendix C.2.2).
	connKeepAlive
)

// closes reports whether the connection ends after the response.
func (c connHeader) closes() bool { return c == connClose }

// appendHead appends a status line and the headers every response has:
// Date, Content-Length (when length ≥ 0), Content-Type (when not empty),
// Connection (as conn says), then extra, then the blank line.
func appendHead(out []byte, date []byte, status int, ctype string, length int64, conn connHeader, extra ...header) []byte {
	out = append(out, "HTTP/1.1 "...)
	out = strconv.AppendInt(out, int64(status), 10)
	out = append(out, ' ')
	out = append(out, http.StatusText(status)...)
	out = append(out, "\r\nServer: asyncgen\r\n"...)
	out = append(out, date...)
	if ctype != "" {
		out = append(out, "Content-Type: "...)
		out = append(out, ctype...)
		out = append(out, "\r\n"...)
	}
	if length >= 0 {
		out = append(out, "Content-Length: "...)
		out = strconv.AppendInt(out, length, 10)
		out = append(out, "\r\n"...)
	}
	switch conn {
	case connClose:
		out = append(out, "Connection: close\r\n"...)
	case connKeepAlive:
		out = append(out, "Connection: keep-alive\r\n"...)
	}
	for _, h := range extra {
		out = append(out, h.name...)
		out = append(out, ": "...)
		out = append(out, h.value...)
		out = append(out, "\r\n"...)
	}
	return append(out, "\r\n"...)
}

// appendResponse appends a whole response with body (left out for HEAD,
// whose Content-Length still tells the size).
func appendResponse(out []byte, date []byte, status int, ctype string, body []byte, head bool, conn connHeader, extra ...header) []byte {
	out = appendHead(out, date, status, ctype, int64(len(body)), conn, extra...)
	if !head {
		out = append(out, body...)
	}
	return out
}

// appendError appends the response to a request the server refuses: a
// one-line text body saying why.
func appendError(out []byte, date []byte, e *httpError, head bool, conn connHeader) []byte {
	body := make([]byte, 0, len(e.msg)+1)
	body = append(append(body, e.msg...), '\n')
	return appendResponse(out, date, e.status, "text/plain; charset=utf-8", body, head, conn)
}
