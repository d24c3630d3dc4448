package rt_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"golang.org/x/sys/unix"
)

func TestResolveSockaddr(t *testing.T) {
	tests := []struct {
		network, addr string
		want          string // SockaddrString of the result, or "error"
	}{
		{"tcp", "127.0.0.1:80", "127.0.0.1:80"},
		{"tcp4", ":8080", "0.0.0.0:8080"},
		{"tcp6", ":0", "[::]:0"},
		{"tcp", "localhost:1", "127.0.0.1:1"},
		{"tcp6", "localhost:1", "[::1]:1"},
		{"tcp", "[::1]:443", "[::1]:443"},
		{"tcp", "[::ffff:10.0.0.1]:5", "10.0.0.1:5"},
		{"tcp6", "[::ffff:10.0.0.1]:5", "[::ffff:10.0.0.1]:5"},
		{"udp", "10.1.2.3:53", "10.1.2.3:53"},
		{"tcp6", "127.0.0.1:80", "error"},
		{"tcp4", "[::1]:80", "error"},
		{"tcp", "example.com:80", "error"},
		{"tcp", "127.0.0.1:http", "error"},
		{"tcp", "127.0.0.1:70000", "error"},
		{"tcp", "127.0.0.1", "error"},
		{"sctp", "127.0.0.1:1", "error"},
		{"unix", "/tmp/x.sock", "/tmp/x.sock"},
		{"unixpacket", "@abstract", "@abstract"},
	}
	for _, tt := range tests {
		t.Run(tt.network+" "+tt.addr, func(t *testing.T) {
			sa, err := rt.ResolveSockaddr(tt.network, tt.addr)
			if tt.want == "error" {
				if err == nil {
					t.Fatalf("got %s, want an error", rt.SockaddrString(sa))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rt.SockaddrString(sa); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSockaddrStringOfNilAndZone(t *testing.T) {
	if got := rt.SockaddrString(nil); got != "<nil>" {
		t.Fatalf("nil: %q", got)
	}
	sa := &unix.SockaddrInet6{Port: 80, Addr: [16]byte{0: 0xfe, 1: 0x80, 15: 1}, ZoneId: 1}
	lo, err := net.InterfaceByIndex(1)
	if err != nil {
		// A sandbox without a loopback at index 1 cannot name the zone.
		t.Skip("no interface 1:", err)
	}
	if got, want := rt.SockaddrString(sa), "[fe80::1%"+lo.Name+"]:80"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestNewSocketIsNonblockingAndCloexec(t *testing.T) {
	fd, err := rt.NewSocket(unix.AF_INET, unix.SOCK_STREAM)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	fl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	fdfl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	if fl&unix.O_NONBLOCK == 0 || fdfl&unix.FD_CLOEXEC == 0 {
		t.Fatalf("flags %#x, fd flags %#x", fl, fdfl)
	}
}

func TestListenTCPBindsAPortWithReuseAddr(t *testing.T) {
	for _, network := range []string{"tcp", "tcp4", "tcp6"} {
		t.Run(network, func(t *testing.T) {
			addr := "127.0.0.1:0"
			if network == "tcp6" {
				addr = "[::1]:0"
			}
			fd, bound, err := rt.Listen(network, addr, 0)
			if err != nil {
				if network == "tcp6" {
					// Machines with IPv6 disabled have no ::1 to bind.
					t.Skip("no IPv6 loopback:", err)
				}
				t.Fatal(err)
			}
			defer unix.Close(fd)
			if ap, err := netipPort(bound); err != nil || ap == 0 {
				t.Fatalf("bound to %s (%v); want a kernel-chosen port", rt.SockaddrString(bound), err)
			}
			if v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR); err != nil || v == 0 {
				t.Fatalf("SO_REUSEADDR %d, %v", v, err)
			}
			if v, _ := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN); v == 0 {
				t.Fatal("not listening")
			}
		})
	}
}

func netipPort(sa unix.Sockaddr) (int, error) {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return a.Port, nil
	case *unix.SockaddrInet6:
		return a.Port, nil
	}
	return 0, fmt.Errorf("not an IP address: %T", sa)
}

func TestListenUnixReplacesStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "srv.sock")
	fd1, _, err := rt.Listen("unix", path, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(fd1) // leaves the socket file behind, as a crashed server would
	fd2, bound, err := rt.Listen("unix", path, 0)
	if err != nil {
		t.Fatalf("second Listen on a stale path: %v", err)
	}
	defer unix.Close(fd2)
	if got := rt.SockaddrString(bound); got != path {
		t.Fatalf("bound to %q, want %q", got, path)
	}
}

func TestListenUnixRefusesToReplaceARegularFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := rt.Listen("unix", path, 0)
	var oe *net.OpError
	if !errors.Is(err, unix.EADDRINUSE) || !errors.As(err, &oe) || oe.Op != "listen" {
		t.Fatalf("got %v; want a listen *net.OpError with EADDRINUSE", err)
	}
}

func TestListenErrors(t *testing.T) {
	fd, bound, err := rt.Listen("tcp4", "127.0.0.1:0", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	for _, tt := range []struct{ network, addr string }{
		{"udp", "127.0.0.1:0"},
		{"tcp4", "example.com:0"},
		{"tcp4", rt.SockaddrString(bound)}, // in use: SO_REUSEADDR does not share a listening port
	} {
		if _, _, err := rt.Listen(tt.network, tt.addr, 0); err == nil {
			t.Errorf("Listen(%q, %q) succeeded", tt.network, tt.addr)
		}
	}
}

// An echo over loopback with the loop's socket operations: the server task
// accepts and echoes, the main coroutine connects, sends and reads back.
func ExampleLoop_SockAccept() {
	msg, err := rt.Run(rt.Async(func() (string, error) {
		l := rt.RunningLoop()
		lfd, addr, err := rt.Listen("tcp4", "127.0.0.1:0", 0)
		if err != nil {
			return "", err
		}
		defer unix.Close(lfd)
		rt.CreateTask(l, rt.Async(func() (rt.Void, error) {
			conn := rt.Must(l.SockAccept(lfd))
			defer unix.Close(conn.FD)
			data := rt.Must(l.SockRecv(conn.FD, 100))
			return rt.Await(l.SockSendall(conn.FD, data))
		}))
		fd, err := rt.NewSocket(unix.AF_INET, unix.SOCK_STREAM)
		if err != nil {
			return "", err
		}
		defer unix.Close(fd)
		rt.Must(l.SockConnect(fd, addr))
		rt.Must(l.SockSendall(fd, []byte("hello")))
		return string(rt.Must(l.SockRecv(fd, 100))), nil
	}))
	fmt.Println(msg, err)
	// Output: hello <nil>
}

func ExampleResolveSockaddr() {
	for _, a := range []string{"127.0.0.1:8080", ":53", "localhost:0"} {
		sa, err := rt.ResolveSockaddr("tcp", a)
		fmt.Println(rt.SockaddrString(sa), err)
	}
	_, err := rt.ResolveSockaddr("tcp", "example.com:80")
	fmt.Println(err)
	// Output:
	// 127.0.0.1:8080 <nil>
	// 0.0.0.0:53 <nil>
	// 127.0.0.1:0 <nil>
	// address example.com: host is not an IP literal (resolve names off the loop)
}

// The socket-operation benchmarks live here rather than in sock_test.go
// (package rt), which is long enough; they need only the public API.

// pingPong is a hand-written coroutine for the benchmark: rounds times,
// send msg and read the echo back (or, with echo set, the reverse).
type pingPong struct {
	l          *rt.Loop
	fd, rounds int
	msg, buf   []byte
	echo       bool
	alloc      bool // SockRecv instead of SockRecvInto
	i, got     int
	state      int
	sw         rt.Awaiting[rt.Void]
	rw         rt.Awaiting[int]
	rb         rt.Awaiting[[]byte]
	err        error
}

const (
	ppRound = iota
	ppSend
	ppSendWait
	ppRecv
	ppRecvWait
)

func (p *pingPong) Send(c *rt.Ctx) rt.Yield {
	for {
		var y rt.Yield
		var suspend bool
		switch p.state {
		case ppRound:
			if p.i == p.rounds {
				return rt.Yield{}
			}
			p.i, p.got = p.i+1, 0
			p.state = ppSend
			if p.echo {
				p.state = ppRecv
			}
			continue
		case ppSend:
			p.state = ppSendWait
			y, suspend = p.sw.Start(c, p.l.SockSendall(p.fd, p.buf[:len(p.msg)]))
		case ppSendWait:
			y, suspend = p.sw.Resume(c, nil)
		case ppRecv:
			p.state = ppRecvWait
			if p.alloc {
				y, suspend = p.rb.Start(c, p.l.SockRecv(p.fd, len(p.msg)-p.got))
			} else {
				y, suspend = p.rw.Start(c, p.l.SockRecvInto(p.fd, p.buf[p.got:len(p.msg)]))
			}
		case ppRecvWait:
			if p.alloc {
				y, suspend = p.rb.Resume(c, nil)
			} else {
				y, suspend = p.rw.Resume(c, nil)
			}
		}
		if suspend {
			return y
		}
		if p.state == ppSendWait {
			if _, p.err = p.sw.Result(); p.err != nil {
				return rt.Yield{}
			}
			p.state = ppRound
			if !p.echo {
				p.state = ppRecv
			}
			continue
		}
		var n int
		if p.alloc {
			var data []byte
			data, p.err = p.rb.Result()
			n = copy(p.buf[p.got:], data)
		} else {
			n, p.err = p.rw.Result()
		}
		if p.err == nil && n == 0 {
			p.err = io.ErrUnexpectedEOF
		}
		if p.err != nil {
			return rt.Yield{}
		}
		p.got += n
		switch {
		case p.got < len(p.msg):
			p.state = ppRecv
		case p.echo:
			p.state = ppSend
		default:
			p.state = ppRound
		}
	}
}

func (p *pingPong) Throw(_ *rt.Ctx, err error) rt.Yield {
	p.Close()
	p.err = err
	return rt.Yield{}
}

func (p *pingPong) Close() { p.sw.Close(); p.rw.Close(); p.rb.Close() }

func (p *pingPong) Result() (int, error) { return p.i, p.err }

const pingSize = 64

func BenchmarkSockRecvSendPingPong(b *testing.B) {
	for _, alloc := range []bool{true, false} {
		name := "SockRecvInto"
		if alloc {
			name = "SockRecv"
		}
		b.Run(name, func(b *testing.B) {
			fds, err := nonblockingPair()
			if err != nil {
				b.Fatal(err)
			}
			defer unix.Close(fds[0])
			defer unix.Close(fds[1])
			x, y := fds[0], fds[1]
			l, err := rt.NewLoop()
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			msg := bytes.Repeat([]byte{'p'}, pingSize)
			ping := &pingPong{l: l, fd: x, rounds: b.N, msg: msg, buf: append([]byte(nil), msg...), alloc: alloc}
			pong := &pingPong{l: l, fd: y, rounds: b.N, msg: msg, buf: make([]byte, pingSize), alloc: alloc, echo: true}
			b.ReportAllocs()
			b.ResetTimer()
			pongTask := rt.CreateTask(l, pong)
			if _, err := rt.RunUntilComplete(l, rt.Awaitable[int](ping)); err != nil {
				b.Fatal(err)
			}
			if _, err := rt.RunUntilComplete(l, rt.Awaitable[int](pongTask)); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkNetConnPingPong is the Go counterpart of
// BenchmarkSockRecvSendPingPong: the same socket pair as net.Conns served
// by Go's netpoller, a goroutine echoing.
func BenchmarkNetConnPingPong(b *testing.B) {
	fds, err := nonblockingPair()
	if err != nil {
		b.Fatal(err)
	}
	conn := func(fd int) net.Conn {
		f := os.NewFile(uintptr(fd), "pair")
		defer f.Close() // FileConn made its own dup
		c, err := net.FileConn(f)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	cx, cy := conn(fds[0]), conn(fds[1])
	defer cx.Close()
	defer cy.Close()
	go func() {
		buf := make([]byte, pingSize)
		for {
			if _, err := io.ReadFull(cy, buf); err != nil {
				return
			}
			if _, err := cy.Write(buf); err != nil {
				return
			}
		}
	}()
	msg := bytes.Repeat([]byte{'p'}, pingSize)
	buf := make([]byte, pingSize)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := cx.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(cx, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// nonblockingPair returns a connected pair of non-blocking, close-on-exec
// Unix stream sockets, portably: darwin's socketpair takes no
// SOCK_NONBLOCK or SOCK_CLOEXEC.
func nonblockingPair() ([2]int, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return fds, err
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
			return [2]int{-1, -1}, err
		}
	}
	return fds, nil
}
