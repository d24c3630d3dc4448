package main

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// client is one connection's state between requests: its output buffer,
// which collects the answers to every request of one read so that they go
// out in one write, whether it asked to be closed, its transaction, and
// what CLIENT LIST tells of it.
type client struct {
	db       *db
	srv      *server
	p        parser
	maxQuery int
	out      []byte
	quit     bool
	name     [16]byte // the command name, lower-cased, for the table lookup
	tx       transaction

	id                   int64
	r                    *streams.StreamReader
	w                    *streams.StreamWriter // nil without a connection (in tests)
	clientName           string                // CLIENT SETNAME's
	libName, libVer      string                // CLIENT SETINFO's
	created, lastRequest int64                 // Unix ms
	cmd                  string                // the last command's name ("client|list"), "" if unknown
	resp3                bool                  // HELLO 3 asked for RESP3's replies
	blocked              *block                // what a blocking pop waits for, nil if none
	reading              *rt.Task[int]         // a ReadMore left pending by a blocked wait
	subs                 subscriptions         // SUBSCRIBE's and PSUBSCRIBE's
}

// command is one entry of the command table. arity follows Redis: n > 0
// takes exactly n arguments (the name included), n < 0 at least -n.
// flags, first, last and step are what COMMAND reports to clients.
// immediate commands run at once inside MULTI; the others are queued. A
// command with subcommands (CLIENT) has them in subs, by lower-case name,
// each a command of its own named "client|list", as Redis 7 names them,
// whose arity counts the command's name too.
type command struct {
	name               string
	arity              int
	flags              []string
	first, last, step  int
	immediate          bool
	run                func(c *client, args [][]byte)
	subs               map[string]*command
	errArity, errTimes string // preformatted error replies
}

// commands is the table, by lower-case name (filled by init, since
// COMMAND refers to it).
var commands map[string]*command

func init() {
	list := []*command{
		{name: "ping", arity: -1, flags: []string{"fast"}, run: cmdPing},
		{name: "echo", arity: 2, flags: []string{"fast"}, run: cmdEcho},
		{name: "set", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: 1, step: 1, run: cmdSet},
		{name: "get", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdGet},
		{name: "del", arity: -2, flags: []string{"write"}, first: 1, last: -1, step: 1, run: cmdDel},
		{name: "exists", arity: -2, flags: []string{"readonly", "fast"}, first: 1, last: -1, step: 1, run: cmdExists},
		{name: "incr", arity: 2, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdIncr},
		{name: "decr", arity: 2, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdDecr},
		{name: "incrby", arity: 3, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdIncrBy},
		{name: "decrby", arity: 3, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdDecrBy},
		{name: "expire", arity: -3, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdExpire},
		{name: "pexpire", arity: -3, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdPExpire},
		{name: "persist", arity: 2, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdPersist},
		{name: "ttl", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdTTL},
		{name: "pttl", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdPTTL},
		{name: "mget", arity: -2, flags: []string{"readonly", "fast"}, first: 1, last: -1, step: 1, run: cmdMGet},
		{name: "mset", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: -1, step: 2, run: cmdMSet},
		{name: "type", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdType},
		{name: "lpush", arity: -3, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdLPush},
		{name: "rpush", arity: -3, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdRPush},
		{name: "lpop", arity: -2, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdLPop},
		{name: "rpop", arity: -2, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdRPop},
		{name: "llen", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdLLen},
		{name: "lrange", arity: 4, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdLRange},
		{name: "lindex", arity: 3, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdLIndex},
		{name: "sadd", arity: -3, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdSAdd},
		{name: "srem", arity: -3, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdSRem},
		{name: "scard", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdSCard},
		{name: "sismember", arity: 3, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdSIsMember},
		{name: "smembers", arity: 2, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdSMembers},
		{name: "spop", arity: -2, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdSPop},
		{name: "hset", arity: -4, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdHSet},
		{name: "hget", arity: 3, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdHGet},
		{name: "hmget", arity: -3, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdHMGet},
		{name: "hdel", arity: -3, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdHDel},
		{name: "hlen", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdHLen},
		{name: "hexists", arity: 3, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdHExists},
		{name: "hgetall", arity: 2, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdHGetAll},
		{name: "hincrby", arity: 4, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdHIncrBy},
		{name: "zadd", arity: -4, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdZAdd},
		{name: "zincrby", arity: 4, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdZIncrBy},
		{name: "zscore", arity: 3, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdZScore},
		{name: "zcard", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdZCard},
		{name: "zrem", arity: -3, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdZRem},
		{name: "zrank", arity: 3, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdZRank},
		{name: "zrevrank", arity: 3, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdZRevRank},
		{name: "zrange", arity: -4, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdZRange},
		{name: "zrevrange", arity: -4, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdZRevRange},
		{name: "zrangebyscore", arity: -4, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdZRangeByScore},
		{name: "zrevrangebyscore", arity: -4, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdZRevRangeByScore},
		{name: "zcount", arity: 4, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdZCount},
		{name: "zpopmin", arity: -2, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdZPopMin},
		{name: "zpopmax", arity: -2, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdZPopMax},
		{name: "expireat", arity: -3, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdExpireAt},
		{name: "pexpireat", arity: -3, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdPExpireAt},
		{name: "append", arity: 3, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdAppend},
		{name: "strlen", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdStrLen},
		{name: "setnx", arity: 3, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdSetNX},
		{name: "setex", arity: 4, flags: []string{"write", "denyoom"}, first: 1, last: 1, step: 1, run: cmdSetEx},
		{name: "psetex", arity: 4, flags: []string{"write", "denyoom"}, first: 1, last: 1, step: 1, run: cmdPSetEx},
		{name: "getset", arity: 3, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdGetSet},
		{name: "getdel", arity: 2, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdGetDel},
		{name: "msetnx", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: -1, step: 2, run: cmdMSetNX},
		{name: "unlink", arity: -2, flags: []string{"write", "fast"}, first: 1, last: -1, step: 1, run: cmdDel},
		{name: "rename", arity: 3, flags: []string{"write"}, first: 1, last: 2, step: 1, run: cmdRename},
		{name: "renamenx", arity: 3, flags: []string{"write", "fast"}, first: 1, last: 2, step: 1, run: cmdRenameNX},
		{name: "scan", arity: -2, flags: []string{"readonly"}, run: cmdScan},
		{name: "keys", arity: 2, flags: []string{"readonly"}, run: cmdKeys},
		{name: "dbsize", arity: 1, flags: []string{"readonly", "fast"}, run: cmdDBSize},
		{name: "flushall", arity: -1, flags: []string{"write"}, run: cmdFlush},
		{name: "flushdb", arity: -1, flags: []string{"write"}, run: cmdFlush},
		{name: "select", arity: 2, flags: []string{"loading", "stale", "fast"}, run: cmdSelect},
		{name: "config", arity: -2, flags: []string{"admin", "noscript", "loading", "stale"}, subs: configCommands},
		{name: "command", arity: -1, flags: []string{"loading", "stale"}, run: cmdCommandAll, subs: commandCommands},
		{name: "quit", arity: -1, flags: []string{"allow_busy", "fast"}, immediate: true, run: cmdQuit},
		{name: "multi", arity: 1, flags: txFlags, immediate: true, run: cmdMulti},
		{name: "exec", arity: 1, flags: []string{"noscript", "loading", "stale", "skip_slowlog"}, immediate: true, run: cmdExec},
		{name: "discard", arity: 1, flags: txFlags, immediate: true, run: cmdDiscard},
		{name: "watch", arity: -2, flags: txFlags, first: 1, last: -1, step: 1, immediate: true, run: cmdWatch},
		{name: "unwatch", arity: 1, flags: txFlags, run: cmdUnwatch},
		{name: "client", arity: -2, flags: []string{}, subs: clientCommands},
		{name: "info", arity: -1, flags: []string{"loading", "stale"}, run: cmdInfo},
		{name: "hello", arity: -1, flags: connFlags, run: cmdHello},
		{name: "auth", arity: -2, flags: connFlags, run: cmdAuth},
		{name: "time", arity: 1, flags: []string{"loading", "stale", "fast"}, run: cmdTime},
		{name: "incrbyfloat", arity: 3, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdIncrByFloat},
		{name: "getex", arity: -2, flags: []string{"write", "fast"}, first: 1, last: 1, step: 1, run: cmdGetEx},
		{name: "getrange", arity: 4, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdGetRange},
		{name: "setrange", arity: 4, flags: []string{"write", "denyoom"}, first: 1, last: 1, step: 1, run: cmdSetRange},
		{name: "hincrbyfloat", arity: 4, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdHIncrByFloat},
		{name: "hkeys", arity: 2, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdHKeys},
		{name: "hvals", arity: 2, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdHVals},
		{name: "hsetnx", arity: 4, flags: []string{"write", "denyoom", "fast"}, first: 1, last: 1, step: 1, run: cmdHSetNX},
		{name: "hstrlen", arity: 3, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdHStrLen},
		{name: "lset", arity: 4, flags: []string{"write", "denyoom"}, first: 1, last: 1, step: 1, run: cmdLSet},
		{name: "ltrim", arity: 4, flags: []string{"write"}, first: 1, last: 1, step: 1, run: cmdLTrim},
		{name: "lrem", arity: 4, flags: []string{"write"}, first: 1, last: 1, step: 1, run: cmdLRem},
		{name: "linsert", arity: 5, flags: []string{"write", "denyoom"}, first: 1, last: 1, step: 1, run: cmdLInsert},
		{name: "lpos", arity: -3, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdLPos},
		{name: "lmove", arity: 5, flags: []string{"write", "denyoom"}, first: 1, last: 2, step: 1, run: cmdLMove},
		{name: "rpoplpush", arity: 3, flags: []string{"write", "denyoom"}, first: 1, last: 2, step: 1, run: cmdRPopLPush},
		{name: "srandmember", arity: -2, flags: []string{"readonly"}, first: 1, last: 1, step: 1, run: cmdSRandMember},
		{name: "smove", arity: 4, flags: []string{"write", "fast"}, first: 1, last: 2, step: 1, run: cmdSMove},
		{name: "sinter", arity: -2, flags: []string{"readonly"}, first: 1, last: -1, step: 1, run: cmdSInter},
		{name: "sunion", arity: -2, flags: []string{"readonly"}, first: 1, last: -1, step: 1, run: cmdSUnion},
		{name: "sdiff", arity: -2, flags: []string{"readonly"}, first: 1, last: -1, step: 1, run: cmdSDiff},
		{name: "sinterstore", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: -1, step: 1, run: cmdSInterStore},
		{name: "sunionstore", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: -1, step: 1, run: cmdSUnionStore},
		{name: "sdiffstore", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: -1, step: 1, run: cmdSDiffStore},
		{name: "randomkey", arity: 1, flags: []string{"readonly"}, run: cmdRandomKey},
		{name: "copy", arity: -3, flags: []string{"write", "denyoom"}, first: 1, last: 2, step: 1, run: cmdCopy},
		{name: "expiretime", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdExpireTime},
		{name: "pexpiretime", arity: 2, flags: []string{"readonly", "fast"}, first: 1, last: 1, step: 1, run: cmdPExpireTime},
		{name: "object", arity: -2, flags: []string{}, subs: objectCommands},
		{name: "memory", arity: -2, flags: []string{}, subs: memoryCommands},
		{name: "publish", arity: 3, flags: []string{"pubsub", "loading", "stale", "fast"}, run: cmdPublish},
		{name: "subscribe", arity: -2, flags: pubsubFlags, run: cmdSubscribe},
		{name: "unsubscribe", arity: -1, flags: pubsubFlags, run: cmdUnsubscribe},
		{name: "psubscribe", arity: -2, flags: pubsubFlags, run: cmdPSubscribe},
		{name: "punsubscribe", arity: -1, flags: pubsubFlags, run: cmdPUnsubscribe},
		{name: "pubsub", arity: -2, flags: []string{}, subs: pubsubCommands},
		{name: "blpop", arity: -3, flags: []string{"write", "noscript", "blocking"}, first: 1, last: -2, step: 1, run: cmdBLPop},
		{name: "brpop", arity: -3, flags: []string{"write", "noscript", "blocking"}, first: 1, last: -2, step: 1, run: cmdBRPop},
		{name: "blmove", arity: 6, flags: []string{"write", "denyoom", "noscript", "blocking"}, first: 1, last: 2, step: 1, run: cmdBLMove},
		{name: "brpoplpush", arity: 4, flags: []string{"write", "denyoom", "noscript", "blocking"}, first: 1, last: 2, step: 1, run: cmdBRPopLPush},
	}
	commands = make(map[string]*command, len(list))
	for _, c := range list {
		c.errArity = "ERR wrong number of arguments for '" + c.name + "' command"
		c.errTimes = "ERR invalid expire time in '" + c.name + "' command"
		commands[c.name] = c
	}
}

// subcommands makes the table of parent's subcommands, naming each
// "parent|sub".
func subcommands(parent string, list []*command) map[string]*command {
	subs := make(map[string]*command, len(list))
	for _, c := range list {
		subs[c.name] = c
		c.name = parent + "|" + c.name
		c.errArity = "ERR wrong number of arguments for '" + c.name + "' command"
	}
	return subs
}

const (
	errSyntax   = "ERR syntax error"
	errNotInt   = "ERR value is not an integer or out of range"
	errOverflow = "ERR increment or decrement would overflow"
)

// execute runs one request, or queues it inside MULTI, and appends its
// answer to c.out. Nothing it does allocates on the GET/SET path once the
// key exists.
func (c *client) execute(args [][]byte) {
	cmd := c.find(commands, args[0])
	if cmd == nil {
		c.cmd = ""
		c.tx.refuse()
		c.unknown(args)
		return
	}
	if cmd.subs != nil && len(args) > 1 {
		sub := c.find(cmd.subs, args[1])
		if sub == nil {
			c.cmd = ""
			c.tx.refuse()
			c.out = appendError(c.out, "ERR unknown subcommand '"+string(appendClean(nil, args[1], 128))+"'. Try "+strings.ToUpper(cmd.name)+" HELP.")
			return
		}
		cmd = sub
	}
	c.cmd = cmd.name
	if cmd.arity > 0 && len(args) != cmd.arity || cmd.arity < 0 && len(args) < -cmd.arity {
		c.badArity(cmd)
		return
	}
	if len(c.subs.channels)+len(c.subs.patterns) != 0 && !c.resp3 && !pubsubAllowed(cmd) {
		c.tx.refuse()
		c.out = appendError(c.out, "ERR Can't execute '"+cmd.name+"': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
		return
	}
	if c.tx.on && !cmd.immediate {
		c.tx.add(cmd, args)
		c.out = append(c.out, "+QUEUED\r\n"...)
		return
	}
	cmd.run(c, args)
	c.srv.stats.commands++
	if len(c.db.ready) != 0 {
		c.db.serveReady()
	}
}

// find looks name up in table, ignoring case, without allocating.
func (c *client) find(table map[string]*command, name []byte) *command {
	if len(name) > len(c.name) {
		return nil
	}
	for i, b := range name {
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		c.name[i] = b
	}
	return table[string(c.name[:len(name)])]
}

// unknown answers an unknown command as Redis 7 words it: the name, then
// the arguments until 128 bytes of them are listed, the last cut to fit.
func (c *client) unknown(args [][]byte) {
	c.out = append(c.out, "-ERR unknown command '"...)
	c.out = appendClean(c.out, args[0], 128)
	c.out = append(c.out, "', with args beginning with: "...)
	start := len(c.out)
	for _, a := range args[1:] {
		used := len(c.out) - start
		if used >= 128 {
			break
		}
		c.out = append(c.out, '\'')
		c.out = appendClean(c.out, a, 128-used)
		c.out = append(c.out, "' "...)
	}
	c.out = append(c.out, '\r', '\n')
}

// appendClean appends b as Redis's error replies quote an argument with
// "%.Ns": up to its first NUL byte, at most n bytes, with CR and LF (which
// would break an error line) turned into spaces.
func appendClean(out, b []byte, n int) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	for _, x := range b[:min(len(b), n)] {
		if x == '\r' || x == '\n' {
			x = ' '
		}
		out = append(out, x)
	}
	return out
}

func (c *client) ok() { c.out = append(c.out, "+OK\r\n"...) }

func cmdPing(c *client, args [][]byte) {
	if c.subs.count() != 0 && !c.resp3 && len(args) <= 2 {
		// In RESP2's subscribed mode a reply must look like a message.
		var arg []byte
		if len(args) == 2 {
			arg = args[1]
		}
		c.out = appendArray(c.out, 2)
		c.out = appendBulkString(c.out, "pong")
		c.out = appendBulk(c.out, arg)
		return
	}
	switch len(args) {
	case 1:
		c.out = append(c.out, "+PONG\r\n"...)
	case 2:
		c.out = appendBulk(c.out, args[1])
	default:
		c.out = appendError(c.out, commands["ping"].errArity)
	}
}

func cmdEcho(c *client, args [][]byte) { c.out = appendBulk(c.out, args[1]) }

func cmdQuit(c *client, _ [][]byte) {
	c.ok()
	c.quit = true
}

func cmdSelect(c *client, args [][]byte) {
	n, ok := parseInt(args[1])
	switch {
	case !ok:
		c.out = appendError(c.out, errNotInt)
	case n < math.MinInt32 || n > math.MaxInt32: // Redis reads the index as a C int
		c.out = appendError(c.out, "ERR value is out of range, value must between -2147483648 and 2147483647")
	case n != 0:
		c.out = appendError(c.out, "ERR DB index is out of range")
	default:
		c.ok()
	}
}

// cmdSet is SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL].
// As in Redis, the options are read first and the expiry's number after,
// so a syntax error wins over a bad number, and an expiry option may be
// repeated (the last one counts) but not mixed with another kind.
func cmdSet(c *client, args [][]byte) {
	var nx, xx, get, keep bool
	var expiry string // the expiry option given, lower-case, "" if none
	var num []byte    // and its number
	for i := 3; i < len(args); i++ {
		opt := args[i]
		hasNext := i+1 < len(args)
		switch {
		case isWord(opt, "nx") && !xx:
			nx = true
		case isWord(opt, "xx") && !nx:
			xx = true
		case isWord(opt, "get"):
			get = true
		case isWord(opt, "keepttl") && expiry == "":
			keep = true
		default:
			w := expiryWord(opt)
			if w == "" || !hasNext || keep || expiry != "" && expiry != w {
				c.out = appendError(c.out, errSyntax)
				return
			}
			expiry, num = w, args[i+1]
			i++
		}
	}
	d := c.db
	var at int64
	if expiry != "" {
		n, ok := parseInt(num)
		if !ok {
			c.out = appendError(c.out, errNotInt)
			return
		}
		// EX and PX count from now; EXAT and PXAT are Unix times.
		if at = d.deadline(n, expiry[0] == 'e', len(expiry) == 2); at == 0 {
			c.out = appendError(c.out, commands["set"].errTimes)
			return
		}
	}
	e := d.lookup(args[1])
	if get && e != nil && e.coll != nil {
		c.out = appendError(c.out, errWrongType)
		return
	}
	if get {
		if e == nil {
			c.null()
		} else {
			c.out = appendBulk(c.out, e.val)
		}
	}
	if nx && e != nil || xx && e == nil {
		if !get {
			c.null()
		}
		return
	}
	e = d.set(args[1], args[2], keep)
	if at != 0 {
		d.expire(args[1], e, at)
	}
	if !get {
		c.ok()
	}
}

// expiryWord returns SET's expiry option opt (EX, PX, EXAT or PXAT) in
// lower case, or "" if it is none of them.
func expiryWord(opt []byte) string {
	for _, w := range [...]string{"ex", "px", "exat", "pxat"} {
		if isWord(opt, w) {
			return w
		}
	}
	return ""
}

// isWord reports whether b equals the lower-case word w, ignoring case.
func isWord(b []byte, w string) bool {
	if len(b) != len(w) {
		return false
	}
	for i := range b {
		if b[i]|0x20 != w[i] {
			return false
		}
	}
	return true
}

func cmdGet(c *client, args [][]byte) {
	e, ok := c.str(args[1])
	switch {
	case !ok:
	case e != nil:
		c.out = appendBulk(c.out, e.val)
	default:
		c.null()
	}
}

func cmdDel(c *client, args [][]byte) {
	n := 0
	for _, k := range args[1:] {
		if c.db.del(k) {
			n++
		}
	}
	c.out = appendInt(c.out, int64(n))
}

func cmdExists(c *client, args [][]byte) {
	n := 0
	for _, k := range args[1:] {
		if c.db.lookup(k) != nil {
			n++
		}
	}
	c.out = appendInt(c.out, int64(n))
}

func cmdIncr(c *client, args [][]byte) { c.incrBy(args[1], 1) }
func cmdDecr(c *client, args [][]byte) { c.incrBy(args[1], -1) }

func cmdIncrBy(c *client, args [][]byte) {
	if by, ok := parseInt(args[2]); ok {
		c.incrBy(args[1], by)
		return
	}
	c.out = appendError(c.out, errNotInt)
}

func cmdDecrBy(c *client, args [][]byte) {
	by, ok := parseInt(args[2])
	switch {
	case !ok:
		c.out = appendError(c.out, errNotInt)
	case by == math.MinInt64:
		c.out = appendError(c.out, "ERR decrement would overflow")
	default:
		c.incrBy(args[1], -by)
	}
}

// addInt is v+by, and false where that overflows an int64.
func addInt(v, by int64) (int64, bool) {
	if by > 0 && v > math.MaxInt64-by || by < 0 && v < math.MinInt64-by {
		return 0, false
	}
	return v + by, true
}

// incrBy adds by to the integer at key (0 if missing), keeping its TTL.
func (c *client) incrBy(key []byte, by int64) {
	e, ok := c.str(key)
	if !ok {
		return
	}
	var v int64
	if e != nil {
		if v, ok = parseInt(e.val); !ok {
			c.out = appendError(c.out, errNotInt)
			return
		}
	}
	if v, ok = addInt(v, by); !ok {
		c.out = appendError(c.out, errOverflow)
		return
	}
	var num [20]byte
	c.db.set(key, strconv.AppendInt(num[:0], v, 10), true)
	c.out = appendInt(c.out, v)
}

func cmdExpire(c *client, args [][]byte)    { c.expire(args, "expire", time.Second, false) }
func cmdPExpire(c *client, args [][]byte)   { c.expire(args, "pexpire", time.Millisecond, false) }
func cmdExpireAt(c *client, args [][]byte)  { c.expire(args, "expireat", time.Second, true) }
func cmdPExpireAt(c *client, args [][]byte) { c.expire(args, "pexpireat", time.Millisecond, true) }

// expire is EXPIRE/PEXPIRE key n [NX|XX|GT|LT], and EXPIREAT/PEXPIREAT
// with a Unix time (absolute) instead of a TTL. As in Redis, the options
// are checked before the number, and the deadline may be in the past
// (which deletes the key) but not overflow.
func (c *client) expire(args [][]byte, name string, unit time.Duration, absolute bool) {
	var nx, xx, gt, lt bool
	for _, opt := range args[3:] {
		switch {
		case isWord(opt, "nx"):
			nx = true
		case isWord(opt, "xx"):
			xx = true
		case isWord(opt, "gt"):
			gt = true
		case isWord(opt, "lt"):
			lt = true
		default:
			c.out = appendError(c.out, "ERR Unsupported option "+string(opt))
			return
		}
	}
	if nx && (xx || gt || lt) {
		c.out = appendError(c.out, "ERR NX and XX, GT or LT options at the same time are not compatible")
		return
	}
	if gt && lt {
		c.out = appendError(c.out, "ERR GT and LT options at the same time are not compatible")
		return
	}
	n, ok := parseInt(args[2])
	if !ok {
		c.out = appendError(c.out, errNotInt)
		return
	}
	if unit == time.Second {
		if n > math.MaxInt64/1000 || n < math.MinInt64/1000 {
			c.out = appendError(c.out, commands[name].errTimes)
			return
		}
		n *= 1000
	}
	d := c.db
	var base int64 // what n counts from
	if !absolute {
		base = d.now()
	}
	if n > math.MaxInt64-base {
		c.out = appendError(c.out, commands[name].errTimes)
		return
	}
	at := n + base
	e := d.lookup(args[1])
	if e == nil {
		c.out = appendInt(c.out, 0)
		return
	}
	// GT and LT compare with the current TTL, no TTL counting as infinite.
	if nx && e.expireAt != 0 || xx && e.expireAt == 0 ||
		gt && (e.expireAt == 0 || at <= e.expireAt) || lt && e.expireAt != 0 && at >= e.expireAt {
		c.out = appendInt(c.out, 0)
		return
	}
	d.expire(args[1], e, at)
	c.out = appendInt(c.out, 1)
}

func cmdPersist(c *client, args [][]byte) {
	e := c.db.lookup(args[1])
	if e == nil || e.expireAt == 0 {
		c.out = appendInt(c.out, 0)
		return
	}
	c.db.persist(args[1], e)
	c.out = appendInt(c.out, 1)
}

func cmdTTL(c *client, args [][]byte)  { c.ttl(args[1], time.Second, false) }
func cmdPTTL(c *client, args [][]byte) { c.ttl(args[1], time.Millisecond, false) }

// ttl answers -2 for a missing key, -1 for one without a deadline, else
// the time left, or with absolute (EXPIRETIME, PEXPIRETIME) the deadline
// as a Unix time, rounded to the nearest unit as Redis does.
func (c *client) ttl(key []byte, unit time.Duration, absolute bool) {
	e := c.db.lookup(key)
	if e == nil || e.expireAt == 0 {
		c.out = appendInt(c.out, bool01(e != nil)-2)
		return
	}
	t := e.expireAt
	if !absolute {
		t -= c.db.now()
	}
	if unit == time.Second {
		t = (t + 500) / 1000
	}
	c.out = appendInt(c.out, t)
}

func cmdMGet(c *client, args [][]byte) {
	c.out = appendArray(c.out, len(args)-1)
	for _, k := range args[1:] {
		if e := c.db.lookup(k); e != nil && e.coll == nil {
			c.out = appendBulk(c.out, e.val)
		} else {
			c.null()
		}
	}
}

func cmdMSet(c *client, args [][]byte) {
	if len(args)%2 != 1 {
		c.out = appendError(c.out, commands["mset"].errArity)
		return
	}
	for i := 1; i < len(args); i += 2 {
		c.db.set(args[i], args[i+1], false)
	}
	c.ok()
}

func cmdKeys(c *client, args [][]byte) {
	d := c.db
	now := d.now()
	all := len(args[1]) == 1 && args[1][0] == '*'
	var keys []string
	for k, e := range d.m {
		if !e.expired(now) && (all || globMatch(args[1], k)) {
			keys = append(keys, k)
		}
	}
	c.out = appendArray(c.out, len(keys))
	for _, k := range keys {
		c.out = appendBulkString(c.out, k)
	}
}

func cmdDBSize(c *client, _ [][]byte) { c.out = appendInt(c.out, int64(len(c.db.m))) }

func cmdFlush(c *client, args [][]byte) {
	if len(args) > 2 || len(args) == 2 && !isWord(args[1], "async") && !isWord(args[1], "sync") {
		c.out = appendError(c.out, errSyntax)
		return
	}
	c.db.flush()
	c.ok()
}
