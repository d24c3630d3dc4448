package main

import (
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// do runs one request on c and returns its reply as redis-cli prints it.
func do(c *client, args ...string) string {
	bargs := make([][]byte, len(args))
	for i, a := range args {
		bargs[i] = []byte(a)
	}
	c.out = c.out[:0]
	c.execute(bargs)
	n, err := replyLen(c.out)
	if err != nil || n != len(c.out) {
		return "bad reply " + string(c.out)
	}
	return render(c.out)
}

// onVirtualLoop runs fn as a coroutine on a loop with a virtual clock,
// with a client of a fresh keyspace; fn may sleep to let time pass.
func onVirtualLoop(t *testing.T, fn func(c *client)) {
	t.Helper()
	_, err := rt.Run(rt.Coro[rt.Void](rt.Async(func() (rt.Void, error) {
		s := newServer(rt.RunningLoop(), defaultLimits)
		fn(s.newClient())
		return rt.Void{}, nil
	})), rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
}

func sleep(d time.Duration) { rt.Must(rt.Sleep(d)) }

type step struct {
	args []string
	want string
}

func runSteps(t *testing.T, c *client, steps []step) {
	t.Helper()
	for _, s := range steps {
		if got := do(c, s.args...); got != s.want {
			t.Errorf("%q: got %q, want %q", s.args, got, s.want)
		}
	}
}

func a(args ...string) []string { return args }

// Each command answers as Redis 7 does, errors included.
func TestCommands(t *testing.T) {
	onVirtualLoop(t, func(c *client) {
		runSteps(t, c, []step{
			{a("PING"), "PONG"},
			{a("ping", "hi"), `"hi"`},
			{a("PING", "a", "b"), "(error) ERR wrong number of arguments for 'ping' command"},
			{a("ECHO", "x y"), `"x y"`},
			{a("GET", "k"), "(nil)"},
			{a("SET", "k", "v"), "OK"},
			{a("GET", "k"), `"v"`},
			{a("SET", "k", "w", "NX"), "(nil)"},
			{a("SET", "k2", "w", "XX"), "(nil)"},
			{a("SET", "k", "w", "XX", "GET"), `"v"`},
			{a("SET", "k", "w", "NX", "XX"), "(error) ERR syntax error"},
			{a("SET", "k", "w", "EX"), "(error) ERR syntax error"},
			{a("SET", "k", "w", "EX", "0"), "(error) ERR invalid expire time in 'set' command"},
			{a("SET", "k", "w", "PX", "x"), "(error) ERR value is not an integer or out of range"},
			{a("SET", "k", "w", "EX", "1", "PX", "1"), "(error) ERR syntax error"},
			{a("SET", "k", "w", "frob"), "(error) ERR syntax error"},
			{a("set"), "(error) ERR wrong number of arguments for 'set' command"},
			{a("EXISTS", "k", "k", "nope"), "(integer) 2"},
			{a("INCR", "n"), "(integer) 1"},
			{a("INCRBY", "n", "10"), "(integer) 11"},
			{a("DECR", "n"), "(integer) 10"},
			{a("DECRBY", "n", "-5"), "(integer) 15"},
			{a("INCRBY", "n", "x"), "(error) ERR value is not an integer or out of range"},
			{a("INCR", "k"), "(error) ERR value is not an integer or out of range"},
			{a("SET", "big", "9223372036854775807"), "OK"},
			{a("INCR", "big"), "(error) ERR increment or decrement would overflow"},
			{a("DECRBY", "big", "-9223372036854775808"), "(error) ERR decrement would overflow"},
			{a("MSET", "a", "1", "b", "2"), "OK"},
			{a("MSET", "a", "1", "b"), "(error) ERR wrong number of arguments for 'mset' command"},
			{a("MGET", "a", "zz", "b"), "1) \"1\"\n2) (nil)\n3) \"2\""},
		})
		// KEYS answers in the map's order.
		if got := do(c, "KEYS", "[ab]"); got != "1) \"a\"\n2) \"b\"" && got != "1) \"b\"\n2) \"a\"" {
			t.Errorf("KEYS [ab]: %q", got)
		}
		runSteps(t, c, []step{
			{a("DBSIZE"), "(integer) 5"},
			{a("DEL", "a", "b", "zz"), "(integer) 2"},
			{a("SELECT", "0"), "OK"},
			{a("SELECT", "1"), "(error) ERR DB index is out of range"},
			{a("frob", "x", "y\r\nz"), "(error) ERR unknown command 'frob', with args beginning with: 'x' 'y  z' "},
			{a("averyveryverylongcommandname"), "(error) ERR unknown command 'averyveryverylongcommandname', with args beginning with: "},
			{a("CONFIG", "GET", "save"), "1) \"save\"\n2) \"\""},
			{a("CONFIG", "GET", "APPEND*"), "1) \"appendonly\"\n2) \"no\""},
			{a("COMMAND", "COUNT"), "(integer) 125"},
			{a("COMMAND", "DOCS"), "(empty array)"},
			{a("FLUSHALL"), "OK"},
			{a("DBSIZE"), "(integer) 0"},
			{a("QUIT"), "OK"},
		})
		if !c.quit {
			t.Error("QUIT did not mark the connection for closing")
		}
	})
}
