package rt

import (
	"errors"
	"fmt"
	"net"
)

// Transports are asyncio's connection objects (asyncio.transports): a
// protocol talks to its peer through one. Every method must be called on
// the loop's goroutine.

// BaseTransport is what every transport implements.
type BaseTransport interface {
	// Close closes the transport: buffered data is still sent, then the
	// protocol's ConnectionLost(nil) is called (once, in a later pass).
	// Closing twice does nothing.
	Close()
	// IsClosing reports whether the transport is closing or closed.
	IsClosing() bool
	// GetExtraInfo returns optional information about the transport:
	// "peername" and "sockname" (net.Addr), "socket" (the fd, an int), or
	// nil for a name it does not know.
	GetExtraInfo(name string) any
}

// ReadTransport is the read side of a stream (asyncio.ReadTransport).
type ReadTransport interface {
	BaseTransport
	// IsReading reports whether the transport is receiving.
	IsReading() bool
	// PauseReading stops calls to DataReceived until ResumeReading; it
	// does nothing on a paused or closing transport.
	PauseReading()
	// ResumeReading undoes PauseReading.
	ResumeReading()
}

// WriteTransport is the write side of a stream (asyncio.WriteTransport).
type WriteTransport interface {
	BaseTransport
	// Write sends p, buffering what the socket does not take at once. It
	// copies what it keeps, so p may be reused when Write returns. After
	// WriteEOF it fails with ErrWriteAfterEOF. Once the connection is
	// lost (or aborted, or closed with nothing left to send) the data is
	// dropped without an error, and the fifth such write is reported to
	// the loop's exception handler, once (asyncio logs a warning at the
	// fifth and at every one after it).
	Write(p []byte) error
	// WriteLines writes the concatenation of bufs, in one writev when the
	// buffer is empty.
	WriteLines(bufs [][]byte) error
	// WriteEOF shuts the write side down once the buffer is sent; the
	// read side stays open.
	WriteEOF() error
	// CanWriteEOF reports whether WriteEOF is supported.
	CanWriteEOF() bool
	// Abort closes the transport at once, dropping buffered data; the
	// protocol's ConnectionLost(nil) is called once, in a later pass.
	Abort()
	// SetWriteBufferLimits sets the high- and low-water marks of the
	// write buffer. A negative value means "unset", as None does in
	// asyncio: high defaults to 64 KiB (or 4×low when low is set) and low
	// to high/4. high ≥ low ≥ 0 must hold.
	SetWriteBufferLimits(high, low int) error
	// GetWriteBufferSize returns how many bytes are buffered.
	GetWriteBufferSize() int
	// GetWriteBufferLimits returns the low- and high-water marks.
	GetWriteBufferLimits() (low, high int)
}

// Transport is a bidirectional stream (asyncio.Transport).
type Transport interface {
	ReadTransport
	WriteTransport
	// GetProtocol returns the protocol the transport calls.
	GetProtocol() StreamProtocol
	// SetProtocol switches the transport to p, for protocols that hand
	// the connection over (an upgrade, say). p must not be nil.
	SetProtocol(p StreamProtocol)
}

// DatagramTransport sends and receives datagrams (asyncio.DatagramTransport).
type DatagramTransport interface {
	BaseTransport
	// SendTo sends one datagram to addr, or to the remote address the
	// endpoint was connected to when addr is nil. Errors of the send
	// itself go to the protocol's ErrorReceived. An empty p is sent as a
	// datagram of no bytes, as asyncio 3.13 sends it (3.11 and 3.12 drop
	// it without a word); a connected endpoint refuses another address
	// than its remote one for it too.
	SendTo(p []byte, addr net.Addr) error
	// Abort closes the endpoint at once, dropping buffered datagrams.
	Abort()
	// GetWriteBufferSize returns how many bytes are buffered.
	GetWriteBufferSize() int
	// SetWriteBufferLimits works as WriteTransport's.
	SetWriteBufferLimits(high, low int) error
	// GetWriteBufferLimits returns the low- and high-water marks.
	GetWriteBufferLimits() (low, high int)
	// GetProtocol returns the protocol the transport calls.
	GetProtocol() DatagramProtocol
	// SetProtocol switches the transport to p.
	SetProtocol(p DatagramProtocol)
}

// Misuse of a transport. Test with errors.Is; the text never changes.
var (
	// ErrWriteAfterEOF is returned by Write and WriteLines after WriteEOF.
	ErrWriteAfterEOF = errors.New("cannot write after WriteEOF")
	// ErrBadWaterMarks is returned by SetWriteBufferLimits unless
	// high ≥ low ≥ 0.
	ErrBadWaterMarks = errors.New("high must be >= low must be >= 0")
	// ErrTransportClosed is what ConnectionLost gets when the loop is
	// closed under a live transport.
	ErrTransportClosed = errors.New("transport closed with its event loop")
	// ErrServerClosed is returned by ServeForever and StartServing on a
	// closed server.
	ErrServerClosed = errors.New("server is closed")
	// ErrAlreadyServing is returned by a second ServeForever.
	ErrAlreadyServing = errors.New("server is already being awaited on ServeForever")
)

// Default write-buffer water marks (asyncio's FlowControlMixin).
const (
	DefaultHighWater = 64 * 1024
	DefaultLowWater  = DefaultHighWater / 4
)

// maxDroppedWritesBeforeWarning is asyncio's
// LOG_THRESHOLD_FOR_CONNLOST_WRITES: writes dropped after the connection
// was lost are reported once this many have been.
const maxDroppedWritesBeforeWarning = 5

// flowControl is asyncio's _FlowControlMixin: it pauses the protocol when
// the buffer goes over high and resumes it at low. The buffer size is the
// transport's; flowControl only compares it.
type flowControl struct {
	high, low int32
	paused    bool
}

func (fc *flowControl) init() { fc.high, fc.low = DefaultHighWater, DefaultLowWater }

// setLimits validates and stores the marks; negative means unset.
func (fc *flowControl) setLimits(high, low int) error {
	if high < 0 {
		if low < 0 {
			high = DefaultHighWater
		} else {
			high = 4 * low
		}
	}
	if low < 0 {
		low = high / 4
	}
	if high < low || low < 0 || high > 1<<31-1 {
		return fmt.Errorf("rt: SetWriteBufferLimits(high=%d, low=%d): %w", high, low, ErrBadWaterMarks)
	}
	fc.high, fc.low = int32(high), int32(low)
	return nil
}

// maybePause calls PauseWriting when size went over high. A panic in the
// protocol is reported and does not break the transport, as in asyncio.
func (fc *flowControl) maybePause(l *Loop, t BaseTransport, p BaseProtocol, size int) {
	if size <= int(fc.high) || fc.paused {
		return
	}
	fc.paused = true
	protect(l, "protocol.PauseWriting() failed", t, p, p.PauseWriting)
}

// maybeResume calls ResumeWriting when a paused buffer drained to low.
func (fc *flowControl) maybeResume(l *Loop, t BaseTransport, p BaseProtocol, size int) {
	if !fc.paused || size > int(fc.low) {
		return
	}
	fc.paused = false
	protect(l, "protocol.ResumeWriting() failed", t, p, p.ResumeWriting)
}

// protect runs a protocol callback whose failure must not break the
// transport's bookkeeping: a panic goes to the exception handler, with
// the transport and the protocol it concerns.
func protect(l *Loop, msg string, t BaseTransport, p BaseProtocol, fn func()) {
	defer func() {
		if v := recover(); v != nil {
			l.CallExceptionHandler(ErrorContext{Message: msg, Err: FailureOf(v), Transport: t, Protocol: p})
		}
	}()
	fn()
}
