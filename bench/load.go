package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// loadMethod says in the output how the echo load is generated.
const loadMethod = "one goroutine locked to its OS thread driving every connection through level-triggered epoll " +
	"on raw non-blocking sockets (about one read and one write per message, like the C server), " +
	"each connection in request/response ping-pong of 1 KiB messages, every echo checked byte for byte"

// msgSize is the echo cells' message: 1 KiB.
const msgSize = 1024

// conn is one load connection: its socket, its message, and how much of
// the current echo has come back.
type conn struct {
	fd       int
	msg, got []byte
	n        int // bytes of the echo received so far
}

// dialAll opens n connections to addr, each having echoed one message (so
// that the server has set it up), one at a time: the server's accept
// backlog never overflows.
func dialAll(addr string, n int) ([]*conn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, err
	}
	sa := &syscall.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	conns := make([]*conn, 0, n)
	for i := range n {
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			closeAll(conns)
			return nil, fmt.Errorf("socket %d: %w", i, err)
		}
		c := &conn{fd: fd, msg: make([]byte, msgSize), got: make([]byte, msgSize)}
		conns = append(conns, c)
		for j := range c.msg {
			c.msg[j] = byte(i + j)
		}
		syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
		// A timeout, so that a server that stops answering fails the
		// cell instead of hanging it.
		tv := syscall.Timeval{Sec: 10}
		syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)
		syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_SNDTIMEO, &tv)
		if err := connect(fd, sa); err != nil {
			closeAll(conns)
			return nil, fmt.Errorf("connect %d to %s: %w", i, addr, err)
		}
		if err := c.echoBlocking(); err != nil {
			closeAll(conns)
			return nil, fmt.Errorf("connection %d: %w", i, err)
		}
		if err := syscall.SetNonblock(fd, true); err != nil {
			closeAll(conns)
			return nil, err
		}
	}
	return conns, nil
}

// connect connects the blocking socket fd to sa. A signal (the Go
// runtime preempts its threads with SIGURG) interrupts connect(2) with
// EINTR while the connection goes on being set up: then it waits for the
// socket to be writable and takes the outcome from SO_ERROR.
func connect(fd int, sa syscall.Sockaddr) error {
	err := syscall.Connect(fd, sa)
	if err != syscall.EINTR {
		return err
	}
	for {
		_, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}, 10_000)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		break
	}
	if e, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ERROR); err != nil || e != 0 {
		if err == nil {
			err = syscall.Errno(e)
		}
		return err
	}
	return nil
}

// echoBlocking sends the message and reads its echo on the still
// blocking socket.
func (c *conn) echoBlocking() error {
	if err := writeAll(c.fd, c.msg); err != nil {
		return err
	}
	for c.n = 0; c.n < len(c.got); {
		k, err := syscall.Read(c.fd, c.got[c.n:])
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			return errors.New("no echo within 10s")
		}
		if err != nil {
			return err
		}
		if k == 0 {
			return errors.New("the server closed the connection")
		}
		c.n += k
	}
	if !bytes.Equal(c.got, c.msg) {
		return errors.New("the echo differs from the message")
	}
	c.n = 0
	return nil
}

// writeAll writes p whole; a short write on a non-blocking socket waits
// for room (it does not happen with 1 KiB into an empty send buffer, but a
// lost byte would stall the ping-pong).
func writeAll(fd int, p []byte) error {
	for len(p) > 0 {
		k, err := syscall.Write(fd, p)
		if err == syscall.EAGAIN || err == syscall.EINTR {
			unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}, 1000)
			continue
		}
		if err != nil {
			return err
		}
		p = p[k:]
	}
	return nil
}

func closeAll(conns []*conn) {
	for _, c := range conns {
		syscall.Close(c.fd)
	}
}

// pingPong runs the echo load over conns until d has passed (d > 0) or
// msgs messages have come back (msgs > 0), and returns how many did and
// how long it took.
func pingPong(conns []*conn, d time.Duration, msgs int64) (int64, time.Duration, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ep, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return 0, 0, err
	}
	defer syscall.Close(ep)
	byFd := make(map[int32]*conn, len(conns))
	for _, c := range conns {
		byFd[int32(c.fd)] = c
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(c.fd)}
		if err := syscall.EpollCtl(ep, syscall.EPOLL_CTL_ADD, c.fd, &ev); err != nil {
			return 0, 0, err
		}
	}
	defer func() {
		for _, c := range conns {
			syscall.EpollCtl(ep, syscall.EPOLL_CTL_DEL, c.fd, nil)
		}
	}()
	start := time.Now()
	end := start.Add(d)
	for _, c := range conns {
		c.n = 0
		if err := writeAll(c.fd, c.msg); err != nil {
			return 0, 0, err
		}
	}
	// Every connection has one message in flight from here on; the
	// count stops when the time or the message budget is spent, and the
	// last echoes are collected so that the sockets are quiet again.
	var done int64
	inFlight := len(conns)
	stopping := false
	events := make([]syscall.EpollEvent, 256)
	idle := time.Now()
	for inFlight > 0 {
		n, err := syscall.EpollWait(ep, events, 100)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return done, time.Since(start), err
		}
		if n == 0 && time.Since(idle) > 10*time.Second {
			return done, time.Since(start), fmt.Errorf("%d echoes missing after 10s", inFlight)
		}
		if n > 0 {
			idle = time.Now()
		}
		for _, ev := range events[:n] {
			c := byFd[ev.Fd]
			k, err := syscall.Read(c.fd, c.got[c.n:])
			if err == syscall.EAGAIN || err == syscall.EINTR {
				continue
			}
			if err != nil {
				return done, time.Since(start), err
			}
			if k == 0 {
				return done, time.Since(start), errors.New("the server closed a connection")
			}
			if c.n += k; c.n < len(c.got) {
				continue
			}
			if !bytes.Equal(c.got, c.msg) {
				return done, time.Since(start), errors.New("an echo differs from its message")
			}
			c.n = 0
			inFlight--
			if !stopping {
				done++
				stopping = (msgs > 0 && done >= msgs) || (d > 0 && time.Now().After(end))
			}
			if !stopping {
				if err := writeAll(c.fd, c.msg); err != nil {
					return done, time.Since(start), err
				}
				inFlight++
			}
		}
	}
	return done, time.Since(start), nil
}
