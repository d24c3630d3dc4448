package main

import (
	"cmp"
	"fmt"
	"slices"
)

// CLIENT: what a connection tells of itself (SETNAME, SETINFO) and learns
// of itself and the others (ID, GETNAME, INFO, LIST), and KILL. Client
// libraries name their connections with SETNAME, redis-py 5 sends SETINFO
// on connecting, and tools list connections with LIST, which they parse
// as "field=value" pairs: the line has Redis's fields in Redis's order.

var clientCommands = subcommands("client", []*command{
	{name: "id", arity: 2, run: cmdClientID},
	{name: "setname", arity: 3, run: cmdClientSetname},
	{name: "getname", arity: 2, run: cmdClientGetname},
	{name: "setinfo", arity: 4, run: cmdClientSetinfo},
	{name: "info", arity: 2, run: cmdClientInfo},
	{name: "list", arity: -2, run: cmdClientList},
	{name: "kill", arity: -3, run: cmdClientKill},
	{name: "help", arity: 2, run: func(c *client, _ [][]byte) { c.help("CLIENT", clientHelp) }},
})

var clientHelp = []string{
	"GETNAME",
	"    Return the name of the current connection.",
	"ID",
	"    Return the ID of the current connection.",
	"INFO",
	"    Return information about the current client connection.",
	"KILL <ip:port>",
	"    Kill connection made from <ip:port>.",
	"KILL <option> <value> [<option> <value> [...]]",
	"    Kill connections. Options are:",
	"    * ID <client-id>",
	"      Kill connections by client id.",
	"    * ADDR <ip:port>",
	"      Kill connections made from the specified address",
	"    * LADDR <ip:port>",
	"      Kill connections made to specified local address",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Kill connections by type.",
	"    * USER <username>",
	"      Kill connections authenticated by <username>.",
	"    * SKIPME (YES|NO)",
	"      Skip killing current connection (default: yes).",
	"LIST [options ...]",
	"    Return information about client connections. Options:",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Return clients of specified type.",
	"    * ID <client-id> [<client-id> ...]",
	"      Return clients with the given ids.",
	"SETNAME <name>",
	"    Assign the name <name> to the current connection.",
	"SETINFO <LIB-NAME|LIB-VER> <value>",
	"    Set the client's library name or version, as CLIENT LIST shows them.",
}

func cmdClientID(c *client, _ [][]byte) { c.out = appendInt(c.out, c.id) }

const errClientName = "ERR Client names cannot contain spaces, newlines or special characters."

func cmdClientSetname(c *client, args [][]byte) {
	if !printable(args[2]) {
		c.out = appendError(c.out, errClientName)
		return
	}
	c.clientName = string(args[2])
	c.ok()
}

func cmdClientGetname(c *client, _ [][]byte) {
	if c.clientName == "" {
		c.null()
		return
	}
	c.out = appendBulkString(c.out, c.clientName)
}

// cmdClientSetinfo is CLIENT SETINFO LIB-NAME|LIB-VER value, as Redis 7.2
// has it (7.0 has no SETINFO; redis-py 5 sends it on connecting).
func cmdClientSetinfo(c *client, args [][]byte) {
	var dst *string
	switch attr := args[2]; {
	case isWord(attr, "lib-name"):
		dst = &c.libName
	case isWord(attr, "lib-ver"):
		dst = &c.libVer
	default:
		c.out = appendError(c.out, "ERR Unrecognized option '"+string(appendClean(nil, attr, 128))+"'")
		return
	}
	if !printable(args[3]) {
		c.out = appendError(c.out, "ERR "+string(appendClean(nil, args[2], 128))+" cannot contain spaces, newlines or special characters.")
		return
	}
	*dst = string(args[3])
	c.ok()
}

// printable reports whether b is made only of the bytes Redis allows in
// a client's name: printable ASCII without the space.
func printable(b []byte) bool {
	for _, x := range b {
		if x < '!' || x > '~' {
			return false
		}
	}
	return true
}

func cmdClientInfo(c *client, _ [][]byte) {
	c.verbatim(c.describe(nil, c.db.now()))
}

// cmdClientList is CLIENT LIST [TYPE type | ID id...]: every connection,
// oldest first, those of a type (all are "normal" here), or those with
// the ids given, in their order.
func cmdClientList(c *client, args [][]byte) {
	var list []*client
	switch {
	case len(args) == 2:
		list = c.srv.sortedClients()
	case len(args) == 4 && isWord(args[2], "type"):
		normal, ok := clientType(args[3])
		if !ok {
			c.out = appendError(c.out, "ERR Unknown client type '"+string(appendClean(nil, args[3], 128))+"'")
			return
		}
		if normal {
			list = c.srv.sortedClients()
		}
	case len(args) > 3 && isWord(args[2], "id"):
		for _, a := range args[3:] {
			id, ok := parseInt(a)
			if !ok {
				c.out = appendError(c.out, "ERR Invalid client ID")
				return
			}
			if o := c.srv.clients[id]; o != nil {
				list = append(list, o)
			}
		}
	default:
		c.out = appendError(c.out, errSyntax)
		return
	}
	var b []byte
	now := c.db.now()
	for _, o := range list {
		b = o.describe(b, now)
	}
	c.verbatim(b)
}

// clientType reads a client type of CLIENT LIST and KILL: ok is false
// for none of Redis's, normal is true for the only kind this server has.
func clientType(b []byte) (normal, ok bool) {
	for _, w := range [...]string{"master", "replica", "slave", "pubsub"} {
		if isWord(b, w) {
			return false, true
		}
	}
	return isWord(b, "normal"), isWord(b, "normal")
}

// describe appends c's line of CLIENT LIST, in Redis 7.0's fields and
// order and with 7.2's lib-name and lib-ver last. The memory fields count
// what this server holds for the connection: its unread requests (qbuf),
// its answers not yet written (obl) or not yet sent (omem), its queued
// transaction (multi-mem); Redis's buffers that have no counterpart here
// (qbuf-free, argv-mem, rbs, rbp, oll) are 0.
func (c *client) describe(out []byte, now int64) []byte {
	flags := ""
	if c.tx.on {
		flags += "x"
	}
	if c.tx.dirty {
		flags += "d"
	}
	if c.blocked != nil {
		flags += "b"
	}
	if c.subs.count() != 0 {
		flags += "P"
	}
	if flags == "" {
		flags = "N"
	}
	multi, multiMem := -1, 0
	if c.tx.on {
		multi = len(c.tx.queue)
		for _, q := range c.tx.queue {
			for _, a := range q.args {
				multiMem += len(a)
			}
		}
	}
	qbuf, omem := 0, 0
	if c.r != nil {
		qbuf = c.r.Buffered()
	}
	if c.w != nil {
		omem = c.w.Transport().GetWriteBufferSize()
	}
	events := "r"
	if omem > 0 {
		events = "rw"
	}
	cmd := c.cmd
	if cmd == "" {
		cmd = "NULL"
	}
	addr, laddr, fd := c.conn()
	return fmt.Appendf(out, "id=%d addr=%s laddr=%s fd=%d name=%s age=%d idle=%d flags=%s db=0 sub=%d psub=%d ssub=0 "+
		"multi=%d qbuf=%d qbuf-free=0 argv-mem=0 multi-mem=%d rbs=0 rbp=0 obl=%d oll=0 omem=%d tot-mem=%d "+
		"events=%s cmd=%s user=default redir=-1 resp=%d lib-name=%s lib-ver=%s\n",
		c.id, addr, laddr, fd, c.clientName, (now-c.created)/1000, (now-c.lastRequest)/1000, flags, len(c.subs.channels), len(c.subs.patterns),
		multi, qbuf, multiMem, len(c.out), omem, qbuf+multiMem+len(c.out)+omem,
		events, cmd, c.proto(), c.libName, c.libVer)
}

// killFilter is what CLIENT KILL matches connections by; zero values
// match all.
type killFilter struct {
	id          int64
	addr, laddr string
	none        bool // TYPE of a kind this server does not have
	skipMe      bool
}

func (f *killFilter) match(c *client) bool {
	if f.none || f.id != 0 && c.id != f.id {
		return false
	}
	addr, laddr, _ := c.conn()
	return (f.addr == "" || addr == f.addr) && (f.laddr == "" || laddr == f.laddr)
}

// cmdClientKill is CLIENT KILL addr, answered OK or an error, and CLIENT
// KILL filter value ..., answered with the count killed. The caller
// itself is closed after its answer, and only when the old form names it
// or the new one says SKIPME no.
func cmdClientKill(c *client, args [][]byte) {
	var f killFilter
	if len(args) == 3 {
		f.addr = string(args[2])
	} else if !c.parseKillFilter(args[2:], &f) {
		return
	}
	killed, self := 0, false
	for _, o := range c.srv.sortedClients() {
		if !f.match(o) || o == c && f.skipMe {
			continue
		}
		if o == c {
			self = true
		} else {
			c.srv.kill(o)
		}
		killed++
	}
	switch {
	case len(args) > 3:
		c.out = appendInt(c.out, int64(killed))
	case killed == 0:
		c.out = appendError(c.out, "ERR No such client")
	default:
		c.ok()
	}
	if self {
		c.quit = true
	}
}

// parseKillFilter reads CLIENT KILL's option-value pairs into f, or
// answers the error and returns false.
func (c *client) parseKillFilter(opts [][]byte, f *killFilter) bool {
	f.skipMe = true
	for i := 0; i < len(opts); i += 2 {
		opt := opts[i]
		if i+1 == len(opts) {
			c.out = appendError(c.out, errSyntax)
			return false
		}
		val := opts[i+1]
		switch {
		case isWord(opt, "id"):
			id, ok := parseInt(val)
			if !ok || id < 1 {
				c.out = appendError(c.out, "ERR client-id should be greater than 0")
				return false
			}
			f.id = id
		case isWord(opt, "type"):
			normal, ok := clientType(val)
			if !ok {
				c.out = appendError(c.out, "ERR Unknown client type '"+string(appendClean(nil, val, 128))+"'")
				return false
			}
			f.none = f.none || !normal
		case isWord(opt, "addr"):
			f.addr = string(val)
		case isWord(opt, "laddr"):
			f.laddr = string(val)
		case isWord(opt, "user"):
			if string(val) != "default" { // the only user there is
				c.out = appendError(c.out, "ERR No such user '"+string(appendClean(nil, val, 128))+"'")
				return false
			}
		case isWord(opt, "skipme") && (isWord(val, "yes") || isWord(val, "no")):
			f.skipMe = isWord(val, "yes")
		default:
			c.out = appendError(c.out, errSyntax)
			return false
		}
	}
	return true
}

// sortedClients returns the connections oldest first.
func (s *server) sortedClients() []*client {
	list := make([]*client, 0, len(s.clients))
	for _, c := range s.clients {
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b *client) int { return cmp.Compare(a.id, b.id) })
	return list
}

// kill closes another connection at once, dropping what it has not sent,
// as Redis frees a client it kills; it leaves the list now, not when its
// coroutine sees the connection gone.
func (s *server) kill(c *client) {
	s.disconnect(c)
	if c.w != nil {
		c.w.Transport().Abort()
	}
}
