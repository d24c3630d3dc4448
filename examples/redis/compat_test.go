package main

import (
	"fmt"
	"strings"
	"testing"
)

// The tests here pin replies in which the server once differed from
// redis-server 7.0 for the same bytes on the wire (found by sending one
// corpus of requests to both). The expected bytes are redis-server's.

// wire sends req to a fresh server in one write and compares all it
// answers, up to its close, with want.
func wire(t *testing.T, req, want string) {
	t.Helper()
	addr := startTest(t, defaultLimits)
	if got := exchange(t, addr, req); got != want {
		t.Errorf("request %q\n got %q\nwant %q", req, got, want)
	}
}

// A TTL is kept in milliseconds since the Unix epoch, as Redis keeps it,
// so any deadline Redis accepts is accepted, and one past what the server
// can hold is refused rather than stored and lost. A deadline of about
// 292 years overflowed a nanosecond clock: SET answered OK and the key was
// gone at once.
func TestLongTTLs(t *testing.T) {
	wire(t, "SET k v EX 9223372036\r\nTTL k\r\nGET k\r\n"+
		"SET k v EX 10000000000\r\nTTL k\r\n"+
		"SET k v PX 9223372036854\r\nTTL k\r\n"+
		"EXPIRE k 9223372036\r\nTTL k\r\n"+
		"PEXPIRE k 9000000000000000\r\nTTL k\r\n"+
		"SET k v EXAT 99999999999\r\nEXISTS k\r\n"+
		"SET k v PXAT 9223372036854775807\r\nEXISTS k\r\n"+
		"PEXPIRE k -9223372036854775808\r\nEXISTS k\r\n"+
		"SET k v EX 9223372036854775\r\nSET k v PX 9223372036854775807\r\n"+
		"SET k v\r\nEXPIRE k 9223372036854775\r\nEXPIRE k -9223372036854776\r\nPEXPIRE k 9223372036854775807\r\nTTL k\r\n",
		"+OK\r\n:9223372036\r\n$1\r\nv\r\n"+
			"+OK\r\n:10000000000\r\n"+
			"+OK\r\n:9223372037\r\n"+
			":1\r\n:9223372036\r\n"+
			":1\r\n:9000000000000\r\n"+
			"+OK\r\n:1\r\n"+
			"+OK\r\n:1\r\n"+
			":1\r\n:0\r\n"+
			"-ERR invalid expire time in 'set' command\r\n-ERR invalid expire time in 'set' command\r\n"+
			"+OK\r\n-ERR invalid expire time in 'expire' command\r\n-ERR invalid expire time in 'expire' command\r\n"+
			"-ERR invalid expire time in 'pexpire' command\r\n:-1\r\n")
}

// SET reads all its options before the expiry's number, as Redis does: a
// syntax error wins over a bad number, and an expiry option given again
// (the same one) replaces the first instead of being a syntax error.
func TestSetOptionOrder(t *testing.T) {
	wire(t, "SET k v EX 10 EX 20\r\nTTL k\r\n"+
		"SET k v EX abc EX 30\r\nTTL k\r\n"+
		"SET k v EX 0 ex 40\r\nTTL k\r\n"+
		"SET k v PX 10 PX 50000\r\nTTL k\r\n"+
		"SET k v EX abc FROB\r\nSET k v EX 0 FROB\r\nSET k v EX 10 PX 10\r\nSET k v PXAT 10 EXAT 10\r\n"+
		"SET k v NX NX XX\r\nSET k v KEEPTTL KEEPTTL EX 1\r\nSET k v EX 10 EX\r\nTTL k\r\n",
		"+OK\r\n:20\r\n+OK\r\n:30\r\n+OK\r\n:40\r\n+OK\r\n:50\r\n"+
			"-ERR syntax error\r\n-ERR syntax error\r\n-ERR syntax error\r\n-ERR syntax error\r\n"+
			"-ERR syntax error\r\n-ERR syntax error\r\n-ERR syntax error\r\n:50\r\n")
}

// EXPIRE checks its options before its number, and names GT with LT as
// the incompatible pair, in Redis's words.
func TestExpireOptionErrors(t *testing.T) {
	wire(t, "SET k v\r\nEXPIRE k x FROB\r\nEXPIRE k x NX XX\r\nEXPIRE k 100 GT LT\r\nPEXPIRE k x LT GT\r\n"+
		"EXPIRE k 100 NX GT\r\nEXPIRE k 100 NX FROB\r\nTTL k\r\n",
		"+OK\r\n-ERR Unsupported option FROB\r\n"+
			"-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"+
			"-ERR GT and LT options at the same time are not compatible\r\n"+
			"-ERR GT and LT options at the same time are not compatible\r\n"+
			"-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"+
			"-ERR Unsupported option FROB\r\n:-1\r\n")
}

// The arguments an unknown command's error lists are bounded as Redis
// bounds them: 128 bytes in all, not each, the last one cut to fit; and
// each argument and the name end at a NUL byte, as a C string would.
func TestUnknownCommandArgs(t *testing.T) {
	x120, many := strings.Repeat("x", 120), ""
	for i := range 30 {
		many += fmt.Sprintf(" a%d", i)
	}
	wire(t, "FROB "+x120+" abcdefgh zz\r\nFROB"+many+"\r\n"+
		"*2\r\n$4\r\nFROB\r\n$3\r\na\x00b\r\n*1\r\n$3\r\nx\x00y\r\n",
		"-ERR unknown command 'FROB', with args beginning with: '"+x120+"' 'abcde' \r\n"+
			"-ERR unknown command 'FROB', with args beginning with: 'a0' 'a1' 'a2' 'a3' 'a4' 'a5' 'a6' 'a7' 'a8' 'a9' "+
			"'a10' 'a11' 'a12' 'a13' 'a14' 'a15' 'a16' 'a17' 'a18' 'a19' 'a20' 'a21' 'a22' \r\n"+
			"-ERR unknown command 'FROB', with args beginning with: 'a' \r\n"+
			"-ERR unknown command 'x', with args beginning with: \r\n")
}

// An inline request is split as Redis's sdssplitargs splits it: a quote
// inside a word opens a quoted part that ends the word, and vertical tab
// and form feed are skipped between words but are part of a word.
func TestInlineQuotesInsideWords(t *testing.T) {
	wire(t, "ECHO a\"b c\"\r\nECHO x'y z'\r\nECHO \vx\f\r\nECHO \"q\"\v\r\nECHO a\"b\"c\r\nPING\r\n",
		"$4\r\nab c\r\n$4\r\nxy z\r\n$2\r\nx\f\r\n$1\r\nq\r\n-ERR Protocol error: unbalanced quotes in request\r\n")
	wire(t, "PING\r\nECHO it's\r\nPING\r\n", "+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n")
}

// KEYS matches as Redis's stringmatchlen: in a set, "x-" followed by
// anything (even the closing bracket) is a range, so [a-] is the range
// from ']' to 'a', left unclosed; and no pattern but "*" (which KEYS
// takes as "every key") and "" matches the empty key.
func TestKeysGlobEdges(t *testing.T) {
	wire(t, "SET ] v\r\nKEYS [a-]\r\nDEL ]\r\nSET - v\r\nKEYS [a-]\r\nKEYS [-[-]\r\nDEL -\r\nSET \\ v\r\nKEYS [-[-]\r\nDEL \\\r\n"+
		"*3\r\n$3\r\nSET\r\n$0\r\n\r\n$1\r\nv\r\nKEYS **\r\nKEYS *\r\nKEYS \"\"\r\nKEYS *?\r\n",
		"+OK\r\n*1\r\n$1\r\n]\r\n:1\r\n+OK\r\n*0\r\n*1\r\n$1\r\n-\r\n:1\r\n+OK\r\n*1\r\n$1\r\n\\\r\n:1\r\n"+
			"+OK\r\n*0\r\n*1\r\n$0\r\n\r\n*1\r\n$0\r\n\r\n*0\r\n")
}

// CONFIG GET answers a name without glob characters in the client's
// spelling, each parameter once; COMMAND's subcommands check their
// arguments as Redis's do; and the HELP that their errors point to exists.
func TestAdminSubcommands(t *testing.T) {
	wire(t, "CONFIG GET SAVE\r\nCONFIG GET save SAVE\r\nCONFIG GET SAVE sav*\r\nCONFIG GET Appendonly\r\n"+
		"COMMAND COUNT x\r\nCOMMAND LIST x\r\nCOMMAND INFO NOSUCH\r\n",
		"*2\r\n$4\r\nSAVE\r\n$0\r\n\r\n*2\r\n$4\r\nsave\r\n$0\r\n\r\n*2\r\n$4\r\nSAVE\r\n$0\r\n\r\n*2\r\n$10\r\nAppendonly\r\n$2\r\nno\r\n"+
			"-ERR wrong number of arguments for 'command|count' command\r\n-ERR syntax error\r\n*1\r\n$-1\r\n")
	addr := startTest(t, defaultLimits)
	if all, info := exchange(t, addr, "COMMAND\r\n"), exchange(t, addr, "COMMAND INFO\r\n"); all != info {
		t.Errorf("COMMAND INFO with no names: %.60q, want every command as COMMAND gives them: %.60q", info, all)
	}
	for _, cmd := range []string{"COMMAND", "CONFIG"} {
		if got := exchange(t, addr, cmd+" HELP\r\n"); !strings.HasPrefix(got, "*") || strings.Contains(got, "-ERR") {
			t.Errorf("%s HELP: %q", cmd, got)
		}
	}
}

// SELECT reads its index as a C int first, as Redis does, so an index
// beyond 32 bits has its own error.
func TestSelectIndexRange(t *testing.T) {
	wire(t, "SELECT 2147483648\r\nSELECT -2147483649\r\nSELECT 2147483647\r\nSELECT -1\r\nSELECT 0\r\n",
		"-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"+
			"-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"+
			"-ERR DB index is out of range\r\n-ERR DB index is out of range\r\n+OK\r\n")
}
