package rt

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"net"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// These tests use real sockets on loopback; only the tests of cancellation
// need the loop's internals (its fd map), which is why they live in
// package rt.

// runSock runs body as the main coroutine of a fresh loop and fails the
// test with its error.
func runSock(t testing.TB, body func(l *Loop) error, opts ...Option) {
	t.Helper()
	_, err := Run(Async(func() (Void, error) { return Void{}, body(RunningLoop()) }), opts...)
	if err != nil {
		t.Fatal(err)
	}
}

// tcpPair returns the two ends of a loopback TCP connection, made with
// SockAccept and SockConnect; call it from a coroutine.
func tcpPair(l *Loop) (client, server int, err error) {
	lfd, sa, err := Listen("tcp4", "127.0.0.1:0", 1)
	if err != nil {
		return -1, -1, err
	}
	defer closeFD(lfd)
	cfd, err := NewSocket(unix.AF_INET, unix.SOCK_STREAM)
	if err != nil {
		return -1, -1, err
	}
	acc := CreateTask(l, l.SockAccept(lfd))
	if _, err := Await(l.SockConnect(cfd, sa)); err != nil {
		closeFD(cfd)
		return -1, -1, err
	}
	a, err := Await(acc)
	if err != nil {
		closeFD(cfd)
		return -1, -1, err
	}
	return cfd, a.FD, nil
}

// pair returns a connected socket pair for tests that need no TCP.
func pair(t testing.TB) (int, int) {
	t.Helper()
	fds, err := socketPair(unix.SOCK_STREAM)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeFD(fds[0]); closeFD(fds[1]) })
	return fds[0], fds[1]
}

// watched reports what the loop watches fd for.
func watched(l *Loop, fd int) (reader, writer bool) {
	e := l.fdsGet(fd)
	if e == nil {
		return false, false
	}
	return e.reader != nil, e.writer != nil
}

// echoServer accepts one connection and echoes it until EOF; it returns
// how many bytes it echoed.
func echoServer(l *Loop, lfd int) *Task[int] {
	return CreateTask(l, Async(func() (int, error) {
		acc, err := Await(l.SockAccept(lfd))
		if err != nil {
			return 0, err
		}
		defer closeFD(acc.FD)
		if _, ok := acc.Addr.(*unix.SockaddrInet4); ok {
			if err := setNoDelay(acc.FD); err != nil {
				return 0, err
			}
		}
		total := 0
		for {
			data, err := Await(l.SockRecv(acc.FD, 4096))
			if err != nil || len(data) == 0 {
				return total, err
			}
			if _, err := Await(l.SockSendall(acc.FD, data)); err != nil {
				return total, err
			}
			total += len(data)
		}
	}))
}

// echoRoundTrip connects to a fresh echo server on network and checks
// that every message comes back; it leaves nothing watched behind.
func echoRoundTrip(l *Loop, network, addr string) error {
	lfd, sa, err := Listen(network, addr, 0)
	if err != nil {
		return err
	}
	defer closeFD(lfd)
	server := echoServer(l, lfd)
	fd, err := NewSocket(sockaddrFamily(sa), unix.SOCK_STREAM)
	if err != nil {
		return err
	}
	defer closeFD(fd)
	if _, err := Await(l.SockConnect(fd, sa)); err != nil {
		return err
	}
	if network != "unix" {
		// Without it, Nagle's algorithm and delayed ACKs cost 40 ms a round.
		if err := setNoDelay(fd); err != nil {
			return err
		}
	}
	sent := 0
	for i := range 10 {
		msg := []byte(fmt.Sprintf("ping %d %s", i, strings.Repeat("x", i*1000)))
		if _, err := Await(l.SockSendall(fd, msg)); err != nil {
			return err
		}
		sent += len(msg)
		var got []byte
		for len(got) < len(msg) {
			data, err := Await(l.SockRecv(fd, 1500))
			if err != nil {
				return err
			}
			if len(data) == 0 {
				return errors.New("unexpected EOF from the echo server")
			}
			got = append(got, data...)
		}
		if !bytes.Equal(got, msg) {
			return fmt.Errorf("echo %d: got %d bytes, want %d", i, len(got), len(msg))
		}
	}
	if err := unix.Shutdown(fd, unix.SHUT_WR); err != nil {
		return err
	}
	n, err := Await(server)
	if err != nil || n != sent {
		return fmt.Errorf("server echoed %d bytes (err %v), want %d", n, err, sent)
	}
	if data, err := Await(l.SockRecv(fd, 10)); err != nil || len(data) != 0 {
		return fmt.Errorf("after the server closed: %q, %v; want EOF", data, err)
	}
	if l.fds.Len() != 0 {
		return fmt.Errorf("loop still watches %d fds", l.fds.Len())
	}
	return nil
}

func TestSockEchoRoundTrip(t *testing.T) {
	for _, b := range backends {
		for _, nw := range []string{"tcp4", "unix"} {
			t.Run(b.name+"/"+nw, func(t *testing.T) {
				addr := "127.0.0.1:0"
				if nw == "unix" {
					addr = t.TempDir() + "/echo.sock"
				}
				s, err := b.new()
				if err != nil {
					t.Fatal(err)
				}
				runSock(t, func(l *Loop) error { return echoRoundTrip(l, nw, addr) }, WithSelector(s))
			})
		}
	}
}

func TestSockEchoLeaksNoFDs(t *testing.T) {
	dir := t.TempDir()
	leakcheck.Check(t)
	runSock(t, func(l *Loop) error {
		if err := echoRoundTrip(l, "tcp4", "127.0.0.1:0"); err != nil {
			return err
		}
		return echoRoundTrip(l, "unix", dir+"/leak.sock")
	})
}

func TestSockSendallWaitsForWritability(t *testing.T) {
	const size = 8 << 20
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i % 251)
	}
	runSock(t, func(l *Loop) error {
		a, b, err := tcpPair(l)
		if err != nil {
			return err
		}
		defer closeFD(a)
		defer closeFD(b)
		send := CreateTask(l, l.SockSendall(a, data))
		buf := make([]byte, 16<<10)
		got, sawWriter := 0, false
		for got < size {
			if _, w := watched(l, a); w {
				sawWriter = true
			}
			n, err := Await(l.SockRecvInto(b, buf))
			if err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("EOF after %d bytes", got)
			}
			if !bytes.Equal(buf[:n], data[got:got+n]) {
				return fmt.Errorf("bytes %d..%d differ", got, got+n)
			}
			got += n
			Await(Sleep(0)) // read slowly: let the sender run in between
		}
		if _, err := Await(send); err != nil {
			return err
		}
		if !sawWriter {
			return errors.New("SockSendall never waited for writability")
		}
		if r, w := watched(l, a); r || w {
			return errors.New("writer still registered after SockSendall completed")
		}
		return nil
	})
}

func TestSockRecvReturnsEmptyAtEOF(t *testing.T) {
	for _, pending := range []bool{false, true} {
		t.Run(fmt.Sprintf("pending=%v", pending), func(t *testing.T) {
			a, b := pair(t)
			runSock(t, func(l *Loop) error {
				if pending {
					l.CallSoon(func() { unix.Shutdown(b, unix.SHUT_WR) })
				} else {
					unix.Shutdown(b, unix.SHUT_WR)
				}
				data, err := Await(l.SockRecv(a, 100))
				if err != nil || data == nil || len(data) != 0 {
					return fmt.Errorf("got %q (nil: %v), %v; want empty", data, data == nil, err)
				}
				n, err := Await(l.SockRecvInto(a, make([]byte, 10)))
				if err != nil || n != 0 {
					return fmt.Errorf("SockRecvInto got %d, %v; want 0", n, err)
				}
				return nil
			})
		})
	}
}

// reset closes fd with SO_LINGER 0, which makes the kernel send RST.
func reset(fd int) {
	unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
	unix.Close(fd)
}

func TestSockRecvPeerResetIsECONNRESET(t *testing.T) {
	for _, pending := range []bool{false, true} {
		t.Run(fmt.Sprintf("pending=%v", pending), func(t *testing.T) {
			runSock(t, func(l *Loop) error {
				a, b, err := tcpPair(l)
				if err != nil {
					return err
				}
				defer closeFD(a)
				if pending {
					l.CallSoon(func() { reset(b) })
				} else {
					reset(b)
				}
				_, err = Await(l.SockRecv(a, 100))
				var se *os.SyscallError
				if !errors.Is(err, unix.ECONNRESET) || !errors.As(err, &se) || se.Syscall != "read" {
					return fmt.Errorf("got %v; want read: ECONNRESET", err)
				}
				if r, _ := watched(l, a); r {
					return errors.New("reader left registered after the error")
				}
				return nil
			})
		})
	}
}

func TestSockConnectRefused(t *testing.T) {
	runSock(t, func(l *Loop) error {
		// A bound socket that does not listen answers SYN with RST, and
		// keeps the port ours so no one else can start listening on it.
		bound, err := NewSocket(unix.AF_INET, unix.SOCK_STREAM)
		if err != nil {
			return err
		}
		defer closeFD(bound)
		if err := unix.Bind(bound, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			return err
		}
		sa, err := unix.Getsockname(bound)
		if err != nil {
			return err
		}
		fd, err := NewSocket(unix.AF_INET, unix.SOCK_STREAM)
		if err != nil {
			return err
		}
		defer closeFD(fd)
		_, err = Await(l.SockConnect(fd, sa))
		var oe *net.OpError
		if !errors.Is(err, unix.ECONNREFUSED) || !errors.As(err, &oe) || oe.Op != "connect" {
			return fmt.Errorf("got %v; want a connect *net.OpError with ECONNREFUSED", err)
		}
		if want := "connect tcp4 " + SockaddrString(sa); !strings.HasPrefix(err.Error(), want) {
			return fmt.Errorf("error %q does not start with %q", err, want)
		}
		if _, w := watched(l, fd); w {
			return errors.New("writer left registered after the error")
		}
		return nil
	})
}

func TestSockConnectNilAddressFails(t *testing.T) {
	runSock(t, func(l *Loop) error {
		fd, err := NewSocket(unix.AF_INET, unix.SOCK_STREAM)
		if err != nil {
			return err
		}
		defer closeFD(fd)
		if _, err := Await(l.SockConnect(fd, nil)); !errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("got %v; want EINVAL", err)
		}
		return nil
	})
}

func TestSockConnectUnixMissingPathIsENOENT(t *testing.T) {
	path := t.TempDir() + "/nobody.sock"
	runSock(t, func(l *Loop) error {
		fd, err := NewSocket(unix.AF_UNIX, unix.SOCK_STREAM)
		if err != nil {
			return err
		}
		defer closeFD(fd)
		_, err = Await(l.SockConnect(fd, &unix.SockaddrUnix{Name: path}))
		if !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("got %v; want ENOENT", err)
		}
		return nil
	})
}

func TestSockAcceptReturnsNonblockingCloexecFD(t *testing.T) {
	runSock(t, func(l *Loop) error {
		a, b, err := tcpPair(l)
		if err != nil {
			return err
		}
		defer closeFD(a)
		defer closeFD(b)
		if nb, err := isNonblocking(b); err != nil || !nb {
			return fmt.Errorf("accepted fd non-blocking: %v, %v", nb, err)
		}
		fl, err := unix.FcntlInt(uintptr(b), unix.F_GETFD, 0)
		if err != nil || fl&unix.FD_CLOEXEC == 0 {
			return fmt.Errorf("accepted fd flags %#x, %v; want FD_CLOEXEC", fl, err)
		}
		return nil
	})
}

// fillSocket writes to fd until the kernel buffers are full, so that the
// next send has to wait.
func fillSocket(t testing.TB, fd int) {
	t.Helper()
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, 4096)
	junk := make([]byte, 64<<10)
	for {
		if _, err := writeFD(fd, junk); err != nil {
			if isAgain(err) {
				return
			}
			t.Fatal(err)
		}
	}
}

func TestSockCancelRemovesHandlerAndFDStillWorks(t *testing.T) {
	ops := []struct {
		name  string
		write bool
		start func(t *testing.T, l *Loop, a, b int) AnyTask
		after func(l *Loop, a, b int) error // the fd must still work
	}{
		{"SockRecv", false,
			func(_ *testing.T, l *Loop, a, _ int) AnyTask { return CreateTask(l, l.SockRecv(a, 10)) },
			checkRecvWorks},
		{"SockRecv awaited by a coroutine", false,
			func(_ *testing.T, l *Loop, a, _ int) AnyTask {
				return CreateTask(l, Async(func() ([]byte, error) { return Await(l.SockRecv(a, 10)) }))
			},
			checkRecvWorks},
		{"SockRecvInto", false,
			func(_ *testing.T, l *Loop, a, _ int) AnyTask {
				return CreateTask(l, l.SockRecvInto(a, make([]byte, 10)))
			},
			checkRecvWorks},
		{"SockSendall", true,
			func(t *testing.T, l *Loop, a, _ int) AnyTask {
				fillSocket(t, a)
				return CreateTask(l, l.SockSendall(a, []byte("more")))
			},
			func(l *Loop, a, b int) error {
				// Drain what fillSocket left, then the fd sends again.
				buf := make([]byte, 64<<10)
				for {
					if _, err := readFD(b, buf); isAgain(err) {
						break
					}
				}
				_, err := Await(l.SockSendall(a, []byte("ok")))
				return err
			}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			a, b := pair(t)
			runSock(t, func(l *Loop) error {
				task := op.start(t, l, a, b)
				Await(Sleep(0)) // the task starts and waits
				if r, w := watched(l, a); r == op.write || w != op.write {
					return fmt.Errorf("before cancel: reader %v, writer %v", r, w)
				}
				task.Cancel()
				if _, err := Await(waitDone(l, task)); err != nil {
					return err
				}
				if !task.Cancelled() {
					return fmt.Errorf("task not cancelled: %v", task.Exception())
				}
				if _, ok := l.fds.Get(a); ok {
					return errors.New("the loop still watches the fd after cancellation")
				}
				return op.after(l, a, b)
			})
		})
	}
}

func checkRecvWorks(l *Loop, a, b int) error {
	l.CallSoon(func() { writeFD(b, []byte("hello")) })
	data, err := Await(l.SockRecv(a, 10))
	if err != nil || string(data) != "hello" {
		return fmt.Errorf("after cancel: %q, %v", data, err)
	}
	return nil
}

// waitDone returns a future completed when f is done, whatever its
// outcome, so a test can wait for a cancelled task without failing.
func waitDone(l *Loop, f AnyFuture) *Future[Void] {
	done := NewFuture[Void](l)
	f.base().addCallback(funcCallback(func() { done.SetResult(Void{}) }))
	return done
}

func TestSockAcceptCancelRemovesReader(t *testing.T) {
	runSock(t, func(l *Loop) error {
		lfd, sa, err := Listen("tcp4", "127.0.0.1:0", 0)
		if err != nil {
			return err
		}
		defer closeFD(lfd)
		task := CreateTask(l, l.SockAccept(lfd))
		Await(Sleep(0))
		task.Cancel()
		Await(waitDone(l, task))
		if !task.Cancelled() || l.fdsGet(lfd) != nil {
			return fmt.Errorf("cancelled %v, still watched %v", task.Cancelled(), l.fdsGet(lfd) != nil)
		}
		server := echoServer(l, lfd) // the listener still accepts
		fd, err := NewSocket(unix.AF_INET, unix.SOCK_STREAM)
		if err != nil {
			return err
		}
		if _, err := Await(l.SockConnect(fd, sa)); err != nil {
			return err
		}
		closeFD(fd)
		_, err = Await(server)
		return err
	})
}

func TestSockSecondWaiterOnSameFDFailsWithErrFDBusy(t *testing.T) {
	a, b := pair(t)
	runSock(t, func(l *Loop) error {
		first := CreateTask(l, l.SockRecv(a, 10))
		Await(Sleep(0))
		_, err := Await(l.SockRecv(a, 10))
		if !errors.Is(err, ErrFDBusy) {
			return fmt.Errorf("second SockRecv: %v; want ErrFDBusy", err)
		}
		writeFD(b, []byte("first"))
		data, err := Await(first)
		if err != nil || string(data) != "first" {
			return fmt.Errorf("first SockRecv: %q, %v", data, err)
		}
		return nil
	})
}

func TestSockReadAndWriteMayWaitOnTheSameFD(t *testing.T) {
	a, b := pair(t)
	fillSocket(t, a)
	runSock(t, func(l *Loop) error {
		recv := CreateTask(l, l.SockRecv(a, 10))
		send := CreateTask(l, l.SockSendall(a, []byte("x")))
		Await(Sleep(0))
		if r, w := watched(l, a); !r || !w {
			return fmt.Errorf("reader %v, writer %v; want both", r, w)
		}
		writeFD(b, []byte("hi"))
		if data, err := Await(recv); err != nil || string(data) != "hi" {
			return fmt.Errorf("recv: %q, %v", data, err)
		}
		if r, w := watched(l, a); r || !w {
			return fmt.Errorf("after recv: reader %v, writer %v; want the writer only", r, w)
		}
		send.Cancel()
		Await(waitDone(l, send))
		if l.fdsGet(a) != nil {
			return errors.New("fd still watched")
		}
		return nil
	})
}

func TestSockOpOnAnotherLoopFails(t *testing.T) {
	a, _ := pair(t)
	other, err := NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	runSock(t, func(l *Loop) error {
		_, err := Await(other.SockRecv(a, 1))
		var re *RuntimeError
		if !errors.As(err, &re) {
			return fmt.Errorf("got %v; want a RuntimeError", err)
		}
		return nil
	})
}

func TestSockDebugModeRejectsBlockingFD(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0) // blocking
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	runSock(t, func(l *Loop) error {
		_, err := Await(l.SockRecv(fds[0], 1))
		if err == nil || !strings.Contains(err.Error(), "non-blocking") {
			return fmt.Errorf("got %v; want a non-blocking error", err)
		}
		return nil
	}, WithDebug(true))
}

func TestSockRecvSizes(t *testing.T) {
	a, b := pair(t)
	runSock(t, func(l *Loop) error {
		if data, err := Await(l.SockRecv(a, 0)); err != nil || len(data) != 0 {
			return fmt.Errorf("SockRecv(0): %q, %v", data, err)
		}
		if n, err := Await(l.SockRecvInto(a, nil)); err != nil || n != 0 {
			return fmt.Errorf("SockRecvInto(nil): %d, %v", n, err)
		}
		if _, err := Await(l.SockRecv(a, -1)); err == nil {
			return errors.New("SockRecv(-1) did not fail")
		}
		if _, err := Await(l.SockSendall(a, nil)); err != nil {
			return err
		}
		writeFD(b, []byte("abcdef"))
		if data, err := Await(l.SockRecv(a, 4)); err != nil || string(data) != "abcd" {
			return fmt.Errorf("SockRecv(4): %q, %v", data, err)
		}
		return nil
	})
}

// startOp sends into op as a task would, and fails unless it waits.
// The host task lends its Ctx and is then run to completion, so that the
// loop closes with no pending task.
func startOp[T any](t *testing.T, l *Loop, op Coro[T]) {
	t.Helper()
	host := CreateTask(l, Async(func() (Void, error) { return Void{}, nil }))
	y := op.Send(&host.ctx)
	if err := l.RunUntilComplete(host); err != nil {
		t.Fatal(err)
	}
	if y.kind != yieldFuture {
		t.Fatalf("op did not wait: %+v", y)
	}
}

func TestSockCloseAndThrowRemoveTheReader(t *testing.T) {
	for _, how := range []string{"Close", "Throw"} {
		t.Run(how, func(t *testing.T) {
			a, _ := pair(t)
			l, err := NewLoop()
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			op := l.SockRecv(a, 10)
			startOp(t, l, op)
			if r, _ := watched(l, a); !r {
				t.Fatal("not watching after the first Send")
			}
			boom := errors.New("boom")
			if how == "Close" {
				op.Close()
			} else if y := op.Throw(nil, boom); !y.Done() {
				t.Fatal("Throw did not finish the operation")
			}
			if l.fdsGet(a) != nil {
				t.Fatal("still watching the fd")
			}
			if _, err := op.Result(); err == nil || (how == "Throw" && err != boom) {
				t.Fatalf("Result: %v", err)
			}
		})
	}
}
