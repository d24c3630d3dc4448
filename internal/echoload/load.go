//go:build linux

// Package echoload is the echo benchmarks' load client, shared by the
// runtime's own benchmarks (internal/echobench) and the peer suite
// (bench/). It is cheap on purpose: one goroutine locked to its OS thread
// drives every connection through level-triggered epoll on raw
// non-blocking sockets, about one read and one write per message, so that
// on a small machine the figures measure the server and not the client (a
// goroutine-per-connection net client costs more CPU per request than the
// servers it measures).
//
// Each connection is in request/response ping-pong: it sends its message,
// waits for the whole echo, checks it byte for byte and sends the next.
// Every wait is bounded: a server that stops answering, closes or resets
// a connection, or echoes other bytes makes Run return an error naming
// the connection, never hang. Linux only (epoll).
package echoload

import (
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// Method says in a report how the load is generated; callers add their
// message shape.
const Method = "one goroutine locked to its OS thread driving every connection through level-triggered epoll " +
	"on raw non-blocking sockets (about one read and one write per message), " +
	"each connection in request/response ping-pong, every echo checked byte for byte"

// DefaultTimeout is how long the client waits for a server that makes no
// progress when Config.Timeout is 0.
const DefaultTimeout = 10 * time.Second

// Config says how many connections to open, what each sends, and how
// long the client waits for the server.
type Config struct {
	// Conns is how many connections to open.
	Conns int
	// Message returns connection i's message, which the server is to
	// echo byte for byte (a 128-byte line for a line server: the client
	// sends it whole and reads back as many bytes). Giving connections
	// different bytes shows an echo on the wrong connection.
	Message func(i int) []byte
	// Timeout bounds every wait (connect, a write finding no room, an
	// echo that does not complete): past it the client gives up with an
	// error. DefaultTimeout if 0.
	Timeout time.Duration
}

// Conns is a set of open load connections to one echo server, each of
// which has echoed its message once. Close them when done.
type Conns struct {
	conns   []*conn
	timeout time.Duration
}

// conn is one load connection: its socket, its message, and how much of
// the current echo has come back.
type conn struct {
	fd       int
	msg, got []byte
	n        int  // bytes of the echo received so far
	busy     bool // its message is in flight
}

// Dial opens cfg.Conns connections to addr (IP:port), one at a time so
// that the server's accept backlog never overflows, and has each echo its
// message once, so that the server has set it up. On error it closes
// every connection it opened.
func Dial(addr string, cfg Config) (*Conns, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, fmt.Errorf("echo load: address %q: %w", addr, err)
	}
	family, sa := unix.AF_INET6, unix.Sockaddr(&unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()})
	if ap.Addr().Unmap().Is4() {
		family, sa = unix.AF_INET, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().Unmap().As4()}
	}
	cs := &Conns{timeout: cfg.Timeout, conns: make([]*conn, 0, cfg.Conns)}
	if cs.timeout <= 0 {
		cs.timeout = DefaultTimeout
	}
	for i := range cfg.Conns {
		if err := cs.dialOne(family, sa, cfg.Message(i)); err != nil {
			cs.Close()
			return nil, fmt.Errorf("echo load: connection %d to %s: %w", i, addr, err)
		}
	}
	return cs, nil
}

// dialOne opens one connection, echoes msg over it while it is still
// blocking (SO_RCVTIMEO bounds the wait), and makes it non-blocking.
func (cs *Conns) dialOne(family int, sa unix.Sockaddr, msg []byte) error {
	if len(msg) == 0 {
		return errors.New("empty message")
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	c := &conn{fd: fd, msg: append([]byte(nil), msg...), got: make([]byte, len(msg))}
	cs.conns = append(cs.conns, c) // closed by Close from here on
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
		return err
	}
	tv := unix.NsecToTimeval(cs.timeout.Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return err
	}
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv); err != nil {
		return err
	}
	if err := cs.connect(fd, sa); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	if err := cs.writeAll(c); err != nil {
		return err
	}
	for c.n = 0; c.n < len(c.got); {
		k, err := unix.Read(fd, c.got[c.n:])
		if err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			return c.stalled(cs.timeout)
		}
		if err := c.received(k, err); err != nil {
			return err
		}
	}
	if err := c.check(); err != nil {
		return err
	}
	return unix.SetNonblock(fd, true)
}

// connect connects the blocking socket fd to sa. A signal (the Go
// runtime preempts its threads with SIGURG) interrupts connect(2) with
// EINTR while the connection goes on being set up: then it waits for the
// socket to be writable and takes the outcome from SO_ERROR.
func (cs *Conns) connect(fd int, sa unix.Sockaddr) error {
	err := unix.Connect(fd, sa)
	if err != unix.EINTR {
		return err
	}
	if err := cs.waitWritable(fd); err != nil {
		return err
	}
	if e, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || e != 0 {
		if err == nil {
			err = unix.Errno(e)
		}
		return err
	}
	return nil
}

// waitWritable waits up to the timeout for fd to be writable.
func (cs *Conns) waitWritable(fd int) error {
	deadline := time.Now().Add(cs.timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("not writable within %v", cs.timeout)
		}
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}, int(left.Milliseconds())+1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
}

// writeAll writes c's message whole. A short write waits for room (it
// does not happen with a small message into an empty send buffer, but a
// lost byte would stall the ping-pong), up to the timeout.
func (cs *Conns) writeAll(c *conn) error {
	for p := c.msg; len(p) > 0; {
		k, err := unix.Write(c.fd, p)
		if err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			if err := cs.waitWritable(c.fd); err != nil {
				return fmt.Errorf("write: %w", err)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
		p = p[k:]
	}
	return nil
}

// send sends c's message and marks it in flight.
func (cs *Conns) send(c *conn) error {
	c.n, c.busy = 0, true
	return cs.writeAll(c)
}

// received accounts for a read of k bytes (or its error) into c's echo.
func (c *conn) received(k int, err error) error {
	if err != nil {
		return fmt.Errorf("read after %d of %d bytes of the echo: %w", c.n, len(c.got), err)
	}
	if k == 0 {
		return fmt.Errorf("the server closed the connection after %d of %d bytes of the echo", c.n, len(c.got))
	}
	c.n += k
	return nil
}

// check compares the complete echo with the message.
func (c *conn) check() error {
	for i := range c.msg {
		if c.got[i] != c.msg[i] {
			return fmt.Errorf("the echo differs from the message at byte %d of %d: %#x, want %#x", i, len(c.msg), c.got[i], c.msg[i])
		}
	}
	c.n = 0
	return nil
}

// stalled is the error for an echo that did not complete within d.
func (c *conn) stalled(d time.Duration) error {
	return fmt.Errorf("%d of %d bytes of the echo after %v", c.n, len(c.got), d)
}

// Len is the number of connections.
func (cs *Conns) Len() int { return len(cs.conns) }

// Close closes every connection; the Conns cannot be used after.
func (cs *Conns) Close() error {
	var first error
	for _, c := range cs.conns {
		if err := unix.Close(c.fd); err != nil && first == nil {
			first = err
		}
	}
	cs.conns = nil
	return first
}

// Run drives the echo load over every connection until msgs messages have
// been echoed (msgs > 0: exactly msgs are sent) or, with msgs 0, until d
// has passed; then the messages still in flight come back, so that the
// sockets are quiet again and Run can be called again. It returns how
// many messages were echoed (those in flight at the end included) and
// how long that took. An error (the server closed or reset a connection,
// an echo differs, no progress within the timeout) ends it at once; the
// connections are then in no state to be used again but must still be
// closed.
func (cs *Conns) Run(d time.Duration, msgs int64) (int64, time.Duration, error) {
	if msgs <= 0 && d <= 0 {
		return 0, 0, errors.New("echo load: Run needs a message count or a duration")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return 0, 0, err
	}
	defer unix.Close(ep) // closing it drops the registrations too
	for i, c := range cs.conns {
		// The event's user data is the connection's index.
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(i)}
		if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, c.fd, &ev); err != nil {
			return 0, 0, err
		}
	}
	var sent, done int64
	start := time.Now()
	end := start.Add(d)
	fail := func(i int, err error) (int64, time.Duration, error) {
		return done, time.Since(start), fmt.Errorf("echo load: connection %d: %w", i, err)
	}
	more := func() bool {
		if msgs > 0 {
			return sent < msgs
		}
		return time.Now().Before(end)
	}
	for i, c := range cs.conns {
		if !more() {
			break
		}
		if err := cs.send(c); err != nil {
			return fail(i, err)
		}
		sent++
	}
	events := make([]unix.EpollEvent, 256)
	progress := time.Now()
	for done < sent {
		wait := cs.timeout - time.Since(progress)
		if wait <= 0 {
			return done, time.Since(start), fmt.Errorf("echo load: %d of %d echoes incomplete after %v without progress%s",
				sent-done, len(cs.conns), cs.timeout, cs.firstIncomplete())
		}
		n, err := unix.EpollWait(ep, events, int(wait.Milliseconds())+1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return done, time.Since(start), err
		}
		if n > 0 {
			progress = time.Now()
		}
		for _, ev := range events[:n] {
			i := int(ev.Fd)
			c := cs.conns[i]
			k, err := unix.Read(c.fd, c.got[c.n:])
			if err == unix.EAGAIN || err == unix.EINTR {
				continue
			}
			if err := c.received(k, err); err != nil {
				return fail(i, err)
			}
			if !c.busy {
				return fail(i, fmt.Errorf("%d bytes from the server with no message in flight", k))
			}
			if c.n < len(c.got) {
				continue
			}
			if err := c.check(); err != nil {
				return fail(i, err)
			}
			c.busy = false
			done++
			if more() {
				if err := cs.send(c); err != nil {
					return fail(i, err)
				}
				sent++
			}
		}
	}
	return done, time.Since(start), nil
}

// firstIncomplete names a connection whose echo has not completed, for a
// timeout's error.
func (cs *Conns) firstIncomplete() string {
	for i, c := range cs.conns {
		if c.n > 0 {
			return fmt.Sprintf(" (connection %d: %d of %d bytes)", i, c.n, len(c.got))
		}
	}
	return ""
}
