package rt_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// Interop with CPython's asyncio, the specification: a python3 asyncio
// peer (testdata/asyncio_peer.py) on the other end of a real loopback or
// Unix socket. The exchange is the same every way round: the client sends
// interopSize bytes of a pattern both languages generate, in writes of
// uneven sizes, then half-closes; the server reads to EOF, stays open,
// replies with "<count> <sha256>\n" and the received bytes bit-flipped,
// then closes. Each side checks what it got against what it computed
// itself, so a byte lost, doubled or reordered in either direction fails.

const interopScript = "testdata/asyncio_peer.py"

// interopSize is large enough that both sides buffer (the reply does not
// fit the socket at once) and odd, so no write boundary lines up with it.
const interopSize = 1<<20 + 12345

// needPython returns the python3 to run; the interop tests skip only when
// there is none.
func needPython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not in PATH (Debian package python3); the interop tests need CPython's asyncio:", err)
	}
	return py
}

// interopPattern is asyncio_peer.py's pattern(): sha256 blocks of a
// counter, truncated to n bytes.
func interopPattern(n int) []byte {
	out := make([]byte, 0, n+sha256.Size)
	var in [14]byte
	copy(in[:], "rt-interop")
	for k := uint32(0); len(out) < n; k++ {
		binary.BigEndian.PutUint32(in[10:], k)
		s := sha256.Sum256(in[:])
		out = append(out, s[:]...)
	}
	return out[:n]
}

// interopReply is asyncio_peer.py's reply_for(): what a server answers to
// having received data.
func interopReply(data []byte) []byte {
	sum := sha256.Sum256(data)
	out := fmt.Appendf(nil, "%d %s\n", len(data), hex.EncodeToString(sum[:]))
	for _, b := range data {
		out = append(out, ^b)
	}
	return out
}

// digestServer is our side of a server in the exchange: it collects the
// stream, keeps the connection open at the peer's EOF, and replies and
// closes in a later pass, so the reply travels on a half-closed
// connection that EOFReceived's true kept open.
type digestServer struct {
	l       *rt.Loop
	t       rt.Transport
	data    []byte
	events  []string
	lostErr error
	lost    *rt.Future[rt.Void]
}

func (p *digestServer) note(ev string) {
	if n := len(p.events); n == 0 || p.events[n-1] != ev || ev != "data" {
		p.events = append(p.events, ev)
	}
}

func (p *digestServer) ConnectionMade(t rt.Transport) { p.t = t; p.note("made") }
func (p *digestServer) DataReceived(b []byte)         { p.note("data"); p.data = append(p.data, b...) }
func (p *digestServer) PauseWriting()                 {}
func (p *digestServer) ResumeWriting()                {}

func (p *digestServer) EOFReceived() bool {
	p.note("eof")
	p.l.CallSoon(func() {
		if err := p.t.Write(interopReply(p.data)); err != nil {
			p.note("write failed: " + err.Error())
		}
		p.t.Close()
	})
	return true
}

func (p *digestServer) ConnectionLost(err error) {
	p.note("lost")
	p.lostErr = err
	if !p.lost.Done() {
		p.lost.SetResult(rt.Void{})
	}
}

// interopPythonClient runs asyncio_peer.py as a client of our server on
// network ("tcp4" or "unix").
func interopPythonClient(t *testing.T, network string) {
	py := needPython(t)
	leakcheck.Check(t)
	want := interopPattern(interopSize)
	runMain(t, func(l *rt.Loop) error {
		var conns []*digestServer
		factory := func() rt.StreamProtocol {
			p := &digestServer{l: l, lost: rt.NewFuture[rt.Void](l)}
			conns = append(conns, p)
			return p
		}
		var srv *rt.Server
		var err error
		var args []string
		if network == "unix" {
			path := filepath.Join(t.TempDir(), "rt.sock")
			srv, err = rt.Await(l.CreateUnixServer(factory, path))
			args = []string{"client", "unix", path, strconv.Itoa(interopSize)}
		} else {
			srv, err = rt.Await(l.CreateServer(factory, network, "127.0.0.1:0"))
			if err == nil {
				_, port, _ := strings.Cut(srv.Addrs()[0].String(), ":")
				args = []string{"client", "tcp", "127.0.0.1", port, strconv.Itoa(interopSize)}
			}
		}
		if err != nil {
			return err
		}
		defer srv.Close()
		// The python client runs on the executor, so the loop keeps
		// serving it; the context kills it should it hang.
		out, err := rt.Await(rt.RunInExecutor(l, func() ([]byte, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			return exec.CommandContext(ctx, py, append([]string{interopScript}, args...)...).CombinedOutput()
		}))
		wantLine := fmt.Sprintf("OK sent=%d reply=%d", interopSize, len(interopReply(want)))
		if err != nil || !strings.Contains(string(out), wantLine) {
			return fmt.Errorf("python client: %v; output:\n%s\nwant a line %q", err, out, wantLine)
		}
		if len(conns) != 1 {
			return fmt.Errorf("%d connections accepted, want 1", len(conns))
		}
		p := conns[0]
		if err := until(p.lost, "the server's ConnectionLost"); err != nil {
			return err
		}
		if !bytes.Equal(p.data, want) {
			t.Errorf("server received %d bytes that differ from the %d python sent", len(p.data), len(want))
		}
		if wantEv := []string{"made", "data", "eof", "lost"}; !slices.Equal(p.events, wantEv) {
			t.Errorf("server protocol events %v, want %v", p.events, wantEv)
		}
		if p.lostErr != nil {
			t.Errorf("server ConnectionLost(%v), want nil after a clean close", p.lostErr)
		}
		srv.Close()
		_, err = rt.Await(srv.WaitClosed())
		if network == "unix" {
			if _, serr := os.Stat(args[2]); !errors.Is(serr, os.ErrNotExist) {
				t.Errorf("socket file after Server.Close: %v, want it removed", serr)
			}
		}
		return err
	})
}

// pythonServer is asyncio_peer.py serving one connection, started before
// the loop runs; it is killed at cleanup if it is still there.
type pythonServer struct {
	cmd    *exec.Cmd
	out    *bufio.Reader
	stderr bytes.Buffer
	first  string // the line it printed when it listened
}

func startPythonServer(t *testing.T, py string, args ...string) *pythonServer {
	t.Helper()
	s := &pythonServer{cmd: exec.Command(py, append([]string{interopScript, "server"}, args...)...)}
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
	if err != nil {
		t.Fatalf("python server did not start: %v; stderr:\n%s", err, s.stderr.String())
	}
	s.first = strings.TrimSpace(line)
	return s
}

// finish reads the rest of the server's output and waits for it to exit.
func (s *pythonServer) finish() (string, error) {
	rest, _ := io.ReadAll(s.out)
	err := s.cmd.Wait()
	if err != nil {
		err = fmt.Errorf("%w; stderr:\n%s", err, s.stderr.String())
	}
	return string(rest), err
}

// interopPythonServer connects our client to asyncio_peer.py's server on
// network ("tcp4" or "unix").
func interopPythonServer(t *testing.T, network string) {
	py := needPython(t)
	leakcheck.Check(t)
	var ps *pythonServer
	var path string
	if network == "unix" {
		path = filepath.Join(t.TempDir(), "py.sock")
		ps = startPythonServer(t, py, "unix", path)
		if ps.first != "READY" {
			t.Fatalf("python server said %q, want READY", ps.first)
		}
	} else {
		ps = startPythonServer(t, py, "tcp", "127.0.0.1")
		if !strings.HasPrefix(ps.first, "PORT ") {
			t.Fatalf("python server said %q, want PORT <n>", ps.first)
		}
	}
	data := interopPattern(interopSize)
	runMain(t, func(l *rt.Loop) error {
		c := newRecorder(l) // EOFReceived false: the peer's EOF closes us
		factory := func() rt.StreamProtocol { return c }
		var err error
		if network == "unix" {
			_, err = rt.Await(l.CreateUnixConnection(factory, path))
		} else {
			_, err = rt.Await(l.CreateConnection(factory, network, "127.0.0.1:"+strings.TrimPrefix(ps.first, "PORT ")))
		}
		if err != nil {
			return err
		}
		// Uneven writes; most of them end up buffered behind the first.
		for off, i := 0, 0; off < len(data); i++ {
			n := min([]int{7, 65536, 1, 30000, 250000}[i%5], len(data)-off)
			if err := c.t.Write(data[off : off+n]); err != nil {
				return err
			}
			off += n
		}
		if err := c.t.WriteEOF(); err != nil {
			return err
		}
		if err := until(c.lost, "our client's ConnectionLost"); err != nil {
			return err
		}
		if want := []string{"made", "data", "eof", "lost"}; !slices.Equal(c.events, want) {
			t.Errorf("client protocol events %v, want %v", c.events, want)
		}
		if c.lostErr != nil {
			t.Errorf("client ConnectionLost(%v), want nil", c.lostErr)
		}
		if want := interopReply(data); !bytes.Equal(c.data.Bytes(), want) {
			head, _, _ := bytes.Cut(c.data.Bytes(), []byte("\n"))
			t.Errorf("reply from python: %d bytes, header %.100q; want %d bytes", c.data.Len(), head, len(want))
		}
		return nil
	})
	rest, err := ps.finish()
	sum := sha256.Sum256(data)
	want := fmt.Sprintf("SERVED %d %x", len(data), sum)
	if err != nil || !strings.Contains(rest, want) {
		t.Errorf("python server: %v; output %q, want a line %q", err, rest, want)
	}
}

// A python asyncio client against our TCP server: its stream arrives
// whole, its write_eof reaches EOFReceived, our reply after EOFReceived
// returned true arrives whole, and our Close reaches it as EOF.
func TestInteropPythonClientTCP(t *testing.T) { interopPythonClient(t, "tcp4") }

// Our TCP client against a python asyncio server: WriteEOF after buffered
// writes reaches python as EOF only after the last byte; its reply and its
// close reach our protocol as data, EOFReceived, then ConnectionLost(nil).
func TestInteropPythonServerTCP(t *testing.T) { interopPythonServer(t, "tcp4") }

// The same two exchanges over Unix stream sockets.
func TestInteropUnix(t *testing.T) {
	t.Run("PythonClient", func(t *testing.T) { interopPythonClient(t, "unix") })
	t.Run("PythonServer", func(t *testing.T) { interopPythonServer(t, "unix") })
}
