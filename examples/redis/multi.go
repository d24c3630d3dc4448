package main

import "strings"

// Transactions: MULTI queues a connection's commands until EXEC runs them
// all at once, or DISCARD drops them; WATCH makes EXEC run them only if
// none of the keys watched changed in between, which is Redis's
// optimistic locking. The keyspace is one loop's, so EXEC needs no lock:
// nothing else runs while it does.

// transaction is a connection's MULTI and WATCH state.
type transaction struct {
	on      bool     // between MULTI and EXEC or DISCARD
	queue   []queued // the commands MULTI has queued, in order
	refused bool     // a command was refused while queueing: EXEC discards them all
	watched []string // the keys WATCHed, each in db.watched too
	dirty   bool     // one of them has changed since: EXEC answers a null array
}

// queued is a command waiting for EXEC. Its arguments are copies: a
// request's own alias the reader's buffer, which the next read reuses.
type queued struct {
	cmd  *command
	args [][]byte
}

// txFlags are what COMMAND reports of MULTI, DISCARD, WATCH and UNWATCH.
var txFlags = []string{"noscript", "loading", "stale", "fast", "allow_busy"}

// add queues cmd with a copy of args, all in one buffer.
func (t *transaction) add(cmd *command, args [][]byte) {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	buf := make([]byte, 0, n)
	cp := make([][]byte, len(args))
	for i, a := range args {
		buf = append(buf, a...)
		cp[i] = buf[len(buf)-len(a) : len(buf) : len(buf)]
	}
	t.queue = append(t.queue, queued{cmd: cmd, args: cp})
}

// refuse records that a command was refused (unknown, or with the wrong
// number of arguments): inside MULTI, that dooms the transaction, as
// Redis does, since the client would otherwise run only part of it.
func (t *transaction) refuse() {
	if t.on {
		t.refused = true
	}
}

// badArity answers a command given the wrong number of arguments. EXEC's
// answer says the transaction is discarded, which it is, in or out of
// MULTI, as Redis 7 does.
func (c *client) badArity(cmd *command) {
	if cmd.name == "exec" {
		c.out = appendError(c.out, "EXECABORT Transaction discarded because of: "+strings.TrimPrefix(cmd.errArity, "ERR "))
		c.discard()
		return
	}
	c.tx.refuse()
	c.out = appendError(c.out, cmd.errArity)
}

func cmdMulti(c *client, _ [][]byte) {
	if c.tx.on {
		c.out = appendError(c.out, "ERR MULTI calls can not be nested")
		return
	}
	c.tx.on = true
	c.ok()
}

// cmdExec runs the queued commands, their answers in one array, unless a
// command was refused while queueing (an error) or a watched key has
// changed (a null array, which clients take as "retry"). Either way the
// transaction and the watches are over.
func cmdExec(c *client, _ [][]byte) {
	t := &c.tx
	switch {
	case !t.on:
		c.out = appendError(c.out, "ERR EXEC without MULTI")
		return
	case t.refused:
		c.out = appendError(c.out, "EXECABORT Transaction discarded because of previous errors.")
	case t.dirty || c.watchedExpired():
		c.nullArray()
	default:
		q := t.queue
		c.unwatch() // the commands' own writes must not spoil anything of ours
		c.out = appendArray(c.out, len(q))
		for _, qc := range q {
			qc.cmd.run(c, qc.args)
			c.srv.stats.commands++
		}
	}
	c.discard()
}

// watchedExpired reports whether a watched key's deadline has passed
// without a read or the timer having deleted it yet: its expiry is a
// change as much as its deletion would have been.
func (c *client) watchedExpired() bool {
	for _, k := range c.tx.watched {
		if c.db.expiredKey(k) {
			return true
		}
	}
	return false
}

func cmdDiscard(c *client, _ [][]byte) {
	if !c.tx.on {
		c.out = appendError(c.out, "ERR DISCARD without MULTI")
		return
	}
	c.discard()
	c.ok()
}

// discard ends the transaction, if any, and forgets the watches.
func (c *client) discard() {
	t := &c.tx
	t.on, t.refused = false, false
	clear(t.queue)
	t.queue = t.queue[:0]
	c.unwatch()
}

// cmdWatch watches each key not watched yet. A key already past its
// deadline is deleted first, so that the expiry which has happened
// already is not taken for a change to come: it is watched as missing.
func cmdWatch(c *client, args [][]byte) {
	if c.tx.on {
		c.out = appendError(c.out, "ERR WATCH inside MULTI is not allowed")
		return
	}
	for _, key := range args[1:] {
		if c.watching(key) {
			continue
		}
		c.db.lookup(key)
		k := string(key)
		c.tx.watched = append(c.tx.watched, k)
		c.db.watch(k, c)
	}
	c.ok()
}

// watching reports whether c watches key already.
func (c *client) watching(key []byte) bool {
	for _, k := range c.tx.watched {
		if k == string(key) {
			return true
		}
	}
	return false
}

func cmdUnwatch(c *client, _ [][]byte) {
	c.unwatch()
	c.ok()
}

// unwatch forgets every watched key, and that any has changed.
func (c *client) unwatch() {
	t := &c.tx
	for _, k := range t.watched {
		c.db.unwatch(k, c)
	}
	clear(t.watched)
	t.watched = t.watched[:0]
	t.dirty = false
}
