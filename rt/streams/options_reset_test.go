package streams_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// The transports' options reach the loop: a connection option (the local
// address) through WithConnOptions, a server option (not serving until
// StartServing) through WithServerOptions.
func TestOptionsPassThrough(t *testing.T) {
	run(t, func(l *rt.Loop) error {
		srv, err := rt.Await(streams.StartServer(lineEcho, "tcp4", "127.0.0.1:0",
			streams.WithServerOptions(rt.WithStartServing(false))))
		if err != nil {
			return err
		}
		defer srv.Close()
		if srv.IsServing() {
			t.Error("WithServerOptions(WithStartServing(false)): the server is serving")
		}
		if _, err := rt.Await(srv.StartServing()); err != nil {
			return err
		}
		local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 0}
		probe, err := net.ListenTCP("tcp4", local) // a free port to bind the client to
		if err != nil {
			return err
		}
		want := probe.Addr().String()
		probe.Close()
		c, err := rt.Await(streams.OpenConnection("tcp4", srv.Addrs()[0].String(),
			streams.WithConnOptions(rt.WithLocalAddr(want))))
		if err != nil {
			return err
		}
		defer c.Writer.Close()
		if got := fmt.Sprint(c.Writer.GetExtraInfo("sockname")); got != want {
			t.Errorf("WithConnOptions(WithLocalAddr(%s)): sockname %s", want, got)
		}
		c.Writer.Write([]byte("hi\n"))
		if line, err := bound(c.Reader.ReadLine(), "the echo"); err != nil || string(line) != "hi\n" {
			t.Errorf("echo through the options' server: %q, %v", line, err)
		}
		return nil
	})
}

// A peer that resets the connection fails every later read with the
// reset, even with bytes still buffered (asyncio's set_exception on
// connection_lost); Exception and WaitClosed say the same, and nothing is
// reported to the exception handler.
func TestPeerResetFailsReads(t *testing.T) {
	peer := ptStartRawPeer(t, func(c *net.TCPConn) error {
		if _, err := c.Write([]byte("partial line, then a reset")); err != nil {
			return err
		}
		if _, err := c.Read(make([]byte, 1)); err != nil { // our "go" below
			return err
		}
		return c.SetLinger(0) // the deferred Close then sends RST
	})
	run(t, func(l *rt.Loop) error {
		var reports []rt.ErrorContext
		l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { reports = append(reports, c) })
		s, err := rt.Await(streams.OpenConnection("tcp4", peer.ln.Addr().String()))
		if err != nil {
			return err
		}
		defer s.Writer.Close()
		if _, err := bound(s.Reader.ReadMore(), "the partial line"); err != nil {
			return err
		}
		s.Writer.Write([]byte("g"))
		_, err = bound(s.Reader.ReadLine(), "ReadLine across the reset")
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("ReadLine across the reset: %v, want ECONNRESET", err)
		}
		if !bytes.Equal(s.Reader.Peek(), []byte("partial line, then a reset")) {
			t.Errorf("buffered after the reset: %q, want the partial line kept", s.Reader.Peek())
		}
		if _, err := rt.Await(s.Reader.Read(100)); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("Read with bytes buffered after the reset: %v, want ECONNRESET", err)
		}
		if err := s.Reader.Exception(); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("Exception() = %v, want ECONNRESET", err)
		}
		if _, err := bound(s.Writer.WaitClosed(), "WaitClosed"); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("WaitClosed after the reset: %v, want ECONNRESET", err)
		}
		if len(reports) != 0 {
			t.Errorf("exception handler called: %v", reports)
		}
		return nil
	})
}

// A WaitClosed that is asked for and never awaited is no error of the
// user's when the connection then resets: asyncio marks the closed future
// retrieved, and nothing is reported when the loop closes.
func TestUnawaitedWaitClosedAfterResetIsNotReported(t *testing.T) {
	peer := ptStartRawPeer(t, func(c *net.TCPConn) error {
		if _, err := c.Read(make([]byte, 1)); err != nil { // our "go" below
			return err
		}
		return c.SetLinger(0) // the deferred Close then sends RST
	})
	var reports []rt.ErrorContext // appended to on the loop, read after Run
	run(t, func(l *rt.Loop) error {
		l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { reports = append(reports, c) })
		s, err := rt.Await(streams.OpenConnection("tcp4", peer.ln.Addr().String()))
		if err != nil {
			return err
		}
		defer s.Writer.Close()
		s.Writer.WaitClosed() // asked for, never awaited
		s.Writer.Write([]byte("g"))
		if _, err := bound(s.Reader.ReadLine(), "ReadLine across the reset"); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("ReadLine across the reset: %v, want ECONNRESET", err)
		}
		return nil
	})
	if len(reports) != 0 {
		t.Errorf("reported when the loop closed: %v", reports)
	}
}
