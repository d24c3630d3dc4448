package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt/streams"
)

// The demo prints the session as redis-cli would, with the expired key
// gone after its deadline, and a figure for each benchmark round.
func TestDemo(t *testing.T) {
	var out strings.Builder
	if err := runDemo(&out, defaultLimits, 4, 400); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"  > GET greeting\n  \"hello from a coroutine\"\n",
		"  > INCRBY visits 41\n  (integer) 42\n",
		"  > MGET user:1 user:2 user:3\n  1) \"ada\"\n  2) \"grace\"\n  3) (nil)\n",
		"  > GET session\n  (nil)\n",
		"  > DBSIZE\n  (integer) 3\n",
		"  > FROB x\n  (error) ERR unknown command 'FROB', with args beginning with: 'x' \n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, got)
		}
	}
	rounds := regexp.MustCompile(`(SET|GET) pipeline +(1|16): +400 requests in +[0-9.]+s: +[0-9]+ requests/s`).FindAllString(got, -1)
	if len(rounds) != 4 {
		t.Errorf("%d benchmark rounds reported, want 4:\n%s", len(rounds), got)
	}
}

// Running a pipeline of SET and GET on existing keys allocates nothing:
// the request is parsed in the reader's buffer, the value is copied into
// the key's own, and the answers go to the reused output buffer.
func TestHotPathAllocatesNothing(t *testing.T) {
	onVirtualLoop(t, func(c *client) {
		req := []byte(strings.Repeat("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$3\r\nxxx\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n", 16))
		r := streams.NewStreamReader(0)
		round := func() {
			r.FeedData(req)
			if more := c.process(r); !more || r.Buffered() != 0 {
				t.Fatalf("the pipeline was not all run: %d bytes left", r.Buffered())
			}
			c.flushed()
		}
		round()
		if n := testing.AllocsPerRun(100, round); n != 0 {
			t.Errorf("%v allocations per pipeline of 32 requests", n)
		}
	})
}
