package main

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

import (
	"errors"
	"net"
	"slices"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// limits bound what one request may hold (Redis's multibulk count,
// proto-max-bulk-len and client-query-buffer-limit), and how many bytes
// of answers a connection may leave unread before it is held back.
type limits struct {
	maxArgs   int
	maxBulk   int
	maxQuery  int
	maxOutput int
}

// defaultMaxOutput is the unread output past which a connection stops
// reading requests until its peer has read its answers. Redis buffers
// without limit; holding back at all deadlocks a client that writes more
// requests than this much output answers before it reads, so the bound is
// far above the kernel's socket buffers, where client libraries'
// write-all-then-read pipelines run.
const defaultMaxOutput = 64 << 20

var defaultLimits = limits{maxArgs: defaultMaxArgs, maxBulk: defaultMaxBulk, maxQuery: defaultMaxQuery, maxOutput: defaultMaxOutput}

// server is the RESP server of one loop: its keyspace, its limits and
// its connections.
type server struct {
	db      *db
	lim     limits
	clients map[int64]*client // by id, for CLIENT LIST and KILL
	lastID  int64
	// What INFO reports besides: when the server started (Unix ms), its
	// port, its ids, its counters, the most memory it has seen in use.
	started       int64
	port          int
	runID, replID string
	stats         stats
	peakMemory    uint64
	// active counts the connections accepted whose coroutine has not
	// ended, and idle, set once shutdown has seen every connection
	// gone, is called when it falls to 0: the loop stops only once every
	// connection's task has finished.
	active int
	idle   func()
	config [][2]string // CONFIG GET's parameters, which CONFIG SET changes
	// blockedClients counts the clients waiting in a blocking pop.
	blockedClients int
	ps             pubsub
	pubBuf         []byte // where PUBLISH makes a message for another connection
}

// flushAt is the size of output past which a connection stops running
// requests to hand what it has to the transport, so that its output
// buffer stays small.
const flushAt = 64 * 1024

// serve runs one connection: it runs every complete request in the
// reader's buffer, writes all their answers at once, and waits for more.
// Answers to a pipeline arriving in one read therefore leave in one
// write. It goes on reading while the peer leaves answers unread, as
// Redis does, and waits for Drain only past lim.maxOutput of them. It
// ends at EOF, on QUIT, or after answering a framing error.
//
//asyncgen:coroutine
func (s *server) serve(r *streams.StreamReader, w *streams.StreamWriter) error {
	defer s.done()
	defer w.Close()
	c := s.connect(r, w)
	defer s.disconnect(c)
	for {
		more := c.process(r)
		if len(c.out) > 0 {
			w.Write(c.out)
			c.flushed()
			if c.quit || w.IsClosing() {
				return nil // done, or the peer is gone: the rest would go nowhere
			}
			if w.Transport().GetWriteBufferSize() > s.lim.maxOutput {
				if _, err := rt.Await(w.Drain()); err != nil {
					return nil // the peer is gone: nothing to report
				}
			}
		}
		if c.quit {
			return nil
		}
		if c.blocked != nil {
			if alive, err := rt.Await(c.waitBlockedAsync()); !alive || err != nil {
				return nil // the peer went while blocked: disconnect unblocks it
			}
			continue
		}
		if more {
			if _, err := rt.Await(r.ReadMore()); err != nil {
				return nil // EOF (a partial request is dropped, as Redis does) or a reset
			}
		}
	}
}

// accepted is the client-connected callback: it counts the connection
// at once, before its coroutine first runs, so that a shutdown in the same
// turn of the loop waits for it too.
func (s *server) accepted(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
	s.active++
	return s.serveAsync(r, w)
}

// done is run as a connection's coroutine ends.
func (s *server) done() {
	s.active--
	if s.idle != nil && s.active == 0 {
		s.idle()
	}
}

// shutdown stops listening, aborts every connection, and stops l once
// their coroutines have ended. Aborting drops answers not yet sent, as
// redis-server does when it exits: closing would wait for them, forever
// for a client that does not read. The loop's stop waits for the server
// to see every connection gone, not just for active to reach 0: one
// accepted in this turn of the loop has its coroutine made (and counted)
// only in a later callback.
func (s *server) shutdown(ln *rt.Server, l *rt.Loop) {
	ln.Close()
	ln.AbortClients()
	ln.WaitClosed().AddDoneCallback(func(*rt.Future[rt.Void]) {
		s.idle = l.Stop
		if s.active == 0 {
			l.Stop()
		}
	})
}

// newServer makes the server of loop l, with an empty keyspace.
func newServer(l *rt.Loop, lim limits) *server {
	d := newDB(l)
	return &server{db: d, lim: lim, clients: make(map[int64]*client), started: d.now(), runID: randomID(), replID: randomID(),
		config: slices.Clone(defaultConfig),
		ps:     pubsub{channels: make(map[string][]*client), patterns: make(map[string][]*client)}}
}

// newClient makes the state of a new connection and lists it; connect
// adds what it knows of the connection itself.
func (s *server) newClient() *client {
	s.lastID++
	now := s.db.now()
	c := &client{db: s.db, srv: s, p: parser{maxArgs: s.lim.maxArgs, maxBulk: s.lim.maxBulk}, maxQuery: s.lim.maxQuery,
		id: s.lastID, created: now, lastRequest: now}
	s.clients[c.id] = c
	return c
}

// connect makes the client of a connection.
func (s *server) connect(r *streams.StreamReader, w *streams.StreamWriter) *client {
	s.stats.connections++
	c := s.newClient()
	c.r, c.w = r, w
	return c
}

// conn tells the connection's addresses (the peer's and ours) and its
// socket, as CLIENT LIST shows them: "" and -1 without a connection.
// They are asked of the transport when wanted rather than kept, so that
// an idle connection does not carry them.
func (c *client) conn() (addr, laddr string, fd int) {
	fd = -1
	if c.w == nil {
		return
	}
	if a, ok := c.w.GetExtraInfo("peername").(net.Addr); ok {
		addr = a.String()
	}
	if a, ok := c.w.GetExtraInfo("sockname").(net.Addr); ok {
		laddr = a.String()
	}
	if s, ok := c.w.GetExtraInfo("socket").(int); ok {
		fd = s
	}
	return
}

// disconnect forgets a connection that has ended or been killed: its
// watches and its place in the list. Once is enough; again does nothing.
func (s *server) disconnect(c *client) {
	c.unwatch()
	c.unblock()
	c.unsubscribe(nil, false, false)
	c.unsubscribe(nil, true, false)
	delete(s.clients, c.id)
}

// process runs the complete requests at the start of r's buffer, appending
// their answers to c.out, and consumes them. It returns true when it
// needs more bytes to go on, false when it stopped with requests left
// (output over flushAt) or the connection is to close (c.quit).
func (c *client) process(r *streams.StreamReader) bool {
	if c.blocked != nil {
		return true // its requests wait until it is served
	}
	c.lastRequest = c.db.now()
	buf := r.Peek()
	used := 0
	defer func() {
		r.Consume(used)
		c.srv.stats.netIn += int64(used)
	}()
	for len(c.out) < flushAt {
		args, n, err := c.p.parse(buf[used:])
		if err == nil && n == 0 && len(buf)-used > c.maxQuery {
			err = errQueryTooLarge
		}
		if err != nil {
			c.out = appendError(c.out, "ERR "+err.Error())
			c.quit = true
			return false
		}
		if n == 0 {
			return true
		}
		used += n
		if args != nil {
			c.execute(args)
			if c.quit || c.blocked != nil {
				return false
			}
		}
	}
	return false
}

// flushed empties the output buffer after a write (the transport has
// copied what it could not send), letting go of one that a large answer
// made big.
func (c *client) flushed() {
	c.srv.stats.netOut += int64(len(c.out))
	if cap(c.out) > 4*flushAt {
		c.out = nil
		return
	}
	c.out = c.out[:0]
}

// running is a server on a loop of its own goroutine.
type running struct {
	addr     string
	loop     *rt.Loop
	srv      *server // used only on loop
	shutdown func()  // runs on the loop
	done     chan error
}

// start starts a server on addr (port 0: a free port) on a new loop and
// goroutine, and returns once it listens.
func start(addr string, lim limits) (*running, error) {
	s := &running{done: make(chan error, 1)}
	ready := make(chan error, 1)
	go func() {
		defer close(s.done)
		l, err := rt.NewLoop()
		if err != nil {
			ready <- err
			return
		}
		defer l.Close() // closes the server and every connection left
		srv := newServer(l, lim)
		ln, err := rt.RunUntilComplete(l, streams.StartServer(srv.accepted, "tcp", addr))
		if err != nil {
			ready <- err
			return
		}
		s.loop, s.srv = l, srv
		s.shutdown = func() { srv.shutdown(ln, l) }
		s.addr = ln.Addrs()[0].String()
		if a, ok := ln.Addrs()[0].(*net.TCPAddr); ok {
			srv.port = a.Port
		}
		ready <- nil
		s.done <- l.RunForever()
	}()
	if err := <-ready; err != nil {
		<-s.done
		return nil, err
	}
	return s, nil
}

// stop shuts the server down (from any goroutine): it closes every
// connection, waits for their coroutines to end, and closes the loop.
func (s *running) stop() error {
	if _, err := s.loop.CallSoonThreadsafe(s.shutdown); err != nil {
		return err
	}
	var errs []error
	for err := range s.done {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
