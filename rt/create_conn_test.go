package rt_test

import (
	"errors"
	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"golang.org/x/sys/unix"
)

// freePort returns a loopback port nobody listens on (bound and released).
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestCreateConnectionRefusedIsAnOpError(t *testing.T) {
	leakcheck.Check(t)
	port := freePort(t)
	runMain(t, func(l *rt.Loop) error {
		_, err := dial(l, "tcp4", "127.0.0.1:"+strconv.Itoa(port))
		var oe *net.OpError
		if !errors.Is(err, unix.ECONNREFUSED) || !errors.As(err, &oe) || oe.Addr == nil || oe.Addr.String() != "127.0.0.1:"+strconv.Itoa(port) {
			t.Errorf("refused connection: %#v, want a *net.OpError with the address wrapping ECONNREFUSED", err)
		}
		return nil
	})
}

// Every address of a host is tried in order: with nothing on 127.0.0.1
// but a server on ::1, "localhost" reaches the server; with nothing on
// either, the error is the first address's, and errors.Is sees both.
func TestCreateConnectionTriesEveryAddress(t *testing.T) {
	if !hasIPv6() {
		// Machines without IPv6 (some containers) give localhost one
		// address: there is no second address to fall back to.
		t.Skip("no IPv6 loopback: localhost has one address here")
	}
	leakcheck.Check(t)
	for _, happy := range []bool{false, true} {
		runMain(t, func(l *rt.Loop) error {
			var opts []rt.ConnOption
			if happy {
				opts = append(opts, rt.WithHappyEyeballs(250*time.Millisecond))
			}
			srv, conns, err := serve(l, "tcp6", "[::1]:0", nil)
			if err != nil {
				return err
			}
			port := srv.Addrs()[0].(*net.TCPAddr).Port
			c, err := dial(l, "tcp", "localhost:"+strconv.Itoa(port), opts...)
			if err != nil {
				t.Errorf("happy=%v: localhost with a server on ::1 only: %v", happy, err)
			} else {
				if got := c.t.GetExtraInfo("peername").(net.Addr).String(); !strings.HasPrefix(got, "[::1]") {
					t.Errorf("connected to %s, want ::1", got)
				}
				c.t.Close()
			}
			for len(*conns) == 0 {
				rt.Await(rt.Sleep(0))
			}
			if err := until((*conns)[0].lost, "server ConnectionLost"); err != nil {
				return err
			}
			srv.Close()
			rt.Await(srv.WaitClosed())
			_, err = dial(l, "tcp", "localhost:"+strconv.Itoa(port), opts...)
			var ce *rt.ConnectErrors
			if !errors.As(err, &ce) || len(ce.Errs) != 2 || !errors.Is(err, unix.ECONNREFUSED) ||
				!strings.Contains(err.Error(), "127.0.0.1") {
				t.Errorf("happy=%v: both refused: %v, want ConnectErrors led by 127.0.0.1's error", happy, err)
			}
			return nil
		})
	}
}

func TestCreateConnectionLocalAddr(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		srv, conns, err := serve(l, "tcp4", "127.0.0.1:0", nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		local := "127.0.0.1:" + strconv.Itoa(freePort(t))
		c, err := dial(l, "tcp4", srv.Addrs()[0].String(), rt.WithLocalAddr(local))
		if err != nil {
			return err
		}
		defer c.t.Close()
		if got := c.t.GetExtraInfo("sockname").(net.Addr).String(); got != local {
			t.Errorf("sockname %s, want %s", got, local)
		}
		for len(*conns) == 0 {
			rt.Await(rt.Sleep(0))
		}
		if got := (*conns)[0].t.GetExtraInfo("peername").(net.Addr).String(); got != local {
			t.Errorf("server sees %s, want %s", got, local)
		}
		return nil
	})
}

// A local address still in use is refused, as asyncio's local_addr is
// (it binds without SO_REUSEADDR): a port whose last connection was just
// closed here (its socket lingers in TIME_WAIT), and a listener's port.
func TestCreateConnectionLocalAddrInUse(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		srv, conns, err := serve(l, "tcp4", "127.0.0.1:0", nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		local := "127.0.0.1:" + strconv.Itoa(freePort(t))
		c, err := dial(l, "tcp4", srv.Addrs()[0].String(), rt.WithLocalAddr(local))
		if err != nil {
			return err
		}
		for len(*conns) == 0 {
			rt.Await(rt.Sleep(0))
		}
		c.t.Close() // we close first: our end of it lingers
		if err := until((*conns)[0].lost, "the server's end"); err != nil {
			return err
		}
		if err := until(c.lost, "ConnectionLost"); err != nil {
			return err
		}
		for _, from := range []string{local, srv.Addrs()[0].String()} {
			c, err := dial(l, "tcp4", srv.Addrs()[0].String(), rt.WithLocalAddr(from))
			var oe *net.OpError
			if !errors.Is(err, unix.EADDRINUSE) || !errors.As(err, &oe) {
				t.Errorf("connecting from %s, in use: %v, want an *net.OpError with EADDRINUSE", from, err)
			}
			if err == nil {
				c.t.Close()
			}
		}
		return nil
	})
}

// A host name is looked up (on the executor) and connected to; an unknown
// one fails with the resolver's error.
func TestCreateConnectionResolvesHostNames(t *testing.T) {
	// The machine's own name, from /etc/hosts: a real lookup, not the
	// shortcut taken for literals and "localhost".
	name, err := os.Hostname()
	if err != nil {
		// Without a host name there is no name to look up here; the
		// literal paths are tested elsewhere.
		t.Skip("no host name:", err)
	}
	if ips, err := net.LookupIP(name); err != nil || !slices.ContainsFunc(ips, func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil }) {
		// The test needs a name that resolves without a network; a
		// machine whose name is not in /etc/hosts has none.
		t.Skip("this machine's name does not resolve to an IPv4 loopback address:", ips, err)
	}
	runMain(t, func(l *rt.Loop) error {
		srv, _, err := serve(l, "tcp4", "127.0.0.1:0", nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		port := srv.Addrs()[0].(*net.TCPAddr).Port
		c, err := dial(l, "tcp4", name+":"+strconv.Itoa(port))
		if err != nil {
			return err
		}
		c.t.Close()
		_, err = dial(l, "tcp4", "no-such-host.invalid:80")
		var de *net.DNSError
		if !errors.As(err, &de) {
			t.Errorf("unknown host: %v, want a *net.DNSError", err)
		}
		return nil
	})
}

// Cancelling CreateConnection while it connects closes its socket; the
// loop keeps nothing of it.
func TestCreateConnectionCancelledClosesItsSocket(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		addr, stalled, err := fullListener(t, 0)
		if err != nil {
			return err
		}
		if !stalled() {
			// Linux drops SYNs to a full accept queue, which keeps a
			// connect pending; a kernel that does not gives us no way
			// to hold one in flight on loopback.
			t.Skip("this kernel completes connects to a full accept queue; no pending connect to cancel")
		}
		var pending []*rt.Future[rt.Conn]
		for range 8 {
			pending = append(pending, l.CreateConnection(func() rt.StreamProtocol { return newRecorder(l) }, "tcp4", addr))
		}
		rt.Await(rt.Sleep(10 * time.Millisecond))
		for _, f := range pending {
			if f.Done() {
				t.Fatal("a connect to a full accept queue completed")
			}
			f.Cancel()
		}
		for _, f := range pending {
			if _, err := rt.Await(f); !errors.Is(err, rt.ErrCancelled) {
				t.Errorf("cancelled CreateConnection: %v", err)
			}
		}
		for range 3 {
			rt.Await(rt.Sleep(0))
		}
		return nil
	})
}

// ConnectAcceptedSocket wraps a socket connected elsewhere.
func TestConnectAcceptedSocket(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err != nil {
			return err
		}
		a, b := newRecorder(l), newRecorder(l)
		b.echo = true
		for i, r := range []*recorder{a, b} {
			if _, err := rt.Await(l.ConnectAcceptedSocket(func() rt.StreamProtocol { return r }, fds[i])); err != nil {
				return err
			}
			if !r.made.Done() {
				t.Error("the future completed before ConnectionMade")
			}
		}
		a.t.Write([]byte("ping"))
		if err := until(a.waitFor(4), "the echo"); err != nil {
			return err
		}
		a.t.Close()
		if err := until(b.lost, "ConnectionLost"); err != nil {
			return err
		}
		// Not a stream socket: refused, and left to the caller.
		dg, _ := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
		defer unix.Close(dg)
		if _, err := rt.Await(l.ConnectAcceptedSocket(func() rt.StreamProtocol { return newRecorder(l) }, dg)); err == nil {
			t.Error("ConnectAcceptedSocket took a datagram socket")
		}
		return nil
	})
}

// fullListener returns a loopback listener whose accept queue is full, so
// that a further connect to it stays pending (the kernel drops its SYNs),
// and the port it listens on. port 0 picks one; a port another process
// holds on 127.0.0.1 fails with EADDRINUSE.
func fullListener(t *testing.T, port int) (addr string, pending func() bool, err error) {
	t.Helper()
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(lfd) })
	if err := unix.Bind(lfd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port}); err != nil {
		return "", nil, err
	}
	unix.Listen(lfd, 0)
	sa, _ := unix.Getsockname(lfd)
	// Fill the queue: connects that complete and are never accepted.
	for range 4 {
		fd, _ := nonblockSocket(unix.AF_INET, unix.SOCK_STREAM)
		t.Cleanup(func() { unix.Close(fd) })
		unix.Connect(fd, sa)
	}
	probe := func() bool {
		fd, _ := nonblockSocket(unix.AF_INET, unix.SOCK_STREAM)
		defer unix.Close(fd)
		unix.Connect(fd, sa)
		p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		n, _ := unix.Poll(p, 100)
		return n == 0
	}
	return rt.SockaddrString(sa), probe, nil
}

// With happy eyeballs, an address that does not answer delays the
// connection by the stagger delay only: the next address is tried
// meanwhile and wins, and the pending attempt is abandoned.
func TestCreateConnectionHappyEyeballsSkipsAStalledAddress(t *testing.T) {
	if !hasIPv6() {
		// Machines without IPv6 (some containers) give localhost one
		// address: there is no second address to fall back to.
		t.Skip("no IPv6 loopback: localhost has one address here")
	}
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		// A port free on ::1 may be taken on 127.0.0.1 by another
		// process: pick again until one is free on both.
		var port int
		var stalled func() bool
		for range 50 {
			srv, _, err := serve(l, "tcp6", "[::1]:0", nil)
			if err != nil {
				return err
			}
			defer srv.Close()
			port = srv.Addrs()[0].(*net.TCPAddr).Port
			if _, stalled, err = fullListener(t, port); err == nil {
				break
			} else if !errors.Is(err, unix.EADDRINUSE) {
				return err
			}
			srv.Close()
		}
		if stalled == nil {
			return errors.New("no port free on both ::1 and 127.0.0.1 in 50 tries")
		}
		if !stalled() {
			// As above: without dropped SYNs there is no stalled address.
			t.Skip("this kernel completes connects to a full accept queue; no stalled address to test with")
		}
		start := time.Now()
		c, err := dial(l, "tcp", "localhost:"+strconv.Itoa(port), rt.WithHappyEyeballs(50*time.Millisecond))
		if err != nil {
			return err
		}
		defer c.t.Close()
		if got := c.t.GetExtraInfo("peername").(net.Addr).String(); !strings.HasPrefix(got, "[::1]") {
			t.Errorf("connected to %s, want the answering ::1", got)
		}
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Errorf("connected after %v, before the stagger delay: the stalled address did not stall", d)
		}
		return nil
	})
}

// WithWriteBufferLimits sets the water marks before ConnectionMade runs;
// marks that are not high >= low >= 0 fail CreateConnection with
// ErrBadWaterMarks before anything connects, so no protocol is made.
func TestCreateConnectionWriteBufferLimits(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		srv, conns, err := serve(l, "tcp4", "127.0.0.1:0", nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		addr := srv.Addrs()[0].String()
		var atMade [2]int
		c := &limitsAtMade{recorder: newRecorder(l), limits: &atMade}
		if _, err := rt.Await(l.CreateConnection(func() rt.StreamProtocol { return c }, "tcp4", addr,
			rt.WithWriteBufferLimits(1000, 100))); err != nil {
			return err
		}
		if atMade != [2]int{100, 1000} {
			t.Errorf("limits at ConnectionMade (low, high) = %v, want [100 1000]", atMade)
		}
		c.t.Close()
		made := 0
		_, err = rt.Await(l.CreateConnection(func() rt.StreamProtocol { made++; return newRecorder(l) }, "tcp4", addr,
			rt.WithWriteBufferLimits(10, 100)))
		if !errors.Is(err, rt.ErrBadWaterMarks) {
			t.Errorf("high < low: %v, want ErrBadWaterMarks", err)
		}
		if made != 0 {
			t.Errorf("the factory ran %d times for a connection that failed its options", made)
		}
		if err := until(c.lost, "ConnectionLost"); err != nil {
			return err
		}
		// Only the first connection reached the server: wait for its
		// end, then see that no other arrived.
		for len(*conns) == 0 {
			rt.Await(rt.Sleep(0))
		}
		if err := until((*conns)[0].lost, "the server's ConnectionLost"); err != nil {
			return err
		}
		rt.Await(rt.Sleep(0))
		if len(*conns) != 1 {
			t.Errorf("the server accepted %d connections, want 1", len(*conns))
		}
		return nil
	})
}

// limitsAtMade records the transport's water marks when ConnectionMade
// runs.
type limitsAtMade struct {
	*recorder
	limits *[2]int
}

func (p *limitsAtMade) ConnectionMade(t rt.Transport) {
	p.limits[0], p.limits[1] = t.GetWriteBufferLimits()
	p.recorder.ConnectionMade(t)
}
