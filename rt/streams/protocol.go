package streams

import (
	"errors"
	"slices"

	"github.com/asyncgen/asyncgen/rt"
)

// conn is one stream connection: the protocol that adapts a transport to
// a StreamReader and a StreamWriter (asyncio's StreamReaderProtocol with
// its FlowControlMixin), the reader and the writer, and, on a server, the
// task running the client-connected callback. It is a BufferedProtocol:
// the transport reads straight into the reader's buffer, so a byte is
// copied once, from the socket to the caller.
//
// All of it is one allocation, and the reader holds the one copy of the
// transport, which keeps an idle stream connection small.
//
// As the task's coroutine, conn runs the callback's coroutine and, when
// that fails (an error or a panic) or is cancelled, does what asyncio's
// done callback on that task does: once the task has finished, report the
// error (not a cancellation) and close the transport.
type conn struct {
	sh *shared // what the connections of one server have in common
	r  StreamReader
	w  StreamWriter
	// inner is the client-connected callback's coroutine, on a server.
	inner rt.Coro[rt.Void]
	// lostErr is how the connection ended, for a WaitClosed after.
	lostErr error
	// waits holds the futures of WaitClosed and of Drains waiting for
	// ResumeWriting; made on the first, since most connections have none.
	waits  *connWaits
	paused bool // PauseWriting until ResumeWriting
	lost   bool
}

type connWaits struct {
	closed   *rt.Future[rt.Void] // made on the first WaitClosed
	drainers []*rt.Future[rt.Void]
}

func (c *conn) waitList() *connWaits {
	if c.waits == nil {
		c.waits = &connWaits{}
	}
	return c.waits
}

// shared is what every connection of one server (or one client
// connection) points to instead of holding a copy: the client-connected
// callback and the completed future Drain returns on its fast path.
type shared struct {
	l     *rt.Loop
	cb    func(*StreamReader, *StreamWriter) rt.Coro[rt.Void]
	ready *rt.Future[rt.Void]
}

func newShared(l *rt.Loop, cb func(*StreamReader, *StreamWriter) rt.Coro[rt.Void]) *shared {
	sh := &shared{l: l, cb: cb, ready: rt.NewFuture[rt.Void](l)}
	sh.ready.SetResult(rt.Void{})
	return sh
}

func newConn(limit int, sh *shared) *conn {
	c := &conn{sh: sh}
	c.w.c = c
	c.r.init(limit)
	return c
}

func (c *conn) ConnectionMade(t rt.Transport) {
	c.r.t = t
	if c.sh.cb == nil {
		return
	}
	c.inner = c.sh.cb(&c.r, &c.w)
	rt.CreateTask(c.sh.l, c)
}

// failedCoro stands in for an inner coroutine that panicked instead of
// finishing (a hand-written one: generated frames turn a panic into their
// error themselves), so that conn needs no field for that rare case.
type failedCoro struct{ err error }

func (f failedCoro) Send(*rt.Ctx) rt.Yield         { return rt.Yield{} }
func (f failedCoro) Throw(*rt.Ctx, error) rt.Yield { return rt.Yield{} }
func (f failedCoro) Close()                        {}
func (f failedCoro) Result() (rt.Void, error)      { return rt.Void{}, f.err }

// Send resumes the callback's coroutine (conn is its task's coroutine).
func (c *conn) Send(x *rt.Ctx) (y rt.Yield) {
	defer c.catch(x, &y)
	return c.after(x, c.inner.Send(x))
}

// Throw throws err into the callback's coroutine.
func (c *conn) Throw(x *rt.Ctx, err error) (y rt.Yield) {
	defer c.catch(x, &y)
	return c.after(x, c.inner.Throw(x, err))
}

func (c *conn) catch(x *rt.Ctx, y *rt.Yield) {
	if v := recover(); v != nil {
		err := rt.FailureOf(v)
		c.inner = failedCoro{err}
		*y = rt.Yield{}
		c.failed(x, err)
	}
}

// Close abandons the callback's coroutine.
func (c *conn) Close() { c.inner.Close() }

// Result is the callback's outcome, which is the task's.
func (c *conn) Result() (rt.Void, error) { return c.inner.Result() }

// AwaitStack shows where the callback is suspended.
func (c *conn) AwaitStack(buf []rt.StackFrame) []rt.StackFrame {
	if s, ok := c.inner.(rt.Stacker); ok {
		return s.AwaitStack(buf)
	}
	return buf
}

func (c *conn) after(x *rt.Ctx, y rt.Yield) rt.Yield {
	if y.Done() {
		switch _, err := c.inner.Result(); {
		case errors.Is(err, rt.ErrCancelled):
			// Cancelled: no report, but the connection is closed once the
			// task has finished (asyncio 3.13; 3.12.1 and 3.11 report the
			// cancellation as a failed done callback and leave it open).
			t := c.r.t
			c.sh.l.CallSoon(func() { t.Close() })
		case err != nil:
			c.failed(x, err)
		}
	}
	return y
}

// failed schedules the report of err for when the task has finished with
// it: the report names the finished task and the connection's transport
// (as asyncio's does), and retrieves the task's error, so it is not also
// logged as never retrieved.
func (c *conn) failed(x *rt.Ctx, err error) {
	task, t, l := x.Task(), c.r.t, c.sh.l
	l.CallSoon(func() {
		task.Exception() // retrieved: reported here
		l.CallExceptionHandler(rt.ErrorContext{
			Message:   "streams: unhandled error in the client-connected callback",
			Err:       err,
			Future:    task,
			Transport: t,
		})
		t.Close()
	})
}

func (c *conn) GetBuffer(int) []byte {
	r := &c.r
	r.space(minRead)
	return r.buf[len(r.buf):cap(r.buf)]
}

func (c *conn) BufferUpdated(n int) { c.r.fed(n) }

func (c *conn) EOFReceived() bool {
	c.r.FeedEOF()
	return true // keep the write side open: the peer only half-closed
}

func (c *conn) ConnectionLost(err error) {
	r := &c.r
	if err == nil {
		r.FeedEOF()
	} else {
		r.SetException(err)
	}
	c.lost, c.lostErr = true, err
	if c.waits == nil {
		return
	}
	if f := c.waits.closed; f != nil && !f.Done() {
		settleClosed(f, err)
	}
	if c.paused {
		for _, f := range c.drainList() {
			if !f.Done() {
				if err == nil {
					f.SetResult(rt.Void{})
				} else {
					f.SetException(err)
				}
			}
		}
	}
}

func (c *conn) PauseWriting() { c.paused = true }

func (c *conn) ResumeWriting() {
	c.paused = false
	for _, f := range c.drainList() {
		if !f.Done() {
			f.SetResult(rt.Void{})
		}
	}
}

func (c *conn) drainList() []*rt.Future[rt.Void] {
	if c.waits == nil {
		return nil
	}
	return c.waits.drainers
}

func (c *conn) addDrainer(f *rt.Future[rt.Void]) {
	w := c.waitList()
	w.drainers = append(w.drainers, f)
}

func (c *conn) removeDrainer(f *rt.Future[rt.Void]) {
	if c.waits == nil {
		return
	}
	w := c.waits
	if i := slices.Index(w.drainers, f); i >= 0 {
		w.drainers = slices.Delete(w.drainers, i, i+1)
	}
	if len(w.drainers) == 0 {
		w.drainers = nil // an idle connection keeps no list
		if w.closed == nil {
			c.waits = nil
		}
	}
}

// ready returns a completed future, shared by the connections of one
// server.
func (c *conn) ready() *rt.Future[rt.Void] { return c.sh.ready }

// closedFuture returns the future WaitClosed awaits.
func (c *conn) closedFuture() *rt.Future[rt.Void] {
	w := c.waitList()
	if w.closed == nil {
		w.closed = rt.NewFuture[rt.Void](c.sh.l)
		if c.lost {
			settleClosed(w.closed, c.lostErr)
		}
	}
	return w.closed
}

// settleClosed completes WaitClosed's future with how the connection
// ended. An error there is marked retrieved, as asyncio marks its closed
// future: a WaitClosed asked for and never awaited is no error of the
// user's, and the reset is told to every read anyway.
func settleClosed(f *rt.Future[rt.Void], err error) {
	if err == nil {
		f.SetResult(rt.Void{})
		return
	}
	f.SetException(err)
	f.Exception()
}
