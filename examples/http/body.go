package main

import (
	"bytes"
	"errors"
	"io"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// Request bodies: Content-Length ones are one ReadExactly; chunked ones
// are read chunk by chunk with their trailers (RFC 9112 section 7.1).

// readBody reads a request body: length bytes, or a chunked body with its
// trailers (which are checked and dropped). It fails with an *httpError
// for a body the server refuses.
//
//asyncgen:coroutine
func (c *conn) readBody(chunked bool, length int64) ([]byte, error) {
	if !chunked {
		return rt.Await(c.r.ReadExactly(int(length)))
	}
	var body []byte
	for {
		line, err := rt.Await(c.r.ReadLine())
		if err != nil {
			return nil, lineError(err)
		}
		size, herr := parseChunkSize(line)
		if herr != nil {
			return nil, herr
		}
		if size == 0 {
			break
		}
		if int64(len(body))+size > c.s.maxBody {
			return nil, &httpError{413, "Content Too Large"}
		}
		chunk, err := rt.Await(c.r.ReadExactly(int(size)))
		if err != nil {
			return nil, err
		}
		body = append(body, chunk...)
		end, err := rt.Await(c.r.ReadLine())
		if err != nil {
			return nil, lineError(err)
		}
		if len(trimEOL(end)) != 0 || len(end) == 0 {
			return nil, badRequest("chunk data longer than its size")
		}
	}
	for seen := 0; ; {
		line, err := rt.Await(c.r.ReadLine())
		if err != nil {
			return nil, lineError(err)
		}
		if len(line) == 0 {
			return nil, io.ErrUnexpectedEOF
		}
		if seen += len(line); seen > c.s.maxHead {
			return nil, &httpError{431, "Request Header Fields Too Large"}
		}
		field := trimEOL(line)
		if len(field) == 0 {
			if body == nil {
				body = []byte{}
			}
			return body, nil
		}
		if _, _, herr := splitField(field); herr != nil {
			return nil, herr
		}
	}
}

// lineError turns a failed ReadLine of a chunked body into the answer:
// a line over the reader's limit is a bad request, EOF mid-line the end.
func lineError(err error) error {
	if errors.Is(err, streams.ErrLimitOverrun) {
		return badRequest("chunk line too long")
	}
	return err
}

// parseChunkSize parses a chunk-size line: hexadecimal digits, then
// optional extensions after ';', which are ignored.
func parseChunkSize(line []byte) (int64, *httpError) {
	if len(line) == 0 || line[len(line)-1] != '\n' {
		return 0, badRequest("truncated chunked body") // EOF mid-line
	}
	line = trimEOL(line)
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimRight(line, " \t")
	if len(line) == 0 {
		return 0, badRequest("malformed chunk size")
	}
	// Leading zeros are allowed, as many as the client likes; beyond
	// them, 12 digits bound the size far above any body limit.
	for len(line) > 1 && line[0] == '0' {
		line = line[1:]
	}
	if len(line) > 12 {
		return 0, badRequest("malformed chunk size")
	}
	var n int64
	for _, c := range line {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, badRequest("malformed chunk size")
		}
		n = n<<4 | int64(d)
	}
	return n, nil
}

// trimEOL drops a trailing LF or CRLF.
func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}
