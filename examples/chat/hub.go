package main

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// The hub: who is connected, and the broadcast. Each client has a
// bounded queue that its own writer task empties; a broadcast only puts
// into queues without waiting, so one slow reader never stalls the
// others. A client whose queue is full is dropped.

// hub is the chat room of one loop. It is used only from the loop's
// goroutine, so it needs no lock.
type hub struct {
	queueSize int
	limit     int                // longest line's text, its end (LF or CRLF) not counted
	clients   map[string]*client // by nickKey of the nick
	// lobby holds the connections still asking for a nick, which the
	// shutdown must close itself: they have no queue and no writer.
	lobby   map[*streams.StreamWriter]struct{}
	closing bool // the server is shutting down: nobody joins any more
}

// client is one joined connection.
type client struct {
	nick    string
	q       *rt.Queue[[]byte] // lines waiting to be written to it
	w       *streams.StreamWriter
	dropped bool // removed for being too slow
}

func newHub(queueSize, limit int) *hub {
	return &hub{queueSize: queueSize, limit: limit, clients: make(map[string]*client), lobby: make(map[*streams.StreamWriter]struct{})}
}

// shutdown tells every connection that the server is ending. A joined
// client's writer sends what is queued, this line last, then closes the
// connection; a connection at the nick prompt is told and closed here.
func (h *hub) shutdown() {
	const bye = "* the server is shutting down\n"
	h.closing = true
	h.broadcast(nil, bye)
	for _, c := range h.clients {
		c.q.Shutdown(false)
	}
	for w := range h.lobby {
		w.Write([]byte(bye))
		w.Close()
	}
}

// nickKey is what tells nicks apart: they differ in more than case, as
// on IRC, so that nobody passes for alice as "Alice". Nicks are ASCII.
func nickKey(nick string) string { return strings.ToLower(nick) }

// validNick says what is wrong with nick for c (nil for a client still
// asking for one), or "" when it is fine. c's own nick in another case is
// fine: it is how one changes the case of one's nick.
func (h *hub) validNick(c *client, nick string) string {
	if nick == "" || len(nick) > 16 {
		return "a nick has 1 to 16 characters"
	}
	for _, c := range []byte(nick) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return "a nick has only letters, digits, '_' and '-'"
		}
	}
	if other, taken := h.clients[nickKey(nick)]; taken && other != c {
		return "nick " + nick + " is taken"
	}
	return ""
}

// join adds c and tells everyone.
func (h *hub) join(c *client) {
	h.clients[nickKey(c.nick)] = c
	h.broadcast(nil, "* "+c.nick+" joined\n")
}

// leave removes c, unless it was dropped already, and tells the others.
func (h *hub) leave(c *client, why string) {
	if c.dropped || h.clients[nickKey(c.nick)] != c {
		return
	}
	delete(h.clients, nickKey(c.nick))
	c.q.Shutdown(false) // the writer sends what is queued, then ends
	h.broadcast(nil, "* "+c.nick+" "+why+"\n")
}

// rename changes c's nick.
func (h *hub) rename(c *client, nick string) {
	old := c.nick
	delete(h.clients, nickKey(old))
	c.nick = nick
	h.clients[nickKey(nick)] = c
	h.broadcast(nil, "* "+old+" is now "+nick+"\n")
}

// who lists the nicks, sorted.
func (h *hub) who() string {
	nicks := make([]string, 0, len(h.clients))
	for _, c := range h.clients {
		nicks = append(nicks, c.nick)
	}
	slices.Sort(nicks)
	var b bytes.Buffer
	b.WriteString("* " + strconv.Itoa(len(nicks)) + " here:")
	for _, n := range nicks {
		b.WriteString(" " + n)
	}
	b.WriteByte('\n')
	return b.String()
}

// broadcast queues line for every client but from, without waiting, and
// returns the fullest queue's length so the sender can yield. Clients
// whose queue is full are dropped, and the others are told.
func (h *hub) broadcast(from *client, line string) (fullest int) {
	msg := []byte(line) // shared by every queue: nobody modifies it
	var slow []*client
	for _, c := range h.clients {
		if c == from {
			continue
		}
		if c.q.PutNowait(msg) != nil {
			slow = append(slow, c)
			continue
		}
		fullest = max(fullest, c.q.QSize())
	}
	for _, c := range slow {
		h.drop(c)
	}
	return fullest
}

// send queues line for c alone; a client too slow for that is dropped.
func (h *hub) send(c *client, line string) {
	if c.q.PutNowait([]byte(line)) != nil {
		h.drop(c)
	}
}

// drop removes a client whose queue is full: its queued lines are thrown
// away and its connection aborted, which ends its reader and its writer.
func (h *hub) drop(c *client) {
	if c.dropped || h.clients[nickKey(c.nick)] != c {
		return
	}
	c.dropped = true
	delete(h.clients, nickKey(c.nick))
	c.q.Shutdown(true)
	c.w.Transport().Abort()
	h.broadcast(nil, "* "+c.nick+" was dropped (too slow)\n")
}
