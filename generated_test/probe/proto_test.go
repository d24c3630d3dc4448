package probe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"github.com/asyncgen/asyncgen/rt"
)

// rec is a Protocol (or, with bufSize, a BufferedProtocol through
// bufRec) that logs its callbacks.
type rec struct {
	l      *rt.Loop
	t      rt.Transport
	log    []string
	data   bytes.Buffer
	lost   *rt.Future[error]
	made   func(rt.Transport)
	onData func([]byte)
	keep   bool
}

func newRec(l *rt.Loop) *rec { return &rec{l: l, lost: rt.NewFuture[error](l)} }

func (p *rec) ConnectionMade(t rt.Transport) {
	p.t = t
	p.log = append(p.log, "made")
	if p.made != nil {
		p.made(t)
	}
}
func (p *rec) DataReceived(b []byte) {
	p.data.Write(b)
	if p.onData != nil {
		p.onData(b)
	}
}
func (p *rec) EOFReceived() bool { p.log = append(p.log, "eof"); return p.keep }
func (p *rec) ConnectionLost(err error) {
	p.log = append(p.log, fmt.Sprintf("lost %v", err))
	p.lost.SetResult(err)
}
func (p *rec) PauseWriting()  { p.log = append(p.log, "pause") }
func (p *rec) ResumeWriting() { p.log = append(p.log, "resume") }

type bufRec struct {
	*rec
	buf []byte
}

func (p *bufRec) GetBuffer(int) []byte { return p.buf }
func (p *bufRec) BufferUpdated(n int)  { p.DataReceived(p.buf[:n]) }

// serve starts a server whose one connection gets p, and returns its address.
func serve(t *testing.T, l *rt.Loop, p rt.StreamProtocol) (*rt.Server, string) {
	t.Helper()
	srv, err := rt.RunUntilComplete(l, l.CreateServer(func() rt.StreamProtocol { return p }, "tcp", "127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	return srv, srv.Addrs()[0].String()
}

// inGoroutine runs fn on a goroutine and gives a future of its error.
func inGoroutine(l *rt.Loop, fn func() error) *rt.Future[error] {
	f := rt.NewFuture[error](l)
	go func() {
		err := fn()
		l.CallSoonThreadsafe(func() { f.SetResult(err) })
	}()
	return f
}

func newLoop(t *testing.T) *rt.Loop {
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func passes(l *rt.Loop, n int) {
	for range n {
		rt.RunUntilComplete(l, rt.Sleep(0))
	}
}

// A paused transport delivers neither data nor the peer's EOF until resumed.
func TestProbePausedReadingHoldsDataAndEOF(t *testing.T) {
	leakcheck.Check(t)
	l := newLoop(t)
	p := newRec(l)
	p.made = func(t rt.Transport) { t.PauseReading() }
	srv, addr := serve(t, l, p)
	defer srv.Close()
	peerDone := inGoroutine(l, func() error {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		if _, err := c.Write([]byte("hello")); err != nil {
			return err
		}
		c.(*net.TCPConn).CloseWrite()
		_, err = io.ReadAll(c)
		return err
	})
	for p.t == nil {
		passes(l, 1)
	}
	passes(l, 20)
	if p.data.Len() != 0 || len(p.log) != 1 {
		t.Fatalf("paused: data %q, log %v", p.data.String(), p.log)
	}
	p.t.ResumeReading()
	if _, err := rt.RunUntilComplete(l, p.lost); err != nil {
		t.Fatal(err)
	}
	if err, _ := rt.RunUntilComplete(l, peerDone); err != nil {
		t.Fatal(err)
	}
	if p.data.String() != "hello" || strings.Join(p.log, ",") != "made,eof,lost <nil>" {
		t.Fatalf("data %q, log %v", p.data.String(), p.log)
	}
}

// A BufferedProtocol with a one-byte buffer gets every byte, in order.
func TestProbeOneByteBuffer(t *testing.T) {
	leakcheck.Check(t)
	l := newLoop(t)
	p := &bufRec{rec: newRec(l), buf: make([]byte, 1)}
	srv, addr := serve(t, l, p)
	defer srv.Close()
	want := bytes.Repeat([]byte("0123456789abcdef"), 1000)
	peerDone := inGoroutine(l, func() error {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		c.Write(want)
		return nil
	})
	rt.RunUntilComplete(l, p.lost)
	rt.RunUntilComplete(l, peerDone)
	if !bytes.Equal(p.data.Bytes(), want) {
		t.Fatalf("got %d bytes, want %d", p.data.Len(), len(want))
	}
}

// GetBuffer returning an empty buffer fails the connection.
func TestProbeEmptyGetBuffer(t *testing.T) {
	leakcheck.Check(t)
	l := newLoop(t)
	p := &bufRec{rec: newRec(l), buf: nil}
	l.SetExceptionHandler(func(*rt.Loop, rt.ErrorContext) {})
	srv, addr := serve(t, l, p)
	defer srv.Close()
	peerDone := inGoroutine(l, func() error {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		c.Write([]byte("x"))
		_, err = io.ReadAll(c)
		return err
	})
	err, _ := rt.RunUntilComplete(l, p.lost)
	rt.RunUntilComplete(l, peerDone)
	if err == nil {
		t.Fatalf("ConnectionLost(nil) after an empty GetBuffer; log %v", p.log)
	}
}

// Flow control: one PauseWriting over the high-water mark, one
// ResumeWriting at the low one, every byte delivered.
func TestProbeWriteFlowControl(t *testing.T) {
	leakcheck.Check(t)
	l := newLoop(t)
	p := newRec(l)
	release := make(chan struct{})
	var got int64
	p.made = func(tr rt.Transport) {
		if err := tr.SetWriteBufferLimits(1000, 100); err != nil {
			panic(err)
		}
		// Small kernel buffers both ways, so that the 4 MiB cannot all
		// fit in them before the peer reads (loopback's autotuned
		// buffers can grow to tens of MiB on some machines).
		syscall.SetsockoptInt(tr.GetExtraInfo("socket").(int), syscall.SOL_SOCKET, syscall.SO_SNDBUF, 4096)
		for range 64 {
			tr.Write(make([]byte, 64<<10))
		}
		tr.WriteEOF()
	}
	srv, addr := serve(t, l, p)
	defer srv.Close()
	peerDone := inGoroutine(l, func() error {
		d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			return rc.Control(func(fd uintptr) {
				syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
			})
		}}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		<-release
		got, err = io.Copy(io.Discard, c)
		return err
	})
	for p.t == nil {
		passes(l, 1)
	}
	passes(l, 5)
	paused := strings.Join(p.log, ",")
	buffered := p.t.GetWriteBufferSize()
	close(release)
	if err, _ := rt.RunUntilComplete(l, peerDone); err != nil {
		t.Fatal(err)
	}
	// The peer closed its socket: the EOF ends the connection (EOFReceived
	// says not to keep it). A Close here could come before the loop reads
	// that EOF, and then no "eof" would be logged.
	rt.RunUntilComplete(l, p.lost)
	if paused != "made,pause" || buffered == 0 {
		t.Errorf("before the peer read: log %s, buffered %d", paused, buffered)
	}
	if got != 64*64<<10 || strings.Join(p.log, ",") != "made,pause,resume,eof,lost <nil>" {
		t.Errorf("peer got %d, log %v", got, p.log)
	}
}

// A connected UDP endpoint sending to a closed port hears ECONNREFUSED.
type udpRec struct {
	rt.DatagramProtocolBase
	errs *rt.Future[error]
}

func (u *udpRec) ErrorReceived(err error) {
	if !u.errs.Done() {
		u.errs.SetResult(err)
	}
}

func TestProbeUDPRefused(t *testing.T) {
	leakcheck.Check(t)
	l := newLoop(t)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	u := &udpRec{errs: rt.NewFuture[error](l)}
	dc, err := rt.RunUntilComplete(l, l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return u }, "udp", rt.WithDatagramRemoteAddr(addr)))
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Transport.Close()
	dc.Transport.SendTo([]byte("a"), nil)
	rt.RunUntilComplete(l, rt.Sleep(0))
	dc.Transport.SendTo([]byte("b"), nil)
	e, _ := rt.RunUntilComplete(l, rt.WaitFor(u.errs, 5*time.Second))
	if !errors.Is(e, syscall.ECONNREFUSED) {
		t.Fatalf("ErrorReceived(%v), want ECONNREFUSED", e)
	}
}

type udpEcho struct {
	rt.DatagramProtocolBase
	t    rt.DatagramTransport
	got  []string
	errs []error
	done *rt.Future[rt.Void]
}

func (u *udpEcho) ConnectionMade(t rt.DatagramTransport) { u.t = t }
func (u *udpEcho) DatagramReceived(b []byte, addr net.Addr) {
	u.got = append(u.got, string(b))
	if len(u.got) == 2 && !u.done.Done() {
		u.done.SetResult(rt.Void{})
	}
}
func (u *udpEcho) ErrorReceived(err error) { u.errs = append(u.errs, err) }

// An oversized datagram is an error of the send (EMSGSIZE), reported to
// ErrorReceived; the endpoint goes on, and an empty datagram is a
// datagram.
func TestProbeUDPOversizeAndEmpty(t *testing.T) {
	leakcheck.Check(t)
	l := newLoop(t)
	srv := &udpEcho{done: rt.NewFuture[rt.Void](l)}
	sc, err := rt.RunUntilComplete(l, l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return srv }, "udp", rt.WithDatagramLocalAddr("127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Transport.Close()
	addr := sc.Transport.GetExtraInfo("sockname").(net.Addr)
	cli := &udpEcho{done: rt.NewFuture[rt.Void](l)}
	cc, err := rt.RunUntilComplete(l, l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return cli }, "udp", rt.WithDatagramRemoteAddr(addr.String())))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Transport.Close()
	serr := cc.Transport.SendTo(make([]byte, 70000), nil)
	cc.Transport.SendTo([]byte{}, nil)
	cc.Transport.SendTo([]byte("x"), nil)
	if _, err := rt.RunUntilComplete(l, rt.WaitFor(srv.done, 5*time.Second)); err != nil {
		t.Fatalf("server got %q: %v", srv.got, err)
	}
	if len(srv.got) != 2 || srv.got[0] != "" || srv.got[1] != "x" {
		t.Errorf("server got %q", srv.got)
	}
	if serr != nil || len(cli.errs) != 1 || !errors.Is(cli.errs[0], syscall.EMSGSIZE) {
		t.Errorf("SendTo returned %v; ErrorReceived %v", serr, cli.errs)
	}
}
