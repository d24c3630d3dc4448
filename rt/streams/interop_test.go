package streams_test

// Interop with CPython's asyncio streams, the specification: a python3
// peer (testdata/streams_peer.py) on the other end of a loopback socket,
// both ways round. Both ends speak the UPPER exchange the script's
// docstring describes: lines split into many small drained writes, a line
// of exactly the limit, lines over the limit (answered "TOO LONG" and
// skipped however they arrive), a half-close in the middle of a line, and
// replies that come back in 3-byte pieces, with a line over the client's
// limit and a partial last line before the server closes.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

const (
	itScript    = "testdata/streams_peer.py"
	itLimit     = 1024
	itLongReply = 2000
)

// itPython returns python3, skipping the test only if there is none.
func itPython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not in PATH (Debian package python3); the interop tests need CPython's asyncio:", err)
	}
	return py
}

// itRequest is one step of the client's script: what it sends and the
// reply it expects. It mirrors script() in streams_peer.py.
type itRequest struct{ send, want string }

func itClientScript() []itRequest {
	var out []itRequest
	for i := range 30 {
		line := fmt.Sprintf("line %d %s\n", i, strings.Repeat("x", i*11))
		out = append(out, itRequest{line, strings.ToUpper(line)})
	}
	exact := strings.Repeat("e", itLimit) + "\n"
	out = append(out,
		itRequest{exact, strings.ToUpper(exact)},
		itRequest{strings.Repeat("a", 3000) + "\n", "TOO LONG\n"},
		itRequest{strings.Repeat("b", itLimit+1) + "\n", "TOO LONG\n"},
		itRequest{"after\n", "AFTER\n"},
	)
	return out
}

// itWritePieces writes data in pieces of the given sizes, in turn, with a
// Drain after each and a pass of the loop, so each goes out on its own.
func itWritePieces(w *streams.StreamWriter, data string, sizes ...int) error {
	for off, i := 0, 0; off < len(data); i++ {
		n := min(sizes[i%len(sizes)], len(data)-off)
		if err := w.Write([]byte(data[off : off+n])); err != nil {
			return err
		}
		if _, err := rt.Await(w.Drain()); err != nil {
			return err
		}
		if _, err := rt.Await(rt.Sleep(0)); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// itReadLineSkipping is ReadLine, except that a line over the limit is
// reported once (long) and skipped through its newline, however it
// arrives: an overrun without the newline drops only what was buffered,
// so the rest of that line is read and dropped too.
func itReadLineSkipping(r *streams.StreamReader) (line []byte, long bool, err error) {
	line, err = rt.Await(r.ReadLine())
	if !errors.Is(err, streams.ErrLimitOverrun) {
		return line, false, err
	}
	skipping := !strings.Contains(err.Error(), "Separator is found")
	for skipping {
		_, err = rt.Await(r.ReadLine())
		switch {
		case errors.Is(err, streams.ErrLimitOverrun):
			skipping = !strings.Contains(err.Error(), "Separator is found")
		case err != nil:
			return nil, true, err
		default:
			skipping = false // the tail of the long line, dropped
		}
	}
	return nil, true, nil
}

// itServerStats is what our UPPER server saw.
type itServerStats struct {
	lines, long int
	partial     string
	eof         bool
	done        *rt.Future[rt.Void]
}

func (s *itServerStats) String() string {
	return fmt.Sprintf("lines=%d long=%d partial=%s eof=%v", s.lines, s.long, s.partial, s.eof)
}

// itUpperServer is our side of the UPPER server, as a client-connected
// callback.
func itUpperServer(st *itServerStats) func(*streams.StreamReader, *streams.StreamWriter) rt.Coro[rt.Void] {
	return func(r *streams.StreamReader, w *streams.StreamWriter) rt.Coro[rt.Void] {
		return rt.Async(func() (rt.Void, error) {
			err := func() error {
				for {
					line, long, err := itReadLineSkipping(r)
					switch {
					case err != nil:
						return err
					case long:
						st.long++
						err = itWritePieces(w, "TOO LONG\n", 3)
					case len(line) == 0:
						st.eof = true
					case line[len(line)-1] == '\n':
						st.lines++
						err = itWritePieces(w, strings.ToUpper(string(line)), 3)
					default:
						st.partial = string(line)
						err = itWritePieces(w, "PARTIAL "+strings.ToUpper(string(line))+"\n", 3)
					}
					if err != nil {
						return err
					}
					if st.eof {
						break
					}
				}
				// The peer only half-closed: we may still reply.
				if err := itWritePieces(w, strings.Repeat("z", itLongReply)+"\n", 3, 500); err != nil {
					return err
				}
				if err := itWritePieces(w, "EOF\nbye", 3); err != nil {
					return err
				}
				w.Close()
				_, err := rt.Await(w.WaitClosed())
				return err
			}()
			if err != nil {
				st.done.SetException(err)
			} else {
				st.done.SetResult(rt.Void{})
			}
			return rt.Void{}, err
		})
	}
}

// itRunClient is our side of the UPPER client, against a server at addr.
// It returns how many replies it checked.
func itRunClient(addr string) (int, error) {
	s, err := rt.Await(streams.OpenConnection("tcp4", addr, streams.WithLimit(itLimit)))
	if err != nil {
		return 0, err
	}
	defer s.Writer.Close()
	r, w := s.Reader, s.Writer
	replies := 0
	for _, req := range itClientScript() {
		if err := itWritePieces(w, req.send, 1, 5, 2, 4, 3, 700); err != nil {
			return replies, err
		}
		got, err := bound(r.ReadLine(), "a reply")
		if err != nil {
			return replies, err
		}
		if string(got) != req.want {
			return replies, fmt.Errorf("request %.20q...: reply %.40q, want %.40q", req.send, got, req.want)
		}
		replies++
	}
	// A partial line, then our half-close.
	if err := itWritePieces(w, "tail without newline", 1000); err != nil {
		return replies, err
	}
	if err := w.WriteEOF(); err != nil {
		return replies, err
	}
	if got, err := bound(r.ReadLine(), "the PARTIAL reply"); err != nil || string(got) != "PARTIAL TAIL WITHOUT NEWLINE\n" {
		return replies, fmt.Errorf("after the partial line: %q, %v", got, err)
	}
	// The server's long line is over our limit.
	line, long, err := itReadLineSkipping(r)
	if err != nil || !long {
		return replies, fmt.Errorf("the %d-byte reply with limit %d: %.40q, long=%v, %v; want an overrun", itLongReply, itLimit, line, long, err)
	}
	// Then a line, the partial last line, and the end.
	for _, want := range []string{"EOF\n", "bye", ""} {
		got, err := bound(r.ReadLine(), "the end")
		if err != nil || string(got) != want {
			return replies, fmt.Errorf("at the end: %q, %v; want %q", got, err, want)
		}
	}
	if !r.AtEOF() {
		return replies, errors.New("not at EOF after the server closed")
	}
	w.Close()
	if _, err := bound(w.WaitClosed(), "WaitClosed"); err != nil {
		return replies, err
	}
	return replies + 4, nil
}

// A CPython asyncio client against our StartServer: its lines, written
// in pieces of 1 to 700 bytes with a drain after each, come back whole
// and upper-cased; a line of exactly our limit (1024, newline not
// counted) passes; lines of 3000 and 1025 bytes fail our ReadLine with
// ErrLimitOverrun, are answered "TOO LONG" and skipped, and the next line
// is served; python's write_eof in the middle of a line reaches our
// ReadLine as that partial line, then the empty end; our reply after it
// (a line over python's limit, "EOF", a partial "bye") reaches python,
// whose readline fails on the long line and returns the partial one.
func TestInteropPythonClientAgainstOurServer(t *testing.T) {
	py := itPython(t)
	st := &itServerStats{}
	run(t, func(l *rt.Loop) error {
		st.done = rt.NewFuture[rt.Void](l)
		srv, err := rt.Await(streams.StartServer(itUpperServer(st), "tcp4", "127.0.0.1:0", streams.WithLimit(itLimit)))
		if err != nil {
			return err
		}
		defer srv.Close()
		_, port, _ := strings.Cut(srv.Addrs()[0].String(), ":")
		// The python client runs on the executor, so the loop keeps
		// serving it; the context kills it should it hang.
		out, err := rt.Await(rt.RunInExecutor(l, func() ([]byte, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			return exec.CommandContext(ctx, py, itScript, "client", "127.0.0.1", port).CombinedOutput()
		}))
		want := fmt.Sprintf("OK %d", len(itClientScript())+4)
		if err != nil || strings.TrimSpace(string(out)) != want {
			return fmt.Errorf("python client: %v; output:\n%s\nwant %q", err, out, want)
		}
		if _, err := bound(st.done, "our server's handler"); err != nil {
			return err
		}
		return nil
	})
	if want := "lines=32 long=2 partial=tail without newline eof=true"; st.String() != want {
		t.Errorf("our server saw %s, want %s", st, want)
	}
}

// itPyServer is streams_peer.py serving one connection; it is killed at
// cleanup if it is still running.
type itPyServer struct {
	cmd    *exec.Cmd
	out    *bufio.Reader
	stderr bytes.Buffer
	port   string
}

func itStartPyServer(t *testing.T, py string) *itPyServer {
	t.Helper()
	s := &itPyServer{cmd: exec.Command(py, itScript, "server", "127.0.0.1")}
	s.cmd.Stderr = &s.stderr
	pipe, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A hang guard only: the server exits by itself after one exchange.
	guard := time.AfterFunc(60*time.Second, func() { s.cmd.Process.Kill() })
	t.Cleanup(func() {
		guard.Stop()
		s.cmd.Process.Kill()
		s.cmd.Wait()
	})
	s.out = bufio.NewReader(pipe)
	line, err := s.out.ReadString('\n')
	port, ok := strings.CutPrefix(strings.TrimSpace(line), "PORT ")
	if err != nil || !ok {
		t.Fatalf("python server said %q (%v), want PORT <n>; stderr:\n%s", line, err, s.stderr.String())
	}
	s.port = port
	return s
}

// finish reads the rest of the server's output and waits for it to exit.
func (s *itPyServer) finish() (string, error) {
	rest, _ := io.ReadAll(s.out)
	err := s.cmd.Wait()
	if err != nil {
		err = fmt.Errorf("%w; stderr:\n%s", err, s.stderr.String())
	}
	return strings.TrimSpace(string(rest)), err
}

// Our OpenConnection client against a CPython asyncio.start_server: the
// same exchange the other way round. Python's readline (limit 1024)
// reassembles our drained small writes, passes the exact-limit line,
// fails on our long lines, and sees our WriteEOF as a partial line then
// EOF; its replies, written in 3-byte pieces, come back whole through our
// ReadLine; its 2000-byte line fails our ReadLine (limit 1024) with
// ErrLimitOverrun and we read on; its partial "bye" and close reach us as
// that partial line, then the empty end.
func TestInteropOurClientAgainstPythonServer(t *testing.T) {
	py := itPython(t)
	ps := itStartPyServer(t, py)
	run(t, func(l *rt.Loop) error {
		n, err := itRunClient("127.0.0.1:" + ps.port)
		if err != nil {
			return fmt.Errorf("after %d replies: %w", n, err)
		}
		if want := len(itClientScript()) + 4; n != want {
			t.Errorf("%d replies checked, want %d", n, want)
		}
		return nil
	})
	rest, err := ps.finish()
	if want := "SERVED lines=32 long=2 partial=tail without newline eof=1"; err != nil || rest != want {
		t.Errorf("python server: %v; output %q, want %q", err, rest, want)
	}
}

// Our client against our server: the two Go halves of the exchange agree
// with each other as they agree with python's (and run without python).
func TestInteropOurClientAgainstOurServer(t *testing.T) {
	st := &itServerStats{}
	run(t, func(l *rt.Loop) error {
		st.done = rt.NewFuture[rt.Void](l)
		srv, err := rt.Await(streams.StartServer(itUpperServer(st), "tcp4", "127.0.0.1:0", streams.WithLimit(itLimit)))
		if err != nil {
			return err
		}
		defer srv.Close()
		n, err := itRunClient(srv.Addrs()[0].String())
		if err != nil {
			return fmt.Errorf("after %d replies: %w", n, err)
		}
		_, err = bound(st.done, "our server's handler")
		return err
	})
	if want := "lines=32 long=2 partial=tail without newline eof=true"; st.String() != want {
		t.Errorf("our server saw %s, want %s", st, want)
	}
}
