package streams

import (
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
	cb     func(*StreamReader, *StreamWriter) rt.Coro[rt.Void]
	paused bool // PauseWriting until ResumeWriting
	lost   bool
	// lostErr is how the connection ended, for a WaitClosed after.
	lostErr  error
	closed   *rt.Future[rt.Void] // made on the first WaitClosed
	done     *rt.Future[rt.Void] // a completed future: Drain's fast path
	drainers []*rt.Future[rt.Void]
}

type conn struct {
	p streamProtocol
	r StreamReader
	w StreamWriter
}

func newConn(l *rt.Loop, limit int, cb func(*StreamReader, *StreamWriter) rt.Coro[rt.Void]) *conn {
	c := &conn{}
	c.p = streamProtocol{l: l, c: c, cb: cb}
	c.r.init(limit)
	return c
}

func (p *streamProtocol) ConnectionMade(t rt.Transport) {
	c := p.c
	p.t = t
	c.r.t = t
	c.w = StreamWriter{t: t, p: p, r: &c.r}
	if p.cb == nil {
		return
	}
	task := rt.CreateTask(p.l, p.cb(&c.r, &c.w))
	task.AddDoneCallback(func(task *rt.Task[rt.Void]) {
		if task.Cancelled() {
			return
		}
		if err := task.Exception(); err != nil {
			p.l.CallExceptionHandler(rt.ErrorContext{
				Message: "streams: unhandled error in the client-connected callback",
				Err:     err,
				Future:  task,
			})
			t.Close()
		}
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
		for _, f := range p.drainers {
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
	for _, f := range p.drainers {
		if !f.Done() {
			f.SetResult(rt.Void{})
		}
	}
}

func (p *streamProtocol) removeDrainer(f *rt.Future[rt.Void]) {
	for i, g := range p.drainers {
		if g == f {
			p.drainers = append(p.drainers[:i], p.drainers[i+1:]...)
			break
		}
	}
	if len(p.drainers) == 0 {
		p.drainers = nil
	}
}

// ready returns the connection's completed future, made once.
func (p *streamProtocol) ready() *rt.Future[rt.Void] {
	if p.done == nil {
		p.done = rt.NewFuture[rt.Void](p.l)
		p.done.SetResult(rt.Void{})
	}
	return p.done
}

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
