package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// One HTTP/1.1 GET on a connection of its own, as a coroutine template
// (get_async.go is its generated state machine).

// target is what a request goes to.
type target struct {
	addr string // host:port to connect to
	host string // the Host header
	path string // the request target, query included
}

// get requests t and reads the whole response; the result holds the
// status and the body's size. Cancelling it (as WaitFor does at the timeout)
// closes the connection through the deferred Close.
//
//asyncgen:coroutine
func get(t target) (result, error) {
	s, err := rt.Await(streams.OpenConnection("tcp", t.addr))
	if err != nil {
		return result{}, err
	}
	defer s.Writer.Close()
	s.Writer.Write([]byte("GET " + t.path + " HTTP/1.1\r\nHost: " + t.host +
		"\r\nUser-Agent: asyncgen-fetch\r\nConnection: close\r\n\r\n"))
	var h head
	for {
		h, err = rt.Await(readHeadAsync(s.Reader))
		if err != nil {
			return result{status: h.status}, err
		}
		// Interim responses (100 Continue, 103 Early Hints) may come
		// before the final one, asked for or not (RFC 9110 section
		// 15.2). A 101 would switch protocols, which this client never
		// asks for: it ends the exchange.
		if h.status/100 != 1 || h.status == 101 {
			break
		}
	}
	status := h.status
	switch {
	case status == 204 || status == 304 || status == 101:
		return result{status: status}, nil
	case h.chunked:
		n, err := rt.Await(readChunkedAsync(s.Reader))
		return result{status: status, size: n}, err
	case h.length >= 0:
		b, err := rt.Await(s.Reader.ReadExactly(h.length))
		return result{status: status, size: len(b)}, err
	}
	b, err := rt.Await(s.Reader.Read(-1)) // the body runs to the close
	return result{status: status, size: len(b)}, err
}

// head is what a response's head says of the response.
type head struct {
	status  int
	length  int  // Content-Length, -1 when absent
	chunked bool // Transfer-Encoding: chunked
}

// readHead reads a response's status line and header fields.
//
//asyncgen:coroutine
func readHead(r *streams.StreamReader) (head, error) {
	h := head{length: -1}
	line, err := rt.Await(r.ReadLine())
	if err != nil {
		return h, err
	}
	if h.status, err = parseStatus(line); err != nil {
		return h, err
	}
	for {
		field, err := rt.Await(r.ReadLine())
		if err != nil {
			return h, err
		}
		if len(field) == 0 {
			return h, errors.New("the response ended in its head")
		}
		field = bytes.TrimRight(field, "\r\n")
		if len(field) == 0 {
			return h, nil
		}
		name, value, _ := bytes.Cut(field, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if h.length, err = strconv.Atoi(string(value)); err != nil || h.length < 0 {
				return h, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			// The framing is chunked when chunked is the last coding
			// (RFC 9112 section 6.3); the others are not decoded here.
			codings := bytes.Split(value, []byte(","))
			h.chunked = bytes.EqualFold(bytes.TrimSpace(codings[len(codings)-1]), []byte("chunked"))
		}
	}
}

// readChunked reads a chunked body and its trailers, returning the body's
// size.
//
//asyncgen:coroutine
func readChunked(r *streams.StreamReader) (int, error) {
	total := 0
	for {
		line, err := rt.Await(r.ReadLine())
		if err != nil {
			return total, err
		}
		hex, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		n, err := strconv.ParseUint(string(bytes.TrimSpace(hex)), 16, 31)
		if err != nil {
			return total, fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			break
		}
		b, err := rt.Await(r.ReadExactly(int(n) + 2)) // the data and its CRLF
		if err != nil {
			return total, err
		}
		if !bytes.HasSuffix(b, []byte("\r\n")) {
			return total, errors.New("chunk data not followed by CRLF")
		}
		total += int(n)
	}
	for {
		line, err := rt.Await(r.ReadLine())
		if err != nil || len(bytes.TrimRight(line, "\r\n")) == 0 {
			return total, err
		}
	}
}

// parseStatus reads the status code from "HTTP/1.x NNN reason".
func parseStatus(line []byte) (int, error) {
	f := bytes.Fields(line)
	if len(f) < 2 || !bytes.HasPrefix(f[0], []byte("HTTP/1.")) || len(f[1]) != 3 {
		return 0, fmt.Errorf("bad status line %q", bytes.TrimSpace(line))
	}
	code, err := strconv.Atoi(string(f[1]))
	if err != nil || code < 100 {
		return 0, fmt.Errorf("bad status line %q", bytes.TrimSpace(line))
	}
	return code, nil
}
