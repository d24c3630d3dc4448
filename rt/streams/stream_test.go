package streams_test

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// lineEcho is a client-connected callback: it echoes lines until EOF,
// then closes. It runs on the reference driver (tests cannot hold
// templates); the streams methods it awaits are the generated ones.
func lineEcho(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
	return rt.Async(func() (rt.Void, error) {
		defer w.Close()
		for {
			line, err := rt.Await(r.ReadLine())
			if err != nil || len(line) == 0 {
				return rt.Void{}, err
			}
			w.Write(line)
			if _, err := rt.Await(w.Drain()); err != nil {
				return rt.Void{}, err
			}
		}
	})
}

func bound[T any](a rt.Awaitable[T], what string) (T, error) {
	v, err := rt.Await(rt.WaitFor(a, 10*time.Second))
	if err != nil {
		err = fmt.Errorf("%s: %w", what, err)
	}
	return v, err
}

// StartServer and OpenConnection over TCP and Unix sockets: lines split
// across writes come back whole, the client half-closes, the server's
// callback sees EOF and closes, and the client reads EOF.
func TestStreamsEchoOverTCPAndUnix(t *testing.T) {
	for _, network := range []string{"tcp4", "unix"} {
		t.Run(network, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "echo.sock")
			run(t, func(l *rt.Loop) error {
				var srv *rt.Server
				var err error
				if network == "unix" {
					srv, err = rt.Await(streams.StartUnixServer(lineEcho, path))
				} else {
					srv, err = rt.Await(streams.StartServer(lineEcho, network, "127.0.0.1:0"))
				}
				if err != nil {
					return err
				}
				defer srv.Close()
				var s streams.Stream
				if network == "unix" {
					s, err = rt.Await(streams.OpenUnixConnection(path))
				} else {
					s, err = rt.Await(streams.OpenConnection(network, srv.Addrs()[0].String()))
				}
				if err != nil {
					return err
				}
				var want bytes.Buffer
				for i := range 50 {
					line := fmt.Sprintf("line %d %s\n", i, strings.Repeat("x", i*37))
					want.WriteString(line)
					// Split each line over two writes.
					s.Writer.Write([]byte(line[:len(line)/2]))
					s.Writer.Write([]byte(line[len(line)/2:]))
				}
				if _, err := rt.Await(s.Writer.Drain()); err != nil {
					return err
				}
				s.Writer.WriteEOF()
				got, err := bound(s.Reader.Read(-1), "the echo")
				if err != nil {
					return err
				}
				if !bytes.Equal(got, want.Bytes()) {
					t.Errorf("echo: %d bytes, want %d", len(got), want.Len())
				}
				if !s.Reader.AtEOF() {
					t.Error("not at EOF after Read(-1)")
				}
				s.Writer.Close()
				_, err = bound(s.Writer.WaitClosed(), "WaitClosed")
				return err
			})
		})
	}
}

// A reader pauses its transport above twice its limit and resumes it once
// reads bring the buffer to the limit; nothing is lost on the way.
func TestStreamsReaderPausesTheTransport(t *testing.T) {
	const limit = 1024
	run(t, func(l *rt.Loop) error {
		accepted := rt.NewFuture[streams.Stream](l)
		srv, err := rt.Await(streams.StartServer(func(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
			accepted.SetResult(streams.Stream{Reader: r, Writer: w})
			return rt.Async(func() (rt.Void, error) { return rt.Void{}, nil })
		}, "tcp4", "127.0.0.1:0", streams.WithLimit(limit)))
		if err != nil {
			return err
		}
		defer srv.Close()
		c, err := rt.Await(streams.OpenConnection("tcp4", srv.Addrs()[0].String()))
		if err != nil {
			return err
		}
		payload := bytes.Repeat([]byte("0123456789abcdef"), 64*1024/16)
		c.Writer.Write(payload)
		s, err := bound(accepted, "the server side")
		if err != nil {
			return err
		}
		// Let data arrive until the reader pauses.
		for s.Writer.Transport().IsReading() {
			if _, err := rt.Await(rt.Sleep(time.Millisecond)); err != nil {
				return err
			}
		}
		if n := s.Reader.Buffered(); n <= 2*limit || n > 2*limit+64*1024 {
			t.Errorf("paused with %d bytes buffered; want just over %d", n, 2*limit)
		}
		var got []byte
		for len(got) < len(payload) {
			chunk, err := bound(s.Reader.Read(limit), "a read")
			if err != nil {
				return err
			}
			got = append(got, chunk...)
			if s.Reader.Buffered() <= limit && !s.Writer.Transport().IsReading() {
				t.Fatalf("transport still paused with %d bytes buffered", s.Reader.Buffered())
			}
		}
		if !bytes.Equal(got, payload) {
			t.Error("bytes lost or reordered across pauses")
		}
		c.Writer.Close()
		return nil
	})
}

// Drain is done at once under the high-water mark; with a peer that
// does not read, several drainers wait and all finish when it reads.
func TestStreamsConcurrentDrainers(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		accepted := rt.NewFuture[streams.Stream](l)
		srv, err := rt.Await(streams.StartServer(func(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
			accepted.SetResult(streams.Stream{Reader: r, Writer: w})
			return rt.Async(func() (rt.Void, error) { return rt.Void{}, nil })
		}, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		c, err := rt.Await(streams.OpenConnection("tcp4", srv.Addrs()[0].String()))
		if err != nil {
			return err
		}
		if d := c.Writer.Drain(); !d.(*rt.Future[rt.Void]).Done() {
			t.Error("Drain under the high-water mark is not done at once")
		}
		s, err := bound(accepted, "the server side")
		if err != nil {
			return err
		}
		s.Writer.Transport().PauseReading() // the peer stops reading
		chunk := make([]byte, 64*1024)
		total := 0
		for c.Writer.Transport().GetWriteBufferSize() <= 64*1024 {
			c.Writer.Write(chunk)
			total += len(chunk)
		}
		d1 := rt.CreateTask(l, c.Writer.Drain())
		d2 := rt.CreateTask(l, c.Writer.Drain())
		for range 3 {
			rt.Await(rt.Sleep(time.Millisecond))
		}
		if d1.Done() || d2.Done() {
			t.Fatal("a drainer finished while the peer was not reading")
		}
		s.Writer.Transport().ResumeReading()
		reading := rt.CreateTask(l, s.Reader.ReadExactly(total))
		if _, err := bound(rt.Gather(d1, d2), "both drainers"); err != nil {
			return err
		}
		got, err := bound(reading, "every byte")
		if err != nil || len(got) != total {
			return fmt.Errorf("read %d of %d: %v", len(got), total, err)
		}
		c.Writer.Close()
		return nil
	})
}

// After the connection is lost, Drain yields once and fails with a
// connection-reset error.
func TestStreamsDrainAfterConnectionLost(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		srv, err := rt.Await(streams.StartServer(lineEcho, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		c, err := rt.Await(streams.OpenConnection("tcp4", srv.Addrs()[0].String()))
		if err != nil {
			return err
		}
		c.Writer.Close()
		_, err = rt.Await(c.Writer.Drain())
		if !errors.Is(err, streams.ErrConnectionLost) || !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("Drain after close: %v, want ErrConnectionLost (ECONNRESET)", err)
		}
		return nil
	})
}

// An error from the client-connected callback is reported, with its
// connection's transport (asyncio's context has it), and closes the
// connection; the server goes on.
func TestStreamsCallbackErrorIsReportedAndCloses(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		var reports []rt.ErrorContext
		l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { reports = append(reports, c) })
		boom := errors.New("handler failed")
		srv, err := rt.Await(streams.StartServer(func(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
			return rt.Async(func() (rt.Void, error) {
				if _, err := rt.Await(r.ReadLine()); err != nil {
					return rt.Void{}, err
				}
				return rt.Void{}, boom
			})
		}, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		var clients []string
		for range 2 {
			c, err := rt.Await(streams.OpenConnection("tcp4", srv.Addrs()[0].String()))
			if err != nil {
				return err
			}
			clients = append(clients, fmt.Sprint(c.Writer.GetExtraInfo("sockname")))
			c.Writer.Write([]byte("hi\n"))
			rest, err := bound(c.Reader.Read(-1), "EOF from the failed handler")
			if err != nil || len(rest) != 0 {
				return fmt.Errorf("after the handler failed: %q, %v", rest, err)
			}
			c.Writer.Close()
		}
		if len(reports) != 2 || !errors.Is(reports[0].Err, boom) {
			t.Errorf("reports %v, want the handler's error twice", reports)
		}
		for i, r := range reports[:min(len(reports), len(clients))] {
			if r.Transport == nil || fmt.Sprint(r.Transport.GetExtraInfo("peername")) != clients[i] {
				t.Errorf("report %d names the transport %v, want the connection from %s", i, r.Transport, clients[i])
			}
		}
		return nil
	})
}

// panicker is a hand-written client-connected coroutine whose first step
// panics (a generated frame would have turned the panic into its error).
type panicker struct{}

func (panicker) Send(*rt.Ctx) rt.Yield         { panic("handler exploded") }
func (panicker) Throw(*rt.Ctx, error) rt.Yield { panic("handler exploded") }
func (panicker) Close()                        {}
func (panicker) Result() (rt.Void, error)      { return rt.Void{}, nil }

// A callback coroutine that panics is reported like one that fails: once,
// with the panic as the error and its finished task as the future, and
// its connection is closed; the task holds the error (asyncio's done
// callback sees the exception and the task keeps it).
func TestStreamsCallbackPanicIsReportedAndCloses(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		var reports []rt.ErrorContext
		l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { reports = append(reports, c) })
		srv, err := rt.Await(streams.StartServer(func(*streams.StreamReader, *streams.StreamWriter) rt.Coro[rt.Void] {
			return panicker{}
		}, "tcp4", "127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		c, err := rt.Await(streams.OpenConnection("tcp4", srv.Addrs()[0].String()))
		if err != nil {
			return err
		}
		rest, err := bound(c.Reader.Read(-1), "EOF from the panicked handler")
		if err != nil || len(rest) != 0 {
			return fmt.Errorf("after the handler panicked: %q, %v", rest, err)
		}
		c.Writer.Close()
		var pe *rt.PanicError
		if len(reports) != 1 || !errors.As(reports[0].Err, &pe) || fmt.Sprint(pe.Value) != "handler exploded" {
			t.Fatalf("reports %v, want the panic once", reports)
		}
		task, ok := reports[0].Future.(rt.AnyTask)
		if !ok || !task.Done() || !errors.As(task.Exception(), &pe) {
			t.Errorf("the report's future %v: want the finished task holding the panic", reports[0].Future)
		}
		return nil
	})
}

// serveOne starts a server whose connections run cb, on a free loopback
// port, and connects a client to it.
func serveOne(cb func(*streams.StreamReader, *streams.StreamWriter) rt.Coro[rt.Void]) (*rt.Server, streams.Stream, error) {
	srv, err := rt.Await(streams.StartServer(cb, "tcp4", "127.0.0.1:0"))
	if err != nil {
		return nil, streams.Stream{}, err
	}
	c, err := rt.Await(streams.OpenConnection("tcp4", srv.Addrs()[0].String()))
	if err != nil {
		srv.Close()
		return nil, streams.Stream{}, err
	}
	return srv, c, nil
}

// parked is a callback coroutine that waits on a future nobody completes,
// and hands its task to the test.
type parked struct {
	task   *rt.AnyTask
	f      *rt.Future[rt.Void]
	aw     rt.Awaiting[rt.Void]
	result error
}

func (p *parked) Send(c *rt.Ctx) rt.Yield { return p.step(c, nil) }

func (p *parked) Throw(c *rt.Ctx, err error) rt.Yield { return p.step(c, err) }

func (p *parked) step(c *rt.Ctx, thrown error) rt.Yield {
	if !p.aw.Pending() {
		*p.task = c.Task()
		y, _ := p.aw.Start(c, p.f) // never completed: it suspends
		return y
	}
	if y, suspend := p.aw.Resume(c, thrown); suspend {
		return y
	}
	_, p.result = p.aw.Result()
	return rt.Yield{}
}

func (p *parked) Close()                   {}
func (p *parked) Result() (rt.Void, error) { return rt.Void{}, p.result }

// Cancelling a client-connected task closes its connection, with nothing
// reported (asyncio 3.12+): the peer reads EOF.
func TestStreamsCancelledCallbackCloses(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		var reports []rt.ErrorContext
		l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { reports = append(reports, c) })
		var task rt.AnyTask
		srv, c, err := serveOne(func(*streams.StreamReader, *streams.StreamWriter) rt.Coro[rt.Void] {
			return &parked{task: &task, f: rt.NewFuture[rt.Void](l)}
		})
		if err != nil {
			return err
		}
		defer srv.Close()
		for task == nil {
			if _, err := rt.Await(rt.Sleep(0)); err != nil {
				return err
			}
		}
		task.Cancel()
		rest, err := bound(c.Reader.Read(-1), "EOF after the handler was cancelled")
		if err != nil || len(rest) != 0 {
			return fmt.Errorf("after the handler was cancelled: %q, %v", rest, err)
		}
		c.Writer.Close()
		if !task.Cancelled() {
			t.Errorf("the task is not cancelled: %v", task.Exception())
		}
		if len(reports) != 0 {
			t.Errorf("reports %v, want none for a cancellation", reports)
		}
		return nil
	})
}
