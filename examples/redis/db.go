package main

import (
	"container/heap"
	"math"
	"slices"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// db is the keyspace: string keys to values (strings, lists, sets,
// hashes, sorted sets), some with a deadline.
// It belongs to one loop and is used only from it, so it takes no locks.
//
// Expiry works as Redis's does, in two ways: a read of a key past its
// deadline deletes it first (lazy expiry), and a timer of the loop deletes
// keys as their deadlines pass (active expiry), so that keys nobody reads
// again do not stay in memory. The timer is one TimerHandle for the
// earliest deadline over a min-heap of (deadline, key), not one per key.
//
// Deadlines are milliseconds since the Unix epoch, as in Redis, so that
// any deadline Redis accepts fits (a nanosecond Duration overflows after
// 292 years) and TTLs compare and round at Redis's granularity. The clock
// is still the loop's (a virtual one in tests): epoch is the Unix time, in
// ms, of loop time 0.
type db struct {
	loop  *rt.Loop
	epoch int64
	m     map[string]*entry
	due   deadlines
	timer *rt.TimerHandle
	at    int64  // the timer's deadline, while timer is set
	seq   uint64 // numbers deadlines, so that a stale heap item is told from the live one
	// watched maps each key that connections WATCH, present or not, to
	// those connections, so that a change to it spoils their transactions.
	// It is empty unless a WATCH is pending, and then a write pays one
	// lookup more; otherwise a length check.
	watched map[string][]*client
	// waiters maps each key that clients are blocked on (BLPOP) to them,
	// in the order they blocked; ready lists the keys a command has
	// created as lists while someone waits on them, to be served once
	// the command has run. Both are empty unless a client is blocked.
	waiters map[string][]*client
	ready   []string
	// For INFO: how many entries have a deadline, and how many keys
	// have been deleted at theirs.
	expires, expiredKeys int64
}

// entry is a value and its deadline (Unix ms; 0: none). A string's value
// is val, updated in place, so that a SET over an existing key reuses its
// buffer; the other types are a collection in coll (nil for a string).
type entry struct {
	val      []byte
	coll     collection
	expireAt int64
	seq      uint64 // of the deadline, matching its heap item
}

// expireBatch bounds the keys one timer callback deletes, so that a mass
// expiry does not stall every connection; the rest go in the next turn.
const expireBatch = 256

func newDB(l *rt.Loop) *db {
	return &db{loop: l, epoch: time.Now().UnixMilli() - l.Time().Milliseconds(), m: make(map[string]*entry),
		watched: make(map[string][]*client), waiters: make(map[string][]*client)}
}

// now is the loop's time as Unix milliseconds.
func (d *db) now() int64 { return d.epoch + d.loop.Time().Milliseconds() }

// lookup returns the live entry of key, deleting it if it has expired.
func (d *db) lookup(key []byte) *entry {
	e := d.m[string(key)]
	if e != nil && e.expired(d.now()) {
		d.remove(key, e)
		d.expiredKeys++
		return nil
	}
	return e
}

// remove deletes key, whose entry is e. Every deletion but the timer's
// goes through it, keeping the count of deadlines and telling watchers.
func (d *db) remove(key []byte, e *entry) {
	delete(d.m, string(key))
	if e.expireAt != 0 {
		d.expires--
	}
	d.touched(key)
}

// clearDeadline takes e's deadline away, if it has one.
func (d *db) clearDeadline(e *entry) {
	if e.expireAt != 0 {
		e.expireAt = 0
		d.expires--
	}
}

// expired reports whether the entry's deadline has passed at now.
func (e *entry) expired(now int64) bool { return e.expireAt != 0 && e.expireAt <= now }

// expiredKey reports whether key is still in the keyspace past its
// deadline, deleted by neither a read nor the timer yet.
func (d *db) expiredKey(key string) bool {
	e := d.m[key]
	return e != nil && e.expired(d.now())
}

// add stores a new collection under key, which holds nothing. The
// command that made it tells watchers once it has changed it.
func (d *db) add(key []byte, coll collection) {
	d.m[string(key)] = &entry{coll: coll}
	d.listCreated(key, coll)
}

// listCreated tells the clients blocked on key, if any, that it holds
// coll now, if it is a list.
func (d *db) listCreated(key []byte, coll collection) {
	if len(d.waiters) != 0 {
		if _, ok := coll.(*list); ok {
			d.signal(key)
		}
	}
}

// deadline turns the n of SET's EX, PX, EXAT, PXAT (and SETEX's,
// PSETEX's) into Unix ms: n seconds if sec, else ms, counted from now if
// relative. It is 0 for a time SET refuses: not positive, or past what
// an int64 of ms holds.
func (d *db) deadline(n int64, sec, relative bool) int64 {
	if n <= 0 || sec && n > math.MaxInt64/1000 {
		return 0
	}
	if sec {
		n *= 1000
	}
	if !relative {
		return n
	}
	if now := d.now(); n <= math.MaxInt64-now {
		return n + now
	}
	return 0
}

// set stores val (copied) under key, clearing its deadline unless keepTTL.
// It returns the entry.
func (d *db) set(key, val []byte, keepTTL bool) *entry {
	d.touched(key)
	e := d.lookup(key)
	if e == nil {
		e = &entry{val: append([]byte(nil), val...)}
		d.m[string(key)] = e
		return e
	}
	e.val, e.coll = append(e.val[:0], val...), nil
	if !keepTTL {
		d.clearDeadline(e)
	}
	return e
}

// del deletes key and reports whether it was there.
func (d *db) del(key []byte) bool {
	e := d.lookup(key)
	if e == nil {
		return false
	}
	d.remove(key, e)
	return true
}

// rename moves key's entry e to dst, replacing what dst held; its
// deadline goes with it (pushed again: the heap's item names key).
func (d *db) rename(key, dst []byte, e *entry) {
	d.del(dst)
	delete(d.m, string(key))
	d.touched(key)
	d.m[string(dst)] = e
	d.touched(dst)
	d.listCreated(dst, e.coll)
	if e.expireAt != 0 {
		d.expire(dst, e, e.expireAt)
	}
}

// persist clears the deadline of key's entry e.
func (d *db) persist(key []byte, e *entry) {
	d.clearDeadline(e)
	d.touched(key)
}

// expire gives key's entry e the deadline at (Unix ms) and arms the
// timer if at is the earliest. A deadline already past deletes the key.
func (d *db) expire(key []byte, e *entry, at int64) {
	if at <= d.now() {
		d.remove(key, e)
		return
	}
	d.touched(key)
	if e.expireAt == 0 {
		d.expires++
	}
	d.seq++
	e.expireAt, e.seq = at, d.seq
	if len(d.due) > 2*len(d.m)+1024 {
		d.compact()
	}
	heap.Push(&d.due, deadline{at: at, seq: d.seq, key: string(key)})
	d.arm()
}

// arm points the timer at the earliest deadline in the heap.
func (d *db) arm() {
	if len(d.due) == 0 {
		if d.timer != nil {
			d.timer.Cancel()
			d.timer = nil
		}
		return
	}
	first := d.due[0].at
	if d.timer != nil && d.at <= first {
		return
	}
	if d.timer != nil {
		d.timer.Cancel()
	}
	d.at = first
	d.timer = d.loop.CallAt(loopTime(first-d.epoch), d.expireDue)
}

// loopTime converts ms of loop time to a Duration, saturating: a
// deadline past what a Duration holds (292 years) never comes.
func loopTime(ms int64) time.Duration {
	if ms > math.MaxInt64/int64(time.Millisecond) {
		return math.MaxInt64
	}
	return time.Duration(ms) * time.Millisecond
}

// expireDue is the timer's callback: it deletes keys whose deadline has
// passed, at most expireBatch of them, and re-arms. Heap items whose key
// was deleted, overwritten or given another deadline are dropped.
func (d *db) expireDue() {
	d.timer = nil
	now := d.now()
	for n := 0; len(d.due) > 0 && d.due[0].at <= now && n < expireBatch; n++ {
		it := heap.Pop(&d.due).(deadline)
		if it.live(d) {
			delete(d.m, it.key)
			d.expires--
			d.expiredKeys++
			spoil(d.watched[it.key])
		}
	}
	d.arm()
}

// compact drops the heap items that no longer match a key's deadline, so
// that keys whose TTL is set over and over do not grow it without bound.
func (d *db) compact() {
	live := d.due[:0]
	for _, it := range d.due {
		if it.live(d) {
			live = append(live, it)
		}
	}
	clear(d.due[len(live):])
	d.due = live
	heap.Init(&d.due)
}

// flush deletes every key, spoiling the transactions that watch one of
// those present (a watched key that was missing stays missing).
func (d *db) flush() {
	for k, cs := range d.watched {
		if _, ok := d.m[k]; ok {
			spoil(cs)
		}
	}
	d.m = make(map[string]*entry)
	d.expires = 0
	d.due = nil
	d.arm()
}

// touched is called for every change to key (a write, a new deadline, a
// deletion, an expiry): it spoils the transactions of the connections
// watching key.
func (d *db) touched(key []byte) {
	if len(d.watched) != 0 {
		spoil(d.watched[string(key)])
	}
}

// spoil marks the transactions of cs to fail at EXEC.
func spoil(cs []*client) {
	for _, c := range cs {
		c.tx.dirty = true
	}
}

// watch adds c to the watchers of key.
func (d *db) watch(key string, c *client) { d.watched[key] = append(d.watched[key], c) }

// unwatch removes c from the watchers of key, and key from the table
// once nobody watches it.
func (d *db) unwatch(key string, c *client) {
	cs := d.watched[key]
	if i := slices.Index(cs, c); i >= 0 {
		cs = slices.Delete(cs, i, i+1)
	}
	if len(cs) == 0 {
		delete(d.watched, key)
		return
	}
	d.watched[key] = cs
}

// deadline is one key's deadline in the expiry heap.
type deadline struct {
	at  int64
	seq uint64
	key string
}

// live reports whether the item is its key's current deadline.
func (it deadline) live(d *db) bool {
	e := d.m[it.key]
	return e != nil && e.expireAt != 0 && e.seq == it.seq
}

// deadlines is a min-heap of deadlines (container/heap): Push and Pop are
// O(log n), the earliest is at index 0.
type deadlines []deadline

func (h deadlines) Len() int           { return len(h) }
func (h deadlines) Less(i, j int) bool { return h[i].at < h[j].at }
func (h deadlines) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *deadlines) Push(x any)        { *h = append(*h, x.(deadline)) }
func (h *deadlines) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = deadline{}
	*h = old[:len(old)-1]
	return it
}
