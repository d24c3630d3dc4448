package rt

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/asyncgen/asyncgen/rt/selector"
	"golang.org/x/sys/unix"
)

// sockTransport is the selector socket transport (asyncio's
// _SelectorSocketTransport), the hot path of every server and client.
//
// The syscall budget per message is one read and one write plus a share
// of one epoll_wait:
//   - the fd is watched for reading (level-triggered) from ConnectionMade
//     until EOF, close or PauseReading; a readiness event costs exactly one
//     read, into the loop's buffer, and DataReceived gets a view of it;
//   - Write sends at once and buffers only what the socket did not take;
//     only then is the fd watched for writing, and only until the buffer
//     drains, so a conversation that keeps up costs no epoll_ctl;
//   - pending chunks leave in one writev; chunks exist only while they hold
//     data and go back to the loop's pool when they drain.
//
// ConnectionLost is called exactly once on every path (EOF, Close, Abort,
// a fatal error, the loop closing). The fd is removed from the selector
// before it is closed, and it is closed exactly once, by connectionLost.
type sockTransport struct {
	loop  *Loop
	reg   *fdHandlers // our entry in the loop (owned)
	proto StreamProtocol
	srv   *Server // the server that accepted us, if any

	// peer and local are the socket's addresses; local may be shared with
	// the other connections of its listener.
	peer, local unix.Sockaddr

	// wq is the pending output, made when the socket does not take a
	// whole write and dropped once sent: an idle connection has none.
	wq *wqueue
	fc flowControl
	fd int32 // -1 once closed

	dropped  int32 // writes dropped after the connection was lost
	kind     protoKind
	connLost bool // ConnectionLost is scheduled (or done): drop writes
	closing  bool
	eof      bool // WriteEOF was called
	paused   bool // PauseReading
	readEOF  bool // the peer's EOF was received, reading is over
	lostDone bool // ConnectionLost was called
	made     bool // ConnectionMade was called
	lostErr  error
	link     resLink // in the loop's live resources
	slink    resLink // in the server's clients
}

// protoKind says which read path the protocol takes, so that the
// transport keeps one interface value instead of one per kind.
type protoKind uint8

const (
	kindBase     protoKind = iota // neither: reads are dropped
	kindData                      // a Protocol: DataReceived
	kindBuffered                  // a BufferedProtocol: GetBuffer, BufferUpdated
)

// wqueue is a transport's pending output.
type wqueue struct {
	chunks []wchunk // oldest first; nil while nothing is pending
	size   int      // bytes in chunks
}

// wsize is how many bytes are pending.
func (t *sockTransport) wsize() int {
	if t.wq == nil {
		return 0
	}
	return t.wq.size
}

// network is "tcp4", "tcp6" or "unix", from the peer's address family.
func (t *sockTransport) network() string {
	switch t.peer.(type) {
	case *unix.SockaddrInet4:
		return "tcp4"
	case *unix.SockaddrInet6:
		return "tcp6"
	}
	return "unix"
}

// wchunk is one buffer of pending output; buf[off:] is still to be sent.
type wchunk struct {
	buf []byte
	off int
}

// Callbacks of a transport, as conversions of the same pointer, so that
// scheduling one costs no closure.
type (
	sockWriter sockTransport // the fd is writable: flush the buffer
	sockStart  sockTransport // ConnectionMade, then start reading
	sockLost   sockTransport // ConnectionLost(lostErr), then close the fd
)

// newSockTransport wraps the connected, non-blocking stream socket fd.
// ConnectionMade runs in the next pass, then reading starts (the order of
// asyncio's call_soon calls in _SelectorSocketTransport.__init__). e is
// fd's entry when the caller already owns fd (a connect), else nil. The
// caller must not use fd again; on error fd is left to the caller.
func newSockTransport(l *Loop, e *fdHandlers, fd int, p StreamProtocol, peer, local unix.Sockaddr, srv *Server) (*sockTransport, error) {
	if p == nil {
		return nil, errors.New("rt: transport: nil protocol")
	}
	if e == nil {
		var err error
		if e, err = l.own(fd); err != nil {
			return nil, err
		}
	}
	t := &sockTransport{loop: l, reg: e, fd: int32(fd), peer: peer, local: local, srv: srv}
	if local == nil {
		// Read now, as asyncio does, so that it is still known after close.
		t.local, _ = unix.Getsockname(fd)
	}
	t.fc.init()
	t.setProtocol(p)
	switch peer.(type) {
	case *unix.SockaddrInet4, *unix.SockaddrInet6:
		setNoDelay(fd)
	}
	if srv != nil {
		srv.attach(t)
	}
	l.addResource(&t.link, t)
	l.callSoon((*sockStart)(t))
	return t, nil
}

func (s *sockStart) run() {
	t := (*sockTransport)(s)
	if t.lostDone {
		return
	}
	t.made = true
	// Reading starts even if ConnectionMade panics (the panic goes on to
	// the loop's exception handler, naming the connection): in asyncio
	// the two are callbacks of their own.
	defer t.startReading()
	l := t.loop
	l.net.making, l.net.makingProto = t, t.proto
	t.proto.ConnectionMade(t)
	l.net.making, l.net.makingProto = nil, nil
}

func (t *sockTransport) startReading() {
	if !t.closing && !t.paused {
		t.loop.setSlot(t.reg, selector.Read, t)
	}
}

func (t *sockTransport) setProtocol(p StreamProtocol) {
	t.proto, t.kind = p, kindBase
	if _, ok := p.(BufferedProtocol); ok {
		t.kind = kindBuffered
	} else if _, ok := p.(Protocol); ok {
		t.kind = kindData
	}
}

// GetProtocol returns the protocol the transport calls.
func (t *sockTransport) GetProtocol() StreamProtocol { return t.proto }

// SetProtocol switches the transport to p.
func (t *sockTransport) SetProtocol(p StreamProtocol) {
	if p == nil {
		panic("rt: Transport.SetProtocol(nil)")
	}
	t.setProtocol(p)
}

// run is the read callback (asyncio's _read_ready): one read per
// readiness event.
func (t *sockTransport) run() {
	if t.closing || t.paused {
		// Paused or closed by a callback that ran after the poll
		// queued this one (asyncio cancels the queued reader).
		return
	}
	var buf []byte
	var bp BufferedProtocol
	if t.kind == kindBuffered {
		bp = t.proto.(BufferedProtocol)
		var err error
		if buf, err = getBuffer(bp); err != nil {
			t.fatalError(err, "Fatal error: protocol.GetBuffer() call failed.")
			return
		}
	} else {
		buf = t.loop.readBuffer()
	}
	n, err := sockRead(int(t.fd), buf)
	switch {
	case isAgain(err):
		return
	case err != nil:
		t.fatalError(t.connError("read", "read", err), "Fatal read error on socket transport")
		return
	case n == 0:
		t.onEOF()
		return
	}
	// A panic in the protocol ends the connection (deliveryPanicked).
	l := t.loop
	l.net.delivering = t
	switch t.kind {
	case kindBuffered:
		bp.BufferUpdated(n)
	case kindData:
		t.proto.(Protocol).DataReceived(buf[:n])
	}
	l.net.delivering = nil
}

// deliveryPanicked is a panic out of DataReceived or BufferUpdated, which
// the loop caught: asyncio's fatal error of a failed data_received or
// buffer_updated, reported and passed to ConnectionLost.
func (t *sockTransport) deliveryPanicked(err error) {
	msg := "Fatal error: protocol.DataReceived() call failed."
	if t.kind == kindBuffered {
		msg = "Fatal error: protocol.BufferUpdated() call failed."
	}
	t.fatalError(err, msg)
}

func getBuffer(bp BufferedProtocol) (buf []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = FailureOf(v)
		}
	}()
	buf = bp.GetBuffer(-1)
	if len(buf) == 0 {
		return nil, &RuntimeError{Msg: "rt: GetBuffer() returned an empty buffer"}
	}
	return buf, nil
}

// onEOF asks the protocol whether to stay half-open (asyncio's
// _read_ready__on_eof).
func (t *sockTransport) onEOF() {
	keep, err := t.eofReceived()
	if err != nil {
		t.fatalError(err, "Fatal error: protocol.EOFReceived() call failed.")
		return
	}
	if !keep {
		t.Close()
		return
	}
	t.readEOF = true
	t.loop.setSlot(t.reg, selector.Read, nil)
}

func (t *sockTransport) eofReceived() (keep bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = FailureOf(v)
		}
	}()
	return t.proto.EOFReceived(), nil
}

// Write sends p now and buffers what the socket does not take.
func (t *sockTransport) Write(p []byte) error {
	if t.loop.debug && t.loop.running {
		t.loop.checkGoroutine("Transport.Write")
	}
	if t.eof {
		return fmt.Errorf("rt: Transport.Write: %w", ErrWriteAfterEOF)
	}
	if len(p) == 0 {
		return nil
	}
	if t.connLost {
		t.dropWrite()
		return nil
	}
	if t.wq == nil || t.wq.size == 0 {
		n, err := sockWrite(int(t.fd), p)
		if err != nil && !isAgain(err) {
			t.fatalError(t.connError("write", "write", err), "Fatal write error on socket transport")
			return nil
		}
		if p = p[n:]; len(p) == 0 {
			return nil
		}
		t.loop.setSlot(t.reg, selector.Write, (*sockWriter)(t))
	}
	t.buffer(p)
	t.fc.maybePause(t.loop, t, t.proto, t.wsize())
	return nil
}

// WriteLines writes every buffer of bufs, in one writev when nothing is
// pending.
func (t *sockTransport) WriteLines(bufs [][]byte) error {
	if t.loop.debug && t.loop.running {
		t.loop.checkGoroutine("Transport.WriteLines")
	}
	if t.eof {
		return fmt.Errorf("rt: Transport.WriteLines: %w", ErrWriteAfterEOF)
	}
	total := 0
	for _, b := range bufs {
		total += len(b)
	}
	if total == 0 {
		return nil
	}
	if t.connLost {
		t.dropWrite()
		return nil
	}
	if t.wsize() == 0 {
		n, err := sockWritev(int(t.fd), bufs)
		if err != nil && !isAgain(err) {
			t.fatalError(t.connError("write", "writev", err), "Fatal write error on socket transport")
			return nil
		}
		for len(bufs) > 0 && n >= len(bufs[0]) {
			n -= len(bufs[0])
			bufs = bufs[1:]
		}
		if len(bufs) == 0 {
			return nil
		}
		// The rest of the first buffer is buffered without writing it
		// into bufs: the caller's slice stays as it was.
		t.buffer(bufs[0][n:])
		bufs = bufs[1:]
		t.loop.setSlot(t.reg, selector.Write, (*sockWriter)(t))
	}
	for _, b := range bufs {
		t.buffer(b)
	}
	t.fc.maybePause(t.loop, t, t.proto, t.wsize())
	return nil
}

// dropWrite counts a write after the connection was lost and warns once,
// as asyncio does (it warns on every such write past the threshold).
func (t *sockTransport) dropWrite() {
	t.dropped++
	if t.dropped == maxDroppedWritesBeforeWarning {
		t.loop.CallExceptionHandler(ErrorContext{
			Message:   "rt: transport: writes after the connection was lost are dropped",
			Err:       net.ErrClosed,
			Transport: t,
		})
	}
}

// buffer copies p behind the pending output, filling the last chunk
// before taking a new one.
func (t *sockTransport) buffer(p []byte) {
	if t.wq == nil {
		t.wq = new(wqueue)
	}
	q := t.wq
	q.size += len(p)
	if k := len(q.chunks); k > 0 {
		last := &q.chunks[k-1]
		n := min(cap(last.buf)-len(last.buf), len(p))
		last.buf = append(last.buf, p[:n]...)
		p = p[n:]
	}
	if len(p) > 0 {
		c := t.loop.getChunk(len(p))
		q.chunks = append(q.chunks, wchunk{buf: append(c, p...)})
	}
}

// run is the write callback (asyncio's _write_ready): flush what is
// pending in one writev.
func (w *sockWriter) run() {
	t := (*sockTransport)(w)
	if t.connLost || t.wsize() == 0 {
		return
	}
	l := t.loop
	iov := l.net.iov[:0]
	for i := range t.wq.chunks {
		if len(iov) == maxIov {
			break
		}
		c := &t.wq.chunks[i]
		iov = append(iov, c.buf[c.off:])
	}
	n, err := sockWritev(int(t.fd), iov)
	clear(iov)
	l.net.iov = iov[:0]
	if err != nil && !isAgain(err) {
		t.clearBuffer()
		t.fatalError(t.connError("write", "writev", err), "Fatal write error on socket transport")
		return
	}
	t.consume(n)
	t.fc.maybeResume(l, t, t.proto, t.wsize()) // may write more, or abort
	if t.wsize() > 0 || t.connLost {
		return
	}
	l.setSlot(t.reg, selector.Write, nil)
	switch {
	case t.closing:
		t.connectionLost(nil)
	case t.eof:
		unix.Shutdown(int(t.fd), unix.SHUT_WR)
	}
}

// consume drops n sent bytes from the front of the buffer.
func (t *sockTransport) consume(n int) {
	q := t.wq
	q.size -= n
	i := 0
	for ; i < len(q.chunks); i++ {
		c := &q.chunks[i]
		left := len(c.buf) - c.off
		if n < left {
			c.off += n
			break
		}
		n -= left
		t.loop.putChunk(c.buf)
		c.buf = nil
	}
	if i == len(q.chunks) {
		t.wq = nil // no pending output, no buffer
		return
	}
	q.chunks = q.chunks[i:]
}

func (t *sockTransport) clearBuffer() {
	t.dropBuffer()
	t.loop.setSlot(t.reg, selector.Write, nil)
}

// dropBuffer gives the pending output's chunks back to the loop.
func (t *sockTransport) dropBuffer() {
	if q := t.wq; q != nil {
		for i := range q.chunks {
			t.loop.putChunk(q.chunks[i].buf)
		}
		t.wq = nil
	}
}

// WriteEOF shuts the write side down once the buffer is sent.
func (t *sockTransport) WriteEOF() error {
	if t.closing || t.eof {
		return nil
	}
	t.eof = true
	if t.wsize() == 0 {
		if err := unix.Shutdown(int(t.fd), unix.SHUT_WR); err != nil {
			return t.connError("close", "shutdown", err)
		}
	}
	return nil
}

// CanWriteEOF reports true: stream sockets can shut their write side.
func (t *sockTransport) CanWriteEOF() bool { return true }

// IsClosing reports whether Close or Abort was called or the connection
// was lost.
func (t *sockTransport) IsClosing() bool { return t.closing }

// IsReading reports whether the transport is receiving.
func (t *sockTransport) IsReading() bool { return !t.paused && !t.closing }

// PauseReading stops reading until ResumeReading.
func (t *sockTransport) PauseReading() {
	if !t.IsReading() {
		return
	}
	t.paused = true
	t.loop.setSlot(t.reg, selector.Read, nil)
}

// ResumeReading starts reading again after PauseReading.
func (t *sockTransport) ResumeReading() {
	if t.closing || !t.paused {
		return
	}
	t.paused = false
	if !t.readEOF {
		t.loop.setSlot(t.reg, selector.Read, t)
	}
}

// SetWriteBufferLimits sets the water marks and applies them at once.
func (t *sockTransport) SetWriteBufferLimits(high, low int) error {
	if err := t.fc.setLimits(high, low); err != nil {
		return err
	}
	t.fc.maybePause(t.loop, t, t.proto, t.wsize())
	return nil
}

// GetWriteBufferSize returns how many bytes wait to be sent.
func (t *sockTransport) GetWriteBufferSize() int { return t.wsize() }

// GetWriteBufferLimits returns the low- and high-water marks.
func (t *sockTransport) GetWriteBufferLimits() (low, high int) {
	return int(t.fc.low), int(t.fc.high)
}

// GetExtraInfo returns "peername", "sockname" (net.Addr) or "socket" (the
// fd, -1 once closed).
func (t *sockTransport) GetExtraInfo(name string) any {
	switch name {
	case "peername":
		return sockNetAddr(t.network(), t.peer)
	case "sockname":
		return sockNetAddr(t.network(), t.local)
	case "socket":
		return int(t.fd)
	}
	return nil
}

// Close closes the transport after the buffer is sent.
func (t *sockTransport) Close() {
	if t.loop.debug && t.loop.running {
		t.loop.checkGoroutine("Transport.Close")
	}
	if t.closing {
		return
	}
	t.closing = true
	t.loop.setSlot(t.reg, selector.Read, nil)
	if t.wsize() == 0 {
		t.scheduleLost(nil)
	}
}

// Abort closes the transport now, dropping the buffer.
func (t *sockTransport) Abort() { t.forceClose(nil) }

// connError is a failed call on the connection as Go's net reports one:
// "read tcp4 127.0.0.1:80->127.0.0.1:5000: read: connection reset by
// peer", so that a log line names the connection and errors.Is still
// finds the errno. op is net's name for what failed ("read", "write",
// "close"); call is the system call.
func (t *sockTransport) connError(op, call string, errno error) error {
	network := t.network()
	return &net.OpError{Op: op, Net: network, Source: sockNetAddr(network, t.local),
		Addr: sockNetAddr(network, t.peer), Err: os.NewSyscallError(call, errno)}
}

// fatalError ends the connection with err. Socket errors (a reset, a
// broken pipe) are the peer's doing and are only passed to ConnectionLost;
// anything else is also reported, as asyncio's _fatal_error does.
func (t *sockTransport) fatalError(err error, msg string) {
	var se *os.SyscallError
	if !errors.As(err, &se) {
		t.loop.CallExceptionHandler(ErrorContext{Message: msg, Err: err, Transport: t, Protocol: t.proto})
	}
	t.forceClose(err)
}

// forceClose drops the buffer and schedules ConnectionLost(err).
func (t *sockTransport) forceClose(err error) {
	if t.connLost {
		return
	}
	if t.wsize() > 0 {
		t.clearBuffer()
	}
	if !t.closing {
		t.closing = true
		t.loop.setSlot(t.reg, selector.Read, nil)
	}
	t.scheduleLost(err)
}

func (t *sockTransport) scheduleLost(err error) {
	t.connLost = true
	t.lostErr = err
	t.loop.setSlot(t.reg, selector.Write, nil)
	t.loop.callSoon((*sockLost)(t))
}

func (s *sockLost) run() { (*sockTransport)(s).connectionLost((*sockTransport)(s).lostErr) }

// connectionLost calls ConnectionLost once, then removes the fd from the
// selector and closes it, even if the protocol panics.
func (t *sockTransport) connectionLost(err error) {
	if t.lostDone {
		return
	}
	t.lostDone, t.connLost, t.closing = true, true, true
	defer t.release()
	t.proto.ConnectionLost(err)
}

// release gives everything back: the fd (unregistered first, closed
// once), the buffer, the server's count and the loop's list.
func (t *sockTransport) release() {
	l := t.loop
	t.dropBuffer()
	t.lostErr = nil
	if t.fd >= 0 {
		l.disown(t.reg)
		closeFD(int(t.fd))
		t.fd = -1
	}
	l.removeResource(&t.link)
	if s := t.srv; s != nil {
		t.srv = nil
		s.detach(t)
	}
}

// closeWithLoop is the loop closing under a live transport: the protocol
// hears of it now, since no later pass will run. A protocol that never had
// ConnectionMade (the loop closed in between) hears nothing, as asyncio's
// protocol state machine has no ConnectionLost without ConnectionMade;
// the fd is closed all the same.
func (t *sockTransport) closeWithLoop() {
	if !t.made {
		t.lostDone, t.connLost, t.closing = true, true, true
		t.release()
		return
	}
	err := error(ErrTransportClosed)
	if t.connLost {
		err = t.lostErr // ConnectionLost was scheduled: keep its cause
	}
	t.connectionLost(err)
}

// String describes the transport for logs.
func (t *sockTransport) String() string {
	state := "open"
	switch {
	case t.lostDone:
		state = "closed"
	case t.closing:
		state = "closing"
	}
	return fmt.Sprintf("<sockTransport fd=%d %s peer=%s>", t.fd, state, SockaddrString(t.peer))
}

// sockNetAddr converts a socket address to the net.Addr of its network.
func sockNetAddr(network string, sa unix.Sockaddr) net.Addr {
	if sa == nil {
		return nil
	}
	sotype := unix.SOCK_STREAM
	if network == "udp4" || network == "udp6" || network == "unixgram" {
		sotype = unix.SOCK_DGRAM
	}
	return netAddr(sotype, sa)
}
