package main

import (
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// MULTI, EXEC, DISCARD, WATCH and UNWATCH on one connection answer as
// redis-server 7.0 does, byte for byte: commands queue, a command refused
// while queueing (unknown, wrong arity) makes EXEC discard the whole,
// errors while running are answered inside EXEC's array, MULTI does not
// nest, WATCH is refused inside MULTI, EXEC with arguments aborts with
// words of its own, and a key the connection itself changed after WATCH
// makes EXEC answer a null array unless UNWATCH (or an EXEC refused for
// its arguments) came between.
func TestTransactions(t *testing.T) {
	wire(t, "FLUSHALL\r\nMULTI\r\nSET k v\r\nFROB\r\nGET\r\nEXEC\r\nEXEC\r\nDISCARD\r\nUNWATCH\r\n"+
		"MULTI\r\nMULTI\r\nWATCH k\r\nINCR k\r\nSET k v EX 0\r\nPING a b\r\nUNWATCH\r\nEXEC\r\n"+
		"MULTI x\r\nEXEC x\r\nMULTI\r\nEXEC x\r\nEXEC\r\nMULTI\r\nDISCARD x\r\nEXEC\r\n"+
		"WATCH\r\nUNWATCH x\r\nMULTI\r\nEXEC\r\nMULTI\r\nSET k 5\r\nDISCARD\r\nGET k\r\n"+
		"WATCH k\r\nSET k 1\r\nMULTI\r\nGET k\r\nEXEC\r\n"+
		"WATCH k j k\r\nSET k 2\r\nUNWATCH\r\nMULTI\r\nGET k\r\nEXEC\r\n"+
		"WATCH k\r\nSET k 3\r\nMULTI\r\nFROB\r\nEXEC\r\n"+
		"WATCH k\r\nSET k 4\r\nEXEC x\r\nMULTI\r\nPING\r\nEXEC\r\nMULTI\r\nQUIT\r\nPING\r\n",
		"+OK\r\n+OK\r\n+QUEUED\r\n-ERR unknown command 'FROB', with args beginning with: \r\n"+
			"-ERR wrong number of arguments for 'get' command\r\n"+
			"-EXECABORT Transaction discarded because of previous errors.\r\n"+
			"-ERR EXEC without MULTI\r\n-ERR DISCARD without MULTI\r\n+OK\r\n"+
			"+OK\r\n-ERR MULTI calls can not be nested\r\n-ERR WATCH inside MULTI is not allowed\r\n"+
			"+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n"+
			"*4\r\n:1\r\n-ERR invalid expire time in 'set' command\r\n-ERR wrong number of arguments for 'ping' command\r\n+OK\r\n"+
			"-ERR wrong number of arguments for 'multi' command\r\n"+
			"-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"+
			"+OK\r\n-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"+
			"-ERR EXEC without MULTI\r\n"+
			"+OK\r\n-ERR wrong number of arguments for 'discard' command\r\n"+
			"-EXECABORT Transaction discarded because of previous errors.\r\n"+
			"-ERR wrong number of arguments for 'watch' command\r\n-ERR wrong number of arguments for 'unwatch' command\r\n"+
			"+OK\r\n*0\r\n+OK\r\n+QUEUED\r\n+OK\r\n$1\r\n1\r\n"+
			"+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n*-1\r\n"+
			"+OK\r\n+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n$1\r\n2\r\n"+
			"+OK\r\n+OK\r\n+OK\r\n-ERR unknown command 'FROB', with args beginning with: \r\n"+
			"-EXECABORT Transaction discarded because of previous errors.\r\n"+
			"+OK\r\n+OK\r\n-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"+
			"+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n"+
			"+OK\r\n+OK\r\n")
}

// onVirtualServer runs fn as a coroutine on a loop with a virtual clock,
// with a server of a fresh keyspace whose clients fn makes.
func onVirtualServer(t *testing.T, fn func(s *server)) {
	t.Helper()
	_, err := rt.Run(rt.Coro[rt.Void](rt.Async(func() (rt.Void, error) {
		fn(newServer(rt.RunningLoop(), defaultLimits))
		return rt.Void{}, nil
	})), rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
}

// wireReply runs one request on c and returns its reply's bytes.
func wireReply(c *client, args ...string) string {
	do(c, args...)
	return string(c.out)
}

// A key WATCHed by one connection and changed before its EXEC, by
// another connection or itself, by a deletion, FLUSHALL or FLUSHDB, or by
// its deadline passing, makes EXEC answer a null array; a read, a write
// that changed nothing (SET NX of an existing key, EXPIRE NX of a key with
// a TTL, PERSIST of one without, DEL or FLUSHALL of a missing key, INCR of
// a word) or a write to another key leaves the transaction to run, for
// lists, sets, hashes and sorted sets too. Each outcome is redis-server
// 7.0's for the same commands.
func TestWatch(t *testing.T) {
	const ran, refused = "*1\r\n+PONG\r\n", "*-1\r\n"
	cases := []struct {
		name  string
		setup []string      // run by the other connection before WATCH
		wait  time.Duration // after WATCH
		other [][]string    // then run by the other connection
		own   []string      // or by the watching one, before MULTI
		want  string        // what EXEC answers
	}{
		{"SET", a("SET", "k", "1"), 0, [][]string{a("SET", "k", "2")}, nil, refused},
		{"own SET", a("SET", "k", "1"), 0, nil, a("SET", "k", "3"), refused},
		{"SET of a missing key", a("DEL", "k"), 0, [][]string{a("SET", "k", "2")}, nil, refused},
		{"DEL of a missing key", a("DEL", "k"), 0, [][]string{a("DEL", "k")}, nil, ran},
		{"DEL", a("SET", "k", "1"), 0, [][]string{a("DEL", "k")}, nil, refused},
		{"FLUSHALL", a("SET", "k", "1"), 0, [][]string{a("FLUSHALL")}, nil, refused},
		{"FLUSHALL of a missing key", a("DEL", "k"), 0, [][]string{a("FLUSHALL")}, nil, ran},
		{"FLUSHDB", a("SET", "k", "1"), 0, [][]string{a("FLUSHDB")}, nil, refused},
		{"EXPIRE", a("SET", "k", "1"), 0, [][]string{a("EXPIRE", "k", "100")}, nil, refused},
		{"EXPIRE NX that does nothing", a("SET", "k", "1", "EX", "100"), 0, [][]string{a("EXPIRE", "k", "100", "NX")}, nil, ran},
		{"PERSIST", a("SET", "k", "1", "EX", "100"), 0, [][]string{a("PERSIST", "k")}, nil, refused},
		{"PERSIST that does nothing", a("SET", "k", "1"), 0, [][]string{a("PERSIST", "k")}, nil, ran},
		{"SET NX that does nothing", a("SET", "k", "1"), 0, [][]string{a("SET", "k", "2", "NX")}, nil, ran},
		{"INCR", a("SET", "k", "1"), 0, [][]string{a("INCR", "k")}, nil, refused},
		{"INCR of a word", a("SET", "k", "x"), 0, [][]string{a("INCR", "k")}, nil, ran},
		{"MSET", a("SET", "k", "1"), 0, [][]string{a("MSET", "a", "1", "k", "2")}, nil, refused},
		{"GET", a("SET", "k", "1"), 0, [][]string{a("GET", "k")}, nil, ran},
		{"another key", a("SET", "k", "1"), 0, [][]string{a("SET", "j", "1")}, nil, ran},
		{"expired", a("SET", "k", "v", "PX", "100"), 200 * time.Millisecond, nil, nil, refused},
		{"expired and read", a("SET", "k", "v", "PX", "100"), 200 * time.Millisecond, [][]string{a("GET", "k")}, nil, refused},
		{"not yet expired", a("SET", "k", "v", "EX", "100"), 50 * time.Second, nil, nil, ran},
		// The other types: a write that changes nothing (SADD of a member, ZADD
		// of the same score, a pop of nothing, an error) leaves the key as it was.
		{"LPUSH new", a("DEL", "k"), 0, [][]string{a("LPUSH", "k", "a")}, nil, refused},
		{"LPUSH", a("RPUSH", "k", "a"), 0, [][]string{a("LPUSH", "k", "b")}, nil, refused},
		{"RPUSH", a("RPUSH", "k", "a"), 0, [][]string{a("RPUSH", "k", "b")}, nil, refused},
		{"LPOP", a("RPUSH", "k", "a", "b"), 0, [][]string{a("LPOP", "k")}, nil, refused},
		{"LPOP missing", a("DEL", "k"), 0, [][]string{a("LPOP", "k")}, nil, ran},
		{"RPOP last", a("RPUSH", "k", "a"), 0, [][]string{a("RPOP", "k", "5")}, nil, refused},
		{"LPOP 0", a("RPUSH", "k", "a"), 0, [][]string{a("LPOP", "k", "0")}, nil, ran},
		{"SADD new", a("SADD", "k", "a"), 0, [][]string{a("SADD", "k", "b")}, nil, refused},
		{"SADD existing", a("SADD", "k", "a"), 0, [][]string{a("SADD", "k", "a")}, nil, ran},
		{"SREM present", a("SADD", "k", "a", "b"), 0, [][]string{a("SREM", "k", "a")}, nil, refused},
		{"SREM absent", a("SADD", "k", "a"), 0, [][]string{a("SREM", "k", "z")}, nil, ran},
		{"SPOP", a("SADD", "k", "a", "b"), 0, [][]string{a("SPOP", "k")}, nil, refused},
		{"SPOP missing", a("DEL", "k"), 0, [][]string{a("SPOP", "k")}, nil, ran},
		{"SPOP 0", a("SADD", "k", "a"), 0, [][]string{a("SPOP", "k", "0")}, nil, ran},
		{"HSET new", a("HSET", "k", "f", "1"), 0, [][]string{a("HSET", "k", "g", "1")}, nil, refused},
		{"HSET same", a("HSET", "k", "f", "1"), 0, [][]string{a("HSET", "k", "f", "1")}, nil, refused},
		{"HDEL present", a("HSET", "k", "f", "1", "g", "2"), 0, [][]string{a("HDEL", "k", "f")}, nil, refused},
		{"HDEL absent", a("HSET", "k", "f", "1"), 0, [][]string{a("HDEL", "k", "z")}, nil, ran},
		{"HINCRBY", a("HSET", "k", "f", "1"), 0, [][]string{a("HINCRBY", "k", "f", "1")}, nil, refused},
		{"HINCRBY 0", a("HSET", "k", "f", "1"), 0, [][]string{a("HINCRBY", "k", "f", "0")}, nil, refused},
		{"HINCRBY err", a("HSET", "k", "f", "x"), 0, [][]string{a("HINCRBY", "k", "f", "1")}, nil, ran},
		{"ZADD new", a("ZADD", "k", "1", "a"), 0, [][]string{a("ZADD", "k", "2", "b")}, nil, refused},
		{"ZADD same", a("ZADD", "k", "1", "a"), 0, [][]string{a("ZADD", "k", "1", "a")}, nil, ran},
		{"ZADD update", a("ZADD", "k", "1", "a"), 0, [][]string{a("ZADD", "k", "2", "a")}, nil, refused},
		{"ZADD XX missing", a("ZADD", "k", "1", "a"), 0, [][]string{a("ZADD", "k", "XX", "1", "b")}, nil, ran},
		{"ZADD NX existing", a("ZADD", "k", "1", "a"), 0, [][]string{a("ZADD", "k", "NX", "5", "a")}, nil, ran},
		{"ZADD INCR 0", a("ZADD", "k", "1", "a"), 0, [][]string{a("ZADD", "k", "INCR", "0", "a")}, nil, ran},
		{"ZINCRBY", a("ZADD", "k", "1", "a"), 0, [][]string{a("ZINCRBY", "k", "1", "a")}, nil, refused},
		{"ZINCRBY 0", a("ZADD", "k", "1", "a"), 0, [][]string{a("ZINCRBY", "k", "0", "a")}, nil, ran},
		{"ZREM present", a("ZADD", "k", "1", "a", "2", "b"), 0, [][]string{a("ZREM", "k", "a")}, nil, refused},
		{"ZREM absent", a("ZADD", "k", "1", "a"), 0, [][]string{a("ZREM", "k", "z")}, nil, ran},
		{"ZPOPMIN", a("ZADD", "k", "1", "a", "2", "b"), 0, [][]string{a("ZPOPMIN", "k")}, nil, refused},
		{"ZPOPMAX missing", a("DEL", "k"), 0, [][]string{a("ZPOPMAX", "k")}, nil, ran},
		{"ZPOPMIN 0", a("ZADD", "k", "1", "a"), 0, [][]string{a("ZPOPMIN", "k", "0")}, nil, ran},
		{"wrong type", a("SET", "k", "v"), 0, [][]string{a("LPUSH", "k", "a")}, nil, ran},
		{"SET over list", a("RPUSH", "k", "a"), 0, [][]string{a("SET", "k", "v")}, nil, refused},
		{"reads", a("RPUSH", "k", "a"), 0, [][]string{a("LRANGE", "k", "0", "-1")}, nil, ran},
		{"DEL list", a("RPUSH", "k", "a"), 0, [][]string{a("DEL", "k")}, nil, refused},
		{"HSET over string", a("SET", "k", "v"), 0, [][]string{a("HSET", "k", "f", "1")}, nil, ran},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			onVirtualServer(t, func(s *server) {
				watcher, other := s.newClient(), s.newClient()
				do(other, tc.setup...)
				if got := wireReply(watcher, "WATCH", "k"); got != "+OK\r\n" {
					t.Fatalf("WATCH: %q", got)
				}
				sleep(tc.wait)
				for _, args := range tc.other {
					do(other, args...)
				}
				if tc.own != nil {
					do(watcher, tc.own...)
				}
				do(watcher, "MULTI")
				do(watcher, "PING")
				if got := wireReply(watcher, "EXEC"); got != tc.want {
					t.Errorf("EXEC: %q, want %q", got, tc.want)
				}
				// EXEC forgets the watches: the next transaction runs
				// whatever is changed.
				do(other, "SET", "k", "again")
				do(watcher, "MULTI")
				do(watcher, "PING")
				if got := wireReply(watcher, "EXEC"); got != ran {
					t.Errorf("a second EXEC: %q, want %q", got, ran)
				}
			})
		})
	}
}

// A key that had expired before WATCH (deleted by the expiry timer or
// not yet) counts as missing: only setting it anew breaks the
// transaction, as in redis-server 7.0.
func TestWatchExpiredKey(t *testing.T) {
	for _, set := range []bool{false, true} {
		onVirtualServer(t, func(s *server) {
			watcher, other := s.newClient(), s.newClient()
			do(other, "SET", "k", "v", "PX", "30")
			sleep(100 * time.Millisecond)
			do(watcher, "WATCH", "k")
			want := "*1\r\n+PONG\r\n"
			if set {
				do(other, "SET", "k", "w")
				want = "*-1\r\n"
			}
			do(watcher, "MULTI")
			do(watcher, "PING")
			if got := wireReply(watcher, "EXEC"); got != want {
				t.Errorf("set again %v: EXEC %q, want %q", set, got, want)
			}
		})
	}
}

// A connection that ends with keys watched, at EOF or on QUIT, leaves
// nothing behind: the keyspace's table of watchers is empty again.
func TestClosedConnectionDropsWatches(t *testing.T) {
	s := startRunning(t, defaultLimits)
	// exchange returns once the server has closed the connection, which
	// it does after forgetting its watches.
	if got := exchange(t, s.addr, "WATCH a b\r\nMULTI\r\nSET a 1\r\n"); got != "+OK\r\n+OK\r\n+QUEUED\r\n" {
		t.Fatalf("got %q", got)
	}
	if got := exchange(t, s.addr, "WATCH a c\r\nQUIT\r\n"); got != "+OK\r\n+OK\r\n" {
		t.Fatalf("got %q", got)
	}
	watched := make(chan int)
	s.loop.CallSoonThreadsafe(func() { watched <- len(s.srv.db.watched) })
	if n := <-watched; n != 0 {
		t.Fatalf("%d keys still watched after their connections closed", n)
	}
}

// A CONFIG or COMMAND subcommand that does not exist or has the wrong
// number of arguments is refused while queueing, as Redis 7 refuses any
// command it cannot run, so EXEC discards the transaction; the arity
// error names the subcommand, HELP's included. The bytes are
// redis-server 7.0's.
func TestBadSubcommandRefusedWhileQueueing(t *testing.T) {
	wire(t, "MULTI\r\nCONFIG FROB\r\nEXEC\r\nMULTI\r\nCONFIG GET\r\nEXEC\r\nMULTI\r\nCOMMAND FROB\r\nEXEC\r\n"+
		"MULTI\r\nCOMMAND COUNT x\r\nEXEC\r\nMULTI\r\nCONFIG GET save\r\nCOMMAND LIST x\r\nEXEC\r\n"+
		"CONFIG HELP x\r\nCOMMAND HELP x\r\nCONFIG\r\n",
		"+OK\r\n-ERR unknown subcommand 'FROB'. Try CONFIG HELP.\r\n-EXECABORT Transaction discarded because of previous errors.\r\n"+
			"+OK\r\n-ERR wrong number of arguments for 'config|get' command\r\n-EXECABORT Transaction discarded because of previous errors.\r\n"+
			"+OK\r\n-ERR unknown subcommand 'FROB'. Try COMMAND HELP.\r\n-EXECABORT Transaction discarded because of previous errors.\r\n"+
			"+OK\r\n-ERR wrong number of arguments for 'command|count' command\r\n-EXECABORT Transaction discarded because of previous errors.\r\n"+
			"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n*2\r\n$4\r\nsave\r\n$0\r\n\r\n-ERR syntax error\r\n"+
			"-ERR wrong number of arguments for 'config|help' command\r\n-ERR wrong number of arguments for 'command|help' command\r\n"+
			"-ERR wrong number of arguments for 'config' command\r\n")
}
