package rt_test

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"golang.org/x/sys/unix"
)

// pairUp returns a connected client recorder and the server's recorder
// for it, on a fresh loopback server that setup configures.
func pairUp(l *rt.Loop, setup func(*recorder)) (c, s *recorder, srv *rt.Server, err error) {
	srv, conns, err := serve(l, "tcp4", "127.0.0.1:0", setup)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err = dial(l, "tcp4", srv.Addrs()[0].String())
	if err != nil {
		return nil, nil, nil, err
	}
	// The server's ConnectionMade may run a pass after the client's.
	for len(*conns) == 0 {
		if _, err := rt.Await(rt.Sleep(0)); err != nil {
			return nil, nil, nil, err
		}
	}
	s = (*conns)[0]
	if err := until(s.made, "server ConnectionMade"); err != nil {
		return nil, nil, nil, err
	}
	return c, s, srv, nil
}

// A write the socket cannot take is buffered, only its remainder;
// PauseWriting fires once over the high-water mark and ResumeWriting once
// the buffer drains to the low one; every byte arrives in order.
func TestTransportBuffersTheRemainderAndFlowControls(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		c.t.PauseReading() // the peer stops reading: the socket fills
		var sent bytes.Buffer
		chunk := make([]byte, 64*1024)
		for i := 0; s.pauses == 0; i++ {
			if i > 1000 {
				return errors.New("PauseWriting never called")
			}
			for j := range chunk {
				chunk[j] = byte(i + j/7)
			}
			s.t.Write(chunk)
			sent.Write(chunk)
		}
		buffered := s.t.GetWriteBufferSize()
		if buffered <= 64*1024 || buffered >= sent.Len() {
			t.Errorf("buffered %d of %d bytes; want more than the high-water mark and less than all", buffered, sent.Len())
		}
		if s.pauses != 1 || s.resumes != 0 {
			t.Errorf("pauses %d resumes %d, want 1 and 0", s.pauses, s.resumes)
		}
		c.t.ResumeReading()
		if err := until(c.waitFor(sent.Len()), "every byte"); err != nil {
			return err
		}
		if !bytes.Equal(c.data.Bytes(), sent.Bytes()) {
			t.Error("the bytes received differ from the bytes sent")
		}
		if s.resumes != 1 || s.t.GetWriteBufferSize() != 0 {
			t.Errorf("after the drain: resumes %d, buffered %d; want 1 and 0", s.resumes, s.t.GetWriteBufferSize())
		}
		c.t.Close()
		return until(s.lost, "server ConnectionLost")
	})
}

func TestTransportWriteBufferLimits(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		c, _, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		defer c.t.Close()
		if low, high := c.t.GetWriteBufferLimits(); low != 16*1024 || high != 64*1024 {
			t.Errorf("default limits (%d, %d), want (16384, 65536)", low, high)
		}
		for _, tc := range []struct {
			high, low         int
			wantLow, wantHigh int
			bad               bool
		}{
			{-1, -1, 16 * 1024, 64 * 1024, false},
			{-1, 100, 100, 400, false},
			{100, -1, 25, 100, false},
			{0, 0, 0, 0, false},
			{10, 20, 0, 0, true},
		} {
			err := c.t.SetWriteBufferLimits(tc.high, tc.low)
			if tc.bad {
				if !errors.Is(err, rt.ErrBadWaterMarks) {
					t.Errorf("SetWriteBufferLimits(%d, %d) = %v, want ErrBadWaterMarks", tc.high, tc.low, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("SetWriteBufferLimits(%d, %d): %v", tc.high, tc.low, err)
			}
			if low, high := c.t.GetWriteBufferLimits(); low != tc.wantLow || high != tc.wantHigh {
				t.Errorf("SetWriteBufferLimits(%d, %d) gave (%d, %d), want (%d, %d)", tc.high, tc.low, low, high, tc.wantLow, tc.wantHigh)
			}
		}
		return nil
	})
}

// While reading is paused nothing is delivered, even with data waiting
// through several polls; ResumeReading delivers it.
func TestTransportPauseAndResumeReading(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		s.t.PauseReading()
		s.t.PauseReading() // twice is once
		if s.t.IsReading() {
			t.Error("IsReading after PauseReading")
		}
		c.t.Write([]byte("waiting"))
		for range 3 { // timers make the loop poll, and see the data
			if _, err := rt.Await(rt.Sleep(time.Millisecond)); err != nil {
				return err
			}
		}
		if s.data.Len() != 0 {
			t.Errorf("paused transport delivered %q", s.data.String())
		}
		s.t.ResumeReading()
		if err := until(s.waitFor(7), "the data after ResumeReading"); err != nil {
			return err
		}
		if got := s.data.String(); got != "waiting" {
			t.Errorf("got %q", got)
		}
		c.t.Close()
		return until(s.lost, "server ConnectionLost")
	})
}

// bufProto is a BufferedProtocol reading into a small buffer it owns.
type bufProto struct {
	recorder
	buf   []byte
	sizes []int
	empty bool // GetBuffer returns an empty buffer
}

func (b *bufProto) GetBuffer(hint int) []byte {
	if b.empty {
		return nil
	}
	return b.buf
}

func (b *bufProto) BufferUpdated(n int) {
	b.sizes = append(b.sizes, n)
	b.recorder.DataReceived(b.buf[:n])
}

func TestTransportBufferedProtocolReadsIntoItsBuffer(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		var bp *bufProto
		srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol {
			bp = &bufProto{recorder: *newRecorder(l), buf: make([]byte, 100)}
			return bp
		}, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		c, err := dial(l, "tcp4", srv.Addrs()[0].String())
		if err != nil {
			return err
		}
		msg := strings.Repeat("0123456789", 100)
		c.t.Write([]byte(msg))
		c.t.Close()
		for bp == nil {
			rt.Await(rt.Sleep(0))
		}
		if err := until(bp.lost, "ConnectionLost"); err != nil {
			return err
		}
		if got := bp.data.String(); got != msg {
			t.Errorf("received %d bytes, want %d", len(got), len(msg))
		}
		if len(bp.sizes) < 10 || slices.Max(bp.sizes) > 100 {
			t.Errorf("reads %v: want pieces of at most the 100-byte buffer", bp.sizes)
		}
		return nil
	})
}

// An empty buffer from GetBuffer is the protocol's bug: reported, and the
// connection ends with that error.
func TestTransportEmptyGetBufferIsFatal(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		errs := collectErrors(l)
		var bp *bufProto
		srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol {
			bp = &bufProto{recorder: *newRecorder(l), empty: true}
			return bp
		}, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		c, err := dial(l, "tcp4", srv.Addrs()[0].String())
		if err != nil {
			return err
		}
		c.t.Write([]byte("x"))
		for bp == nil {
			rt.Await(rt.Sleep(0))
		}
		if err := until(bp.lost, "ConnectionLost"); err != nil {
			return err
		}
		if bp.lostErr == nil || !strings.Contains(bp.lostErr.Error(), "empty buffer") {
			t.Errorf("ConnectionLost(%v), want the empty-buffer error", bp.lostErr)
		}
		if len(*errs) != 1 || !strings.Contains((*errs)[0].Message, "GetBuffer") {
			t.Errorf("exception handler got %v, want one GetBuffer report", *errs)
		}
		return until(c.lost, "client ConnectionLost")
	})
}

// switcher hands the connection to next at its first data.
type switcher struct {
	recorder
	next *recorder
}

func (s *switcher) DataReceived(p []byte) {
	s.recorder.DataReceived(p)
	s.t.SetProtocol(s.next)
	s.next.t = s.t
}

func TestTransportSetProtocolRedirectsLaterCallbacks(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		next := newRecorder(l)
		var first *switcher
		srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol {
			first = &switcher{recorder: *newRecorder(l), next: next}
			return first
		}, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		c, err := dial(l, "tcp4", srv.Addrs()[0].String())
		if err != nil {
			return err
		}
		c.t.Write([]byte("one"))
		for first == nil || first.data.Len() == 0 {
			if _, err := rt.Await(rt.Sleep(time.Millisecond)); err != nil {
				return err
			}
		}
		c.t.Write([]byte("two"))
		if err := until(next.waitFor(3), "data at the new protocol"); err != nil {
			return err
		}
		c.t.Close()
		if err := until(next.lost, "ConnectionLost at the new protocol"); err != nil {
			return err
		}
		if first.data.String() != "one" || next.data.String() != "two" || first.lost.Done() {
			t.Errorf("first got %q (lost %v), next got %q", first.data.String(), first.lost.Done(), next.data.String())
		}
		if first.t.GetProtocol() != next {
			t.Error("GetProtocol does not return the new protocol")
		}
		return nil
	})
}

// Close is idempotent, Abort after Close does not call ConnectionLost a
// second time, and the transport says it is closing at once.
func TestTransportCloseTwiceAndAbortCallConnectionLostOnce(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		c.t.Close()
		c.t.Close()
		c.t.Abort()
		if !c.t.IsClosing() || c.t.IsReading() {
			t.Error("after Close: IsClosing false or IsReading true")
		}
		if err := until(c.lost, "ConnectionLost"); err != nil {
			return err
		}
		// recorder panics on a second ConnectionLost; give it passes
		// to happen.
		for range 3 {
			rt.Await(rt.Sleep(0))
		}
		if n := strings.Count(strings.Join(c.events, " "), "lost"); n != 1 {
			t.Errorf("ConnectionLost called %d times", n)
		}
		return until(s.lost, "server ConnectionLost")
	})
}

// WriteLines sends the concatenation of its buffers.
func TestTransportWriteLines(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		var lines [][]byte
		var want bytes.Buffer
		for i := range 200 {
			line := fmt.Appendf(nil, "line %d\n", i)
			lines = append(lines, line)
			want.Write(line)
		}
		c.t.WriteLines(lines)
		c.t.WriteLines(nil)
		if err := until(s.waitFor(want.Len()), "the lines"); err != nil {
			return err
		}
		if !bytes.Equal(s.data.Bytes(), want.Bytes()) {
			t.Error("lines arrived garbled")
		}
		c.t.Close()
		return until(s.lost, "server ConnectionLost")
	})
}

// A WriteLines the socket takes only part of buffers the rest without
// touching the caller's slice: its buffers keep their lengths, and the
// bytes arrive once, in order.
func TestTransportWriteLinesLeavesTheCallersSlice(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		c, s, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		s.t.PauseReading()                                     // the peer reads nothing until the write is made
		big := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB: more than the socket takes
		tail := []byte("and the tail")
		bufs := [][]byte{big, tail}
		if err := c.t.WriteLines(bufs); err != nil {
			return err
		}
		if c.t.GetWriteBufferSize() == 0 {
			return errors.New("the socket took 16 MiB at once: the test needs a partial write")
		}
		if len(bufs) != 2 || len(bufs[0]) != len(big) || &bufs[0][0] != &big[0] || len(bufs[1]) != len(tail) {
			t.Errorf("WriteLines changed its argument: lengths %d, %d", len(bufs[0]), len(bufs[1]))
		}
		s.t.ResumeReading()
		want := append(append([]byte(nil), big...), tail...)
		if err := until(s.waitFor(len(want)), "the lines"); err != nil {
			return fmt.Errorf("%w (%d of %d bytes arrived, %d still buffered, events %v)", err, s.data.Len(), len(want), c.t.GetWriteBufferSize(), s.events)
		}
		if !bytes.Equal(s.data.Bytes(), want) {
			t.Errorf("got %d bytes, not the %d written", s.data.Len(), len(want))
		}
		c.t.Close()
		return until(s.lost, "server ConnectionLost")
	})
}

// The fd of a transport belongs to it: AddReader and the socket
// operations refuse it with ErrFDBusy (asyncio's _ensure_fd_no_transport).
func TestTransportFDIsNotForOthers(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		c, _, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		defer c.t.Close()
		fd := c.t.GetExtraInfo("socket").(int)
		if err := l.AddReader(fd, func() {}); !errors.Is(err, rt.ErrFDBusy) {
			t.Errorf("AddReader on a transport's fd: %v, want ErrFDBusy", err)
		}
		if l.RemoveReader(fd) {
			t.Error("RemoveReader removed the transport's reader")
		}
		if _, err := rt.Await(l.SockRecv(fd, 10)); !errors.Is(err, rt.ErrFDBusy) {
			t.Errorf("SockRecv on a transport's fd: %v, want ErrFDBusy", err)
		}
		return nil
	})
}

// panicky panics in the callback named by where: ConnectionMade, or the
// first delivery of data.
type panicky struct {
	recorder
	where string
}

func (p *panicky) ConnectionMade(t rt.Transport) {
	p.recorder.ConnectionMade(t)
	if p.where == "ConnectionMade" {
		panic("protocol bug")
	}
}

func (p *panicky) DataReceived(b []byte) {
	p.recorder.DataReceived(b)
	if p.where == "DataReceived" {
		panic("protocol bug")
	}
}

// panickyBuf is panicky as a BufferedProtocol.
type panickyBuf struct {
	panicky
	buf [16]byte
}

func (p *panickyBuf) GetBuffer(int) []byte { return p.buf[:] }

func (p *panickyBuf) BufferUpdated(n int) {
	p.recorder.DataReceived(p.buf[:n])
	if p.where == "BufferUpdated" {
		panic("protocol bug")
	}
}

// servePanicky serves one connection with a protocol that panics where
// says, connects to it, and returns both ends.
func servePanicky(l *rt.Loop, where string) (srv *rt.Server, s *panicky, c *recorder, err error) {
	srv, err = rt.Await(l.CreateServer(func() rt.StreamProtocol {
		if where == "BufferUpdated" {
			b := &panickyBuf{panicky: panicky{recorder: *newRecorder(l), where: where}}
			s = &b.panicky
			return b
		}
		s = &panicky{recorder: *newRecorder(l), where: where}
		return s
	}, "tcp4", "127.0.0.1:0"))
	if err != nil {
		return nil, nil, nil, err
	}
	if c, err = dial(l, "tcp4", srv.Addrs()[0].String()); err != nil {
		srv.Close()
		return nil, nil, nil, err
	}
	for s == nil {
		if _, err := rt.Await(rt.Sleep(0)); err != nil {
			srv.Close()
			return nil, nil, nil, err
		}
	}
	return srv, s, c, nil
}

// A panic in DataReceived or BufferUpdated is the connection's fatal
// error, as an exception in data_received or buffer_updated is in
// asyncio: it is reported, the transport is closed at once, and
// ConnectionLost gets the panic; the peer sees the connection end.
func TestTransportPanicInDataReceivedIsFatal(t *testing.T) {
	for _, where := range []string{"DataReceived", "BufferUpdated"} {
		t.Run(where, func(t *testing.T) {
			leakcheck.Check(t)
			runMain(t, func(l *rt.Loop) error {
				errs := collectErrors(l)
				srv, s, c, err := servePanicky(l, where)
				if err != nil {
					return err
				}
				defer srv.Close()
				c.t.Write([]byte("a"))
				if err := until(s.lost, "server ConnectionLost"); err != nil {
					return err
				}
				if s.lostErr == nil || !strings.Contains(s.lostErr.Error(), "protocol bug") {
					t.Errorf("ConnectionLost(%v), want the panic", s.lostErr)
				}
				if want := []string{"made", "data", "lost"}; !slices.Equal(s.events, want) {
					t.Errorf("server events %v, want %v", s.events, want)
				}
				if len(*errs) != 1 || !strings.Contains((*errs)[0].Message, where+"() call failed") ||
					!strings.Contains(fmt.Sprint((*errs)[0].Err), "protocol bug") {
					t.Errorf("exception handler got %v, want one %s report with the panic", *errs, where)
				}
				return until(c.lost, "client ConnectionLost")
			})
		})
	}
}

// A panic in ConnectionMade is reported, naming the connection, and the
// connection goes on as if it had returned: reading starts, as it does in asyncio, where
// connection_made and the start of reading are callbacks of their own.
func TestTransportPanicInConnectionMadeLeavesTheConnectionReading(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		errs := collectErrors(l)
		srv, s, c, err := servePanicky(l, "ConnectionMade")
		if err != nil {
			return err
		}
		defer srv.Close()
		c.t.Write([]byte("ab"))
		c.t.WriteEOF()
		if err := until(s.lost, "server ConnectionLost"); err != nil {
			return err
		}
		if want := []string{"made", "data", "eof", "lost"}; !slices.Equal(s.events, want) || s.data.String() != "ab" || s.lostErr != nil {
			t.Errorf("server events %v, data %q, ConnectionLost(%v); want %v, \"ab\", nil", s.events, s.data.String(), s.lostErr, want)
		}
		if len(*errs) != 1 || !strings.Contains(fmt.Sprint((*errs)[0].Err), "protocol bug") {
			t.Errorf("exception handler got %v, want the panic", *errs)
		} else if e := (*errs)[0]; e.Transport != s.t || e.Protocol != s {
			// asyncio's report names the callback, connection_made(transport).
			t.Errorf("the report names transport %v and protocol %T, want the connection's", e.Transport, e.Protocol)
		}
		return until(c.lost, "client ConnectionLost")
	})
}

// In debug mode a transport used from another goroutine panics with a
// message pointing at CallSoonThreadsafe, instead of racing the loop.
func TestTransportDebugModeCatchesWrongGoroutine(t *testing.T) {
	runMain(t, func(l *rt.Loop) error {
		c, _, srv, err := pairUp(l, nil)
		if err != nil {
			return err
		}
		defer srv.Close()
		defer c.t.Close()
		got := make(chan any)
		go func() {
			defer func() { got <- recover() }()
			c.t.Write([]byte("from elsewhere"))
		}()
		if v := <-got; v == nil || !strings.Contains(fmt.Sprint(v), "CallSoonThreadsafe") {
			t.Errorf("Write from another goroutine: recovered %v, want the debug-mode error", v)
		}
		return nil
	}, rt.WithDebug(true))
}

// A transport paused, or closed with output still pending, by another
// callback of the pass whose poll found it readable gets no DataReceived
// afterwards, as asyncio's pause_reading and close cancel the reader
// asyncio had queued. Two connections are readable in one pass and each
// one's DataReceived acts on the other: whichever runs first, the other
// must not deliver.
func TestTransportPausedOrClosedEarlierInThePassDeliversNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		act  func(rt.Transport)
	}{
		{"PauseReading", rt.Transport.PauseReading},
		{"Close", rt.Transport.Close},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leakcheck.Check(t)
			runMain(t, func(l *rt.Loop) error {
				fs, err := newFaultServer(l, nil)
				if err != nil {
					return err
				}
				defer fs.close()
				var peers []*rawPeer
				var ss []*recorder
				for range 2 {
					p, err := dialRaw(l, fs.srv.Addrs()[0], 4096)
					if err != nil {
						return err
					}
					defer p.close()
					s, err := fs.accept()
					if err != nil {
						return err
					}
					// Output the peer does not read stays pending, so
					// that Close leaves the transport open until it
					// drains.
					unix.SetsockoptInt(s.t.GetExtraInfo("socket").(int), unix.SOL_SOCKET, unix.SO_SNDBUF, 4096)
					s.t.Write(make([]byte, 1<<20))
					if s.t.GetWriteBufferSize() == 0 {
						return errors.New("the socket took 1 MiB at once: nothing pending")
					}
					peers, ss = append(peers, p), append(ss, s)
				}
				for i, s := range ss {
					s.t.SetProtocol(&actsOnOther{recorder: s, other: ss[1-i], act: tc.act})
				}
				for _, p := range peers {
					if _, err := unix.Write(p.fd, []byte("x")); err != nil {
						return err
					}
				}
				for ss[0].data.Len()+ss[1].data.Len() == 0 {
					if _, err := rt.Await(rt.Sleep(time.Millisecond)); err != nil {
						return err
					}
				}
				for range 3 {
					rt.Await(rt.Sleep(time.Millisecond))
				}
				if got := ss[0].data.Len() + ss[1].data.Len(); got != 1 {
					t.Errorf("%d connections got data; want only the first, the other being %s by then", got, tc.name)
				}
				for _, s := range ss {
					s.t.Abort()
				}
				return nil
			})
		})
	}
}

// actsOnOther applies act to other's transport when data arrives.
type actsOnOther struct {
	*recorder
	other *recorder
	act   func(rt.Transport)
}

func (p *actsOnOther) DataReceived(b []byte) {
	p.act(p.other.t)
	p.recorder.DataReceived(b)
}
