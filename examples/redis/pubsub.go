package main

import (
	"slices"
	"sort"
)

// Pub/sub: PUBLISH, SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE and
// PUBSUB CHANNELS, NUMSUB, NUMPAT, as Redis 7.0 answers them: each
// (un)subscription and each message is an array in RESP2, a push (">")
// in RESP3; a RESP2 connection with a subscription may only
// (un)subscribe, PING (answered ["pong", arg]) and QUIT. A message goes
// to the subscribers of its channel, in the order they subscribed, then
// to those of each matching pattern, in the order the patterns were
// first subscribed to; it is written to each subscriber's connection at
// once (the transport copies it), since a subscriber's coroutine is
// waiting for its own requests.

// pubsub is the server's subscriptions.
type pubsub struct {
	channels map[string][]*client
	patterns map[string][]*client
	order    []string // the patterns, in the order first subscribed to
}

// subscriptions is one client's, in the order it made them.
type subscriptions struct {
	channels, patterns []string
}

func (s *subscriptions) count() int { return len(s.channels) + len(s.patterns) }

var pubsubFlags = []string{"pubsub", "noscript", "loading", "stale"}

var pubsubCommands = subcommands("pubsub", []*command{
	{name: "channels", arity: -2, flags: []string{"pubsub", "loading", "stale"}, run: cmdPubSubChannels},
	{name: "numsub", arity: -2, flags: []string{"pubsub", "loading", "stale"}, run: cmdPubSubNumSub},
	{name: "numpat", arity: 2, flags: []string{"pubsub", "loading", "stale"}, run: func(c *client, _ [][]byte) {
		c.out = appendInt(c.out, int64(len(c.srv.ps.patterns)))
	}},
	{name: "help", arity: 2, flags: []string{"loading", "stale"}, run: func(c *client, _ [][]byte) { c.help("PUBSUB", pubsubHelp) }},
})

var pubsubHelp = []string{
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
}

// subReply writes a (un)subscription's confirmation: its kind, the
// channel or pattern (nil when there was none to remove), the count of
// subscriptions left.
func (c *client) subReply(kind string, name []byte, isNil bool) {
	if c.resp3 {
		c.out = appendLen(c.out, '>', 3)
	} else {
		c.out = appendArray(c.out, 3)
	}
	c.out = appendBulkString(c.out, kind)
	if isNil {
		c.null()
	} else {
		c.out = appendBulk(c.out, name)
	}
	c.out = appendInt(c.out, int64(c.subs.count()))
}

func cmdSubscribe(c *client, args [][]byte)  { c.subscribe(args[1:], false) }
func cmdPSubscribe(c *client, args [][]byte) { c.subscribe(args[1:], true) }

func (c *client) subscribe(names [][]byte, pattern bool) {
	ps := &c.srv.ps
	table, mine, kind := ps.channels, &c.subs.channels, "subscribe"
	if pattern {
		table, mine, kind = ps.patterns, &c.subs.patterns, "psubscribe"
	}
	for _, n := range names {
		name := string(n)
		if !slices.Contains(*mine, name) {
			*mine = append(*mine, name)
			if pattern && len(table[name]) == 0 {
				ps.order = append(ps.order, name)
			}
			table[name] = append(table[name], c)
		}
		c.subReply(kind, n, false)
	}
}

func cmdUnsubscribe(c *client, args [][]byte)  { c.unsubscribe(args[1:], false, true) }
func cmdPUnsubscribe(c *client, args [][]byte) { c.unsubscribe(args[1:], true, true) }

// unsubscribe removes the names given, or with none every channel (or
// pattern) of c, confirming each if reply.
func (c *client) unsubscribe(names [][]byte, pattern, reply bool) {
	ps := &c.srv.ps
	table, mine, kind := ps.channels, &c.subs.channels, "unsubscribe"
	if pattern {
		table, mine, kind = ps.patterns, &c.subs.patterns, "punsubscribe"
	}
	if len(names) == 0 {
		if len(*mine) == 0 && reply {
			c.subReply(kind, nil, true)
		}
		for _, name := range slices.Clone(*mine) {
			names = append(names, []byte(name))
		}
	}
	for _, n := range names {
		name := string(n)
		if i := slices.Index(*mine, name); i >= 0 {
			*mine = slices.Delete(*mine, i, i+1)
			cs := table[name]
			cs = slices.Delete(cs, slices.Index(cs, c), slices.Index(cs, c)+1)
			if len(cs) == 0 {
				delete(table, name)
				if pattern {
					ps.order = slices.DeleteFunc(ps.order, func(p string) bool { return p == name })
				}
			} else {
				table[name] = cs
			}
		}
		if reply {
			c.subReply(kind, n, false)
		}
	}
}

// cmdPublish delivers a message and answers how many received it.
func cmdPublish(c *client, args [][]byte) {
	ps := &c.srv.ps
	n := 0
	for _, s := range ps.channels[string(args[1])] {
		s.deliver(c, nil, args[1], args[2])
		n++
	}
	for _, p := range ps.order {
		if !globMatch([]byte(p), string(args[1])) {
			continue
		}
		for _, s := range ps.patterns[p] {
			s.deliver(c, []byte(p), args[1], args[2])
			n++
		}
	}
	c.out = appendInt(c.out, int64(n))
}

// deliver sends s a message published by from: into from's own output
// if s is from, straight to s's connection otherwise.
func (s *client) deliver(from *client, pattern, channel, msg []byte) {
	if s == from {
		s.out = appendMessage(s.out, s.resp3, pattern, channel, msg)
		return
	}
	if s.w == nil || s.w.IsClosing() {
		return
	}
	b := appendMessage(s.srv.pubBuf[:0], s.resp3, pattern, channel, msg)
	s.srv.pubBuf = b
	s.w.Write(b) // the transport copies what it keeps
	s.srv.stats.netOut += int64(len(b))
}

// appendMessage appends a message (with its pattern, a pmessage) as a
// push in RESP3, an array in RESP2.
func appendMessage(out []byte, resp3 bool, pattern, channel, msg []byte) []byte {
	head := byte('*')
	if resp3 {
		head = '>'
	}
	if pattern == nil {
		out = appendLen(out, head, 3)
		out = appendBulkString(out, "message")
	} else {
		out = appendLen(out, head, 4)
		out = appendBulkString(out, "pmessage")
		out = appendBulk(out, pattern)
	}
	out = appendBulk(out, channel)
	return appendBulk(out, msg)
}

func cmdPubSubChannels(c *client, args [][]byte) {
	if len(args) > 3 {
		c.out = appendError(c.out, "ERR unknown subcommand or wrong number of arguments for '"+string(args[1])+"'. Try PUBSUB HELP.")
		return
	}
	var names []string
	for ch := range c.srv.ps.channels {
		if len(args) == 2 || globMatch(args[2], ch) {
			names = append(names, ch)
		}
	}
	sort.Strings(names)
	c.out = appendArray(c.out, len(names))
	for _, n := range names {
		c.out = appendBulkString(c.out, n)
	}
}

func cmdPubSubNumSub(c *client, args [][]byte) {
	c.out = appendArray(c.out, 2*(len(args)-2)) // flat in RESP3 too, as in Redis 7.0
	for _, ch := range args[2:] {
		c.out = appendBulk(c.out, ch)
		c.out = appendInt(c.out, int64(len(c.srv.ps.channels[string(ch)])))
	}
}

// pubsubAllowed reports whether cmd may run on a RESP2 connection with
// subscriptions.
func pubsubAllowed(cmd *command) bool {
	switch cmd.name {
	case "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ping", "quit":
		return true
	}
	return false
}
