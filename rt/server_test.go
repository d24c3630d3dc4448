package rt_test

import (
	"errors"
	"fmt"
	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"golang.org/x/sys/unix"
)

// ServeForever refuses a second caller and a closed server; cancelling
// the task that serves closes the server and cancels the task.
func TestServerServeForever(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		srv, _, err := serve(l, "tcp4", "127.0.0.1:0", nil, rt.WithStartServing(false))
		if err != nil {
			return err
		}
		if srv.IsServing() {
			t.Error("IsServing with WithStartServing(false)")
		}
		addr := srv.Addrs()[0].String()
		task := rt.CreateTask(l, srv.ServeForever())
		rt.Await(rt.Sleep(0))
		if !srv.IsServing() {
			t.Error("not serving under ServeForever")
		}
		if _, err := rt.Await(srv.ServeForever()); !errors.Is(err, rt.ErrAlreadyServing) {
			t.Errorf("second ServeForever: %v, want ErrAlreadyServing", err)
		}
		c, err := dial(l, "tcp4", addr)
		if err != nil {
			return err
		}
		task.Cancel()
		if _, err := rt.Await(task); !errors.Is(err, rt.ErrCancelled) || !task.Cancelled() {
			t.Errorf("cancelled ServeForever: %v (task cancelled %v), want a cancellation", err, task.Cancelled())
		}
		if srv.IsServing() || len(srv.Sockets()) != 0 {
			t.Error("server still serving after ServeForever was cancelled")
		}
		if _, err := rt.Await(srv.ServeForever()); !errors.Is(err, rt.ErrServerClosed) {
			t.Errorf("ServeForever on a closed server: %v, want ErrServerClosed", err)
		}
		if _, err := dial(l, "tcp4", addr); !errors.Is(err, unix.ECONNREFUSED) {
			t.Errorf("connecting to a closed server: %v, want ECONNREFUSED", err)
		}
		// The accepted connection outlives the server.
		c.t.Write([]byte("still here"))
		c.t.Close()
		if err := until(c.lost, "ConnectionLost"); err != nil {
			return err
		}
		_, err = rt.Await(srv.WaitClosed())
		return err
	})
}

// Close makes a running ServeForever return a cancellation.
func TestServerCloseEndsServeForever(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		srv, _, err := serve(l, "tcp4", "127.0.0.1:0", nil)
		if err != nil {
			return err
		}
		task := rt.CreateTask(l, srv.ServeForever())
		rt.Await(rt.Sleep(0))
		srv.Close()
		srv.Close()
		if _, err := rt.Await(task); !errors.Is(err, rt.ErrCancelled) {
			t.Errorf("ServeForever after Close: %v, want a cancellation", err)
		}
		return nil
	})
}

// WaitClosed returns only once the server is closed and its last
// connection is gone (asyncio 3.12.1); Close keeps the connections.
func TestServerWaitClosedWaitsForConnections(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		early := srv.WaitClosed()
		srv.Close()
		late := srv.WaitClosed()
		for range 3 {
			rt.Await(rt.Sleep(0))
		}
		if early.Done() || late.Done() {
			t.Fatal("WaitClosed returned with a connection still open")
		}
		s.t.Write([]byte("after close"))
		if err := until(c.waitFor(11), "data from a connection of a closed server"); err != nil {
			return err
		}
		c.t.Close()
		if err := until(early, "WaitClosed"); err != nil {
			return err
		}
		if err := until(late, "WaitClosed"); err != nil {
			return err
		}
		// Once closed and empty, WaitClosed is done at once.
		if !srv.WaitClosed().Done() {
			t.Error("WaitClosed on a closed, empty server is pending")
		}
		return nil
	})
}

func TestServerCloseClientsAndAbortClients(t *testing.T) {
	leakcheck.Check(t)
	for _, abort := range []bool{false, true} {
		runMain(t, func(l *rt.Loop) error {
			srv, conns, err := serve(l, "tcp4", "127.0.0.1:0", nil)
			if err != nil {
				return err
			}
			var cs []*recorder
			for range 3 {
				c, err := dial(l, "tcp4", srv.Addrs()[0].String())
				if err != nil {
					return err
				}
				cs = append(cs, c)
			}
			for len(*conns) < 3 {
				rt.Await(rt.Sleep(0))
			}
			srv.Close()
			if abort {
				srv.AbortClients()
			} else {
				srv.CloseClients()
			}
			for i, s := range *conns {
				if err := until(s.lost, "server-side ConnectionLost"); err != nil {
					return err
				}
				if err := until(cs[i].lost, "client ConnectionLost"); err != nil {
					return err
				}
			}
			_, err = rt.Await(rt.WaitFor(srv.WaitClosed(), 10*time.Second))
			return err
		})
	}
}

// A server made without serving is bound but refuses connections until
// StartServing, which yields once so the socket is watched before the
// caller goes on.
func TestServerStartServing(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		srv, _, err := serve(l, "tcp4", "127.0.0.1:0", nil, rt.WithStartServing(false))
		if err != nil {
			return err
		}
		defer srv.Close()
		addr := srv.Addrs()[0].String()
		if _, err := dial(l, "tcp4", addr); !errors.Is(err, unix.ECONNREFUSED) {
			t.Errorf("before StartServing: %v, want ECONNREFUSED", err)
		}
		if _, err := rt.Await(srv.StartServing()); err != nil {
			return err
		}
		c, err := dial(l, "tcp4", addr)
		if err != nil {
			return err
		}
		c.t.Close()
		return nil
	})
}

// The empty host listens on every interface: a socket per family, all on
// the port the kernel chose for the first.
func TestServerEmptyHostListensOnEveryFamily(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		srv, _, err := serve(l, "tcp", ":0", nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		addrs := srv.Addrs()
		want := 1
		if hasIPv6() {
			want = 2
		}
		if len(addrs) != want {
			t.Fatalf("listening on %v, want %d sockets", addrs, want)
		}
		port := addrs[0].(*net.TCPAddr).Port
		for _, a := range addrs {
			if a.(*net.TCPAddr).Port != port {
				t.Errorf("listening on %v: ports differ", addrs)
			}
		}
		for _, host := range []string{"127.0.0.1", "[::1]"}[:want] {
			c, err := dial(l, "tcp", host+":"+strconv.Itoa(port))
			if err != nil {
				return err
			}
			c.t.Close()
		}
		return nil
	})
}

// ReusePort lets two servers share a port; without it the second bind
// fails with EADDRINUSE.
func TestServerReusePort(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		a, _, err := serve(l, "tcp4", "127.0.0.1:0", nil, rt.WithReusePort(true))
		if err != nil {
			return err
		}
		defer a.Close()
		addr := a.Addrs()[0].String()
		b, _, err := serve(l, "tcp4", addr, nil, rt.WithReusePort(true))
		if err != nil {
			return err
		}
		b.Close()
		if _, _, err := serve(l, "tcp4", addr, nil); !errors.Is(err, unix.EADDRINUSE) {
			t.Errorf("second bind without ReusePort: %v, want EADDRINUSE", err)
		}
		return nil
	})
}

// A Unix server replaces a stale socket file, refuses a live server's and
// removes its own file at Close.
func TestServerUnixSocketFile(t *testing.T) {
	leakcheck.Check(t)
	path := filepath.Join(t.TempDir(), "s.sock")
	runMain(t, func(l *rt.Loop) error {
		// A stale file: a socket bound and closed without unlinking.
		fd, _ := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
			return err
		}
		unix.Close(fd)
		var conns []*recorder
		srv, err := rt.Await(l.CreateUnixServer(func() rt.StreamProtocol {
			r := newRecorder(l)
			r.echo = true
			conns = append(conns, r)
			return r
		}, path))
		if err != nil {
			return err
		}
		if _, err := rt.Await(l.CreateUnixServer(func() rt.StreamProtocol { return newRecorder(l) }, path)); !errors.Is(err, unix.EADDRINUSE) {
			t.Errorf("second server on a live socket: %v, want EADDRINUSE", err)
		}
		c := newRecorder(l)
		if _, err := rt.Await(l.CreateUnixConnection(func() rt.StreamProtocol { return c }, path)); err != nil {
			return err
		}
		c.t.Write([]byte("over unix"))
		if err := until(c.waitFor(9), "the echo"); err != nil {
			return err
		}
		if got := c.t.GetExtraInfo("peername").(net.Addr).String(); got != path {
			t.Errorf("peername %q, want %q", got, path)
		}
		// The client's socket has no name: asyncio's peername is '' on
		// the server's side, and the server's sockname is the path.
		// (The last connection: the first is the second server's probe
		// of the path.)
		sc := conns[len(conns)-1]
		if got := sc.t.GetExtraInfo("peername").(net.Addr).String(); got != "" {
			t.Errorf("the accepted connection's peername is %q, want \"\" (the client is unnamed)", got)
		}
		if got := sc.t.GetExtraInfo("sockname").(net.Addr).String(); got != path {
			t.Errorf("the accepted connection's sockname is %q, want %q", got, path)
		}
		c.t.Close()
		srv.Close()
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("socket file after Close: %v, want it removed", err)
		}
		_, err = rt.Await(srv.WaitClosed())
		return err
	})
}

// A regular file at the path is not the server's to remove.
func TestServerUnixRefusesToReplaceAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	os.WriteFile(path, []byte("keep me"), 0o600)
	runMain(t, func(l *rt.Loop) error {
		if _, err := rt.Await(l.CreateUnixServer(func() rt.StreamProtocol { return newRecorder(l) }, path)); !errors.Is(err, unix.EADDRINUSE) {
			t.Errorf("server over a regular file: %v, want EADDRINUSE", err)
		}
		return nil
	})
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Error("the file was touched")
	}
}

// A protocol factory may close its server (a server for one client): the
// connection it was called for is served, and the accept loop that called
// it stops there instead of accepting on the closed socket, which the
// exception handler would hear of as EBADF.
func TestServerFactoryThatClosesTheServer(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		reported := reports(l)
		var srv *rt.Server
		var conns []*recorder
		srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol {
			srv.Close()
			r := newRecorder(l)
			r.echo = true
			conns = append(conns, r)
			return r
		}, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		addr := srv.Addrs()[0].String()
		c, err := dial(l, "tcp4", addr)
		if err != nil {
			return err
		}
		c.t.Write([]byte("one client"))
		if err := until(c.waitFor(10), "the echo"); err != nil {
			return err
		}
		if srv.IsServing() || len(srv.Sockets()) != 0 {
			t.Error("the server is still serving after its factory closed it")
		}
		if _, err := dial(l, "tcp4", addr); !errors.Is(err, unix.ECONNREFUSED) {
			t.Errorf("second client: %v, want ECONNREFUSED", err)
		}
		c.t.Close()
		if err := until(srv.WaitClosed(), "WaitClosed"); err != nil {
			return err
		}
		if len(conns) != 1 {
			t.Errorf("the factory ran %d times, want once", len(conns))
		}
		if len(*reported) != 0 {
			t.Errorf("exception handler got %+v, want nothing", *reported)
		}
		return nil
	})
}

// A restarted server binds its port while a connection the old one
// closed first lingers in TIME_WAIT: SO_REUSEADDR is on by default, as in
// asyncio; WithReuseAddress(false) turns it off and the bind fails.
func TestServerReuseAddress(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		addr := srv.Addrs()[0].String()
		s.t.Close() // the server closes first: its end lingers
		if err := until(c.lost, "the client's ConnectionLost"); err != nil {
			return err
		}
		srv.Close()
		if err := until(srv.WaitClosed(), "WaitClosed"); err != nil {
			return err
		}
		if _, _, err := serve(l, "tcp4", addr, nil, rt.WithReuseAddress(false)); !errors.Is(err, unix.EADDRINUSE) {
			t.Errorf("restart without SO_REUSEADDR: %v, want EADDRINUSE", err)
		}
		again, _, err := serve(l, "tcp4", addr, nil)
		if err != nil {
			t.Errorf("restart with the default SO_REUSEADDR: %v", err)
			return nil
		}
		again.Close()
		return nil
	})
}

// When a pass finds several listeners of a server readable and the first
// one's protocol factory closes the server, the others' readiness, already
// queued, must find their sockets closed and do nothing: not accept on
// them and report EBADF.
func TestServerClosedWhileAnotherListenerIsQueued(t *testing.T) {
	if !hasIPv6() {
		// The server's second listening socket is its IPv6 one.
		t.Skip("no IPv6 loopback: the server gets one listening socket")
	}
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		reported := reports(l)
		var srv *rt.Server
		var conns []*recorder
		srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol {
			srv.Close()
			r := newRecorder(l)
			conns = append(conns, r)
			return r
		}, "tcp", ":0"))
		if err != nil {
			return err
		}
		if len(srv.Addrs()) != 2 {
			return fmt.Errorf("listening on %v, want an IPv4 and an IPv6 socket", srv.Addrs())
		}
		port := srv.Addrs()[0].(*net.TCPAddr).Port
		// One connection waits on each listener before the loop polls:
		// the kernel completes both handshakes by itself.
		for _, sa := range []unix.Sockaddr{
			&unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}},
			&unix.SockaddrInet6{Port: port, Addr: [16]byte{15: 1}},
		} {
			fd, err := cloexecSocket(sockaddrFamily(sa), unix.SOCK_STREAM)
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			if err := unix.Connect(fd, sa); err != nil {
				return err
			}
		}
		for len(conns) == 0 {
			rt.Await(rt.Sleep(0))
		}
		if err := until(conns[0].made, "ConnectionMade"); err != nil {
			return err
		}
		rt.Await(rt.Sleep(0))
		if len(conns) != 1 || len(*reported) != 0 {
			t.Errorf("%d connections accepted (want 1); exception handler got %+v, want nothing", len(conns), *reported)
		}
		conns[0].t.Close()
		return until(srv.WaitClosed(), "WaitClosed")
	})
}

func sockaddrFamily(sa unix.Sockaddr) int {
	if _, ok := sa.(*unix.SockaddrInet6); ok {
		return unix.AF_INET6
	}
	return unix.AF_INET
}
