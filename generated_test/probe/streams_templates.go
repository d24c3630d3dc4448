package probe

import (
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// clientBytesThenEOF reads a line sent a byte at a time, then a
// ReadExactly that meets the peer's EOF, then writes after the peer
// half-closed and half-closes itself.
//
//asyncgen:coroutine
func clientBytesThenEOF(addr string) (string, error) {
	s := rt.Must(streams.OpenConnection("tcp", addr))
	defer s.Writer.Close()
	line := rt.Must(s.Reader.ReadLine())
	_, err := rt.Await(s.Reader.ReadExactly(100))
	var ie *streams.IncompleteReadError
	if !errors.As(err, &ie) {
		return "", fmt.Errorf("ReadExactly: %v, want an IncompleteReadError", err)
	}
	out := fmt.Sprintf("%q %q %d eof=%v", line, ie.Partial, ie.Expected, s.Reader.AtEOF())
	if err := s.Writer.Write([]byte("after eof\n")); err != nil {
		return out, err
	}
	if err := s.Writer.WriteEOF(); err != nil {
		return out, err
	}
	rest := rt.Must(s.Reader.Read(-1))
	s.Writer.Close()
	rt.Must(s.Writer.WaitClosed())
	return out + fmt.Sprintf(" rest=%q", rest), nil
}

// clientReset reads what comes before the peer resets the connection.
//
//asyncgen:coroutine
func clientReset(addr string) (string, error) {
	s := rt.Must(streams.OpenConnection("tcp", addr))
	defer s.Writer.Close()
	got := rt.Must(s.Reader.ReadExactly(3))
	s.Writer.Write([]byte("go\n"))
	rt.Must(s.Writer.Drain())
	_, rerr := rt.Await(s.Reader.Read(100))
	werr := s.Writer.Write([]byte("more"))
	_, derr := rt.Await(s.Writer.Drain())
	_, cerr := rt.Await(s.Writer.WaitClosed())
	return fmt.Sprintf("%q read:%v write:%v drain:%v closed:%v", got,
		errors.Is(rerr, syscall.ECONNRESET), werr, errors.Is(derr, syscall.ECONNRESET),
		errors.Is(cerr, syscall.ECONNRESET)), nil
}

// clientStall times a ReadLine out while the peer stalls mid-line, then
// asks for the rest and reads the whole line.
//
//asyncgen:coroutine
func clientStall(addr string) (string, error) {
	s := rt.Must(streams.OpenConnection("tcp", addr))
	defer s.Writer.Close()
	_, err := rt.Await(rt.WaitFor(s.Reader.ReadLine(), 50*time.Millisecond))
	timedOut := errors.Is(err, rt.ErrTimeout)
	buffered := s.Reader.Buffered()
	s.Writer.Write([]byte("go\n"))
	line := rt.Must(s.Reader.ReadLine())
	rest := rt.Must(s.Reader.Read(-1))
	return fmt.Sprintf("%v %d %q %q", timedOut, buffered, line, rest), nil
}

// clientStallErr is clientStall's ReadUntil failing at EOF.
//
//asyncgen:coroutine
func clientStallTimeoutScope(addr string) (string, error) {
	s := rt.Must(streams.OpenConnection("tcp", addr))
	defer s.Writer.Close()
	_, err := rt.Await(rt.RunTimeout(50*time.Millisecond, func(ts *rt.TimeoutScope) rt.Coro[[]byte] {
		return s.Reader.ReadExactly(5)
	}))
	timedOut := errors.Is(err, rt.ErrTimeout)
	s.Writer.Write([]byte("go\n"))
	b := rt.Must(s.Reader.ReadExactly(5))
	_, err = rt.Await(s.Reader.ReadUntil([]byte("never")))
	var ie *streams.IncompleteReadError
	errors.As(err, &ie)
	return fmt.Sprintf("%v %q %v", timedOut, b, ie), nil
}

// clientCancelDrain cancels a task stuck in Drain against a peer that
// never reads, then aborts.
//
//asyncgen:coroutine
func clientCancelDrain(addr string) (string, error) {
	s := rt.Must(streams.OpenConnection("tcp", addr))
	big := make([]byte, 1<<20)
	writer := rt.CreateTask(rt.RunningLoop(), rt.AsyncVoid(func() error {
		for {
			if err := s.Writer.Write(big); err != nil {
				return err
			}
			if _, err := rt.Await(s.Writer.Drain()); err != nil {
				return err
			}
		}
	}))
	// Let the writer fill every buffer: it stays in Drain.
	for range 20 {
		rt.Must(rt.Sleep(time.Millisecond))
	}
	done := writer.Done()
	writer.Cancel("stop")
	_, err := rt.Await(writer)
	s.Writer.Transport().Abort()
	_, cerr := rt.Await(s.Writer.WaitClosed())
	return fmt.Sprintf("%v %v %v", done, errors.Is(err, rt.ErrCancelled), cerr), nil
}
