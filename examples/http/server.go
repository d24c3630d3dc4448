package main

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

import (
	"errors"
	"io"
	"syscall"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// The connection handler: one Task per connection, written as coroutine
// templates that asyncgen turns into state machines (server_async.go).
//
// Requests are parsed in the reader's buffer (Peek) and answered into an
// output buffer; the buffer is written only when no complete request is
// left in the reader, so the answers to pipelined requests leave in one
// write, and a keep-alive request answered from its head costs one read
// and one write. Every await is preceded by a flush: the output buffer is
// therefore empty whenever the task is suspended, and one buffer serves
// every connection of the loop.

// server is the configuration and the per-loop state of one loop's
// server.
type server struct {
	root    string // directory served under /static/; "" disables it
	maxHead int    // longest request head (431 beyond)
	maxBody int64  // longest request body (413 beyond)
	linger  time.Duration
	open    func(name string, slash bool) (*staticFile, error) // openStatic, or a test's
	date    dateCache
	out     []byte // the loop's output buffer, empty between awaits
}

// conn is one connection's handler state.
type conn struct {
	s *server
	r *streams.StreamReader
	w *streams.StreamWriter
}

var hello = []byte("Hello, World!\n")

// serve answers requests on one connection until the client closes it,
// asks to, or sends something that cannot be answered. A client that
// goes away, whatever the server was doing (reading a head or a body,
// draining an answer, sending a file), ends the connection normally:
// the loop's exception handler is for the server's own failures.
//
//asyncgen:coroutine
func (s *server) serve(r *streams.StreamReader, w *streams.StreamWriter) (err error) {
	defer w.Close()
	defer func() { err = ignoreEOF(err) }()
	c := &conn{s: s, r: r, w: w}
	for {
		q, ok, perr := parseHead(r.Peek(), s.maxHead)
		if perr != nil {
			_, err := rt.Await(c.refuseAsync(perr, q.isHead()))
			return err
		}
		if !ok {
			if err := c.flush(); err != nil {
				return err
			}
			if _, err := rt.Await(w.Drain()); err != nil {
				return err
			}
			if _, err := rt.Await(r.ReadMore()); err != nil {
				// EOF, with or without a partial request: there is
				// nobody left to answer.
				return err
			}
			continue
		}
		// q's slices are views of the reader's buffer: take what is
		// needed from them before the buffer is consumed.
		rte := route(q.method, q.target)
		head, closing := q.isHead(), q.connHeader()
		chunked, length, expect := q.chunked, q.length, q.expect
		r.Consume(q.headLen)
		if rte.kind == routeStatic {
			rte.path = string(rte.target) // copied: it outlives the buffer
		}
		rte.target = nil

		if rte.kind == routeBadRequest {
			_, err := rt.Await(c.refuseAsync(&httpError{400, "Bad Request"}, head))
			return err
		}
		var body []byte
		if chunked || length > 0 {
			if length > s.maxBody {
				_, err := rt.Await(c.refuseAsync(&httpError{413, "Content Too Large"}, head))
				return err
			}
			if expect && r.Buffered() == 0 {
				s.out = append(s.out, "HTTP/1.1 100 Continue\r\n\r\n"...)
			}
			if err := c.flush(); err != nil {
				return err
			}
			b, err := rt.Await(c.readBodyAsync(chunked, length))
			var he *httpError
			if errors.As(err, &he) {
				_, err := rt.Await(c.refuseAsync(he, head))
				return err
			}
			if err != nil {
				return err
			}
			body = b
		}

		switch rte.kind {
		case routeHello:
			s.out = appendResponse(s.out, s.date.get(), 200, "text/plain; charset=utf-8", hello, head, closing)
		case routeEcho:
			s.out = appendResponse(s.out, s.date.get(), 200, "application/octet-stream", body, head, closing)
		case routeStatic:
			if err := c.flush(); err != nil {
				return err
			}
			if _, err := rt.Await(c.staticAsync(rte.path, head, closing)); err != nil {
				return err
			}
		case routeOptions:
			s.out = appendResponse(s.out, s.date.get(), 200, "", nil, head, closing, header{"Allow", rte.allow})
		case routeRedirect:
			s.out = appendResponse(s.out, s.date.get(), 307, "text/plain; charset=utf-8",
				[]byte("Temporary Redirect\n"), head, closing, header{"Location", rte.path})
		case routeNotAllowed:
			s.out = appendResponse(s.out, s.date.get(), 405, "text/plain; charset=utf-8",
				[]byte("Method Not Allowed\n"), head, closing, header{"Allow", rte.allow})
		default:
			s.out = appendResponse(s.out, s.date.get(), 404, "text/plain; charset=utf-8",
				[]byte("Not Found\n"), head, closing)
		}
		if closing.closes() {
			return c.flush()
		}
		if len(s.out) >= 64<<10 {
			if err := c.flush(); err != nil {
				return err
			}
			if _, err := rt.Await(w.Drain()); err != nil {
				return err
			}
		}
	}
}

// flush writes the loop's output buffer to this connection.
func (c *conn) flush() error {
	if len(c.s.out) == 0 {
		return nil
	}
	err := c.w.Write(c.s.out) // the transport copies what it keeps
	c.s.out = c.s.out[:0]
	return err
}

// refuse answers a request the server will not serve and ends the
// connection gracefully: the answer, a half-close, and then whatever the
// client is still sending is read and dropped for a while, because
// closing with unread data makes the kernel send a reset that can
// destroy the answer before the client has read it.
//
//asyncgen:coroutine
func (c *conn) refuse(e *httpError, head bool) error {
	c.s.out = appendError(c.s.out, c.s.date.get(), e, head, connClose)
	if err := c.flush(); err != nil {
		return err
	}
	if c.w.CanWriteEOF() {
		if err := c.w.WriteEOF(); err != nil {
			return err
		}
	}
	// The linger ends at EOF, at a limit, or at the timeout; none of
	// these is an error of the server's.
	rt.Await(rt.WaitFor(c.discardAsync(4*c.s.maxHead+int(min(c.s.maxBody, 1<<20))), c.s.linger))
	return nil
}

// discard reads and drops up to limit bytes, until EOF.
//
//asyncgen:coroutine
func (c *conn) discard(limit int) error {
	dropped := 0
	for dropped < limit {
		dropped += c.r.Buffered()
		c.r.Consume(c.r.Buffered())
		if _, err := rt.Await(c.r.ReadMore()); err != nil {
			return err
		}
	}
	return nil
}

// ignoreEOF makes the end of the stream, or its loss, a normal end of a
// connection: a client that goes away is not an error of the server's,
// and the loop's exception handler should not hear of it.
func ignoreEOF(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, streams.ErrIncompleteRead) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, streams.ErrConnectionLost) {
		return nil
	}
	return err
}
