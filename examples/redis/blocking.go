package main

import (
	"errors"
	"math/big"
	"slices"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// Blocking list pops: BLPOP, BRPOP, BLMOVE and BRPOPLPUSH. A client whose
// keys are all empty is parked, as Redis parks it: it runs no more of its
// requests (they stay in its reader's buffer) until it is served or its
// timeout passes. The waiting is the loop's: the connection's coroutine
// awaits a future (block.wake) together with its reader, so that a
// client that disconnects while blocked is noticed and removed; a timer
// handle of the loop ends the wait at the timeout. No goroutine waits.
//
// Serving follows Redis: a command that creates a list key others wait
// for marks the key ready (db.add); once that command has run (or the
// EXEC around it), the ready keys are served, each to its waiters in the
// order they blocked, as long as the list has elements. Inside EXEC a
// blocking pop does not block: with nothing to pop it answers as its
// timeout would.

// block is what a blocked client waits for.
type block struct {
	keys       []string // in the order given: the first non-empty one serves
	left       bool     // BLPOP (and BLMOVE's LEFT source): pop from the head
	move       bool     // BLMOVE, BRPOPLPUSH: push what is popped to dst
	dst        []byte
	toLeft     bool
	wake       *rt.Future[rt.Void] // done once the client has been answered
	timer      *rt.TimerHandle
	unblocking bool
}

// blockTimeout reads a blocking command's timeout in seconds, fractions
// allowed, as Redis does (in long double arithmetic, truncated to ms):
// 0 waits forever; it answers the error and reports false if it is not a
// number or negative (as is one past what an int64 of ms holds, since
// Redis's conversion makes it so).
func (c *client) blockTimeout(arg []byte) (time.Duration, bool) {
	x, ok := longDouble(arg)
	if !ok {
		c.out = appendError(c.out, "ERR timeout is not a float or out of range")
		return 0, false
	}
	ms := new(big.Float).SetPrec(64).Mul(x, big.NewFloat(1000))
	if x.Sign() < 0 || ms.Cmp(new(big.Float).SetMantExp(big.NewFloat(1), 63)) >= 0 {
		c.out = appendError(c.out, "ERR timeout is negative")
		return 0, false
	}
	n, _ := ms.Int64() // truncated: a timeout under 1 ms is 0, forever, as in Redis
	if n > foreverMS {
		n = 0
	}
	return loopTime(n), true
}

// foreverMS is the longest timeout kept as one (about 35 years); a
// longer one waits forever, so that no deadline overflows the clock.
const foreverMS = 1 << 40

func cmdBLPop(c *client, args [][]byte) { c.blockingPop(args, true) }
func cmdBRPop(c *client, args [][]byte) { c.blockingPop(args, false) }

// blockingPop is BLPOP/BRPOP key [key ...] timeout.
func (c *client) blockingPop(args [][]byte, left bool) {
	timeout, ok := c.blockTimeout(args[len(args)-1])
	if !ok {
		return
	}
	keys := args[1 : len(args)-1]
	for _, k := range keys {
		l, found, ok := get[*list](c, k)
		if !ok {
			return
		}
		if found {
			c.out = appendArray(c.out, 2)
			c.out = appendBulk(c.out, k)
			c.out = appendBulk(c.out, popEnd(l, left))
			c.changed(k, l)
			return
		}
	}
	if c.tx.on { // inside EXEC: time is up at once
		c.nullArray()
		return
	}
	b := &block{left: left}
	for _, k := range keys {
		b.keys = append(b.keys, string(k))
	}
	c.park(b, timeout)
}

func cmdBLMove(c *client, args [][]byte) {
	if from, to, ok := c.moveEnds(args); ok {
		c.blockingMove(args[1], args[2], from, to, args[5])
	}
}

func cmdBRPopLPush(c *client, args [][]byte) { c.blockingMove(args[1], args[2], false, true, args[3]) }

// blockingMove is LMOVE that waits for its source.
func (c *client) blockingMove(src, dst []byte, fromLeft, toLeft bool, timeoutArg []byte) {
	timeout, ok := c.blockTimeout(timeoutArg)
	if !ok {
		return
	}
	_, found, ok := get[*list](c, src)
	switch {
	case !ok:
		return
	case found:
		c.move(src, dst, fromLeft, toLeft)
		return
	case c.tx.on:
		c.null()
		return
	}
	c.park(&block{keys: []string{string(src)}, left: fromLeft, move: true, dst: append([]byte(nil), dst...), toLeft: toLeft}, timeout)
}

// popEnd pops from the head if left, else from the tail.
func popEnd(l *list, left bool) []byte {
	if left {
		return l.popFront()
	}
	return l.popBack()
}

// park blocks c on b's keys, behind the clients already waiting there,
// until served or, unless timeout is 0, until the timeout passes.
func (c *client) park(b *block, timeout time.Duration) {
	d := c.db
	l := d.loop
	b.wake = rt.NewFuture[rt.Void](l)
	for _, k := range b.keys {
		if !slices.Contains(d.waiters[k], c) {
			d.waiters[k] = append(d.waiters[k], c)
		}
	}
	if timeout > 0 {
		b.timer = l.CallLater(timeout, func() {
			b.timer = nil
			if b.move {
				c.null()
			} else {
				c.nullArray()
			}
			c.unblock()
		})
	}
	c.blocked = b
	c.srv.blockedClients++
}

// unblock takes c off every key it waits on and wakes its coroutine.
func (c *client) unblock() {
	b := c.blocked
	if b == nil {
		return
	}
	c.blocked = nil
	c.srv.blockedClients--
	if b.timer != nil {
		b.timer.Cancel()
	}
	d := c.db
	for _, k := range b.keys {
		ws := d.waiters[k]
		if i := slices.Index(ws, c); i >= 0 {
			ws = slices.Delete(ws, i, i+1)
		}
		if len(ws) == 0 {
			delete(d.waiters, k)
		} else {
			d.waiters[k] = ws
		}
	}
	b.wake.SetResult(rt.Void{})
}

// serveReady serves the keys that commands made ready, in the order
// they were made so, each to its waiters in the order they blocked.
// What a BLMOVE pushes may make another key ready, served in turn.
func (d *db) serveReady() {
	for len(d.ready) > 0 {
		key := d.ready[0]
		d.ready = d.ready[1:]
		for len(d.waiters[key]) > 0 {
			e := d.m[key]
			if e == nil || e.expired(d.now()) {
				break
			}
			l, ok := e.coll.(*list)
			if !ok || l.n == 0 {
				break
			}
			w := d.waiters[key][0]
			w.serve(key, l)
		}
	}
	d.ready = d.ready[:0]
}

// serve answers blocked client c with an element of the list l at key.
func (c *client) serve(key string, l *list) {
	b := c.blocked
	k := []byte(key)
	if !b.move {
		c.out = appendArray(c.out, 2)
		c.out = appendBulkString(c.out, key)
		c.out = appendBulk(c.out, popEnd(l, b.left))
		c.changed(k, l)
		c.unblock()
		return
	}
	// As Redis does, a destination that has become another type
	// answers WRONGTYPE, and the element stays where it was.
	c.move(k, b.dst, b.left, b.toLeft)
	c.unblock()
}

// signal marks key, just created holding a list, ready for the clients
// blocked on it.
func (d *db) signal(key []byte) {
	if _, ok := d.waiters[string(key)]; ok && !slices.Contains(d.ready, string(key)) {
		d.ready = append(d.ready, string(key))
	}
}

// waitBlocked is what a blocked client's coroutine awaits: its wake-up
// or more from its reader, whose task is kept in c.reading across
// awaits, as a reader takes one read at a time. It reports false when
// the client is gone.
//
//asyncgen:coroutine
func (c *client) waitBlocked() (bool, error) {
	if c.reading == nil {
		c.reading = rt.CreateTask(c.db.loop, c.r.ReadMore())
	}
	if _, err := rt.Await(rt.Wait([]rt.AnyFuture{c.blocked.wake, c.reading}, rt.FirstCompleted, rt.NoTimeout)); err != nil {
		return false, err
	}
	rd := c.reading
	if !rd.Done() {
		if c.blocked != nil {
			return true, nil
		}
		// Served: the read is not needed, and would wait for more than
		// the bytes the client has already sent. Its cancellation ends
		// once awaited.
		rd.Cancel()
		rt.Await(rd)
	}
	c.reading = nil
	_, err := rd.Result()
	return err == nil || errors.Is(err, rt.ErrCancelled), nil
}
