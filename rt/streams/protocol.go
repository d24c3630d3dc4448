package streams

import (
	"errors"
	"slices"

	"github.com/asyncgen/asyncgen/rt"
)

// streamProtocol adapts a transport to a StreamReader and StreamWriter
// (asyncio's StreamReaderProtocol with its FlowControlMixin). It is a
// BufferedProtocol: the transport reads straight into the reader's
// buffer, so a byte is copied once, from the socket to the caller.
//
// The protocol, the reader and the writer of one connection are one
// allocation (conn), which keeps an idle stream connection small.
type streamProtocol struct {
	l      *rt.Loop
	c      *conn
	t      rt.Transport
	sh     *shared // what the connections of one server have in common
	paused bool    // PauseWriting until ResumeWriting
	lost   bool
	// lostErr is how the connection ended, for a WaitClosed after.
	lostErr error
	closed  *rt.Future[rt.Void] // made on the first WaitClosed
	// drainers are the Drains waiting for ResumeWriting; behind a pointer,
	// made on the first, since an idle connection has none.
	drainers *[]*rt.Future[rt.Void]
}

type conn struct {
	p  streamProtocol
	r  StreamReader
	w  StreamWriter
	cc clientCoro
}

// shared is what every connection of one server (or one client
// connection) points to instead of holding a copy: the client-connected
// callback and the completed future Drain returns on its fast path.
type shared struct {
	cb    func(*StreamReader, *StreamWriter) rt.Coro[rt.Void]
	ready *rt.Future[rt.Void]
}

func newShared(l *rt.Loop, cb func(*StreamReader, *StreamWriter) rt.Coro[rt.Void]) *shared {
	sh := &shared{cb: cb, ready: rt.NewFuture[rt.Void](l)}
	sh.ready.SetResult(rt.Void{})
	return sh
}

func newConn(l *rt.Loop, limit int, sh *shared) *conn {
	c := &conn{}
	c.p = streamProtocol{l: l, c: c, sh: sh}
	c.r.init(limit)
	return c
}

func (p *streamProtocol) ConnectionMade(t rt.Transport) {
	c := p.c
	p.t = t
	c.r.t = t
	c.w = StreamWriter{p: p}
	if p.sh.cb == nil {
		return
	}
	c.cc = clientCoro{p: p, inner: p.sh.cb(&c.r, &c.w)}
	rt.CreateTask(p.l, &c.cc)
}

// clientCoro is the task of a server's connection: it runs the
// client-connected callback's coroutine and, when that fails (an error or
// a panic), does what asyncio's done callback on that task does: once the
// task has finished with the error, report it and close the transport.
// Being part of conn, it costs a connection that does not fail no
// callback record, closure or slice.
type clientCoro struct {
	p     *streamProtocol
	inner rt.Coro[rt.Void]
}

// failedCoro stands in for an inner coroutine that panicked instead of
// finishing (a hand-written one: generated frames turn a panic into their
// error themselves), so that clientCoro needs no field for that rare case.
type failedCoro struct{ err error }

func (f failedCoro) Send(*rt.Ctx) rt.Yield         { return rt.Yield{} }
func (f failedCoro) Throw(*rt.Ctx, error) rt.Yield { return rt.Yield{} }
func (f failedCoro) Close()                        {}
func (f failedCoro) Result() (rt.Void, error)      { return rt.Void{}, f.err }

func (cc *clientCoro) Send(c *rt.Ctx) (y rt.Yield) {
	defer cc.catch(c, &y)
	return cc.after(c, cc.inner.Send(c))
}

func (cc *clientCoro) Throw(c *rt.Ctx, err error) (y rt.Yield) {
	defer cc.catch(c, &y)
	return cc.after(c, cc.inner.Throw(c, err))
}

func (cc *clientCoro) catch(c *rt.Ctx, y *rt.Yield) {
	if v := recover(); v != nil {
		err := rt.FailureOf(v)
		cc.inner = failedCoro{err}
		*y = rt.Yield{}
		cc.failed(c, err)
	}
}

func (cc *clientCoro) Close() { cc.inner.Close() }

// Result is the callback's outcome, which is the task's.
func (cc *clientCoro) Result() (rt.Void, error) { return cc.inner.Result() }

// AwaitStack shows where the callback is suspended.
func (cc *clientCoro) AwaitStack(buf []rt.StackFrame) []rt.StackFrame {
	if s, ok := cc.inner.(rt.Stacker); ok {
		return s.AwaitStack(buf)
	}
	return buf
}

func (cc *clientCoro) after(c *rt.Ctx, y rt.Yield) rt.Yield {
	if y.Done() {
		if _, err := cc.inner.Result(); err != nil && !errors.Is(err, rt.ErrCancelled) {
			cc.failed(c, err)
		}
	}
	return y
}

// failed schedules the report of err for when the task has finished with
// it: the report names the finished task and retrieves its error, so it
// is not also logged as never retrieved.
func (cc *clientCoro) failed(c *rt.Ctx, err error) {
	task, t, l := c.Task(), cc.p.t, cc.p.l
	l.CallSoon(func() {
		task.Exception() // retrieved: reported here
		l.CallExceptionHandler(rt.ErrorContext{
			Message: "streams: unhandled error in the client-connected callback",
			Err:     err,
			Future:  task,
		})
		t.Close()
	})
}

func (p *streamProtocol) GetBuffer(int) []byte {
	r := &p.c.r
	r.space(minRead)
	return r.buf[len(r.buf):cap(r.buf)]
}

func (p *streamProtocol) BufferUpdated(n int) { p.c.r.fed(n) }

func (p *streamProtocol) EOFReceived() bool {
	p.c.r.FeedEOF()
	return true // keep the write side open: the peer only half-closed
}

func (p *streamProtocol) ConnectionLost(err error) {
	r := &p.c.r
	if err == nil {
		r.FeedEOF()
	} else {
		r.SetException(err)
	}
	p.lost, p.lostErr = true, err
	if f := p.closed; f != nil && !f.Done() {
		if err == nil {
			f.SetResult(rt.Void{})
		} else {
			f.SetException(err)
		}
	}
	if p.paused {
		for _, f := range p.drainList() {
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

func (p *streamProtocol) PauseWriting() { p.paused = true }

func (p *streamProtocol) ResumeWriting() {
	p.paused = false
	for _, f := range p.drainList() {
		if !f.Done() {
			f.SetResult(rt.Void{})
		}
	}
}

func (p *streamProtocol) drainList() []*rt.Future[rt.Void] {
	if p.drainers == nil {
		return nil
	}
	return *p.drainers
}

func (p *streamProtocol) addDrainer(f *rt.Future[rt.Void]) {
	if p.drainers == nil {
		p.drainers = new([]*rt.Future[rt.Void])
	}
	*p.drainers = append(*p.drainers, f)
}

func (p *streamProtocol) removeDrainer(f *rt.Future[rt.Void]) {
	if p.drainers == nil {
		return
	}
	if i := slices.Index(*p.drainers, f); i >= 0 {
		*p.drainers = slices.Delete(*p.drainers, i, i+1)
	}
	if len(*p.drainers) == 0 {
		p.drainers = nil // an idle connection keeps no list
	}
}

// ready returns a completed future, shared by the connections of one
// server.
func (p *streamProtocol) ready() *rt.Future[rt.Void] { return p.sh.ready }

// closedFuture returns the future WaitClosed awaits.
func (p *streamProtocol) closedFuture() *rt.Future[rt.Void] {
	if p.closed == nil {
		p.closed = rt.NewFuture[rt.Void](p.l)
		if p.lost {
			if p.lostErr == nil {
				p.closed.SetResult(rt.Void{})
			} else {
				p.closed.SetException(p.lostErr)
			}
		}
	}
	return p.closed
}
