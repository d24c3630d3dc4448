package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TTLs count down on the loop's clock; a key past its deadline is gone
// for every read, and the loop's timer deletes it even if nobody reads it.
func TestExpiry(t *testing.T) {
	onVirtualLoop(t, func(c *client) {
		runSteps(t, c, []step{
			{a("SET", "s", "v", "EX", "10"), "OK"},
			{a("SET", "p", "v", "PX", "1500"), "OK"},
			{a("SET", "forever", "v"), "OK"},
			{a("TTL", "s"), "(integer) 10"},
			{a("PTTL", "p"), "(integer) 1500"},
			{a("TTL", "forever"), "(integer) -1"},
			{a("TTL", "missing"), "(integer) -2"},
			{a("EXPIRE", "missing", "5"), "(integer) 0"},
			{a("PEXPIRE", "forever", "x"), "(error) ERR value is not an integer or out of range"},
		})
		sleep(1000 * time.Millisecond)
		runSteps(t, c, []step{
			{a("TTL", "s"), "(integer) 9"},
			{a("PTTL", "p"), "(integer) 500"},
			{a("TTL", "p"), "(integer) 1"}, // 0.5 s rounds up, as in Redis
		})
		sleep(500 * time.Millisecond)
		if _, ok := c.db.m["p"]; ok {
			t.Error("p is still in the keyspace at its deadline: the timer did not delete it")
		}
		runSteps(t, c, []step{
			{a("GET", "p"), "(nil)"},
			{a("EXISTS", "p"), "(integer) 0"},
			{a("DBSIZE"), "(integer) 2"},
			{a("SET", "s", "w"), "OK"}, // SET clears the TTL
			{a("TTL", "s"), "(integer) -1"},
			{a("EXPIRE", "s", "5"), "(integer) 1"},
			{a("SET", "s", "x", "KEEPTTL"), "OK"},
			{a("TTL", "s"), "(integer) 5"},
			{a("INCR", "n"), "(integer) 1"},
			{a("EXPIRE", "n", "5", "NX"), "(integer) 1"},
			{a("EXPIRE", "n", "9", "NX"), "(integer) 0"},
			{a("EXPIRE", "n", "3", "GT"), "(integer) 0"},
			{a("EXPIRE", "n", "3", "LT"), "(integer) 1"},
			{a("EXPIRE", "forever", "3", "XX"), "(integer) 0"},
			{a("EXPIRE", "n", "3", "NX", "XX"), "(error) ERR NX and XX, GT or LT options at the same time are not compatible"},
			{a("INCR", "n"), "(integer) 2"}, // INCR keeps the TTL
			{a("TTL", "n"), "(integer) 3"},
			{a("PERSIST", "n"), "(integer) 1"},
			{a("TTL", "n"), "(integer) -1"},
			{a("EXPIRE", "n", "-1"), "(integer) 1"}, // a past deadline deletes
			{a("GET", "n"), "(nil)"},
		})
		sleep(5 * time.Second)
		runSteps(t, c, []step{{a("DBSIZE"), "(integer) 1"}, {a("GET", "forever"), `"v"`}})
	})
}

// Many keys expiring at once are all deleted, in batches that let the
// loop run in between, and the timer is left unarmed.
func TestMassExpiry(t *testing.T) {
	onVirtualLoop(t, func(c *client) {
		for i := range 3 * expireBatch {
			do(c, "SET", fmt.Sprint("k", i), "v", "PX", "100")
		}
		do(c, "SET", "later", "v", "PX", "200")
		sleep(150 * time.Millisecond)
		if n := len(c.db.m); n != 1 {
			t.Fatalf("%d keys left after their deadline, want 1", n)
		}
		sleep(100 * time.Millisecond)
		if len(c.db.m) != 0 || len(c.db.due) != 0 || c.db.timer != nil {
			t.Fatalf("keys %d, heap %d, timer %v: want all empty", len(c.db.m), len(c.db.due), c.db.timer)
		}
	})
}

// A key whose TTL is set over and over does not grow the deadline heap
// without bound.
func TestDeadlineHeapStaysBounded(t *testing.T) {
	onVirtualLoop(t, func(c *client) {
		do(c, "SET", "k", "v")
		for range 10000 {
			do(c, "PEXPIRE", "k", "100000")
		}
		if n := len(c.db.due); n > 2*len(c.db.m)+1025 {
			t.Fatalf("%d deadlines for 1 key", n)
		}
		if got := do(c, "PTTL", "k"); got != "(integer) 100000" {
			t.Fatal(got)
		}
	})
}

// A pattern that makes a recursive matcher take exponential time is
// answered at once.
func TestGlobIsNotExponential(t *testing.T) {
	pat := []byte(strings.Repeat("*a", 30) + "*b")
	s := strings.Repeat("a", 4000)
	start := time.Now()
	if globMatch(pat, s) {
		t.Fatal("matched")
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("took %v", el)
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		pat, s string
		want   bool
	}{
		{"*", "", false}, {"*", "abc", true}, {"a*", "abc", true}, {"a*", "bac", false},
		{"*c", "abc", true}, {"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false},
		{"h?llo", "hello", true}, {"h?llo", "hllo", false}, {"h[ae]llo", "hallo", true},
		{"h[ae]llo", "hillo", false}, {"h[^e]llo", "hallo", true}, {"h[^e]llo", "hello", false},
		{"h[a-b]llo", "hbllo", true}, {"h[b-a]llo", "hallo", true}, {"h[a-b]llo", "hcllo", false},
		{`h\*llo`, "h*llo", true}, {`h\*llo`, "hello", false}, {"user:*", "user:1", true},
		{"[", "a", false}, {"[a", "a", true}, {"abc", "abcd", false},
		{"*a*b", "xaxxb", true}, {"*a*b", "xaxxbx", false}, {"a*", "a", true}, {"**", "", false},
		{"*?", "", false}, {"*?", "x", true}, {"*[0-9]", "key9", true}, {"*\\*", "a*", true},
		{"ab*ab*c", "abababxc", true}, {"ab*ab*c", "abababx", false}, {"", "", true}, {"", "a", false}, {"[a-]", "]", true}, {"[a-]", "-", false},
		{"[a-]x", "]", true}, {"[-[-]", "\\", true}, {"[-[-]", "-", true},
	}
	for _, c := range cases {
		if got := globMatch([]byte(c.pat), []byte(c.s)); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.pat, c.s, got)
		}
		if got := globMatch([]byte(c.pat), c.s); got != c.want {
			t.Errorf("globMatch(%q, string %q) = %v", c.pat, c.s, got)
		}
	}
}
