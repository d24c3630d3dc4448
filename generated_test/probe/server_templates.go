package probe

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"

	"github.com/asyncgen/asyncgen/rt"
	"github.com/asyncgen/asyncgen/rt/streams"
)

// upper answers each line in upper case until EOF.
//
//asyncgen:coroutine
func upper(r *streams.StreamReader, w *streams.StreamWriter) error {
	defer w.Close()
	for {
		line, err := rt.Await(r.ReadLine())
		if err != nil || len(line) == 0 {
			return err
		}
		for i, c := range line {
			if 'a' <= c && c <= 'z' {
				line[i] = c - 32
			}
		}
		w.Write(line)
		if _, err := rt.Await(w.Drain()); err != nil {
			return err
		}
	}
}

//asyncgen:coroutine
func ask(s streams.Stream, line string) (string, error) {
	s.Writer.Write([]byte(line + "\n"))
	rt.Must(s.Writer.Drain())
	got, err := rt.Await(s.Reader.ReadLine())
	return string(got), err
}

//asyncgen:coroutine
func pAddrInUse() (string, error) {
	srv := rt.Must(streams.StartServer(upperAsync, "tcp", "127.0.0.1:0"))
	defer srv.Close()
	addr := srv.Addrs()[0].String()
	_, err := rt.Await(streams.StartServer(upperAsync, "tcp", addr))
	srv.Close()
	rt.Must(srv.WaitClosed())
	_, cerr := rt.Await(streams.OpenConnection("tcp", addr))
	return fmt.Sprintf("inuse:%v refused:%v", errors.Is(err, syscall.EADDRINUSE), errors.Is(cerr, syscall.ECONNREFUSED)), nil
}

//asyncgen:coroutine
func pIPv6() (string, error) {
	srv := rt.Must(streams.StartServer(upperAsync, "tcp6", "[::1]:0"))
	defer srv.Close()
	s := rt.Must(streams.OpenConnection("tcp", srv.Addrs()[0].String()))
	defer s.Writer.Close()
	got := rt.Must(askAsync(s, "six"))
	return fmt.Sprintf("%s %v", got, s.Writer.GetExtraInfo("peername")), nil
}

//asyncgen:coroutine
func pUnixStale(dir string) (string, error) {
	path := dir + "/s.sock"
	ln, err := net.Listen("unix", path)
	if err != nil {
		return "", err
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // leaves a stale socket file
	srv, err := rt.Await(streams.StartUnixServer(upperAsync, path))
	if err != nil {
		return "", fmt.Errorf("over a stale file: %w", err)
	}
	s := rt.Must(streams.OpenUnixConnection(path))
	got := rt.Must(askAsync(s, "unix"))
	_, err2 := rt.Await(streams.StartUnixServer(upperAsync, path))
	s.Writer.Close()
	rt.Must(s.Writer.WaitClosed())
	srv.Close()
	rt.Must(srv.WaitClosed())
	_, statErr := os.Stat(path)
	reg := dir + "/regular"
	os.WriteFile(reg, []byte("x"), 0o600) //asyncvet:nonblocking a test on a temporary directory
	_, err3 := rt.Await(streams.StartUnixServer(upperAsync, reg))
	data, _ := os.ReadFile(reg) //asyncvet:nonblocking a test on a temporary directory
	return fmt.Sprintf("%s live:%v removed:%v regular:%v kept:%q", got,
		errors.Is(err2, syscall.EADDRINUSE), os.IsNotExist(statErr), errors.Is(err3, syscall.EADDRINUSE), data), nil
}

// pCloseWithClients closes the server with a client connected: the
// client is still served, WaitClosed waits for it, CloseClients ends it.
//
//asyncgen:coroutine
func pCloseWithClients() (string, error) {
	srv := rt.Must(streams.StartServer(upperAsync, "tcp", "127.0.0.1:0"))
	addr := srv.Addrs()[0].String()
	s := rt.Must(streams.OpenConnection("tcp", addr))
	a := rt.Must(askAsync(s, "one"))
	srv.Close()
	wc := srv.WaitClosed()
	b := rt.Must(askAsync(s, "two"))
	_, cerr := rt.Await(streams.OpenConnection("tcp", addr))
	beforeDone := wc.Done()
	srv.CloseClients()
	rest := rt.Must(s.Reader.Read(-1))
	rt.Must(wc)
	s.Writer.Close()
	rt.Must(s.Writer.WaitClosed())
	return fmt.Sprintf("%s %s refused:%v waitclosed-early:%v rest:%q serving:%v", a, b,
		errors.Is(cerr, syscall.ECONNREFUSED), beforeDone, rest, srv.IsServing()), nil
}

// pServeForeverCancelled cancels a ServeForever task.
//
//asyncgen:coroutine
func pServeForeverCancelled() (string, error) {
	srv := rt.Must(streams.StartServer(upperAsync, "tcp", "127.0.0.1:0", streams.WithServerOptions(rt.WithStartServing(false))))
	addr := srv.Addrs()[0].String()
	task := rt.CreateTask(rt.RunningLoop(), srv.ServeForever())
	rt.Must(rt.Sleep(0))
	s := rt.Must(streams.OpenConnection("tcp", addr))
	a := rt.Must(askAsync(s, "serve"))
	_, again := rt.Await(srv.ServeForever())
	task.Cancel()
	_, err := rt.Await(task)
	serving := srv.IsServing()
	b := rt.Must(askAsync(s, "still"))
	srv.AbortClients()
	_, rerr := rt.Await(s.Reader.Read(-1))
	s.Writer.Close()
	rt.Must(srv.WaitClosed())
	_, after := rt.Await(srv.ServeForever())
	return fmt.Sprintf("%s again:%v cancelled:%v serving:%v %s read:%v after:%v", a,
		errors.Is(again, rt.ErrAlreadyServing), errors.Is(err, rt.ErrCancelled), serving, b, rerr,
		errors.Is(after, rt.ErrServerClosed)), nil
}
