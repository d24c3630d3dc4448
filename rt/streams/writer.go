package streams

import (
	"github.com/asyncgen/asyncgen/rt"
)

// StreamWriter writes to a transport with flow control (asyncio's
// StreamWriter): Write never blocks, Drain waits while the transport's
// buffer is over its high-water mark.
type StreamWriter struct {
	c *conn // its connection: the transport is its reader's
}

// Transport returns the underlying transport.
func (w *StreamWriter) Transport() rt.Transport { return w.c.r.t }

// Write sends p (the transport copies what it cannot send at once). Await
// Drain now and then, so that a slow peer does not make the buffer grow
// without bound.
func (w *StreamWriter) Write(p []byte) error { return w.c.r.t.Write(p) }

// WriteLines writes every buffer of bufs, in one writev when possible.
func (w *StreamWriter) WriteLines(bufs [][]byte) error { return w.c.r.t.WriteLines(bufs) }

// WriteEOF shuts the write side down once the buffer is sent.
func (w *StreamWriter) WriteEOF() error { return w.c.r.t.WriteEOF() }

// CanWriteEOF reports whether WriteEOF is supported.
func (w *StreamWriter) CanWriteEOF() bool { return w.c.r.t.CanWriteEOF() }

// Close closes the transport once its buffer is sent; WaitClosed waits
// for that.
func (w *StreamWriter) Close() { w.c.r.t.Close() }

// IsClosing reports whether the transport is closing or closed.
func (w *StreamWriter) IsClosing() bool { return w.c.r.t.IsClosing() }

// GetExtraInfo returns the transport's extra information ("peername",
// "sockname", "socket").
func (w *StreamWriter) GetExtraInfo(name string) any { return w.c.r.t.GetExtraInfo(name) }

// Drain returns what to await before writing more: it is done at once
// while the transport's buffer is under its high-water mark, and
// otherwise completes when the buffer has drained to the low one. Several
// tasks may drain at once. On a stream that failed it fails at once
// with the reader's error; once the transport is closing it yields once
// (so that ConnectionLost may run) and fails with ErrConnectionLost if
// the connection is gone, as asyncio's drain does.
func (w *StreamWriter) Drain() rt.Awaitable[rt.Void] {
	c := w.c
	if !c.paused && !c.lost && c.r.err == nil && !c.r.t.IsClosing() {
		return c.ready() // nothing to wait for: no coroutine, no allocation
	}
	return w.drainAsync()
}

// WaitClosed returns what to await until the connection is closed: nil,
// or the error it was lost with.
func (w *StreamWriter) WaitClosed() rt.Awaitable[rt.Void] { return w.c.closedFuture() }

// drain is Drain's template (asyncio's StreamWriter.drain and
// FlowControlMixin._drain_helper).
//
//asyncgen:coroutine
func (w *StreamWriter) drain() error {
	if r := &w.c.r; r.err != nil {
		return r.err
	}
	if w.c.r.t.IsClosing() {
		// Yield, so that ConnectionLost may run and tell us how the
		// connection ended (asyncio's sleep(0) here).
		if _, err := rt.Await(rt.Sleep(0)); err != nil {
			return err
		}
	}
	c := w.c
	if c.lost {
		return ErrConnectionLost
	}
	if !c.paused {
		return nil
	}
	f := rt.NewFuture[rt.Void](rt.RunningLoop())
	c.addDrainer(f)
	_, err := rt.Await(f)
	c.removeDrainer(f)
	return err
}
