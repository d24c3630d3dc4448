package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/asyncgen/asyncgen/internal/echoload"
)

// loadMethod says in the output how the echo load is generated.
const loadMethod = echoload.Method + "; 1 KiB messages"

// msgSize is the echo cells' message: 1 KiB.
const msgSize = 1024

// dialEcho opens n echo load connections to addr, each having echoed its
// message once (so that the server has set it up), one at a time: the
// server's accept backlog never overflows.
func dialEcho(addr string, n int) (*echoload.Conns, error) {
	return echoload.Dial(addr, echoload.Config{Conns: n, Message: echoMessage})
}

// echoMessage is connection i's message: bytes of its own, so that an
// echo on the wrong connection would be seen.
func echoMessage(i int) []byte {
	m := make([]byte, msgSize)
	for j := range m {
		m[j] = byte(i + j)
	}
	return m
}

// idleAnswerTimeout bounds the wait for the one answer each idle RESP or
// HTTP connection gets before it is held.
var idleAnswerTimeout = 5 * time.Second

// heldConns are idle connections held open until Close.
type heldConns []net.Conn

// Close closes every connection.
func (hs heldConns) Close() error {
	for _, c := range hs {
		c.Close()
	}
	return nil
}

// dialIdle opens n connections to addr, one at a time, each sending req
// and reading until answered says the reply is whole, then holding it:
// the server has set each connection up as its clients would.
func dialIdle(addr string, n int, req []byte, answered func([]byte) bool) (io.Closer, error) {
	hs := make(heldConns, 0, n)
	buf := make([]byte, 4096)
	for i := range n {
		c, err := net.DialTimeout("tcp4", addr, idleAnswerTimeout)
		if err != nil {
			hs.Close()
			return nil, fmt.Errorf("idle connection %d: %w", i, err)
		}
		hs = append(hs, c)
		c.SetDeadline(time.Now().Add(idleAnswerTimeout))
		if _, err := c.Write(req); err != nil {
			hs.Close()
			return nil, fmt.Errorf("idle connection %d: %w", i, err)
		}
		var got []byte
		for !answered(got) {
			k, err := c.Read(buf)
			if err != nil {
				hs.Close()
				return nil, fmt.Errorf("idle connection %d: after %q: %w", i, got, err)
			}
			got = append(got, buf[:k]...)
		}
		c.SetDeadline(time.Time{})
	}
	return hs, nil
}

// respIdle holds n connections that have each had a PING answered.
func respIdle(addr string, n int) (io.Closer, error) {
	return dialIdle(addr, n, []byte("PING\r\n"), func(b []byte) bool { return bytes.HasSuffix(b, []byte("+PONG\r\n")) })
}

// httpIdle holds n keep-alive connections that have each had a GET /hello
// answered: a head, then as many body bytes as its Content-Length says.
func httpIdle(addr string, n int) (io.Closer, error) {
	req := []byte("GET /hello HTTP/1.1\r\nHost: bench\r\n\r\n")
	return dialIdle(addr, n, req, httpAnswered)
}

// httpAnswered reports whether b holds a whole response with a
// Content-Length.
func httpAnswered(b []byte) bool {
	head, body, ok := bytes.Cut(b, []byte("\r\n\r\n"))
	if !ok {
		return false
	}
	for _, line := range bytes.Split(head, []byte("\r\n")) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if ok && strings.EqualFold(string(k), "Content-Length") {
			n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
			return err == nil && len(body) >= n
		}
	}
	return false
}

// echoIdle holds n echo connections that have each echoed a message.
func echoIdle(addr string, n int) (io.Closer, error) { return dialEcho(addr, n) }
