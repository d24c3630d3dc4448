package main

import (
	"bufio"
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// FuzzParseHead checks the hand-written parser against net/http's: it
// never panics, and a head it accepts is one net/http reads the same way
// (method, target, framing, Connection: close).
func FuzzParseHead(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /x?y=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
		"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"\r\nGET / HTTP/1.1\nHost: a\nConnection: close, te\n\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
		"GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n X: y\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		q, ok, herr := parseHead(b, 4096)
		if herr != nil || !ok {
			if ok {
				t.Fatal("ok together with an error")
			}
			return
		}
		if q.headLen <= 0 || q.headLen > len(b) {
			t.Fatalf("headLen %d of %d bytes", q.headLen, len(b))
		}
		// net/http skips no leading empty lines: compare from the
		// request line on.
		head := bytes.TrimLeft(b[:q.headLen], "\r\n")
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
		if err != nil {
			if strings.Contains(err.Error(), "malformed MIME header") ||
				strings.Contains(err.Error(), "invalid URI") || strings.Contains(err.Error(), "missing protocol scheme") {
				return // stricter than RFC 9112 in what it allows in a target or a value
			}
			t.Fatalf("we accept what net/http rejects: %v\n%q", err, head)
		}
		if req.Method != string(q.method) || req.RequestURI != string(q.target) {
			t.Errorf("request line: ours %q %q, net/http %q %q", q.method, q.target, req.Method, req.RequestURI)
		}
		chunked := len(req.TransferEncoding) == 1 && req.TransferEncoding[0] == "chunked"
		if chunked != q.chunked {
			t.Errorf("chunked: ours %v, net/http %v", q.chunked, chunked)
		}
		if !q.chunked && req.ContentLength != max(q.length, 0) {
			t.Errorf("length: ours %d, net/http %d", q.length, req.ContentLength)
		}
		if req.Close != q.close {
			t.Errorf("close: ours %v, net/http %v", q.close, req.Close)
		}
	})
}

func TestParseHeadIncomplete(t *testing.T) {
	full := "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n"
	for i := range len(full) {
		if _, ok, err := parseHead([]byte(full[:i]), 4096); ok || err != nil {
			t.Fatalf("%q: ok %v err %v, want incomplete", full[:i], ok, err)
		}
	}
	if _, ok, err := parseHead([]byte(full), 4096); !ok || err != nil {
		t.Fatalf("whole head: ok %v err %v", ok, err)
	}
	if _, _, err := parseHead([]byte(full), 20); err == nil || err.status != 431 {
		t.Fatalf("head over the limit: %v, want 431", err)
	}
}
