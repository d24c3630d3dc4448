package rt_test

import (
	"errors"
	"fmt"
	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"golang.org/x/sys/unix"
)

// dgramRecorder records datagrams and errors.
type dgramRecorder struct {
	rt.DatagramProtocolBase
	l     *rt.Loop
	t     rt.DatagramTransport
	got   []string
	from  []net.Addr
	errs  []error
	echo  bool
	next  *rt.Future[rt.Void] // completed at the next datagram or error
	lost  *rt.Future[rt.Void]
	lostE error
}

func newDgramRecorder(l *rt.Loop) *dgramRecorder {
	return &dgramRecorder{l: l, lost: rt.NewFuture[rt.Void](l)}
}

func (d *dgramRecorder) ConnectionMade(t rt.DatagramTransport) { d.t = t }

func (d *dgramRecorder) DatagramReceived(p []byte, addr net.Addr) {
	d.got = append(d.got, string(p))
	d.from = append(d.from, addr)
	if d.echo {
		d.t.SendTo(p, addr)
	}
	d.wake()
}

func (d *dgramRecorder) ErrorReceived(err error) {
	d.errs = append(d.errs, err)
	d.wake()
}

func (d *dgramRecorder) ConnectionLost(err error) {
	d.lostE = err
	d.lost.SetResult(rt.Void{})
}

func (d *dgramRecorder) wake() {
	if d.next != nil {
		d.next.SetResult(rt.Void{})
		d.next = nil
	}
}

// event returns a future of the next datagram or error.
func (d *dgramRecorder) event() *rt.Future[rt.Void] {
	d.next = rt.NewFuture[rt.Void](d.l)
	return d.next
}

func endpoint(l *rt.Loop, network string, d *dgramRecorder, opts ...rt.DatagramOption) error {
	_, err := rt.Await(l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return d }, network, opts...))
	return err
}

// A UDP echo: a bound server, a connected client; a connected endpoint
// refuses other destinations; ICMP port unreachable reaches ErrorReceived
// and leaves the endpoint open.
func TestDatagramEchoAndErrors(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		srv := newDgramRecorder(l)
		srv.echo = true
		if err := endpoint(l, "udp4", srv, rt.WithDatagramLocalAddr("127.0.0.1:0")); err != nil {
			return err
		}
		saddr := srv.t.GetExtraInfo("sockname").(net.Addr)
		cl := newDgramRecorder(l)
		if err := endpoint(l, "udp4", cl, rt.WithDatagramRemoteAddr(saddr.String())); err != nil {
			return err
		}
		for _, msg := range []string{"one", "two", ""} {
			ev := cl.event()
			if err := cl.t.SendTo([]byte(msg), nil); err != nil {
				return err
			}
			if err := until(ev, "the echo of "+msg); err != nil {
				return err
			}
		}
		if len(cl.got) != 3 || cl.got[0] != "one" || cl.got[1] != "two" || cl.got[2] != "" {
			t.Errorf("client got %q", cl.got)
		}
		if srv.from[0].String() != cl.t.GetExtraInfo("sockname").(net.Addr).String() {
			t.Errorf("server saw %v, the client is %v", srv.from[0], cl.t.GetExtraInfo("sockname"))
		}
		other := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}
		if err := cl.t.SendTo([]byte("x"), other); !errors.Is(err, rt.ErrAddrMismatch) {
			t.Errorf("SendTo another address on a connected endpoint: %v", err)
		}
		// The server goes away; the client's next send meets port
		// unreachable, on the send or on the receive after it.
		srv.t.Close()
		if err := until(srv.lost, "server ConnectionLost"); err != nil {
			return err
		}
		ev := cl.event()
		cl.t.SendTo([]byte("anyone?"), nil)
		cl.t.SendTo([]byte("anyone?"), nil)
		if err := until(ev, "an error"); err != nil {
			return err
		}
		if len(cl.errs) == 0 || !errors.Is(cl.errs[0], unix.ECONNREFUSED) {
			t.Errorf("errors %v, want ECONNREFUSED", cl.errs)
		}
		if cl.t.IsClosing() {
			t.Error("an ICMP error closed the endpoint")
		}
		cl.t.Abort()
		return until(cl.lost, "client ConnectionLost")
	})
}

func TestDatagramUnixgram(t *testing.T) {
	leakcheck.Check(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	runMain(t, func(l *rt.Loop) error {
		srv := newDgramRecorder(l)
		srv.echo = true
		if err := endpoint(l, "unixgram", srv, rt.WithDatagramLocalAddr(a)); err != nil {
			return err
		}
		cl := newDgramRecorder(l)
		if err := endpoint(l, "unixgram", cl, rt.WithDatagramLocalAddr(b), rt.WithDatagramRemoteAddr(a)); err != nil {
			return err
		}
		ev := cl.event()
		cl.t.SendTo([]byte("hello"), nil)
		if err := until(ev, "the echo"); err != nil {
			return err
		}
		if len(cl.got) != 1 || cl.got[0] != "hello" || srv.from[0].String() != b {
			t.Errorf("client got %q; server saw it from %v", cl.got, srv.from)
		}
		cl.t.Close()
		srv.t.Close()
		if err := until(cl.lost, "ConnectionLost"); err != nil {
			return err
		}
		return until(srv.lost, "ConnectionLost")
	})
}

func TestDatagramNeedsAnAddress(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		if err := endpoint(l, "udp4", newDgramRecorder(l)); err == nil {
			t.Error("an endpoint with neither a local nor a remote address")
		}
		if err := endpoint(l, "tcp", newDgramRecorder(l), rt.WithDatagramLocalAddr("127.0.0.1:0")); err == nil {
			t.Error("a datagram endpoint on tcp")
		}
		return nil
	})
}

// madePanicker panics in ConnectionMade.
type madePanicker struct{ *dgramRecorder }

func (m madePanicker) ConnectionMade(t rt.DatagramTransport) {
	m.dgramRecorder.ConnectionMade(t)
	panic("protocol bug")
}

// A panic in ConnectionMade is reported, naming the endpoint, and the
// endpoint receives all the same, as in asyncio, where connection_made and the start of reading are
// callbacks of their own.
func TestDatagramPanicInConnectionMadeLeavesTheEndpointReading(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		errs := collectErrors(l)
		srv := newDgramRecorder(l)
		_, err := rt.Await(l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return madePanicker{srv} }, "udp4",
			rt.WithDatagramLocalAddr("127.0.0.1:0")))
		if err != nil {
			return err
		}
		cl := newDgramRecorder(l)
		if err := endpoint(l, "udp4", cl, rt.WithDatagramRemoteAddr(srv.t.GetExtraInfo("sockname").(net.Addr).String())); err != nil {
			return err
		}
		ev := srv.event()
		cl.t.SendTo([]byte("hello"), nil)
		if err := until(ev, "the datagram"); err != nil {
			return err
		}
		if len(srv.got) != 1 || srv.got[0] != "hello" {
			t.Errorf("received %q, want [hello]", srv.got)
		}
		if len(*errs) != 1 || !strings.Contains(fmt.Sprint((*errs)[0].Err), "protocol bug") {
			t.Errorf("exception handler got %v, want the panic", *errs)
		} else if e := (*errs)[0]; e.Transport != srv.t || e.Protocol != (madePanicker{srv}) {
			// asyncio's report names the callback, connection_made(transport).
			t.Errorf("the report names transport %v and protocol %v, want the endpoint's", e.Transport, e.Protocol)
		}
		cl.t.Close()
		srv.t.Close()
		if err := until(cl.lost, "client ConnectionLost"); err != nil {
			return err
		}
		return until(srv.lost, "server ConnectionLost")
	})
}

// A "udp" endpoint bound to the IPv6 wildcard is dual-stack, as asyncio's
// is (it leaves IPV6_V6ONLY off): it hears an IPv4 peer, and its reply to
// the address the datagram came from reaches that peer. A "udp6" one is
// IPv6 only, as in Go's net.
func TestDatagramIPv6WildcardHearsIPv4(t *testing.T) {
	if !hasIPv6() {
		// Machines without IPv6 (some containers) cannot bind "::".
		t.Skip("no IPv6 here")
	}
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		for network, v6only := range map[string]int{"udp": 0, "udp6": 1} {
			srv := newDgramRecorder(l)
			srv.echo = true
			if err := endpoint(l, network, srv, rt.WithDatagramLocalAddr("[::]:0")); err != nil {
				return err
			}
			got, err := unix.GetsockoptInt(srv.t.GetExtraInfo("socket").(int), unix.IPPROTO_IPV6, unix.IPV6_V6ONLY)
			if err != nil || got != v6only {
				t.Errorf("%s on [::]: IPV6_V6ONLY %d (%v), want %d", network, got, err, v6only)
			}
			if network == "udp" {
				port := srv.t.GetExtraInfo("sockname").(*net.UDPAddr).Port
				cl := newDgramRecorder(l)
				if err := endpoint(l, "udp4", cl, rt.WithDatagramRemoteAddr("127.0.0.1:"+strconv.Itoa(port))); err != nil {
					return err
				}
				ev := cl.event()
				cl.t.SendTo([]byte("hi4"), nil)
				if err := until(ev, "the echo over IPv4"); err != nil {
					return fmt.Errorf("%w (server got %q, errors %v)", err, srv.got, srv.errs)
				}
				if len(srv.from) != 1 || !srv.from[0].(*net.UDPAddr).IP.Equal(net.IPv4(127, 0, 0, 1)) || len(cl.got) != 1 || cl.got[0] != "hi4" {
					t.Errorf("server heard %q from %v; client got %q", srv.got, srv.from, cl.got)
				}
				cl.t.Close()
				if err := until(cl.lost, "client ConnectionLost"); err != nil {
					return err
				}
			}
			srv.t.Close()
			if err := until(srv.lost, "server ConnectionLost"); err != nil {
				return err
			}
		}
		return nil
	})
}

// WithBroadcast lets an endpoint send to a broadcast address (the
// loopback's 127.255.255.255, which reaches a socket bound to 0.0.0.0);
// without it the kernel refuses the send with EACCES, and ErrorReceived
// hears of it.
func TestDatagramBroadcast(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		rcv := newDgramRecorder(l)
		if err := endpoint(l, "udp4", rcv, rt.WithDatagramLocalAddr("0.0.0.0:0")); err != nil {
			return err
		}
		defer rcv.t.Close()
		to := &net.UDPAddr{IP: net.IPv4(127, 255, 255, 255), Port: rcv.t.GetExtraInfo("sockname").(*net.UDPAddr).Port}
		for _, on := range []bool{false, true} {
			snd := newDgramRecorder(l)
			if err := endpoint(l, "udp4", snd, rt.WithDatagramLocalAddr("0.0.0.0:0"), rt.WithBroadcast(on)); err != nil {
				return err
			}
			if err := snd.t.SendTo([]byte("to all"), to); err != nil {
				return err
			}
			if on {
				if err := until(rcv.event(), "the broadcast datagram"); err != nil {
					return err
				}
				if len(rcv.got) != 1 || rcv.got[0] != "to all" || len(snd.errs) != 0 {
					t.Errorf("broadcast: received %q, sender's errors %v; want one datagram and none", rcv.got, snd.errs)
				}
			} else if len(snd.errs) != 1 || !errors.Is(snd.errs[0], unix.EACCES) {
				t.Errorf("broadcast without WithBroadcast: errors %v, want EACCES", snd.errs)
			}
			snd.t.Close()
			if err := until(snd.lost, "ConnectionLost"); err != nil {
				return err
			}
		}
		return nil
	})
}

// WithDatagramReusePort lets two endpoints bind the same port; without
// it the second bind fails with EADDRINUSE.
func TestDatagramReusePort(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		a := newDgramRecorder(l)
		if err := endpoint(l, "udp4", a, rt.WithDatagramLocalAddr("127.0.0.1:0"), rt.WithDatagramReusePort(true)); err != nil {
			return err
		}
		defer a.t.Close()
		addr := a.t.GetExtraInfo("sockname").(net.Addr).String()
		b := newDgramRecorder(l)
		if err := endpoint(l, "udp4", b, rt.WithDatagramLocalAddr(addr), rt.WithDatagramReusePort(true)); err != nil {
			t.Errorf("second endpoint on %s with SO_REUSEPORT: %v", addr, err)
		} else {
			b.t.Close()
		}
		if err := endpoint(l, "udp4", newDgramRecorder(l), rt.WithDatagramLocalAddr(addr)); !errors.Is(err, unix.EADDRINUSE) {
			t.Errorf("second endpoint on %s without SO_REUSEPORT: %v, want EADDRINUSE", addr, err)
		}
		return nil
	})
}

// A Unix datagram may be larger than a UDP one (up to the socket's send
// buffer): one of 200 KiB arrives whole, as asyncio's 256 KiB datagram
// reads deliver it, not cut to the stream transports' 64 KiB read.
func TestDatagramUnixgramLargeDatagram(t *testing.T) {
	leakcheck.Check(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	runMain(t, func(l *rt.Loop) error {
		rcv := newDgramRecorder(l)
		if err := endpoint(l, "unixgram", rcv, rt.WithDatagramLocalAddr(a)); err != nil {
			return err
		}
		defer rcv.t.Close()
		snd := newDgramRecorder(l)
		if err := endpoint(l, "unixgram", snd, rt.WithDatagramLocalAddr(b), rt.WithDatagramRemoteAddr(a)); err != nil {
			return err
		}
		defer snd.t.Close()
		fd := snd.t.GetExtraInfo("socket").(int)
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, 512*1024); err != nil {
			return err
		}
		big := strings.Repeat("0123456789abcdef", 200*1024/16)
		ev := rcv.event()
		if err := snd.t.SendTo([]byte(big), nil); err != nil {
			return err
		}
		if err := until(ev, "the datagram"); err != nil {
			return err
		}
		if len(snd.errs) != 0 || len(rcv.got) != 1 || rcv.got[0] != big {
			n := -1
			if len(rcv.got) > 0 {
				n = len(rcv.got[0])
			}
			t.Errorf("sent %d bytes in one datagram (send errors %v); received %d datagrams, the first of %d bytes",
				len(big), snd.errs, len(rcv.got), n)
		}
		return nil
	})
}

// A datagram endpoint closed with datagrams still queued, by another
// callback of the pass whose poll found it readable, receives nothing
// more (asyncio's close cancels the reader it had queued). Two endpoints
// are readable in one pass and each one's DatagramReceived closes the
// other: whichever runs first, the other must not deliver.
func TestDatagramClosedEarlierInThePassDeliversNothing(t *testing.T) {
	leakcheck.Check(t)
	dir := t.TempDir()
	runMain(t, func(l *rt.Loop) error {
		var ds []*dgramRecorder
		var sinks []int
		defer func() {
			for _, fd := range sinks {
				unix.Close(fd)
			}
		}()
		for i := range 2 {
			// A sink that never reads: once its queue is full, what the
			// endpoint sends it stays queued in the transport.
			sink, err := cloexecSocket(unix.AF_UNIX, unix.SOCK_DGRAM)
			if err != nil {
				return err
			}
			sinks = append(sinks, sink)
			sinkPath := filepath.Join(dir, "sink"+strconv.Itoa(i))
			if err := unix.Bind(sink, &unix.SockaddrUnix{Name: sinkPath}); err != nil {
				return err
			}
			d := newDgramRecorder(l)
			if err := endpoint(l, "unixgram", d, rt.WithDatagramLocalAddr(filepath.Join(dir, "e"+strconv.Itoa(i))),
				rt.WithDatagramRemoteAddr(sinkPath)); err != nil {
				return err
			}
			// How many the sink's queue takes first is the kernel's
			// setting (net.unix.max_dgram_qlen: 10 by default, 512
			// under systemd) and the send buffer's: send until one
			// stays queued.
			for sent := 0; d.t.GetWriteBufferSize() == 0; sent++ {
				if sent == 100000 {
					return errors.New("the sink took 100000 datagrams: nothing queued")
				}
				d.t.SendTo([]byte("queued"), nil)
			}
			ds = append(ds, d)
		}
		for i, d := range ds {
			d.t.SetProtocol(&closesOther{dgramRecorder: d, other: ds[1-i]})
		}
		for i, sink := range sinks {
			if err := unix.Sendto(sink, []byte("x"), 0, &unix.SockaddrUnix{Name: filepath.Join(dir, "e"+strconv.Itoa(i))}); err != nil {
				return err
			}
		}
		for len(ds[0].got)+len(ds[1].got) == 0 {
			if _, err := rt.Await(rt.Sleep(time.Millisecond)); err != nil {
				return err
			}
		}
		for range 3 {
			rt.Await(rt.Sleep(time.Millisecond))
		}
		if got := len(ds[0].got) + len(ds[1].got); got != 1 {
			t.Errorf("%d endpoints got a datagram; want only the first, the other being closed by then", got)
		}
		for _, d := range ds {
			d.t.Abort()
			if err := until(d.lost, "ConnectionLost"); err != nil {
				return err
			}
		}
		return nil
	})
}

// closesOther closes other's transport when a datagram arrives.
type closesOther struct {
	*dgramRecorder
	other *dgramRecorder
}

func (p *closesOther) DatagramReceived(b []byte, addr net.Addr) {
	p.other.t.Close()
	p.dgramRecorder.DatagramReceived(b, addr)
}
