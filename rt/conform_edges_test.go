package rt_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"github.com/asyncgen/asyncgen/rt"
	"golang.org/x/sys/unix"
)

// hooked is a recorder whose callbacks can do more, for the odd sequences
// of calls asyncio's selector transport defines an outcome for.
type hooked struct {
	*recorder
	onMade func(t rt.Transport)
	onData func(p []byte)
	onEOF  func()
	onLost func(err error)
}

func (h *hooked) ConnectionMade(t rt.Transport) {
	h.recorder.ConnectionMade(t)
	if h.onMade != nil {
		h.onMade(t)
	}
}

func (h *hooked) DataReceived(p []byte) {
	h.recorder.DataReceived(p)
	if h.onData != nil {
		h.onData(p)
	}
}

func (h *hooked) EOFReceived() bool {
	keep := h.recorder.EOFReceived()
	if h.onEOF != nil {
		h.onEOF()
	}
	return keep
}

func (h *hooked) ConnectionLost(err error) {
	h.recorder.ConnectionLost(err)
	if h.onLost != nil {
		h.onLost(err)
	}
}

// serveHooked starts a server whose one connection is h, and connects a
// recorder to it.
func serveHooked(l *rt.Loop, h *hooked) (*rt.Server, *recorder, error) {
	srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol { return h }, "tcp4", "127.0.0.1:0"))
	if err != nil {
		return nil, nil, err
	}
	c, err := dial(l, "tcp4", srv.Addrs()[0].String())
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return srv, c, nil
}

// Close inside ConnectionMade: no read ever happens, ConnectionLost(nil)
// follows in a later pass, and the peer sees the end of the stream, as
// asyncio's close() in connection_made (its reader is never added).
func TestConformCloseInConnectionMade(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		h := &hooked{recorder: newRecorder(l)}
		h.onMade = func(t rt.Transport) {
			t.Close()
			if !t.IsClosing() || t.IsReading() {
				panic("Close in ConnectionMade: still open or reading")
			}
		}
		srv, c, err := serveHooked(l, h)
		if err != nil {
			return err
		}
		defer srv.Close()
		c.t.Write([]byte("ignored"))
		if err := until(h.lost, "server ConnectionLost"); err != nil {
			return err
		}
		if want := []string{"made", "lost"}; !slices.Equal(h.events, want) || h.lostErr != nil {
			t.Errorf("server events %v, ConnectionLost(%v); want %v, nil", h.events, h.lostErr, want)
		}
		if err := until(c.lost, "client ConnectionLost"); err != nil {
			return err
		}
		if c.events[1] != "eof" {
			t.Errorf("client events %v, want EOF before the end", c.events)
		}
		return nil
	})
}

// Abort inside DataReceived: nothing more is delivered, ConnectionLost(nil)
// once.
func TestConformAbortInDataReceived(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		h := &hooked{recorder: newRecorder(l)}
		h.onData = func([]byte) {
			h.t.Abort()
			h.t.Abort()
			h.t.Close()
		}
		srv, c, err := serveHooked(l, h)
		if err != nil {
			return err
		}
		defer srv.Close()
		c.t.Write([]byte("a"))
		if err := until(h.lost, "server ConnectionLost"); err != nil {
			return err
		}
		c.t.Write([]byte("b"))
		if want := []string{"made", "data", "lost"}; !slices.Equal(h.events, want) || h.lostErr != nil || h.data.String() != "a" {
			t.Errorf("server events %v, data %q, ConnectionLost(%v); want %v, \"a\", nil", h.events, h.data.String(), h.lostErr, want)
		}
		return until(c.lost, "client ConnectionLost")
	})
}

// WriteEOF then Close with data buffered: the peer gets every byte, then
// EOF; ConnectionLost(nil) once the buffer is sent.
func TestConformWriteEOFThenCloseSendsTheBuffer(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
		h := &hooked{recorder: newRecorder(l)}
		h.onMade = func(t rt.Transport) {
			t.Write(payload)
			if err := t.WriteEOF(); err != nil {
				panic(err)
			}
			if err := t.Write([]byte("x")); !errors.Is(err, rt.ErrWriteAfterEOF) {
				panic(fmt.Sprintf("Write after WriteEOF: %v", err))
			}
			if err := t.Write(nil); !errors.Is(err, rt.ErrWriteAfterEOF) {
				panic(fmt.Sprintf("empty Write after WriteEOF: %v", err))
			}
			t.Close()
		}
		srv, c, err := serveHooked(l, h)
		if err != nil {
			return err
		}
		defer srv.Close()
		if err := until(c.lost, "client ConnectionLost"); err != nil {
			return err
		}
		if !bytes.Equal(c.data.Bytes(), payload) {
			t.Errorf("client got %d bytes, want %d", c.data.Len(), len(payload))
		}
		if err := until(h.lost, "server ConnectionLost"); err != nil {
			return err
		}
		if want := []string{"made", "lost"}; !slices.Equal(h.events, want) || h.lostErr != nil {
			t.Errorf("server events %v, ConnectionLost(%v); want %v, nil", h.events, h.lostErr, want)
		}
		return nil
	})
}

// EOFReceived returning false with writes pending closes the transport
// after the buffer is sent: the peer still gets everything.
func TestConformEOFClosesAfterThePendingWrites(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprint("keep=", keep), func(t *testing.T) {
			leakcheck.Check(t)
			runMain(t, func(l *rt.Loop) error {
				chunk := bytes.Repeat([]byte("z"), 1<<16)
				sent := 0
				h := &hooked{recorder: newRecorder(l)}
				h.keepOpen = keep
				h.onData = func([]byte) {
					// The client's "go": it no longer reads, so the
					// socket fills and the rest is buffered.
					for h.t.GetWriteBufferSize() == 0 {
						h.t.Write(chunk)
						sent += len(chunk)
					}
				}
				h.onEOF = func() {
					if h.t.GetWriteBufferSize() == 0 {
						panic("the test needs data still buffered at EOF")
					}
					if keep {
						h.t.Write([]byte("after"))
						h.t.Close()
					}
				}
				srv, c, err := serveHooked(l, h)
				if err != nil {
					return err
				}
				defer srv.Close()
				c.t.PauseReading()
				c.t.Write([]byte("go"))
				c.t.WriteEOF()
				if err := until(h.eof, "server EOF"); err != nil {
					return err
				}
				c.t.ResumeReading()
				if err := until(c.lost, "client ConnectionLost"); err != nil {
					return err
				}
				want := sent
				if keep {
					want += len("after")
				}
				if c.data.Len() != want {
					t.Errorf("client got %d bytes, want %d", c.data.Len(), want)
				}
				if err := until(h.lost, "server ConnectionLost"); err != nil {
					return err
				}
				if w := []string{"made", "data", "eof", "lost"}; !slices.Equal(h.events, w) || h.lostErr != nil {
					t.Errorf("server events %v, ConnectionLost(%v); want %v, nil", h.events, h.lostErr, w)
				}
				return nil
			})
		})
	}
}

// A panic in ConnectionLost is reported; the fd is still closed and the
// server no longer counts the connection, so WaitClosed returns.
func TestConformPanicInConnectionLostStillReleases(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		errs := collectErrors(l)
		h := &hooked{recorder: newRecorder(l)}
		h.onLost = func(error) { panic("lost bug") }
		srv, c, err := serveHooked(l, h)
		if err != nil {
			return err
		}
		if err := until(h.made, "server ConnectionMade"); err != nil {
			return err
		}
		srv.Close()
		c.t.Close()
		if err := until(srv.WaitClosed(), "WaitClosed"); err != nil {
			return err
		}
		if fd := h.t.GetExtraInfo("socket"); fd != -1 {
			t.Errorf("socket after ConnectionLost: %v, want -1 (closed)", fd)
		}
		if len(*errs) != 1 || !strings.Contains(fmt.Sprint((*errs)[0].Err), "lost bug") {
			t.Errorf("exception handler got %v, want the panic once", *errs)
		}
		return until(c.lost, "client ConnectionLost")
	})
}

// SetWriteBufferLimits checks only for pausing, as asyncio's does: raising
// the marks while paused does not resume the protocol; the next drain to
// the new low mark does. Lowering them under the buffered size pauses at
// once.
func TestConformWriteBufferLimitsWhilePaused(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		defer c.t.Close()
		s.t.PauseReading()
		c.t.SetWriteBufferLimits(0, 0)
		for c.t.GetWriteBufferSize() == 0 {
			c.t.Write(bytes.Repeat([]byte("w"), 1<<16))
		}
		if c.pauses != 1 {
			t.Fatalf("PauseWriting %d times, want 1", c.pauses)
		}
		size := c.t.GetWriteBufferSize()
		c.t.SetWriteBufferLimits(4*size, 2*size)
		if c.resumes != 0 || c.pauses != 1 {
			t.Errorf("after raising the marks: %d pauses, %d resumes; want 1, 0", c.pauses, c.resumes)
		}
		s.t.ResumeReading()
		for c.resumes == 0 {
			if _, err := rt.Await(rt.Sleep(0)); err != nil {
				return err
			}
		}
		if c.t.GetWriteBufferSize() > 2*size {
			t.Errorf("resumed at %d bytes, over the low mark %d", c.t.GetWriteBufferSize(), 2*size)
		}
		// Not paused now: lowering high under what is buffered pauses.
		s.t.PauseReading()
		for c.t.GetWriteBufferSize() == 0 {
			c.t.Write(bytes.Repeat([]byte("w"), 1<<16))
		}
		if c.pauses != 1 {
			c.t.SetWriteBufferLimits(-1, -1)
		}
		c.t.SetWriteBufferLimits(1, 0)
		if c.pauses != 2 {
			t.Errorf("after lowering the marks under the buffer: %d pauses, want 2", c.pauses)
		}
		return nil
	})
}

// dgramPanicky panics in DatagramReceived on "boom".
type dgramPanicky struct{ *dgramRecorder }

func (d dgramPanicky) DatagramReceived(p []byte, addr net.Addr) {
	d.dgramRecorder.DatagramReceived(p, addr)
	if string(p) == "boom" {
		panic("datagram bug")
	}
}

// A panic in DatagramReceived is reported and the endpoint goes on: in
// asyncio the exception leaves _read_ready for the loop's handler, and
// nothing closes the transport.
func TestConformDatagramPanicLeavesTheEndpointOpen(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		errs := collectErrors(l)
		d := dgramPanicky{newDgramRecorder(l)}
		srv, err := rt.Await(l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return d }, "udp4", rt.WithDatagramLocalAddr("127.0.0.1:0")))
		if err != nil {
			return err
		}
		defer srv.Transport.Close()
		addr := srv.Transport.GetExtraInfo("sockname").(net.Addr)
		cl := newDgramRecorder(l)
		cc, err := rt.Await(l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return cl }, "udp4", rt.WithDatagramRemoteAddr(addr.String())))
		if err != nil {
			return err
		}
		defer cc.Transport.Close()
		for _, m := range []string{"boom", "after"} {
			d.next = rt.NewFuture[rt.Void](l)
			next := d.next
			cc.Transport.SendTo([]byte(m), nil)
			if err := until(next, "datagram "+m); err != nil {
				return err
			}
		}
		if !slices.Equal(d.got, []string{"boom", "after"}) || srv.Transport.IsClosing() || d.lost.Done() {
			t.Errorf("got %v, closing %v, lost %v; want both datagrams and the endpoint open", d.got, srv.Transport.IsClosing(), d.lost.Done())
		}
		if len(*errs) != 1 || !strings.Contains(fmt.Sprint((*errs)[0].Err), "datagram bug") {
			t.Errorf("exception handler got %v, want the panic once", *errs)
		}
		return nil
	})
}

// A connected endpoint takes a nil address or its remote one, and refuses
// another; an empty datagram is sent (asyncio 3.13; 3.11 and 3.12 drop
// it); Close with nothing queued ends it with ConnectionLost(nil).
func TestConformDatagramConnectedAddress(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		d := newDgramRecorder(l)
		srv, err := rt.Await(l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return d }, "udp4", rt.WithDatagramLocalAddr("127.0.0.1:0")))
		if err != nil {
			return err
		}
		defer srv.Transport.Close()
		addr := srv.Transport.GetExtraInfo("sockname").(*net.UDPAddr)
		cl := newDgramRecorder(l)
		cc, err := rt.Await(l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return cl }, "udp4", rt.WithDatagramRemoteAddr(addr.String())))
		if err != nil {
			return err
		}
		other := &net.UDPAddr{IP: addr.IP, Port: addr.Port + 1}
		if err := cc.Transport.SendTo([]byte("x"), other); !errors.Is(err, rt.ErrAddrMismatch) {
			t.Errorf("SendTo another address: %v, want ErrAddrMismatch", err)
		}
		for _, m := range []struct {
			p []byte
			a net.Addr
		}{{[]byte("ok"), nil}, {[]byte("ok"), addr}, {nil, nil}} {
			d.next = rt.NewFuture[rt.Void](l)
			next := d.next
			if err := cc.Transport.SendTo(m.p, m.a); err != nil {
				t.Errorf("SendTo(%q, %v): %v", m.p, m.a, err)
			}
			if err := until(next, "datagram"); err != nil {
				return err
			}
		}
		if !slices.Equal(d.got, []string{"ok", "ok", ""}) {
			t.Errorf("got %q, want two \"ok\" and an empty datagram", d.got)
		}
		cc.Transport.Close()
		cc.Transport.Close()
		if err := until(cl.lost, "ConnectionLost"); err != nil {
			return err
		}
		if cl.lostE != nil {
			t.Errorf("ConnectionLost(%v), want nil", cl.lostE)
		}
		return nil
	})
}

// The server's edges: StartServing twice is one start; Sockets is empty
// after Close; WaitClosed after Close with no connection returns at
// once; ServeForever on a closed server fails, and a second ServeForever
// fails while the first runs.
func TestConformServerEdges(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		srv, _, err := serve(l, "tcp4", "127.0.0.1:0", nil, rt.WithStartServing(false))
		if err != nil {
			return err
		}
		if srv.IsServing() {
			t.Errorf("serving before StartServing")
		}
		for range 2 {
			if _, err := rt.Await(srv.StartServing()); err != nil {
				t.Errorf("StartServing: %v", err)
			}
		}
		first := rt.CreateTask(l, srv.ServeForever())
		if _, err := rt.Await(rt.Sleep(0)); err != nil {
			return err
		}
		if _, err := rt.Await(srv.ServeForever()); !errors.Is(err, rt.ErrAlreadyServing) {
			t.Errorf("second ServeForever: %v, want ErrAlreadyServing", err)
		}
		srv.Close()
		if _, err := rt.Await(first); !errors.Is(err, rt.ErrCancelled) {
			t.Errorf("ServeForever after Close: %v, want a cancellation", err)
		}
		if n := len(srv.Sockets()); n != 0 || srv.IsServing() {
			t.Errorf("after Close: %d sockets, serving %v", n, srv.IsServing())
		}
		if w := srv.WaitClosed(); !w.Done() {
			t.Errorf("WaitClosed after Close with no connection is not done at once")
		}
		if _, err := rt.Await(srv.ServeForever()); !errors.Is(err, rt.ErrServerClosed) {
			t.Errorf("ServeForever on a closed server: %v, want ErrServerClosed", err)
		}
		if _, err := rt.Await(srv.StartServing()); !errors.Is(err, rt.ErrServerClosed) {
			t.Errorf("StartServing on a closed server: %v, want ErrServerClosed", err)
		}
		return nil
	})
}

// Abort inside PauseWriting, which Write calls: the buffer is dropped at
// once and ConnectionLost(nil) comes once; no ResumeWriting.
func TestConformAbortInPauseWriting(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		s.t.PauseReading()
		p := &pauseAborter{recorder: c}
		c.t.SetProtocol(p)
		c.t.SetWriteBufferLimits(0, 0)
		for !c.t.IsClosing() {
			if err := c.t.Write(bytes.Repeat([]byte("w"), 1<<16)); err != nil {
				return err
			}
		}
		if n := c.t.GetWriteBufferSize(); n != 0 {
			t.Errorf("GetWriteBufferSize after Abort = %d, want 0", n)
		}
		if err := until(c.lost, "ConnectionLost"); err != nil {
			return err
		}
		if c.pauses != 1 || c.resumes != 0 || c.lostErr != nil {
			t.Errorf("%d pauses, %d resumes, ConnectionLost(%v); want 1, 0, nil", c.pauses, c.resumes, c.lostErr)
		}
		return nil
	})
}

type pauseAborter struct{ *recorder }

func (p *pauseAborter) PauseWriting() {
	p.recorder.PauseWriting()
	p.t.Abort()
}

// WriteLines with empty items and more buffers than one writev takes,
// into a full socket: GetWriteBufferSize counts what was not sent, and
// every byte arrives, in order.
func TestConformWriteLinesIntoAFullSocket(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		s.t.PauseReading()
		var want bytes.Buffer
		for c.t.GetWriteBufferSize() == 0 {
			var bufs [][]byte
			for i := range 200 {
				b := bytes.Repeat([]byte{byte('a' + i%26)}, 1000+i)
				bufs = append(bufs, nil, b, []byte{})
				want.Write(b)
			}
			if err := c.t.WriteLines(bufs); err != nil {
				return err
			}
		}
		pending := c.t.GetWriteBufferSize()
		if err := c.t.WriteLines([][]byte{{}, nil}); err != nil {
			return err
		}
		if c.t.GetWriteBufferSize() != pending {
			t.Errorf("empty WriteLines changed the buffer from %d to %d", pending, c.t.GetWriteBufferSize())
		}
		s.t.ResumeReading()
		if err := until(s.waitFor(want.Len()), "every byte"); err != nil {
			return err
		}
		if !bytes.Equal(s.data.Bytes(), want.Bytes()) {
			t.Errorf("server got %d bytes, not the %d written in order", s.data.Len(), want.Len())
		}
		if n := c.t.GetWriteBufferSize(); n != 0 {
			t.Errorf("GetWriteBufferSize after the drain = %d", n)
		}
		c.t.Close()
		return until(c.lost, "ConnectionLost")
	})
}

// A datagram endpoint closed with datagrams queued (its peer does not
// read) sends them all first, then ConnectionLost(nil); one aborted drops
// them. GetWriteBufferSize counts the queued datagrams' bytes.
func TestConformDatagramCloseWithQueuedDatagrams(t *testing.T) {
	for _, abort := range []bool{false, true} {
		t.Run(fmt.Sprint("abort=", abort), func(t *testing.T) {
			leakcheck.Check(t)
			peer := filepath.Join(t.TempDir(), "peer")
			pfd, err := nonblockSocket(unix.AF_UNIX, unix.SOCK_DGRAM)
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(pfd)
			if err := unix.Bind(pfd, &unix.SockaddrUnix{Name: peer}); err != nil {
				t.Fatal(err)
			}
			runMain(t, func(l *rt.Loop) error {
				cl := newDgramRecorder(l)
				if err := endpoint(l, "unixgram", cl, rt.WithDatagramRemoteAddr(peer)); err != nil {
					return err
				}
				sent, queued := 0, 0
				for cl.t.GetWriteBufferSize() == 0 {
					cl.t.SendTo([]byte(fmt.Sprintf("d%05d", sent)), nil)
					sent++
				}
				for range 3 {
					cl.t.SendTo([]byte(fmt.Sprintf("d%05d", sent)), nil)
					sent++
					queued++
				}
				if n := cl.t.GetWriteBufferSize(); n != 6*(queued+1) {
					t.Errorf("GetWriteBufferSize = %d with %d datagrams of 6 bytes queued", n, queued+1)
				}
				if abort {
					cl.t.Abort()
				} else {
					cl.t.Close()
				}
				if !abort && cl.lost.Done() {
					t.Errorf("ConnectionLost before the queue was sent")
				}
				buf := make([]byte, 64)
				got := 0
				for !cl.lost.Done() || got < sent {
					n, _, err := unix.Recvfrom(pfd, buf, 0)
					if err == unix.EAGAIN {
						if abort && cl.lost.Done() {
							break
						}
						if _, err := rt.Await(rt.Sleep(0)); err != nil {
							return err
						}
						continue
					}
					if err != nil {
						return err
					}
					if want := fmt.Sprintf("d%05d", got); string(buf[:n]) != want {
						return fmt.Errorf("datagram %q, want %q", buf[:n], want)
					}
					got++
				}
				if want := sent; abort {
					if got != sent-queued-1 {
						t.Errorf("aborted: peer got %d datagrams, want the %d sent before the queue", got, sent-queued-1)
					}
				} else if got != want {
					t.Errorf("peer got %d datagrams, want %d", got, want)
				}
				if cl.lostE != nil || cl.t.GetWriteBufferSize() != 0 {
					t.Errorf("ConnectionLost(%v), buffer %d; want nil, 0", cl.lostE, cl.t.GetWriteBufferSize())
				}
				return nil
			})
		})
	}
}

// A datagram endpoint's "sockname" is known after it is closed, as
// asyncio's, which reads it when the transport is made.
func TestConformDatagramSocknameAfterClose(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		d := newDgramRecorder(l)
		c, err := rt.Await(l.CreateDatagramEndpoint(func() rt.DatagramProtocol { return d }, "udp4", rt.WithDatagramLocalAddr("127.0.0.1:0")))
		if err != nil {
			return err
		}
		c.Transport.Close()
		if err := until(d.lost, "ConnectionLost"); err != nil {
			return err
		}
		a, ok := c.Transport.GetExtraInfo("sockname").(*net.UDPAddr)
		if !ok || a.Port == 0 || !a.IP.Equal(net.IPv4(127, 0, 0, 1)) {
			t.Errorf("sockname after close = %v, want 127.0.0.1 and its port", c.Transport.GetExtraInfo("sockname"))
		}
		return nil
	})
}

// The default exception handler's record of a connection's fatal error
// (a panic in DataReceived) names the transport and the protocol, as
// asyncio's context for _fatal_error holds both and its default handler
// logs them: the log says which connection failed.
func TestConformFatalErrorReportNamesTheConnection(t *testing.T) {
	leakcheck.Check(t)
	logged := captureSlog(t)
	runMain(t, func(l *rt.Loop) error {
		srv, s, c, err := servePanicky(l, "DataReceived")
		if err != nil {
			return err
		}
		defer srv.Close()
		c.t.Write([]byte("a"))
		if err := until(s.lost, "server ConnectionLost"); err != nil {
			return err
		}
		return until(c.lost, "client ConnectionLost")
	})
	rec := logged.String()
	if !strings.Contains(rec, "DataReceived() call failed") {
		t.Fatalf("no report of the panic in:\n%s", rec)
	}
	for _, want := range []string{"transport=", "peer=127.0.0.1:", "protocol=*rt_test.panicky"} {
		if !strings.Contains(rec, want) {
			t.Errorf("the report does not say %q:\n%s", want, rec)
		}
	}
}

// pausePanicker panics in PauseWriting.
type pausePanicker struct{ *recorder }

func (p *pausePanicker) PauseWriting() { panic("pause bug") }

// A panic in PauseWriting is reported with the transport and the
// protocol, and the connection goes on (asyncio's _maybe_pause_protocol).
func TestConformPauseWritingPanicReportNamesTheConnection(t *testing.T) {
	leakcheck.Check(t)
	logged := captureSlog(t)
	var peer string
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		peer = c.t.GetExtraInfo("peername").(net.Addr).String()
		c.t.SetProtocol(&pausePanicker{c})
		c.t.SetWriteBufferLimits(0, 0)
		s.t.PauseReading()
		for c.t.GetWriteBufferSize() == 0 {
			c.t.Write(bytes.Repeat([]byte("p"), 1<<16))
		}
		if c.t.IsClosing() {
			t.Errorf("a panic in PauseWriting closed the connection")
		}
		c.t.Abort()
		return until(c.lost, "ConnectionLost")
	})
	rec := logged.String()
	if strings.Count(rec, "PauseWriting() failed") != 1 {
		t.Fatalf("not one report of the panic in:\n%s", rec)
	}
	for _, want := range []string{"transport=", "peer=" + peer, "protocol=*rt_test.pausePanicker"} {
		if !strings.Contains(rec, want) {
			t.Errorf("the report does not say %q:\n%s", want, rec)
		}
	}
}

// PauseReading inside DataReceived stops delivery at once, even of data
// already waiting; after ResumeReading the rest arrives, none lost.
func TestConformPauseReadingInDataReceived(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		h := &hooked{recorder: newRecorder(l)}
		calls := 0
		h.onData = func([]byte) {
			calls++
			if calls == 1 {
				h.t.PauseReading()
			}
		}
		srv, c, err := serveHooked(l, h)
		if err != nil {
			return err
		}
		defer srv.Close()
		c.t.Write([]byte("first"))
		if err := until(h.waitFor(1), "the first data"); err != nil {
			return err
		}
		payload := bytes.Repeat([]byte("r"), 300_000)
		c.t.Write(payload)
		c.t.WriteEOF()
		for range 20 {
			if _, err := rt.Await(rt.Sleep(0)); err != nil {
				return err
			}
		}
		if calls != 1 || h.t.IsReading() || h.eof.Done() {
			t.Errorf("while paused: %d DataReceived calls, reading %v, EOF %v; want 1, false, false", calls, h.t.IsReading(), h.eof.Done())
		}
		h.t.ResumeReading()
		if err := until(h.lost, "server ConnectionLost"); err != nil {
			return err
		}
		if got, want := h.data.Len(), len("first")+len(payload); got != want {
			t.Errorf("received %d bytes, want %d", got, want)
		}
		if w := []string{"made", "data", "eof", "lost"}; !slices.Equal(h.events, w) {
			t.Errorf("events %v, want %v", h.events, w)
		}
		return until(c.lost, "client ConnectionLost")
	})
}

// PauseReading inside ConnectionMade keeps reading from starting (asyncio's
// test_pause_reading_connection_made): nothing arrives until
// ResumeReading; after Close it is not reading again.
func TestConformPauseReadingInConnectionMade(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		h := &hooked{recorder: newRecorder(l)}
		h.onMade = func(t rt.Transport) { t.PauseReading() }
		srv, c, err := serveHooked(l, h)
		if err != nil {
			return err
		}
		defer srv.Close()
		c.t.Write([]byte("held"))
		if err := until(h.made, "server ConnectionMade"); err != nil {
			return err
		}
		for range 10 {
			if _, err := rt.Await(rt.Sleep(0)); err != nil {
				return err
			}
		}
		if h.t.IsReading() || h.data.Len() != 0 {
			t.Errorf("paused in ConnectionMade: reading %v, %d bytes received", h.t.IsReading(), h.data.Len())
		}
		h.t.ResumeReading()
		if !h.t.IsReading() {
			t.Errorf("not reading after ResumeReading")
		}
		if err := until(h.waitFor(4), "the held data"); err != nil {
			return err
		}
		h.t.Close()
		h.t.ResumeReading()
		if h.t.IsReading() {
			t.Errorf("reading after Close")
		}
		return until(c.lost, "client ConnectionLost")
	})
}
