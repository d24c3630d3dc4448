package streams

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/asyncgen/asyncgen/rt"
)

// DefaultLimit is the default buffer limit of a StreamReader (asyncio's
// _DEFAULT_LIMIT): the longest line ReadLine returns, and half the
// buffered size at which the transport stops reading.
const DefaultLimit = 64 * 1024

// poolBufSize is the size of the pooled buffers a reader holds its data
// in. A reader holds one only while it has unread data, so an idle
// connection costs no buffer.
const poolBufSize = 16 * 1024

// minRead is the least free space a read from the socket is given.
const minRead = 4 * 1024

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, poolBufSize)
	return &b
}}

// StreamReader is a buffered byte stream fed by a transport (asyncio's
// StreamReader). Its read methods return coroutines to await; one read
// may wait at a time.
//
// Byte ownership: Read, ReadLine, ReadUntil and ReadExactly return fresh
// slices that belong to the caller. ReadInto copies into the caller's
// buffer. ReadLineView returns a view of the reader's own buffer that
// stays put until the next read or Consume, the loop running meanwhile.
// Peek returns a view of the reader's own buffer, valid only until
// the next read, Consume, or the next time the loop runs (new data may
// move it): parse from it in place, then Consume what was parsed.
//
// A read that is cancelled leaves the buffer as it was: every byte it had
// not returned is still there for the next read, in order.
type StreamReader struct {
	bp     *[]byte // the pooled buffer, or nil
	buf    []byte  // buf[off:] is the unread data; nil when there is none
	off    int
	limit  int
	err    error
	waiter *rt.Future[rt.Void]
	t      rt.Transport
	eof    bool
	paused bool // we paused the transport's reading (over 2×limit)
	// pinned says that a view ReadLineView returned may still be in use:
	// the buffer's bytes are neither moved nor given back until the next
	// read or Consume (unpin).
	pinned bool
	// wfutOut says that a wait on wfut has not called doneWaiting yet:
	// wfut is not reset under it (see waitForData).
	wfutOut bool
	// wfut is the future waits reuse (Reset after each), and op the
	// coroutine of ReadInto, ReadMore, ReadLine and ReadLineView, reused
	// once finished: a message read with ReadInto or ReadLineView costs
	// no allocation, with ReadLine the line.
	wfut *rt.Future[rt.Void]
	op   *readOp
	// dw is the awaitable the waits of Read, ReadUntil and ReadExactly
	// reuse once the last one ended (see awaitData).
	dw *dataWait
	// retired is a pooled buffer left to a pinned view when the data
	// moved to another, back to the pool at unpin.
	retired *[]byte
}

// NewStreamReader returns a reader with the given limit (DefaultLimit if
// limit is 0) that is fed by FeedData and FeedEOF, for tests and for
// protocols of one's own. A negative limit panics, as a ValueError would.
func NewStreamReader(limit int) *StreamReader {
	r := &StreamReader{}
	r.init(limit)
	return r
}

func (r *StreamReader) init(limit int) {
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 0 {
		panic(fmt.Sprintf("streams: limit %d: %v", limit, ErrBadLimit))
	}
	r.limit = limit
}

// Limit returns the reader's limit.
func (r *StreamReader) Limit() int { return r.limit }

// Exception returns the error the stream failed with, if any.
func (r *StreamReader) Exception() error { return r.err }

// SetException makes every later read fail with err, and wakes a waiting
// one with it.
func (r *StreamReader) SetException(err error) {
	r.err = err
	if w := r.waiter; w != nil {
		r.waiter = nil
		if !w.Cancelled() {
			w.SetException(err)
		}
	}
}

// AtEOF reports whether the stream ended and every byte was read.
func (r *StreamReader) AtEOF() bool { return r.eof && r.Buffered() == 0 }

// Buffered returns how many unread bytes the reader holds.
func (r *StreamReader) Buffered() int { return len(r.buf) - r.off }

// Peek returns the unread bytes as a view of the reader's buffer, valid
// until the next read or Consume, and only while the loop does not run.
func (r *StreamReader) Peek() []byte { return r.buf[r.off:] }

// Consume drops the first n unread bytes (after parsing them from Peek).
func (r *StreamReader) Consume(n int) {
	r.unpin()
	if n < 0 || n > r.Buffered() {
		panic(fmt.Sprintf("streams: Consume(%d) with %d bytes buffered", n, r.Buffered()))
	}
	r.off += n
	r.consumed()
}

// FeedData appends p to the buffer (a copy) and wakes a waiting read.
func (r *StreamReader) FeedData(p []byte) {
	if len(p) == 0 {
		return
	}
	if r.eof {
		panic("streams: FeedData after FeedEOF")
	}
	dst := r.space(len(p))
	copy(dst, p)
	r.fed(len(p))
}

// FeedEOF marks the end of the stream and wakes a waiting read.
func (r *StreamReader) FeedEOF() {
	r.eof = true
	r.releaseIfEmpty()
	r.wakeup()
}

// space returns at least n bytes of free space after the unread data,
// compacting or growing the buffer as needed.
func (r *StreamReader) space(n int) []byte {
	if r.buf == nil {
		if n <= poolBufSize {
			r.bp = bufPool.Get().(*[]byte)
			r.buf = (*r.bp)[:0]
		} else {
			r.buf = make([]byte, 0, n)
		}
		r.off = 0
	}
	if cap(r.buf)-len(r.buf) < n {
		unread := len(r.buf) - r.off
		switch {
		case r.off > 0 && cap(r.buf)-unread >= n && !r.pinned:
			copy(r.buf, r.buf[r.off:])
		case r.pinned && unread+n <= poolBufSize:
			// A view is out: its bytes stay where they are, and the
			// unread data moves to another pooled buffer.
			old := r.bp
			r.bp = bufPool.Get().(*[]byte)
			nb := (*r.bp)[:unread]
			copy(nb, r.buf[r.off:])
			r.retire(old)
			r.buf = nb
		default:
			nb := make([]byte, unread, max(2*cap(r.buf), unread+n))
			copy(nb, r.buf[r.off:])
			if r.pinned {
				r.retire(r.bp)
				r.bp = nil
			} else {
				r.putBack()
			}
			r.buf = nb
		}
		r.buf = r.buf[:unread]
		r.off = 0
		r.pinned = false // the view's bytes are no longer in r.buf
	}
	return r.buf[len(r.buf):cap(r.buf)][:n:n]
}

// fed records n new bytes written into the space, wakes a reader, and
// pauses the transport when the buffer is over twice the limit.
func (r *StreamReader) fed(n int) {
	r.buf = r.buf[:len(r.buf)+n]
	r.wakeup()
	if r.t != nil && !r.paused && r.Buffered() > 2*r.limit {
		r.t.PauseReading()
		r.paused = true
	}
}

func (r *StreamReader) wakeup() {
	if w := r.waiter; w != nil {
		r.waiter = nil
		if !w.Cancelled() {
			w.SetResult(rt.Void{})
		}
	}
}

// consumed is called after bytes were taken: it gives an emptied buffer
// back and resumes the transport once the buffer is within the limit.
func (r *StreamReader) consumed() {
	r.releaseIfEmpty()
	if r.paused && r.Buffered() <= r.limit {
		r.paused = false
		r.t.ResumeReading()
	}
}

// releaseIfEmpty gives the buffer back when it holds no unread data and
// no view may be using it.
func (r *StreamReader) releaseIfEmpty() {
	if r.Buffered() == 0 && !r.pinned {
		r.release()
	}
}

// unpin ends the validity of the last view (the next read or Consume):
// its bytes may be moved and reused again.
func (r *StreamReader) unpin() {
	if r.pinned || r.retired != nil {
		r.unpinSlow()
	}
}

func (r *StreamReader) unpinSlow() {
	if r.retired != nil {
		putPooled(r.retired)
		r.retired = nil
	}
	if r.pinned {
		r.pinned = false
		r.releaseIfEmpty()
	}
}

// retire keeps bp, a pooled buffer a view may still be using, until
// unpin.
func (r *StreamReader) retire(bp *[]byte) { r.retired = bp }

func (r *StreamReader) release() {
	r.putBack()
	r.buf, r.off = nil, 0
}

func (r *StreamReader) putBack() {
	if r.bp != nil {
		putPooled(r.bp)
		r.bp = nil
	}
}

// putPooled gives a pooled buffer back, emptied.
func putPooled(bp *[]byte) {
	*bp = (*bp)[:0]
	bufPool.Put(bp)
}

// take returns a copy of the first n unread bytes and consumes them.
func (r *StreamReader) take(n int) []byte {
	out := make([]byte, n)
	copy(out, r.buf[r.off:])
	r.off += n
	r.consumed()
	return out
}

// takeOrView is take, or with view the first n unread bytes in place,
// consumed and pinned (see ReadLineView).
func (r *StreamReader) takeOrView(n int, view bool) []byte {
	if !view {
		return r.take(n)
	}
	v := r.buf[r.off : r.off+n : r.off+n]
	if n > 0 {
		r.pinned = true
	}
	r.off += n
	r.consumed()
	return v
}

// waitForData returns the future a read awaits until data or EOF arrive
// (asyncio's _wait_for_data). A read paused by the limit is resumed first.
func (r *StreamReader) waitForData(l *rt.Loop, op string) *rt.Future[rt.Void] {
	if r.waiter != nil {
		f := rt.NewFuture[rt.Void](l)
		f.SetException(fmt.Errorf("streams: %s: %w", op, ErrConcurrentRead))
		return f
	}
	if r.paused {
		r.paused = false
		r.t.ResumeReading()
	}
	// The previous wait's future can be reused once its reader has taken
	// the outcome (doneWaiting). A reader woken but not yet run has not:
	// reset under it, the future would be shared by two waits, and the
	// cancel of the later reader would reach the earlier one.
	f := r.wfut
	if f == nil || r.wfutOut || f.Loop() != l || f.Reset() != nil {
		f = rt.NewFuture[rt.Void](l)
		r.wfut = f
	}
	r.wfutOut = true
	r.waiter = f
	return f
}

// awaitData is what the read templates await for data or EOF:
// waitForData's future, forgotten however the await ends: with its
// outcome (doneWaiting), or by a Close of the read while it waits
// (abandonWait). A closed read runs no code after its await, so without
// this the next read would find the wait still there and fail as a
// concurrent one.
//
// The reader's dataWait is reused once its await has ended (Result or
// Close); a wait that starts while it is still out (a read woken but not
// yet run, beside which another starts) makes one of its own.
func (r *StreamReader) awaitData(l *rt.Loop, op string) *dataWait {
	f := r.waitForData(l, op)
	d := r.dw
	if d == nil || d.out {
		d = new(dataWait)
		if r.dw == nil {
			r.dw = d
		}
	}
	*d = dataWait{r: r, f: f, out: true}
	return d
}

// dataWait is the awaitable awaitData returns.
type dataWait struct {
	r   *StreamReader
	f   *rt.Future[rt.Void]
	err error // thrown in (a cancellation)
	out bool  // awaited: neither Result nor Close has been called
}

// Send yields the future to the driver while it is pending.
func (d *dataWait) Send(c *rt.Ctx) rt.Yield { return d.f.Send(c) }

// Throw ends the wait with err.
func (d *dataWait) Throw(_ *rt.Ctx, err error) rt.Yield {
	d.err = err
	return rt.Yield{}
}

// Close abandons the wait.
func (d *dataWait) Close() {
	d.r.abandonWait(d.f)
	*d = dataWait{}
}

// Result forgets the wait and returns its outcome.
func (d *dataWait) Result() (rt.Void, error) {
	f, err := d.f, d.err
	d.r.doneWaiting(f)
	*d = dataWait{} // free for the next wait, holding nothing
	if err != nil {
		return rt.Void{}, err
	}
	return f.Result()
}

// doneWaiting forgets f, however its await ended (a cancelled read must
// not block the next one).
func (r *StreamReader) doneWaiting(f *rt.Future[rt.Void]) {
	if r.waiter == f {
		r.waiter = nil
	}
	if r.wfut == f {
		r.wfutOut = false
	}
}

// abandonWait forgets f for a read closed while it waits. Unlike
// doneWaiting it keeps f from being reused: the closed read's task may
// still have f as the future it waits on (woken by data, not yet run),
// and a Cancel of that task would then cancel the next read's wait. The
// next wait makes a future of its own.
func (r *StreamReader) abandonWait(f *rt.Future[rt.Void]) {
	if r.waiter == f {
		r.waiter = nil
	}
	if r.wfut == f {
		r.wfut, r.wfutOut = nil, false
	}
}

// scan looks for sep in the unread data from offset on. It returns the
// separator's index, or -1 and the offset to resume from, or the
// LimitOverrunError of a chunk over the limit without a separator.
func (r *StreamReader) scan(sep []byte, offset int) (int, int, error) {
	data := r.buf[r.off:]
	if len(data)-offset < len(sep) {
		return -1, offset, nil
	}
	if i := bytes.Index(data[offset:], sep); i >= 0 {
		return offset + i, offset, nil
	}
	offset = len(data) + 1 - len(sep)
	if offset > r.limit {
		return -1, offset, &LimitOverrunError{Msg: "Separator is not found, and chunk exceed the limit", Consumed: offset}
	}
	return -1, offset, nil
}

// discardLine is ReadLine's answer to a line over the limit: drop it
// through its newline, or drop everything if no newline is buffered.
func (r *StreamReader) discardLine(consumed int) {
	data := r.buf[r.off:]
	if consumed < len(data) && data[consumed] == '\n' {
		r.off += consumed + 1
	} else {
		r.off = len(r.buf)
	}
	r.consumed()
}

// String describes the reader for logs.
func (r *StreamReader) String() string {
	s := fmt.Sprintf("<StreamReader %d bytes", r.Buffered())
	if r.eof {
		s += " eof"
	}
	if r.paused {
		s += " paused"
	}
	return s + ">"
}
