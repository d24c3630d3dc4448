package rt

import "time"

// Options of the loop's connection and server methods, as Go functional
// options instead of asyncio's long keyword lists.

// ConnOption configures CreateConnection and CreateUnixConnection.
type ConnOption func(*connOptions)

type connOptions struct {
	local       string        // local address to bind before connecting
	happyDelay  time.Duration // < 0: try the addresses one at a time
	interleave  bool
	highW, lowW int
}

func defaultConnOptions() connOptions {
	return connOptions{happyDelay: -1, highW: -1, lowW: -1}
}

// WithLocalAddr binds the socket to addr ("host:port", an IP literal)
// before connecting (asyncio's local_addr). The bind sets no
// SO_REUSEADDR, so a port still in use (by a connection lingering in
// TIME_WAIT, say) fails with EADDRINUSE; port 0 lets the kernel choose.
func WithLocalAddr(addr string) ConnOption { return func(o *connOptions) { o.local = addr } }

// WithHappyEyeballs starts the next address's connection attempt when the
// previous one has not succeeded after delay, and interleaves the address
// families (RFC 8305; asyncio's happy_eyeballs_delay, 250 ms recommended).
// The first connection to succeed wins and the others are abandoned.
func WithHappyEyeballs(delay time.Duration) ConnOption {
	return func(o *connOptions) { o.happyDelay, o.interleave = max(delay, 0), true }
}

// WithWriteBufferLimits sets the transport's water marks from the start
// (see WriteTransport.SetWriteBufferLimits).
func WithWriteBufferLimits(high, low int) ConnOption {
	return func(o *connOptions) { o.highW, o.lowW = high, low }
}

// ServerOption configures CreateServer and CreateUnixServer.
type ServerOption func(*serverOptions)

type serverOptions struct {
	backlog      int
	reuseAddr    bool
	reusePort    bool
	startServing bool
}

func defaultServerOptions() serverOptions {
	return serverOptions{backlog: listenBacklog, reuseAddr: true, startServing: true}
}

// WithBacklog sets the listen backlog, which is also the most connections
// accepted per readiness event (default 100, as in asyncio).
func WithBacklog(n int) ServerOption {
	return func(o *serverOptions) {
		if n > 0 {
			o.backlog = n
		}
	}
}

// WithReuseAddress sets SO_REUSEADDR on TCP listeners (default on, as
// asyncio does on Unix): a restarted server can bind its port while old
// connections are in TIME_WAIT.
func WithReuseAddress(on bool) ServerOption { return func(o *serverOptions) { o.reuseAddr = on } }

// WithReusePort sets SO_REUSEPORT, so several servers (one loop per core,
// each on its own goroutine) listen on the same port and the kernel
// spreads the connections among them.
func WithReusePort(on bool) ServerOption { return func(o *serverOptions) { o.reusePort = on } }

// WithStartServing(false) leaves the server bound but not listening until
// StartServing or ServeForever (asyncio's start_serving=False).
func WithStartServing(on bool) ServerOption { return func(o *serverOptions) { o.startServing = on } }

// DatagramOption configures CreateDatagramEndpoint.
type DatagramOption func(*datagramOptions)

type datagramOptions struct {
	local, remote string
	broadcast     bool
	reusePort     bool
}

// WithDatagramLocalAddr binds the endpoint to addr.
func WithDatagramLocalAddr(addr string) DatagramOption {
	return func(o *datagramOptions) { o.local = addr }
}

// WithDatagramRemoteAddr connects the endpoint to addr: SendTo with a nil
// address sends there, and only its datagrams are received.
func WithDatagramRemoteAddr(addr string) DatagramOption {
	return func(o *datagramOptions) { o.remote = addr }
}

// WithBroadcast sets SO_BROADCAST, allowing datagrams to broadcast
// addresses.
func WithBroadcast(on bool) DatagramOption { return func(o *datagramOptions) { o.broadcast = on } }

// WithDatagramReusePort sets SO_REUSEPORT on the endpoint's socket.
func WithDatagramReusePort(on bool) DatagramOption {
	return func(o *datagramOptions) { o.reusePort = on }
}
