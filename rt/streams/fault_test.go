package streams_test

// Faults over real loopback sockets: a line flood past the limit, a slow
// reader behind a draining writer, a reset while a Drain waits,
// cancellation at every await, and ten thousand idle connections. Each
// test checks that no byte is lost or reordered, and that descriptors and
// goroutines are back where they were afterwards.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/rtimpl"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// ftPattern is n bytes in which every 4-byte word holds its own index, so
// a byte lost, doubled or moved shows.
func ftPattern(n int) []byte { return ftPatternAt(0, n) }

// ftPatternAt is ftPattern(off+n)[off:], for off a multiple of 4.
func ftPatternAt(off, n int) []byte {
	out := make([]byte, (n+3)/4*4)
	for i := 0; i < len(out); i += 4 {
		binary.BigEndian.PutUint32(out[i:], uint32((off+i)/4))
	}
	return out[:n]
}

// ftUntil polls cond from loop timers until it holds, failing after a
// real-time bound (a hang guard, not a synchronization).
func ftUntil(cond func() bool, what string) error {
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out waiting for %s", what)
		}
		if _, err := rt.Await(rt.Sleep(time.Millisecond)); err != nil {
			return err
		}
	}
	return nil
}

// ftPair starts a server whose callback only hands over its stream, and
// connects a client to it: the two ends of one loopback connection.
func ftPair(l *rt.Loop, opts ...streams.Option) (srv *rt.Server, client, server streams.Stream, err error) {
	accepted := rt.NewFuture[streams.Stream](l)
	srv, err = rt.Await(streams.StartServer(func(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
		accepted.SetResult(streams.Stream{Reader: r, Writer: w})
		return rt.Async(func() (rt.Void, error) { return rt.Void{}, nil })
	}, "tcp4", "127.0.0.1:0", opts...))
	if err != nil {
		return nil, client, server, err
	}
	client, err = rt.Await(streams.OpenConnection("tcp4", srv.Addrs()[0].String(), opts...))
	if err != nil {
		srv.Close()
		return nil, client, server, err
	}
	server, err = bound(accepted, "the server side")
	return srv, client, server, err
}

// ftPeerResult is what a raw peer goroutine reports.
type ftPeerResult struct {
	got []byte
	err error
}

// A peer floods 10 MiB without a newline at a server reading lines with
// the default limit: ReadLine fails with ErrLimitOverrun again and again
// while the reader's buffer stays bounded (it never holds much more than
// the limit plus one socket read), and the line that follows the flood
// arrives intact.
func TestFaultLineFloodOverTheLimit(t *testing.T) {
	leakcheck.Check(t)
	const flood = 10 << 20
	var peak, overruns int
	var reply []byte
	run(t, func(l *rt.Loop) error {
		var reader *streams.StreamReader
		handled := rt.NewFuture[[]string](l)
		srv, err := rt.Await(streams.StartServer(func(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
			reader = r
			return rt.Async(func() (rt.Void, error) {
				defer w.Close()
				var seen []string
				skipping := false
				for {
					line, err := rt.Await(r.ReadLine())
					if errors.Is(err, streams.ErrLimitOverrun) {
						overruns++
						if !skipping {
							w.Write([]byte("TOO LONG\n"))
						}
						// Without the newline only what was buffered
						// went: the rest of the line follows.
						skipping = !strings.Contains(err.Error(), "Separator is found")
						continue
					}
					if err != nil {
						handled.SetException(err)
						return rt.Void{}, err
					}
					if len(line) == 0 {
						break
					}
					if skipping { // the tail of the long line
						skipping = false
						continue
					}
					seen = append(seen, string(line))
					w.Write(line)
				}
				handled.SetResult(seen)
				return rt.Void{}, nil
			})
		}, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		// Sample the reader's buffer on every pass of the loop. A
		// socket read's callback and the read it wakes run in
		// successive passes, after this one, so every peak is seen.
		stop := false
		var sample func()
		sample = func() {
			if reader != nil {
				peak = max(peak, reader.Buffered())
			}
			if !stop {
				l.CallSoon(sample)
			}
		}
		l.CallSoon(sample)
		defer func() { stop = true }()

		addr := srv.Addrs()[0].String()
		peer := make(chan ftPeerResult, 1)
		go func() {
			c, err := net.Dial("tcp4", addr)
			if err != nil {
				peer <- ftPeerResult{err: err}
				return
			}
			defer c.Close()
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			for sent := 0; sent < flood; sent += len(chunk) {
				if _, err := c.Write(chunk); err != nil {
					peer <- ftPeerResult{err: err}
					return
				}
			}
			if _, err := c.Write([]byte("\nok\n")); err != nil {
				peer <- ftPeerResult{err: err}
				return
			}
			c.(*net.TCPConn).CloseWrite()
			got, err := io.ReadAll(c)
			peer <- ftPeerResult{got, err}
		}()
		seen, err := rt.Await(rt.WaitFor(handled, 60*time.Second))
		if err != nil {
			return fmt.Errorf("the server's handler: %w", err)
		}
		res, err := bound(rt.RunInExecutor(l, func() (ftPeerResult, error) { return <-peer, nil }), "the peer")
		if err != nil {
			return err
		}
		if res.err != nil {
			return fmt.Errorf("peer: %w", res.err)
		}
		reply = res.got
		if fmt.Sprint(seen) != "[ok\n]" {
			t.Errorf("server read lines %q after the flood, want just \"ok\\n\"", seen)
		}
		return nil
	})
	t.Logf("10 MiB flood, limit %d: %d overruns, peak buffered %d bytes", streams.DefaultLimit, overruns, peak)
	if string(reply) != "TOO LONG\nok\n" {
		t.Errorf("peer got %q, want \"TOO LONG\\nok\\n\"", reply)
	}
	// Each overrun drops what was buffered, never more than the peak.
	if overruns*peak < flood {
		t.Errorf("%d overruns of at most %d bytes each cannot have dropped the %d flooded", overruns, peak, flood)
	}
	if bound := 2*streams.DefaultLimit + 64<<10 + 16<<10; peak > bound {
		t.Errorf("peak buffered %d bytes, want at most %d (2×limit + one 64 KiB read + slack)", peak, bound)
	}
}

// A writer that writes 1 KiB chunks and awaits Drain after each, to a
// peer that reads slowly: the writer's transport buffer never exceeds the
// high-water mark by more than one chunk, the writer did have to wait,
// and the peer receives every byte in order.
func TestFaultSlowReaderDrainingWriter(t *testing.T) {
	leakcheck.Check(t)
	const total, chunk = 16 << 20, 1 << 10
	data := ftPattern(total)
	var peak, waits, high int
	run(t, func(l *rt.Loop) error {
		firstWait := rt.NewFuture[rt.Void](l)
		written := rt.NewFuture[rt.Void](l)
		srv, err := rt.Await(streams.StartServer(func(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
			return rt.Async(func() (rt.Void, error) {
				tr := w.Transport()
				_, high = tr.GetWriteBufferLimits()
				for off := 0; off < total; off += chunk {
					if err := w.Write(data[off : off+chunk]); err != nil {
						written.SetException(err)
						return rt.Void{}, err
					}
					n := tr.GetWriteBufferSize()
					peak = max(peak, n)
					if n > high {
						waits++
						if !firstWait.Done() {
							firstWait.SetResult(rt.Void{})
						}
					}
					if _, err := rt.Await(w.Drain()); err != nil {
						written.SetException(err)
						return rt.Void{}, err
					}
				}
				w.Close()
				written.SetResult(rt.Void{})
				return rt.Void{}, nil
			})
		}, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		c, err := rt.Await(streams.OpenConnection("tcp4", srv.Addrs()[0].String()))
		if err != nil {
			return err
		}
		defer c.Writer.Close()
		// Not reading at all until the writer has had to wait, then
		// 4 KiB per pass of the loop.
		if _, err := bound(firstWait, "the writer's first wait"); err != nil {
			return err
		}
		buf := make([]byte, 4<<10)
		got := 0
		for {
			n, err := bound(c.Reader.ReadInto(buf), "a slow read")
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			if got+n > total || !bytes.Equal(buf[:n], data[got:got+n]) {
				return fmt.Errorf("bytes %d..%d differ from what was written", got, got+n)
			}
			got += n
			if _, err := rt.Await(rt.Sleep(0)); err != nil {
				return err
			}
		}
		if got != total {
			t.Errorf("peer read %d bytes, want %d", got, total)
		}
		_, err = bound(written, "the writer")
		return err
	})
	t.Logf("slow reader: writer's buffer peaked at %d bytes (high-water %d, chunk %d), %d waits", peak, high, chunk, waits)
	if peak > high+chunk {
		t.Errorf("writer's buffer peaked at %d, want at most high-water %d + one chunk %d", peak, high, chunk)
	}
	if waits == 0 {
		t.Error("the writer never had to wait: the reader was not slow")
	}
}

// A task waits in Drain on a connection whose peer stopped reading; the
// peer resets the connection (SO_LINGER 0, then close): the Drain fails
// with a reset, a broken pipe or ErrConnectionLost, and does not hang.
func TestFaultPeerResetDuringDrain(t *testing.T) {
	leakcheck.Check(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reset := make(chan struct{})
	peerDone := make(chan error, 1)
	go func() {
		defer ln.Close()
		c, err := ln.Accept()
		if err != nil {
			peerDone <- err
			return
		}
		<-reset // never reading
		tc := c.(*net.TCPConn)
		if err := tc.SetLinger(0); err != nil {
			peerDone <- err
		}
		peerDone <- tc.Close()
	}()
	t.Cleanup(func() {
		select {
		case <-reset:
		default:
			close(reset)
		}
		ln.Close()
		<-peerDone
	})
	run(t, func(l *rt.Loop) error {
		s, err := rt.Await(streams.OpenConnection("tcp4", ln.Addr().String()))
		if err != nil {
			return err
		}
		defer s.Writer.Close()
		tr := s.Writer.Transport()
		_, high := tr.GetWriteBufferLimits()
		chunk := make([]byte, 64<<10)
		for sent := 0; tr.GetWriteBufferSize() <= high; sent += len(chunk) {
			if sent > 1<<30 {
				return errors.New("1 GiB written and the transport never buffered: is the peer reading?")
			}
			if err := s.Writer.Write(chunk); err != nil {
				return err
			}
		}
		drain := rt.CreateTask(l, rt.Async(func() (rt.Void, error) { return rt.Await(s.Writer.Drain()) }))
		for range 3 {
			rt.Await(rt.Sleep(0))
		}
		if drain.Done() {
			_, err := drain.Result()
			return fmt.Errorf("Drain finished (%v) while the peer was not reading", err)
		}
		close(reset)
		_, err = bound(drain, "the Drain after the reset")
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) && !errors.Is(err, streams.ErrConnectionLost) {
			t.Errorf("Drain after the peer's reset: %v, want ECONNRESET, EPIPE or ErrConnectionLost", err)
		}
		t.Logf("Drain after the reset: %v", err)
		if !s.Writer.IsClosing() {
			t.Error("the writer is not closing after the reset")
		}
		if _, err := bound(s.Writer.Drain(), "a Drain after"); err == nil {
			t.Error("a Drain after the reset succeeded")
		}
		return nil
	})
}

// A read of each kind, or a Drain, is cancelled over a real connection
// after some of its bytes arrived, several times over; the next read
// still gets every byte, in order.
func TestFaultCancelInEveryAwait(t *testing.T) {
	reads := []struct {
		name string
		read func(r *streams.StreamReader) rt.Coro[[]byte]
	}{
		{"ReadLine", (*streams.StreamReader).ReadLine},
		{"ReadLineView", (*streams.StreamReader).ReadLineView},
		{"ReadExactly", func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadExactly(1 << 20) }},
		{"ReadUntil", func(r *streams.StreamReader) rt.Coro[[]byte] { return r.ReadUntil([]byte("END")) }},
		{"Read(-1)", func(r *streams.StreamReader) rt.Coro[[]byte] { return r.Read(-1) }},
	}
	pieces := []string{"par", "tial ", "da", "ta E", "N"}
	for _, rd := range reads {
		t.Run(rd.name, func(t *testing.T) {
			leakcheck.Check(t)
			run(t, func(l *rt.Loop) error {
				srv, c, s, err := ftPair(l)
				if err != nil {
					return err
				}
				defer srv.Close()
				defer c.Writer.Close()
				defer s.Writer.Close()
				want := 0
				for i, p := range pieces {
					task := rt.CreateTask(l, rd.read(s.Reader))
					if err := c.Writer.Write([]byte(p)); err != nil {
						return err
					}
					want += len(p)
					if err := ftUntil(func() bool { return s.Reader.Buffered() == want }, "the piece to arrive"); err != nil {
						return err
					}
					if task.Done() {
						got, err := task.Result()
						return fmt.Errorf("round %d: %s finished early: %q, %v", i, rd.name, got, err)
					}
					task.Cancel()
					if _, err := rt.Await(task); !errors.Is(err, rt.ErrCancelled) {
						return fmt.Errorf("round %d: cancelled %s: %v", i, rd.name, err)
					}
				}
				c.Writer.Write([]byte("D\nmore"))
				c.Writer.WriteEOF()
				rest, err := bound(s.Reader.Read(-1), "the rest")
				if err != nil || string(rest) != "partial data END\nmore" {
					t.Errorf("after cancelling %s %d times: %q, %v; want every byte", rd.name, len(pieces), rest, err)
				}
				return nil
			})
		})
	}
	t.Run("Drain", func(t *testing.T) {
		leakcheck.Check(t)
		run(t, func(l *rt.Loop) error {
			srv, c, s, err := ftPair(l)
			if err != nil {
				return err
			}
			defer srv.Close()
			defer c.Writer.Close()
			defer s.Writer.Close()
			const chunk = 64 << 10
			var data []byte // what was written
			write := func() {
				p := ftPatternAt(len(data), chunk)
				c.Writer.Write(p)
				data = append(data, p...)
			}
			s.Writer.Transport().PauseReading() // the peer stops reading
			tr := c.Writer.Transport()
			_, high := tr.GetWriteBufferLimits()
			for round := range 3 {
				for tr.GetWriteBufferSize() <= high {
					if len(data) > 1<<30 {
						return errors.New("1 GiB written and the transport never buffered")
					}
					write()
				}
				drain := rt.CreateTask(l, rt.Async(func() (rt.Void, error) { return rt.Await(c.Writer.Drain()) }))
				for range 3 {
					rt.Await(rt.Sleep(0))
				}
				if drain.Done() {
					return fmt.Errorf("round %d: Drain finished while the peer was not reading", round)
				}
				drain.Cancel()
				if _, err := rt.Await(drain); !errors.Is(err, rt.ErrCancelled) {
					return fmt.Errorf("round %d: cancelled Drain: %v", round, err)
				}
				// Written after the cancelled Drain, still in order.
				write()
			}
			sent := len(data)
			t.Logf("%d bytes written around 3 cancelled Drains", sent)
			s.Writer.Transport().ResumeReading()
			reading := rt.CreateTask(l, s.Reader.ReadExactly(sent))
			if _, err := bound(c.Writer.Drain(), "a Drain after the cancelled ones"); err != nil {
				return err
			}
			got, err := bound(reading, "every byte")
			if err != nil {
				return err
			}
			if !bytes.Equal(got, data) {
				t.Errorf("peer read %d bytes that differ from the %d written", len(got), sent)
			}
			return nil
		})
	})
}

// ftIdleStats counts what the idle handlers did.
type ftIdleStats struct {
	started, ended, lines int
	errs                  []error
}

// ftIdleHandler is a client-connected callback written by hand the way
// asyncgen writes frames (see read_async.go), so a suspended one is a
// small struct rather than a goroutine: it reads lines until the end,
// then closes.
type ftIdleHandler struct {
	rtimpl.Frame[rt.Void]
	r  *streams.StreamReader
	w  *streams.StreamWriter
	st *ftIdleStats
	aw rt.Awaiting[[]byte]
}

func ftIdleCallback(st *ftIdleStats) func(*streams.StreamReader, *streams.StreamWriter) rt.Coro[rt.Void] {
	return func(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
		return &ftIdleHandler{r: r, w: w, st: st}
	}
}

func (h *ftIdleHandler) Send(c *rt.Ctx) rt.Yield { return h.step(c, nil) }

func (h *ftIdleHandler) Throw(c *rt.Ctx, err error) rt.Yield { return h.step(c, err) }

func (h *ftIdleHandler) Close() { h.aw.Close(); h.Frame.Close() }

func (h *ftIdleHandler) step(c *rt.Ctx, thrown error) rt.Yield {
	switch h.State {
	case 0:
		if thrown != nil {
			return h.Fail(thrown)
		}
		h.st.started++
	case 1:
		if y, suspend := h.aw.Resume(c, thrown); suspend {
			return y
		}
		if done, y := h.got(); done {
			return y
		}
	default:
		return rt.Yield{}
	}
	for {
		if y, suspend := h.aw.Start(c, h.r.ReadLine()); suspend {
			h.State = 1
			return y
		}
		if done, y := h.got(); done {
			return y
		}
	}
}

// got handles the outcome of a ReadLine: the end (or an error) finishes.
func (h *ftIdleHandler) got() (bool, rt.Yield) {
	line, err := h.aw.Result()
	if err == nil && len(line) > 0 {
		h.st.lines++
		return false, rt.Yield{}
	}
	h.w.Close()
	h.st.ended++
	if err != nil {
		h.st.errs = append(h.st.errs, err)
	}
	return true, h.Finish(rt.Void{}, err)
}

// ftHolderEnv names the address and count the holder process dials.
const ftHolderEnv = "STREAMS_FAULT_IDLE_HOLDER"

// Not a test: the process that holds the client ends of
// TestFaultTenThousandIdleConnections (both ends would not fit one
// process's descriptor limit). It dials, says READY, waits for its stdin
// to close, then closes every connection.
func TestFaultIdleHolderProcess(t *testing.T) {
	spec := os.Getenv(ftHolderEnv)
	if spec == "" {
		t.Skip("the helper process of TestFaultTenThousandIdleConnections")
	}
	addr, count, _ := strings.Cut(spec, ",")
	n, err := strconv.Atoi(count)
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.Dial("tcp4", addr)
		if err != nil {
			fmt.Printf("FAIL dial %d: %v\n", len(conns), err)
			os.Exit(1)
		}
		conns = append(conns, c)
	}
	fmt.Println("READY")
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
	fmt.Println("CLOSED")
	os.Exit(0)
}

// Ten thousand stream connections, each with a server task suspended in
// ReadLine: all connect and idle, what an idle connection costs is
// logged (heap and stack in use per connection), and when the clients
// close, every server task ends and every descriptor is given back. The
// client ends live in a helper process, so only the server ends count.
func TestFaultTenThousandIdleConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 connections: not in -short")
	}
	n := 10000
	if rtimpl.RefMode {
		// Each suspended read is a goroutine on the reference driver:
		// fewer, so that -race (8128 goroutines at most) copes, and the
		// memory figure means nothing.
		n = 2000
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skip("no RLIMIT_NOFILE:", err)
	}
	need := uint64(n + 256)
	if rlim(lim.Max) < need {
		t.Skipf("RLIMIT_NOFILE hard limit %d is below the %d descriptors %d connections need", lim.Max, need, n)
	}
	if rlim(lim.Cur) < need {
		old := lim
		setRlim(&lim.Cur, need)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			t.Skipf("cannot raise RLIMIT_NOFILE to %d: %v", need, err)
		}
		t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
	}
	leakcheck.Check(t)
	st := &ftIdleStats{}
	var m0, m1 runtime.MemStats
	run(t, func(l *rt.Loop) error {
		srv, err := rt.Await(streams.StartServer(ftIdleCallback(st), "tcp4", "127.0.0.1:0",
			streams.WithServerOptions(rt.WithBacklog(1024))))
		if err != nil {
			return err
		}
		defer srv.Close()
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m0)

		cmd := exec.Command(os.Args[0], "-test.run=^TestFaultIdleHolderProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), ftHolderEnv+"="+srv.Addrs()[0].String()+","+strconv.Itoa(n))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return err
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		out := bufio.NewReader(stdout)
		guard := time.AfterFunc(120*time.Second, func() { cmd.Process.Kill() })
		defer guard.Stop()
		exited := false
		defer func() {
			if !exited {
				cmd.Process.Kill()
				stdin.Close()
				cmd.Wait()
			}
		}()
		// The holder prints READY once every connection is up; the loop
		// accepts them meanwhile.
		waitLine := func(want string) error {
			line, err := rt.Await(rt.RunInExecutor(l, func() (string, error) {
				for {
					line, err := out.ReadString('\n')
					if err != nil {
						return line, err
					}
					if s := strings.TrimSpace(line); s == want || strings.HasPrefix(s, "FAIL") {
						return s, nil
					}
				}
			}))
			if err != nil || line != want {
				return fmt.Errorf("holder process said %q (%v), want %s; stderr:\n%s", line, err, want, stderr.String())
			}
			return nil
		}
		if err := waitLine("READY"); err != nil {
			return err
		}
		if err := ftUntil(func() bool { return st.started == n }, fmt.Sprintf("%d server tasks", n)); err != nil {
			return fmt.Errorf("%w (%d started)", err, st.started)
		}
		if st.ended != 0 {
			return fmt.Errorf("%d server tasks ended while their clients idled", st.ended)
		}
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m1)

		// The clients close: every server task sees the end and ends.
		stdin.Close()
		if err := waitLine("CLOSED"); err != nil {
			return err
		}
		if err := ftUntil(func() bool { return st.ended == n }, "every server task to end"); err != nil {
			return fmt.Errorf("%w (%d of %d ended)", err, st.ended, n)
		}
		if _, err := rt.Await(rt.RunInExecutor(l, func() (rt.Void, error) { return rt.Void{}, cmd.Wait() })); err != nil {
			return fmt.Errorf("holder process: %w; stderr:\n%s", err, stderr.String())
		}
		exited = true
		srv.Close()
		_, err = bound(srv.WaitClosed(), "the server to close")
		return err
	})
	if st.lines != 0 || len(st.errs) != 0 {
		t.Errorf("idle handlers read %d lines and failed %d times (%v), want none", st.lines, len(st.errs), st.errs)
	}
	per := func(after, before uint64) float64 { return (float64(after) - float64(before)) / float64(n) }
	t.Logf("%d idle stream connections (server ends, tasks suspended in ReadLine): HeapInuse %.0f B/conn, HeapAlloc %.0f B/conn, StackInuse %.0f B/conn, HeapObjects %.1f/conn (RefMode %v)",
		n, per(m1.HeapInuse, m0.HeapInuse), per(m1.HeapAlloc, m0.HeapAlloc), per(m1.StackInuse, m0.StackInuse),
		per(m1.HeapObjects, m0.HeapObjects), rtimpl.RefMode)
}
