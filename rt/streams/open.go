package streams

import (
	"github.com/asyncgen/asyncgen/rt"
)

// Stream is a connection's two halves, as OpenConnection returns them
// (asyncio's (reader, writer) pair).
type Stream struct {
	Reader *StreamReader
	Writer *StreamWriter
}

// Option configures OpenConnection, StartServer and their Unix forms.
type Option func(*options)

type options struct {
	limit int
	conn  []rt.ConnOption
	srv   []rt.ServerOption
}

// WithLimit sets the readers' limit (default DefaultLimit).
func WithLimit(n int) Option { return func(o *options) { o.limit = n } }

// WithConnOptions passes options on to the loop's CreateConnection.
func WithConnOptions(opts ...rt.ConnOption) Option {
	return func(o *options) { o.conn = append(o.conn, opts...) }
}

// WithServerOptions passes options on to the loop's CreateServer.
func WithServerOptions(opts ...rt.ServerOption) Option {
	return func(o *options) { o.srv = append(o.srv, opts...) }
}

func collect(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// OpenConnection returns a coroutine that connects to addr on network
// ("tcp", "tcp4", "tcp6") and returns the connection's reader and writer
// (asyncio.open_connection). It runs on the loop of the coroutine that
// awaits it.
func OpenConnection(network, addr string, opts ...Option) rt.Coro[Stream] {
	return openAsync(network, addr, false, collect(opts))
}

// OpenUnixConnection is OpenConnection for the Unix socket at path
// (asyncio.open_unix_connection).
func OpenUnixConnection(path string, opts ...Option) rt.Coro[Stream] {
	return openAsync("unix", path, true, collect(opts))
}

// StartServer returns a coroutine that starts a server on addr and
// returns it (asyncio.start_server). Each connection runs cb(reader,
// writer) as a Task of its own; an error it returns is reported through
// the loop's exception handler and closes the connection. cb is typically
// a generated constructor: StartServer(handleAsync, "tcp", ":8080").
func StartServer(cb func(*StreamReader, *StreamWriter) rt.Coro[rt.Void], network, addr string, opts ...Option) rt.Coro[*rt.Server] {
	return startAsync(cb, network, addr, false, collect(opts))
}

// StartUnixServer is StartServer on the Unix socket at path
// (asyncio.start_unix_server).
func StartUnixServer(cb func(*StreamReader, *StreamWriter) rt.Coro[rt.Void], path string, opts ...Option) rt.Coro[*rt.Server] {
	return startAsync(cb, "unix", path, true, collect(opts))
}

// open is OpenConnection's template.
//
//asyncgen:coroutine
func open(network, addr string, isUnix bool, o options) (Stream, error) {
	if o.limit < 0 {
		return Stream{}, ErrBadLimit
	}
	l := rt.RunningLoop()
	c := newConn(o.limit, newShared(l, nil))
	factory := func() rt.StreamProtocol { return c }
	var f *rt.Future[rt.Conn]
	if isUnix {
		f = l.CreateUnixConnection(factory, addr, o.conn...)
	} else {
		f = l.CreateConnection(factory, network, addr, o.conn...)
	}
	if _, err := rt.Await(f); err != nil {
		return Stream{}, err
	}
	return Stream{Reader: &c.r, Writer: &c.w}, nil
}

// start is StartServer's template.
//
//asyncgen:coroutine
func start(cb func(*StreamReader, *StreamWriter) rt.Coro[rt.Void], network, addr string, isUnix bool, o options) (*rt.Server, error) {
	if o.limit < 0 {
		return nil, ErrBadLimit
	}
	l := rt.RunningLoop()
	sh := newShared(l, cb)
	factory := func() rt.StreamProtocol { return newConn(o.limit, sh) }
	if isUnix {
		return rt.Await(l.CreateUnixServer(factory, addr, o.srv...))
	}
	return rt.Await(l.CreateServer(factory, network, addr, o.srv...))
}
