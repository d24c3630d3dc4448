package rt

import "net"

// Protocols are asyncio's callback interfaces (asyncio.protocols): the loop
// calls them, on its goroutine, as a transport's connection changes state.
// A protocol never blocks; work that must wait belongs in a Task the
// protocol starts (or in the streams package, which is built this way).
//
// asyncio declares connection_made once, on BaseProtocol, taking any
// transport. Here each protocol kind declares ConnectionMade with its own
// transport's type, so a protocol gets a Transport or a DatagramTransport
// without a type assertion.
//
// Embed ProtocolBase (or DatagramProtocolBase) to implement only the
// callbacks you need.

// BaseProtocol is what every protocol implements (asyncio.BaseProtocol).
type BaseProtocol interface {
	// ConnectionLost is called once when the connection is closed,
	// aborted or lost: err is nil after a clean end (EOF, Close, Abort)
	// and the cause otherwise. The transport's fd is closed right after
	// it returns.
	ConnectionLost(err error)
	// PauseWriting is called when the transport's write buffer goes over
	// its high-water mark; stop producing until ResumeWriting.
	PauseWriting()
	// ResumeWriting is called when the buffer drains to the low-water
	// mark after PauseWriting.
	ResumeWriting()
}

// StreamProtocol is what a stream transport accepts: either a Protocol or a
// BufferedProtocol. The transport decides which by the methods the value
// has (GetBuffer wins, as isinstance(p, BufferedProtocol) does in asyncio).
type StreamProtocol interface {
	BaseProtocol
	// ConnectionMade is called once, in the loop pass after the
	// connection is set up and before any data arrives. A panic in it
	// is reported, and the connection goes on (reading starts).
	ConnectionMade(t Transport)
	// EOFReceived is called when the peer shuts its write side down.
	// Returning true keeps the connection half-open (we may still write;
	// close it later); false closes the transport.
	EOFReceived() bool
}

// Protocol receives a stream as it arrives (asyncio.Protocol).
type Protocol interface {
	StreamProtocol
	// DataReceived gets the bytes of one read. data is a view of a buffer
	// the loop reuses: it is valid only during the call, so copy what
	// must outlive it. A panic in DataReceived is the connection's fatal
	// error, as an exception in asyncio's data_received is: it is
	// reported, the transport is aborted and ConnectionLost gets it.
	DataReceived(data []byte)
}

// BufferedProtocol reads straight into buffers it owns, with no copy
// (asyncio.BufferedProtocol).
type BufferedProtocol interface {
	StreamProtocol
	// GetBuffer returns the buffer the next read fills; sizehint is the
	// size the transport would like (or -1 for no preference). An empty
	// buffer is a fatal error for the connection.
	GetBuffer(sizehint int) []byte
	// BufferUpdated reports that n bytes were read into the buffer
	// GetBuffer returned. A panic in it (or in GetBuffer) is fatal to
	// the connection, as in DataReceived.
	BufferUpdated(n int)
}

// DatagramProtocol receives datagrams (asyncio.DatagramProtocol).
type DatagramProtocol interface {
	BaseProtocol
	// ConnectionMade is called once, in the loop pass after the endpoint
	// is set up. A panic in it is reported, and the endpoint goes on.
	ConnectionMade(t DatagramTransport)
	// DatagramReceived gets one datagram and its sender. data is a view
	// of a buffer the loop reuses, valid only during the call.
	DatagramReceived(data []byte, addr net.Addr)
	// ErrorReceived reports an error of a send or receive (ICMP port
	// unreachable, say) that does not close the endpoint.
	ErrorReceived(err error)
}

// ProtocolBase implements Protocol with callbacks that do nothing;
// EOFReceived returns false, so the transport closes at the peer's EOF, as
// asyncio's default does. Embed it and override what you need.
type ProtocolBase struct{}

// ConnectionMade does nothing.
func (ProtocolBase) ConnectionMade(Transport) {}

// ConnectionLost does nothing.
func (ProtocolBase) ConnectionLost(error) {}

// PauseWriting does nothing.
func (ProtocolBase) PauseWriting() {}

// ResumeWriting does nothing.
func (ProtocolBase) ResumeWriting() {}

// DataReceived drops the data.
func (ProtocolBase) DataReceived([]byte) {}

// EOFReceived returns false: close the transport.
func (ProtocolBase) EOFReceived() bool { return false }

// DatagramProtocolBase implements DatagramProtocol with callbacks that do
// nothing. Embed it and override what you need.
type DatagramProtocolBase struct{}

// ConnectionMade does nothing.
func (DatagramProtocolBase) ConnectionMade(DatagramTransport) {}

// ConnectionLost does nothing.
func (DatagramProtocolBase) ConnectionLost(error) {}

// PauseWriting does nothing.
func (DatagramProtocolBase) PauseWriting() {}

// ResumeWriting does nothing.
func (DatagramProtocolBase) ResumeWriting() {}

// DatagramReceived drops the datagram.
func (DatagramProtocolBase) DatagramReceived([]byte, net.Addr) {}

// ErrorReceived ignores the error.
func (DatagramProtocolBase) ErrorReceived(error) {}
