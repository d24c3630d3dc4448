package main

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The client side of RESP2, for the demo's clients: requests encoded as
// multibulk, replies parsed from a reader's buffer in place.

var errBadReply = errors.New("malformed reply")

// encode writes args as one multibulk request.
func encode(out []byte, args ...string) []byte {
	out = appendArray(out, len(args))
	for _, a := range args {
		out = appendBulkString(out, a)
	}
	return out
}

// replyLen returns the length of the complete reply at the start of buf,
// or 0 when buf holds only part of one.
func replyLen(buf []byte) (int, error) {
	if len(buf) == 0 {
		return 0, nil
	}
	nl := bytes.Index(buf, []byte("\r\n"))
	if nl < 0 {
		return 0, nil
	}
	switch buf[0] {
	case '+', '-', ':':
		return nl + 2, nil
	case '$':
		size, ok := parseInt(buf[1:nl])
		if !ok || size < -1 {
			return 0, errBadReply
		}
		if size == -1 {
			return nl + 2, nil
		}
		end := nl + 2 + int(size) + 2
		if end > len(buf) {
			return 0, nil
		}
		return end, nil
	case '*':
		count, ok := parseInt(buf[1:nl])
		if !ok || count < -1 {
			return 0, errBadReply
		}
		pos := nl + 2
		for range max(count, 0) {
			n, err := replyLen(buf[pos:])
			if n == 0 || err != nil {
				return 0, err
			}
			pos += n
		}
		return pos, nil
	}
	return 0, errBadReply
}

// render formats the complete reply b as redis-cli prints it.
func render(b []byte) string {
	var sb strings.Builder
	renderTo(&sb, b, "")
	return strings.TrimSuffix(sb.String(), "\n")
}

func renderTo(sb *strings.Builder, b []byte, indent string) int {
	nl := bytes.Index(b, []byte("\r\n"))
	line := string(b[1:nl])
	switch b[0] {
	case '+':
		sb.WriteString(line + "\n")
	case '-':
		sb.WriteString("(error) " + line + "\n")
	case ':':
		sb.WriteString("(integer) " + line + "\n")
	case '$':
		size, _ := strconv.Atoi(line)
		if size < 0 {
			sb.WriteString("(nil)\n")
			return nl + 2
		}
		sb.WriteString(strconv.Quote(string(b[nl+2:nl+2+size])) + "\n")
		return nl + 2 + size + 2
	case '*':
		count, _ := strconv.Atoi(line)
		if count <= 0 {
			sb.WriteString("(empty array)\n")
			return nl + 2
		}
		pos := nl + 2
		for i := range count {
			if i > 0 {
				sb.WriteString(indent)
			}
			label := fmt.Sprintf("%d) ", i+1)
			sb.WriteString(label)
			pos += renderTo(sb, b[pos:], indent+strings.Repeat(" ", len(label)))
		}
		return pos
	}
	return nl + 2
}
