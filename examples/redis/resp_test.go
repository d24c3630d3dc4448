package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func testParser() *parser { return &parser{maxArgs: 8, maxBulk: 32} }

// Complete requests give their arguments and length; partial ones ask
// for more; framing errors name what Redis names.
func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		args []string // nil: none
		n    int      // 0: incomplete
		err  string
	}{
		{in: "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", args: []string{"GET", "k"}, n: 20},
		{in: "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n", args: []string{"GET", "k"}, n: 20},
		{in: "*1\r\n$0\r\n\r\n", args: []string{""}, n: 10},
		{in: "*2\r\n$3\r\nGET\r\n$1\r\nk\r", n: 0},
		{in: "*2\r\n$3\r\nGET\r\n$1", n: 0},
		{in: "*2\r", n: 0},
		{in: "*", n: 0},
		{in: "*0\r\n", n: 4},
		{in: "*-1\r\n", n: 5},
		{in: "PING\r\n", args: []string{"PING"}, n: 6},
		{in: "PING\n", args: []string{"PING"}, n: 5},
		{in: "  set  k \t v\r\n", args: []string{"set", "k", "v"}, n: 14},
		{in: "\r\n", n: 2},
		{in: `SET k "a b\x41\n"` + "\r\n", args: []string{"SET", "k", "a bA\n"}, n: 19},
		{in: `SET k 'it\'s'` + "\r\n", args: []string{"SET", "k", "it's"}, n: 15},
		{in: "PIN", n: 0},
		{in: `SET k "open` + "\r\n", err: "Protocol error: unbalanced quotes in request"},
		{in: `SET k "a"b` + "\r\n", err: "Protocol error: unbalanced quotes in request"},
		{in: "*x\r\n", err: "Protocol error: invalid multibulk length"},
		{in: "*9\r\n", err: "Protocol error: invalid multibulk length"},
		{in: "*1\r\n$33\r\n", err: "Protocol error: invalid bulk length"},
		{in: "*1\r\n$-1\r\n", err: "Protocol error: invalid bulk length"},
		{in: "*1\r\n$01\r\n", err: "Protocol error: invalid bulk length"},
		{in: "*1\r\n+PING\r\n", err: "Protocol error: expected '$', got '+'"},
		{in: "*1" + strings.Repeat("1", maxInline), err: "Protocol error: too big mbulk count string"},
		{in: "*1\r\n$1" + strings.Repeat("1", maxInline), err: "Protocol error: too big bulk count string"},
		{in: "PING" + strings.Repeat(" ", maxInline), err: "Protocol error: too big inline request"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%.30q", c.in), func(t *testing.T) {
			args, n, err := testParser().parse([]byte(c.in))
			if c.err != "" {
				if err == nil || err.Error() != c.err || !isProtocolError(err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || n != c.n || !sameArgs(args, c.args) {
				t.Fatalf("got %q, %d, %v; want %q, %d", args, n, err, c.args, c.n)
			}
		})
	}
}

func sameArgs(got [][]byte, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if string(got[i]) != want[i] {
			return false
		}
	}
	return true
}

func TestParseInt(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "7": 7, "-7": -7, "9223372036854775807": 1<<63 - 1, "-9223372036854775808": -1 << 63} {
		if v, ok := parseInt([]byte(in)); !ok || v != want {
			t.Errorf("parseInt(%q) = %d, %v", in, v, ok)
		}
	}
	for _, in := range []string{"", "-", "+1", "01", "-0", " 1", "1 ", "9223372036854775808", "-9223372036854775809", "99999999999999999999", "1a"} {
		if v, ok := parseInt([]byte(in)); ok {
			t.Errorf("parseInt(%q) = %d, want invalid", in, v)
		}
	}
}

// FuzzParse checks the parser on arbitrary bytes: it never panics or
// takes more than it was given; a request it takes is still taken whole
// when more bytes follow, is incomplete at every shorter prefix (so a
// stream split anywhere parses the same), and its arguments encoded as
// multibulk parse back to themselves.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", "PING\r\n",
		`SET k "a\x41\"b" 'c\'d'` + "\n", "*1\r\n$-1\r\n", "*0\r\n", "\r\n", "*1\r\n$40\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		p := testParser()
		args, n, err := p.parse(in)
		if err != nil {
			if !isProtocolError(err) || n != 0 || args != nil {
				t.Fatalf("error %v with %d, %q", err, n, args)
			}
			return
		}
		if n < 0 || n > len(in) {
			t.Fatalf("took %d of %d bytes", n, len(in))
		}
		if n == 0 {
			return
		}
		want := make([]string, len(args))
		for i, a := range args {
			want[i] = string(a)
		}
		more := append(append([]byte(nil), in[:n]...), "*1\r\n$4\r\nPING\r\n"...)
		if a2, n2, err := testParser().parse(more); err != nil || n2 != n || !sameArgs(a2, want) {
			t.Fatalf("with bytes after it: %q, %d, %v; alone: %q, %d", a2, n2, err, want, n)
		}
		for cut := range n {
			if _, n2, err := testParser().parse(in[:cut]); n2 != 0 || err != nil {
				t.Fatalf("prefix of %d bytes: took %d, %v", cut, n2, err)
			}
		}
		if len(args) == 0 {
			return
		}
		// An inline argument may be longer than maxBulk (Redis bounds
		// inline requests by their line alone).
		enc := encode(nil, want...)
		wide := &parser{maxArgs: 8, maxBulk: maxInline}
		if a2, n2, err := wide.parse(enc); err != nil || n2 != len(enc) || !sameArgs(a2, want) {
			t.Fatalf("re-encoded %q: %q, %d, %v", enc, a2, n2, err)
		}
	})
}

// The reply writers write what RESP2 says and the demo's reader reads it.
func TestReplies(t *testing.T) {
	var out []byte
	out = appendSimple(out, "OK")
	out = appendError(out, "ERR x")
	out = appendInt(out, -12)
	out = appendBulk(out, []byte("a\r\nb"))
	out = appendNull(out)
	out = appendArray(out, 2)
	out = appendBulkString(out, "k")
	out = appendNull(out)
	want := "+OK\r\n-ERR x\r\n:-12\r\n$4\r\na\r\nb\r\n$-1\r\n*2\r\n$1\r\nk\r\n$-1\r\n"
	if string(out) != want {
		t.Fatalf("%q, want %q", out, want)
	}
	var got []string
	for len(out) > 0 {
		n, err := replyLen(out)
		if err != nil || n == 0 {
			t.Fatalf("replyLen(%q) = %d, %v", out, n, err)
		}
		got = append(got, render(out[:n]))
		if m, _ := replyLen(out[:n-1]); m != 0 {
			t.Fatalf("replyLen of a cut reply = %d", m)
		}
		out = out[n:]
	}
	wantR := []string{"OK", "(error) ERR x", "(integer) -12", `"a\r\nb"`, "(nil)", "1) \"k\"\n2) (nil)"}
	if strings.Join(got, "|") != strings.Join(wantR, "|") {
		t.Fatalf("rendered %q, want %q", got, wantR)
	}
}

// Inline arguments alias the buffer unless quoted; multibulk ones always
// alias it: parsing copies nothing it does not have to.
func TestParseAliasesBuffer(t *testing.T) {
	buf := []byte("*1\r\n$4\r\nPING\r\n")
	args, _, _ := testParser().parse(buf)
	if &args[0][0] != &buf[8] {
		t.Fatal("the argument is a copy")
	}
	if !bytes.Equal(args[0], []byte("PING")) || cap(args[0]) != 4 {
		t.Fatalf("%q cap %d", args[0], cap(args[0]))
	}
}
