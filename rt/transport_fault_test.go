package rt_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"golang.org/x/sys/unix"
)

// Faults on real loopback sockets: a peer that resets, half-closes, reads
// slowly or not at all, ten thousand idle peers, the loop closed under
// live transports, writes after the connection is gone. The peer is a
// plain socket driven by hand (or by the loop's SockRecv/SockSendall), so
// its behaviour is exactly what the test says. Each test checks that what
// should arrive arrives whole, that ConnectionLost runs exactly once, and
// (leakcheck.Check) that no fd or goroutine outlives it.

// faultServer is a loopback server whose connections get recorders.
type faultServer struct {
	l       *rt.Loop
	srv     *rt.Server
	conns   []*recorder
	taken   int
	arrived *rt.Future[rt.Void]
}

func newFaultServer(l *rt.Loop, setup func(*recorder), opts ...rt.ServerOption) (*faultServer, error) {
	fs := &faultServer{l: l}
	srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol {
		r := newRecorder(l)
		if setup != nil {
			setup(r)
		}
		fs.conns = append(fs.conns, r)
		if fs.arrived != nil {
			fs.arrived.SetResult(rt.Void{})
			fs.arrived = nil
		}
		return r
	}, "tcp4", "127.0.0.1:0", opts...))
	fs.srv = srv
	return fs, err
}

// accept returns the next connection the server accepted once its
// ConnectionMade has run.
func (fs *faultServer) accept() (*recorder, error) {
	if fs.taken == len(fs.conns) {
		fs.arrived = rt.NewFuture[rt.Void](fs.l)
		if err := until(fs.arrived, "an accepted connection"); err != nil {
			return nil, err
		}
	}
	r := fs.conns[fs.taken]
	fs.taken++
	return r, until(r.made, "the server's ConnectionMade")
}

func (fs *faultServer) close() error {
	fs.srv.Close()
	_, err := rt.Await(fs.srv.WaitClosed())
	return err
}

// rawPeer is the other end of a connection: a plain socket.
type rawPeer struct {
	l  *rt.Loop
	fd int
}

func inet4(addr net.Addr) *unix.SockaddrInet4 {
	ta := addr.(*net.TCPAddr)
	sa := &unix.SockaddrInet4{Port: ta.Port}
	copy(sa.Addr[:], ta.IP.To4())
	return sa
}

// dialRaw connects a socket to addr, with a receive buffer of rcvbuf bytes
// when rcvbuf > 0 (set before connecting, so the window is small from the
// start), and makes it non-blocking. The connect blocks only for the
// handshake, which the kernel completes on loopback before the server
// accepts.
func dialRaw(l *rt.Loop, addr net.Addr, rcvbuf int) (*rawPeer, error) {
	fd, err := cloexecSocket(unix.AF_INET, unix.SOCK_STREAM)
	if err != nil {
		return nil, err
	}
	if rcvbuf > 0 {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, rcvbuf)
	}
	if err := unix.Connect(fd, inet4(addr)); err != nil {
		unix.Close(fd)
		return nil, err
	}
	unix.SetNonblock(fd, true)
	return &rawPeer{l: l, fd: fd}, nil
}

// close drops the loop's (possibly parked) registration, then the fd.
func (p *rawPeer) close() {
	if p.fd < 0 {
		return
	}
	p.l.RemoveReader(p.fd)
	p.l.RemoveWriter(p.fd)
	unix.Close(p.fd)
	p.fd = -1
}

// recvAll reads until EOF.
func (p *rawPeer) recvAll() ([]byte, error) {
	var got []byte
	for {
		b, err := rt.Await(p.l.SockRecv(p.fd, 256*1024))
		if err != nil {
			return got, err
		}
		if len(b) == 0 {
			return got, nil
		}
		got = append(got, b...)
	}
}

// recvN reads exactly n bytes.
func (p *rawPeer) recvN(n int) ([]byte, error) {
	var got []byte
	for len(got) < n {
		b, err := rt.Await(p.l.SockRecv(p.fd, n-len(got)))
		if err != nil {
			return got, err
		}
		if len(b) == 0 {
			return got, fmt.Errorf("EOF after %d of %d bytes", len(got), n)
		}
		got = append(got, b...)
	}
	return got, nil
}

// lostCount is how many times ConnectionLost ran on r.
func lostCount(r *recorder) int {
	n := 0
	for _, e := range r.events {
		if e == "lost" {
			n++
		}
	}
	return n
}

// reports records what reaches the loop's exception handler.
func reports(l *rt.Loop) *[]rt.ErrorContext {
	var got []rt.ErrorContext
	l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { got = append(got, c) })
	return &got
}

// A peer that resets (SO_LINGER {1, 0} then close) while we have a large
// write pending: ConnectionLost gets ECONNRESET or EPIPE, once; the write
// buffer is dropped; the fd is closed; a reset is the peer's doing, not the
// program's, so nothing reaches the exception handler.
func TestFaultPeerResetMidWrite(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		reported := reports(l)
		fs, err := newFaultServer(l, nil)
		if err != nil {
			return err
		}
		defer fs.close()
		peer, err := dialRaw(l, fs.srv.Addrs()[0], 4096)
		if err != nil {
			return err
		}
		defer peer.close()
		s, err := fs.accept()
		if err != nil {
			return err
		}
		s.t.Write(make([]byte, 8<<20))
		if s.t.GetWriteBufferSize() == 0 {
			return errors.New("the socket took 8 MiB at once: nothing pending to be cut off")
		}
		// The stream flows: the peer gets the first bytes...
		if b, err := rt.Await(l.SockRecv(peer.fd, 1024)); err != nil || len(b) == 0 {
			return fmt.Errorf("peer's first read: %d bytes, %v", len(b), err)
		}
		// ...then resets the connection.
		if err := unix.SetsockoptLinger(peer.fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0}); err != nil {
			return err
		}
		peer.close()
		if err := until(s.lost, "ConnectionLost after the reset"); err != nil {
			return err
		}
		for range 3 { // a second ConnectionLost would come in these passes
			rt.Await(rt.Sleep(0))
		}
		if n := lostCount(s); n != 1 {
			t.Errorf("ConnectionLost ran %d times, want 1", n)
		}
		if !errors.Is(s.lostErr, unix.ECONNRESET) && !errors.Is(s.lostErr, unix.EPIPE) {
			t.Errorf("ConnectionLost(%v), want an error that is ECONNRESET or EPIPE", s.lostErr)
		}
		if n := s.t.GetWriteBufferSize(); n != 0 {
			t.Errorf("write buffer after the reset: %d bytes, want 0 (dropped)", n)
		}
		if fd := s.t.GetExtraInfo("socket"); fd != -1 {
			t.Errorf("socket after ConnectionLost: %v, want -1", fd)
		}
		if !s.t.IsClosing() {
			t.Error("IsClosing() false after the connection was lost")
		}
		if len(*reported) != 0 {
			t.Errorf("the peer's reset was reported to the exception handler: %+v", *reported)
		}
		return nil
	})
}

// Half-closing each way keeps the other direction working.
func TestFaultHalfClose(t *testing.T) {
	// (i) The peer shuts its write side: EOFReceived returning true keeps
	// ours open; what we write still arrives, and our Close reaches the
	// peer as EOF after the last byte.
	t.Run("PeerShutsItsWriteSide", func(t *testing.T) {
		leakcheck.Check(t)
		runMain(t, func(l *rt.Loop) error {
			fs, err := newFaultServer(l, func(r *recorder) { r.keepOpen = true })
			if err != nil {
				return err
			}
			defer fs.close()
			peer, err := dialRaw(l, fs.srv.Addrs()[0], 0)
			if err != nil {
				return err
			}
			defer peer.close()
			s, err := fs.accept()
			if err != nil {
				return err
			}
			if _, err := rt.Await(l.SockSendall(peer.fd, []byte("question"))); err != nil {
				return err
			}
			if err := unix.Shutdown(peer.fd, unix.SHUT_WR); err != nil {
				return err
			}
			if err := until(s.eof, "EOFReceived"); err != nil {
				return err
			}
			if got := s.data.String(); got != "question" {
				t.Errorf("server received %q, want %q", got, "question")
			}
			if s.t.IsClosing() || s.lost.Done() {
				t.Fatal("EOFReceived returned true, yet the transport is closing")
			}
			msg := []byte("an answer after your EOF")
			if err := s.t.Write(msg); err != nil {
				return err
			}
			if got, err := peer.recvN(len(msg)); err != nil || !bytes.Equal(got, msg) {
				return fmt.Errorf("peer got %q, %v; want %q", got, err, msg)
			}
			// A large write, mostly buffered, then Close: all of it,
			// then EOF.
			big := interopPattern(2 << 20)
			s.t.Write(big)
			s.t.Close()
			got, err := peer.recvAll()
			if err != nil {
				return err
			}
			if !bytes.Equal(got, big) {
				t.Errorf("after Close the peer got %d bytes, want the %d written", len(got), len(big))
			}
			if err := until(s.lost, "ConnectionLost"); err != nil {
				return err
			}
			if want := []string{"made", "data", "eof", "lost"}; !slices.Equal(s.events, want) || s.lostErr != nil {
				t.Errorf("events %v, ConnectionLost(%v); want %v and nil", s.events, s.lostErr, want)
			}
			return nil
		})
	})

	// (ii) Our WriteEOF while data is still buffered: the peer gets every
	// byte, then EOF; and we still receive what the peer sends after.
	t.Run("OurWriteEOFWithPendingData", func(t *testing.T) {
		leakcheck.Check(t)
		runMain(t, func(l *rt.Loop) error {
			fs, err := newFaultServer(l, nil)
			if err != nil {
				return err
			}
			defer fs.close()
			peer, err := dialRaw(l, fs.srv.Addrs()[0], 8192)
			if err != nil {
				return err
			}
			defer peer.close()
			s, err := fs.accept()
			if err != nil {
				return err
			}
			data := interopPattern(4 << 20)
			s.t.Write(data)
			if s.t.GetWriteBufferSize() == 0 {
				return errors.New("the socket took 4 MiB at once: nothing pending at WriteEOF")
			}
			if err := s.t.WriteEOF(); err != nil {
				return err
			}
			got, err := peer.recvAll()
			if err != nil {
				return err
			}
			if !bytes.Equal(got, data) {
				t.Errorf("before EOF the peer got %d bytes, want the %d written", len(got), len(data))
			}
			if s.t.IsClosing() {
				t.Error("IsClosing() after WriteEOF: the read side must stay open")
			}
			msg := []byte("I can still talk to you")
			if _, err := rt.Await(l.SockSendall(peer.fd, msg)); err != nil {
				return err
			}
			if err := until(s.waitFor(len(msg)), "data after our WriteEOF"); err != nil {
				return err
			}
			if got := s.data.String(); got != string(msg) {
				t.Errorf("server received %q, want %q", got, msg)
			}
			unix.Shutdown(peer.fd, unix.SHUT_WR)
			if err := until(s.lost, "ConnectionLost"); err != nil {
				return err
			}
			if want := []string{"made", "data", "eof", "lost"}; !slices.Equal(s.events, want) || s.lostErr != nil {
				t.Errorf("events %v, ConnectionLost(%v); want %v and nil", s.events, s.lostErr, want)
			}
			return nil
		})
	})
}

// producer writes chunk-sized pieces of data whenever it is not paused,
// and closes when all of it is written.
type producer struct {
	rt.ProtocolBase
	t           rt.Transport
	data        []byte
	chunk       int
	sent        int
	paused      bool
	pauses      int
	resumes     int
	peak        int
	misordered  string // a flow-control call out of turn
	lostErr     error
	lostAt      int // write buffer size when ConnectionLost ran
	lost        *rt.Future[rt.Void]
	sndbuf      int
	pauseAtSize []int
}

func (p *producer) ConnectionMade(t rt.Transport) {
	p.t = t
	if p.sndbuf > 0 {
		unix.SetsockoptInt(t.GetExtraInfo("socket").(int), unix.SOL_SOCKET, unix.SO_SNDBUF, p.sndbuf)
	}
	p.produce()
}

func (p *producer) produce() {
	for !p.paused && p.sent < len(p.data) {
		end := min(p.sent+p.chunk, len(p.data))
		p.t.Write(p.data[p.sent:end])
		p.sent = end
		p.peak = max(p.peak, p.t.GetWriteBufferSize())
	}
	if p.sent == len(p.data) && !p.t.IsClosing() {
		p.t.Close()
	}
}

func (p *producer) PauseWriting() {
	if p.paused {
		p.misordered = "PauseWriting twice in a row"
	}
	p.paused = true
	p.pauses++
	p.pauseAtSize = append(p.pauseAtSize, p.t.GetWriteBufferSize())
}

func (p *producer) ResumeWriting() {
	if !p.paused {
		p.misordered = "ResumeWriting without PauseWriting"
	}
	p.paused = false
	p.resumes++
	p.produce()
}

func (p *producer) ConnectionLost(err error) {
	p.lostErr, p.lostAt = err, p.t.GetWriteBufferSize()
	p.lost.SetResult(rt.Void{})
}

// A producer that writes 1 KiB chunks while not paused, to a peer that
// reads 4 KiB per millisecond timer tick: the buffer never holds more than
// high-water plus one chunk, PauseWriting and ResumeWriting alternate, and
// every byte arrives in order.
func TestFaultSlowReaderFlowControl(t *testing.T) {
	leakcheck.Check(t)
	const chunk = 1024
	runMain(t, func(l *rt.Loop) error {
		p := &producer{data: interopPattern(1 << 20), chunk: chunk, sndbuf: 8192, lost: rt.NewFuture[rt.Void](l)}
		srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol { return p }, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		peer, err := dialRaw(l, srv.Addrs()[0], 4096)
		if err != nil {
			return err
		}
		defer peer.close()
		h := sha256.New()
		n, ticks := 0, 0
		buf := make([]byte, 4096)
		deadline := time.Now().Add(60 * time.Second) // a hang guard only
		for {
			if _, err := rt.Await(rt.Sleep(time.Millisecond)); err != nil {
				return err
			}
			ticks++
			k, err := unix.Read(peer.fd, buf)
			if err == unix.EAGAIN {
				if time.Now().After(deadline) {
					return fmt.Errorf("stalled after %d of %d bytes", n, len(p.data))
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("peer read after %d bytes: %w", n, err)
			}
			if k == 0 {
				break
			}
			h.Write(buf[:k])
			n += k
		}
		if err := until(p.lost, "ConnectionLost"); err != nil {
			return err
		}
		low, high := p.t.GetWriteBufferLimits()
		t.Logf("peak write buffer %d bytes (high-water %d, low-water %d, chunk %d); %d pauses, %d resumes, %d read ticks",
			p.peak, high, low, chunk, p.pauses, p.resumes, ticks)
		if p.peak > high+chunk {
			t.Errorf("peak write buffer %d > high-water %d + one chunk %d", p.peak, high, chunk)
		}
		for _, sz := range p.pauseAtSize {
			if sz <= high || sz > high+chunk {
				t.Errorf("PauseWriting at a buffer of %d bytes; want it just over high-water %d", sz, high)
				break
			}
		}
		if p.misordered != "" {
			t.Error(p.misordered)
		}
		if p.pauses < 2 || p.pauses != p.resumes {
			t.Errorf("%d pauses and %d resumes; want several, equal in number", p.pauses, p.resumes)
		}
		if want := sha256.Sum256(p.data); n != len(p.data) || !bytes.Equal(h.Sum(nil), want[:]) {
			t.Errorf("the peer got %d bytes (sha %x), want %d (sha %x)", n, h.Sum(nil), len(p.data), want)
		}
		if p.lostErr != nil || p.lostAt != 0 {
			t.Errorf("ConnectionLost(%v) with %d bytes still buffered; want nil and 0", p.lostErr, p.lostAt)
		}
		return nil
	})
}

// Close with a large pending buffer to a peer that does not read waits:
// no ConnectionLost while nothing can be sent; once the peer reads, it
// gets every byte, then EOF, and ConnectionLost(nil) runs with the buffer
// empty.
func TestFaultCloseWaitsForAPeerThatDoesNotRead(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		fs, err := newFaultServer(l, nil)
		if err != nil {
			return err
		}
		defer fs.close()
		peer, err := dialRaw(l, fs.srv.Addrs()[0], 4096)
		if err != nil {
			return err
		}
		defer peer.close()
		s, err := fs.accept()
		if err != nil {
			return err
		}
		data := interopPattern(4 << 20)
		s.t.Write(data)
		s.t.Close()
		if s.t.GetWriteBufferSize() == 0 {
			return errors.New("the socket took 4 MiB at once: nothing pending at Close")
		}
		// Passes that each poll the selector (a timer is the only thing
		// the loop waits for): the writer runs if the socket can take
		// anything, and nothing may end the connection meanwhile.
		for range 5 {
			if _, err := rt.Await(rt.Sleep(time.Millisecond)); err != nil {
				return err
			}
		}
		if s.lost.Done() {
			t.Fatalf("ConnectionLost(%v) ran while %d bytes were still unsent", s.lostErr, s.t.GetWriteBufferSize())
		}
		if !s.t.IsClosing() || s.t.GetWriteBufferSize() == 0 {
			t.Errorf("IsClosing %v, buffer %d bytes; want closing with data still pending", s.t.IsClosing(), s.t.GetWriteBufferSize())
		}
		got, err := peer.recvAll()
		if err != nil {
			return err
		}
		if !bytes.Equal(got, data) {
			t.Errorf("the peer got %d bytes, want the %d written before Close", len(got), len(data))
		}
		if err := until(s.lost, "ConnectionLost after the flush"); err != nil {
			return err
		}
		if s.lostErr != nil || lostCount(s) != 1 {
			t.Errorf("ConnectionLost(%v) ran %d times; want nil, once", s.lostErr, lostCount(s))
		}
		return nil
	})
}

// Abort with pending data does not wait for the peer: the buffer is
// dropped at once (the peer gets only a prefix of what was written, then
// EOF), and ConnectionLost(nil) runs in the next pass.
func TestFaultAbortDropsThePendingBuffer(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		fs, err := newFaultServer(l, nil)
		if err != nil {
			return err
		}
		defer fs.close()
		peer, err := dialRaw(l, fs.srv.Addrs()[0], 4096)
		if err != nil {
			return err
		}
		defer peer.close()
		s, err := fs.accept()
		if err != nil {
			return err
		}
		data := interopPattern(4 << 20)
		s.t.Write(data)
		if s.t.GetWriteBufferSize() == 0 {
			return errors.New("the socket took 4 MiB at once: nothing pending at Abort")
		}
		s.t.Abort()
		if n := s.t.GetWriteBufferSize(); n != 0 {
			t.Errorf("write buffer right after Abort: %d bytes, want 0", n)
		}
		if !s.t.IsClosing() {
			t.Error("IsClosing() false right after Abort")
		}
		if _, err := rt.Await(rt.Sleep(0)); err != nil { // one pass
			return err
		}
		if !s.lost.Done() {
			t.Fatal("ConnectionLost has not run in the pass after Abort")
		}
		if s.lostErr != nil || lostCount(s) != 1 {
			t.Errorf("ConnectionLost(%v) ran %d times; want nil, once", s.lostErr, lostCount(s))
		}
		got, err := peer.recvAll()
		if err != nil && !errors.Is(err, unix.ECONNRESET) {
			return err
		}
		if len(got) >= len(data) || !bytes.Equal(got, data[:len(got)]) {
			t.Errorf("after Abort the peer got %d bytes of %d; want a strict prefix (the buffer dropped)", len(got), len(data))
		}
		t.Logf("the peer got %d of %d bytes: what the kernel already held", len(got), len(data))
		return nil
	})
}

// raiseNoFile makes room for need descriptors, raising the hard limit too
// if the process may; otherwise the test is skipped.
func raiseNoFile(t *testing.T, need uint64) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Skip("cannot read RLIMIT_NOFILE:", err)
	}
	if rlim(old.Cur) >= need {
		return
	}
	lim := old
	setRlim(&lim.Cur, need)
	setRlim(&lim.Max, max(rlim(old.Max), need))
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("needs %d file descriptors; RLIMIT_NOFILE is %d (hard limit %d) and cannot be raised: %v", need, old.Cur, old.Max, err)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
}

// helperChild is this test binary run again as a helper process for one
// test (the os/exec tests' pattern): the test sees the environment
// variable and plays the helper's part. Its stdout is read by lines and
// its stdin takes commands; it is killed at cleanup if still running.
type helperChild struct {
	cmd    *exec.Cmd
	out    *bufio.Reader
	in     io.WriteCloser
	stderr bytes.Buffer
}

func startHelper(t *testing.T, test string, env ...string) *helperChild {
	t.Helper()
	c := &helperChild{cmd: exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")}
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stderr = &c.stderr
	var err error
	if c.in, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	pipe, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.out = bufio.NewReader(pipe)
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	guard := time.AfterFunc(3*time.Minute, func() { c.cmd.Process.Kill() }) // a hang guard only
	t.Cleanup(func() {
		guard.Stop()
		c.in.Close()
		c.cmd.Process.Kill()
		c.cmd.Wait()
	})
	return c
}

// line returns the helper's next line of output.
func (c *helperChild) line() (string, error) {
	s, err := c.out.ReadString('\n')
	if err != nil {
		return s, fmt.Errorf("helper process output ended (%w) after %q; stderr:\n%s", err, s, c.stderr.String())
	}
	return strings.TrimSpace(s), nil
}

func (c *helperChild) send(cmd string) error {
	_, err := io.WriteString(c.in, cmd+"\n")
	return err
}

// idleProto is the least a connection can carry: it counts.
type idleProto struct {
	rt.ProtocolBase
	st   *idleStats
	lost int
}

type idleStats struct {
	made, lost, twice int
	target            int
	reached           *rt.Future[rt.Void]
}

func (s *idleStats) check(n int) {
	if s.reached != nil && n >= s.target {
		s.reached.SetResult(rt.Void{})
		s.reached = nil
	}
}

// wait returns once made (or lost) reaches n.
func (s *idleStats) wait(l *rt.Loop, count *int, n int, what string) error {
	if *count >= n {
		return nil
	}
	s.target, s.reached = n, rt.NewFuture[rt.Void](l)
	return until(s.reached, what)
}

func (p *idleProto) ConnectionMade(rt.Transport) { p.st.made++; p.st.check(p.st.made) }

func (p *idleProto) ConnectionLost(error) {
	p.lost++
	if p.lost > 1 {
		p.st.twice++
	}
	p.st.lost++
	p.st.check(p.st.lost)
}

const idleConns = 10000

// idleClients is the helper process of TestFaultTenThousandIdleConnections:
// it connects to RT_IDLE_ADDR in batches, printing "UP <k>" after each and
// waiting for "more"; on "close" it closes every socket. The clients live
// in a process of their own so that each process needs only 10,000 fds.
func idleClients() {
	fail := func(err error) {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	ap, err := netip.ParseAddrPort(os.Getenv("RT_IDLE_ADDR"))
	if err != nil {
		fail(err)
	}
	sa := &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	in := bufio.NewReader(os.Stdin)
	fds := make([]int, 0, idleConns)
	for {
		// Batches well under the server's backlog, so that its accept
		// queue never overflows (a dropped SYN costs a 1 s retransmit).
		for range min(500, idleConns-len(fds)) {
			fd, err := cloexecSocket(unix.AF_INET, unix.SOCK_STREAM)
			if err == nil {
				err = unix.Connect(fd, sa)
			}
			if err != nil {
				fail(fmt.Errorf("client %d: %w", len(fds), err))
			}
			fds = append(fds, fd)
		}
		fmt.Println("UP", len(fds))
		cmd, err := in.ReadString('\n')
		if err != nil {
			fail(err)
		}
		if strings.TrimSpace(cmd) == "close" {
			break
		}
	}
	for _, fd := range fds {
		unix.Close(fd)
	}
	fmt.Println("CLOSED", len(fds))
}

// Ten thousand idle connections: all accepted, all held, then all closed
// by their peers (a helper process holds the client ends); ConnectionLost
// runs once on each, and every fd is given back. The heap cost of an idle
// server connection is logged.
func TestFaultTenThousandIdleConnections(t *testing.T) {
	if os.Getenv("RT_IDLE_ADDR") != "" {
		idleClients()
		return
	}
	if testing.Short() {
		t.Skip("opens 10,000 connections; not in -short mode")
	}
	const n = idleConns
	raiseNoFile(t, n+1024)
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		st := &idleStats{}
		protos := make([]*idleProto, 0, n)
		srv, err := rt.Await(l.CreateServer(func() rt.StreamProtocol {
			p := &idleProto{st: st}
			protos = append(protos, p)
			return p
		}, "tcp4", "127.0.0.1:0", rt.WithBacklog(1024)))
		if err != nil {
			return err
		}
		defer srv.Close()
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		start := time.Now()
		child := startHelper(t, "TestFaultTenThousandIdleConnections", "RT_IDLE_ADDR="+srv.Addrs()[0].String())
		readLine := func() (string, error) { return rt.Await(rt.RunInExecutor(l, child.line)) }
		for {
			line, err := readLine()
			if err != nil {
				return err
			}
			var k int
			if _, err := fmt.Sscanf(line, "UP %d", &k); err != nil {
				return fmt.Errorf("helper said %q, want UP <n>", line)
			}
			if err := st.wait(l, &st.made, k, fmt.Sprintf("%d connections made", k)); err != nil {
				return fmt.Errorf("%w (%d made)", err, st.made)
			}
			if k == n {
				break
			}
			if err := child.send("more"); err != nil {
				return err
			}
		}
		connected := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&m1)
		inuse, alloc := int64(m1.HeapInuse)-int64(m0.HeapInuse), int64(m1.HeapAlloc)-int64(m0.HeapAlloc)
		t.Logf("%d idle connections up in %v; server heap: HeapInuse +%d bytes = %d bytes per connection (HeapAlloc +%d = %d per connection)",
			n, connected.Round(time.Millisecond), inuse, inuse/n, alloc, alloc/n)
		if st.made != n || st.lost != 0 {
			t.Errorf("%d made, %d lost while idle; want %d and 0", st.made, st.lost, n)
		}
		if err := child.send("close"); err != nil {
			return err
		}
		if err := st.wait(l, &st.lost, n, "every ConnectionLost"); err != nil {
			return fmt.Errorf("%w (%d of %d)", err, st.lost, n)
		}
		if line, err := readLine(); err != nil || line != fmt.Sprintf("CLOSED %d", n) {
			return fmt.Errorf("helper said %q, %v; want CLOSED %d", line, err, n)
		}
		for range 3 { // a late second ConnectionLost would come here
			rt.Await(rt.Sleep(0))
		}
		if st.lost != n || st.twice != 0 || len(protos) != n {
			t.Errorf("%d protocols, %d ConnectionLost calls, %d repeated; want %d, %d, 0", len(protos), st.lost, st.twice, n, n)
		}
		srv.Close()
		_, err = rt.Await(srv.WaitClosed())
		return err
	})
}

// Closing the loop under live transports and a live server: every
// transport, whatever it was doing (idle, half-closed, closing with data
// pending), gets ConnectionLost(ErrTransportClosed) exactly once; one
// aborted in the last pass, whose ConnectionLost(nil) was due, gets that
// once instead; every fd is closed, the listening socket included (a new
// connect is refused).
func TestFaultLoopClosedUnderLiveTransports(t *testing.T) {
	leakcheck.Check(t)
	fd0 := leakcheck.FDs(t)
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	var all []*recorder
	var addr net.Addr
	var srv *rt.Server
	_, err = rt.RunUntilComplete(l, rt.Async(func() (rt.Void, error) {
		fs, err := newFaultServer(l, func(r *recorder) { r.keepOpen = true })
		if err != nil {
			return rt.Void{}, err
		}
		srv, addr = fs.srv, fs.srv.Addrs()[0]
		for range 4 {
			c, err := dial(l, "tcp4", addr.String())
			if err != nil {
				return rt.Void{}, err
			}
			s, err := fs.accept()
			if err != nil {
				return rt.Void{}, err
			}
			all = append(all, c, s)
		}
		// all[1] is closing with data it cannot send (its peer is
		// paused); all[2] has half-closed.
		all[0].t.PauseReading()
		all[1].t.Write(make([]byte, 8<<20))
		all[1].t.Close()
		all[2].t.WriteEOF()
		if all[1].t.GetWriteBufferSize() == 0 {
			return rt.Void{}, errors.New("8 MiB went out at once: nothing pending")
		}
		// all[6] is aborted in the loop's last pass: its ConnectionLost is
		// scheduled, not yet run, when the loop closes.
		all[6].t.Abort()
		l.Stop()
		return rt.Void{}, nil
	}))
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	for i, r := range all {
		if r.lost.Done() {
			t.Fatalf("connection %d lost before the loop closed: %v", i, r.lostErr)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	for i, r := range all {
		if i == 6 {
			if n := lostCount(r); n != 1 || r.lostErr != nil {
				t.Errorf("aborted connection: ConnectionLost ran %d times, last with %v; want once with nil", n, r.lostErr)
			}
		} else if n := lostCount(r); n != 1 || !errors.Is(r.lostErr, rt.ErrTransportClosed) {
			t.Errorf("connection %d: ConnectionLost ran %d times, last with %v; want once with ErrTransportClosed", i, n, r.lostErr)
		}
		if fd := r.t.GetExtraInfo("socket"); fd != -1 {
			t.Errorf("connection %d: socket %v after the loop closed, want -1", i, fd)
		}
	}
	if len(srv.Sockets()) != 0 || srv.IsServing() {
		t.Errorf("server after the loop closed: %d sockets, serving %v; want none, false", len(srv.Sockets()), srv.IsServing())
	}
	if leaked := leakcheck.Opened(t, fd0); len(leaked) > 0 {
		t.Errorf("fds open after the loop closed that were not before: %v", leaked)
	}
	fd, err := cloexecSocket(unix.AF_INET, unix.SOCK_STREAM)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Connect(fd, inet4(addr)); !errors.Is(err, unix.ECONNREFUSED) {
		t.Errorf("connect to the closed loop's server: %v, want ECONNREFUSED", err)
	}
}

// Closing the loop between an accept and its ConnectionMade (the loop was
// stopped in that very pass): the protocol must not get ConnectionLost
// without ever having had ConnectionMade (asyncio's protocol state
// machine is CM [DR* [ER]] CL), and the accepted fd must still be closed.
func TestFaultLoopClosedBeforeConnectionMade(t *testing.T) {
	leakcheck.Check(t)
	fd0 := leakcheck.FDs(t)
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	var r *recorder
	srv, err := rt.RunUntilComplete(l, l.CreateServer(func() rt.StreamProtocol {
		r = newRecorder(l)
		l.Stop() // this pass is the last: ConnectionMade is not reached
		return r
	}, "tcp4", "127.0.0.1:0"))
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	// The kernel completes the handshake; the loop accepts in its next run.
	fd, err := cloexecSocket(unix.AF_INET, unix.SOCK_STREAM)
	if err != nil {
		t.Fatal(err)
	}
	err = unix.Connect(fd, inet4(srv.Addrs()[0]))
	if err == nil {
		err = l.RunForever()
	}
	unix.Close(fd)
	if err != nil || r == nil {
		l.Close()
		t.Fatalf("connect and run: %v; accepted: %v", err, r != nil)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(r.events, "lost") && !slices.Contains(r.events, "made") {
		t.Errorf("protocol events %v: ConnectionLost(%v) without ConnectionMade", r.events, r.lostErr)
	}
	if n := lostCount(r); n > 1 {
		t.Errorf("ConnectionLost ran %d times", n)
	}
	if leaked := leakcheck.Opened(t, fd0); len(leaked) > 0 {
		t.Errorf("fds open after the loop closed that were not before: %v", leaked)
	}
}

// Writes after the connection was lost are dropped and return nil; the
// fifth such write is reported to the exception handler once, and later
// ones are not.
func TestFaultWriteAfterConnectionLost(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		reported := reports(l)
		fs, err := newFaultServer(l, nil)
		if err != nil {
			return err
		}
		defer fs.close()
		peer, err := dialRaw(l, fs.srv.Addrs()[0], 0)
		if err != nil {
			return err
		}
		s, err := fs.accept()
		if err != nil {
			return err
		}
		peer.close() // EOF: EOFReceived false closes the transport
		if err := until(s.lost, "ConnectionLost"); err != nil {
			return err
		}
		for i := 1; i <= 12; i++ {
			var err error
			if i%2 == 0 {
				err = s.t.Write([]byte("dropped"))
			} else {
				err = s.t.WriteLines([][]byte{[]byte("also "), []byte("dropped")})
			}
			if err != nil {
				t.Errorf("write %d after ConnectionLost: %v, want nil", i, err)
			}
			if n := s.t.GetWriteBufferSize(); n != 0 {
				t.Errorf("write %d after ConnectionLost was buffered: %d bytes", i, n)
			}
			want := 0
			if i >= 5 {
				want = 1
			}
			if len(*reported) != want {
				t.Fatalf("after %d dropped writes: %d exception-handler reports, want %d: %+v", i, len(*reported), want, *reported)
			}
		}
		rt.Await(rt.Sleep(0))
		if len(*reported) != 1 {
			t.Errorf("%d reports in all, want 1", len(*reported))
		}
		if lostCount(s) != 1 {
			t.Errorf("ConnectionLost ran %d times", lostCount(s))
		}
		return nil
	})
}

// Closing the loop while CreateConnection waits for a connect to finish
// (the server's accept queue is full, so the kernel drops our SYN and the
// connect stays in progress): the connecting socket must be closed with
// the loop, and the future must not stay pending forever.
func TestFaultLoopClosedDuringConnect(t *testing.T) {
	leakcheck.Check(t)
	fd0 := leakcheck.FDs(t)
	// A listener nobody accepts on, with its queue (backlog 0: one
	// connection) filled.
	lfd, err := cloexecSocket(unix.AF_INET, unix.SOCK_STREAM)
	if err != nil {
		t.Fatal(err)
	}
	filler := -1
	closeFDs := func() {
		for _, fd := range []*int{&lfd, &filler} {
			if *fd >= 0 {
				unix.Close(*fd)
				*fd = -1
			}
		}
	}
	defer closeFDs()
	if err := unix.Bind(lfd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(lfd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(lfd)
	filler, err = cloexecSocket(unix.AF_INET, unix.SOCK_STREAM)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Connect(filler, sa); err != nil {
		t.Fatal(err)
	}
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	var fut *rt.Future[rt.Conn]
	_, err = rt.RunUntilComplete(l, rt.Async(func() (rt.Void, error) {
		fut = l.CreateConnection(func() rt.StreamProtocol { return newRecorder(l) },
			"tcp4", fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port))
		for range 3 {
			rt.Await(rt.Sleep(0))
		}
		return rt.Void{}, nil
	}))
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	if fut.Done() {
		l.Close()
		_, err := fut.Result()
		t.Skipf("the connect did not stay in progress (%v): the kernel did not drop the SYN", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if !fut.Done() {
		t.Error("CreateConnection's future is still pending after the loop closed")
	}
	closeFDs()
	if leaked := leakcheck.Opened(t, fd0); len(leaked) > 0 {
		t.Errorf("%v open after the loop closed that were not before: the connecting socket leaked", leaked)
	}
}

// CreateUnixConnection to a Unix listener whose accept queue is full: a
// non-blocking AF_UNIX connect then fails with EAGAIN, which means "not
// connected, try again", not "in progress" as it does for TCP. The
// connection must either fail (with EAGAIN) or really be made once the
// queue has room; it must not be handed out unconnected.
func TestFaultUnixConnectToAFullBacklog(t *testing.T) {
	leakcheck.Check(t)
	path := t.TempDir() + "/full.sock"
	lfd, err := nonblockSocket(unix.AF_UNIX, unix.SOCK_STREAM)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(lfd)
	if err := unix.Bind(lfd, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(lfd, 0); err != nil {
		t.Fatal(err)
	}
	// Fill the queue until a non-blocking connect says EAGAIN.
	var fillers []int
	defer func() {
		for _, fd := range fillers {
			unix.Close(fd)
		}
	}()
	for {
		fd, err := nonblockSocket(unix.AF_UNIX, unix.SOCK_STREAM)
		if err != nil {
			t.Fatal(err)
		}
		err = unix.Connect(fd, &unix.SockaddrUnix{Name: path})
		fillers = append(fillers, fd)
		if err == unix.EAGAIN {
			break
		}
		if err != nil || len(fillers) > 64 {
			t.Fatalf("filling the accept queue: %d connects, last %v", len(fillers), err)
		}
	}
	runMain(t, func(l *rt.Loop) error {
		c := newRecorder(l)
		fut := l.CreateUnixConnection(func() rt.StreamProtocol { return c }, path)
		for range 3 {
			rt.Await(rt.Sleep(0))
		}
		// Make room: accept (and keep) what is queued.
		var accepted []int
		defer func() {
			for _, fd := range accepted {
				l.RemoveReader(fd)
				unix.Close(fd)
			}
		}()
		for {
			nfd, _, err := acceptNonblock(lfd)
			if err != nil {
				break
			}
			accepted = append(accepted, nfd)
		}
		_, err := rt.Await(rt.WaitFor(fut, 10*time.Second))
		if err != nil {
			if errors.Is(err, unix.EAGAIN) {
				return nil // refused plainly: acceptable
			}
			return fmt.Errorf("CreateUnixConnection: %w", err)
		}
		defer c.t.Close()
		// Handed out as connected: it must be, so it is already in the
		// listener's queue, and what we write must reach it.
		afd, _, err := acceptNonblock(lfd)
		if err != nil {
			for range 3 {
				rt.Await(rt.Sleep(0))
			}
			return fmt.Errorf("CreateUnixConnection succeeded (events %v, ConnectionLost(%v)), yet the listener has no connection: accept: %w",
				c.events, c.lostErr, err)
		}
		accepted = append(accepted, afd)
		if err := c.t.Write([]byte("hello")); err != nil {
			return err
		}
		got, err := rt.Await(rt.WaitFor(l.SockRecv(afd, 16), 10*time.Second))
		if err != nil || string(got) != "hello" {
			return fmt.Errorf("peer read %q, %v; want hello (events %v, ConnectionLost(%v))", got, err, c.events, c.lostErr)
		}
		return nil
	})
}
