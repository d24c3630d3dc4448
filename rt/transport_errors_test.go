package rt_test

import (
	"errors"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"github.com/asyncgen/asyncgen/rt"
	"golang.org/x/sys/unix"
)

// checkConnError asserts that err is what Go's net reports for a failed
// read or write on a connection: a *net.OpError naming both ends (Source
// is ours, Addr the peer's) around the *os.SyscallError of the call, so
// that a log line says which connection failed and errors.Is still finds
// the errno.
func checkConnError(t *testing.T, err error, errno unix.Errno, network string, local, peer net.Addr) {
	t.Helper()
	if !errors.Is(err, errno) {
		t.Errorf("error %v, want one that is %v", err, errno)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) {
		t.Fatalf("error %v (%T) is not a *net.OpError", err, err)
	}
	var se *os.SyscallError
	if !errors.As(oe.Err, &se) {
		t.Fatalf("OpError.Err %v (%T) is not an *os.SyscallError", oe.Err, oe.Err)
	}
	wantOp := map[string]string{"read": "read", "recvfrom": "read", "write": "write", "writev": "write", "sendto": "write"}[se.Syscall]
	if wantOp == "" || oe.Op != wantOp {
		t.Errorf("Op %q around syscall %q, want %q", oe.Op, se.Syscall, wantOp)
	}
	if oe.Net != network {
		t.Errorf("Net %q, want %q", oe.Net, network)
	}
	if oe.Source == nil || oe.Source.String() != local.String() {
		t.Errorf("Source %v, want our address %v", oe.Source, local)
	}
	if peer == nil {
		if oe.Addr != nil {
			t.Errorf("Addr %v, want none", oe.Addr)
		}
	} else if oe.Addr == nil || oe.Addr.String() != peer.String() {
		t.Errorf("Addr %v, want the peer's address %v", oe.Addr, peer)
	}
}

// A peer's reset reaches ConnectionLost as a *net.OpError naming the
// connection, both when it is met by a read and when a write meets it.
func TestConnectionErrorNamesTheConnection(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pending bool // the server has output pending and is not reading when the reset comes
	}{{"Read", false}, {"Write", true}} {
		t.Run(tc.name, func(t *testing.T) {
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
				if tc.pending {
					s.t.Write(make([]byte, 8<<20))
					if s.t.GetWriteBufferSize() == 0 {
						t.Fatal("the socket took 8 MiB at once: nothing pending")
					}
					s.t.PauseReading() // so that the writer, not a read, meets the reset
				}
				local := s.t.GetExtraInfo("sockname").(net.Addr)
				remote := s.t.GetExtraInfo("peername").(net.Addr)
				if err := unix.SetsockoptLinger(peer.fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0}); err != nil {
					return err
				}
				peer.close()
				if err := until(s.lost, "ConnectionLost after the reset"); err != nil {
					return err
				}
				errno := unix.ECONNRESET
				if errors.Is(s.lostErr, unix.EPIPE) {
					errno = unix.EPIPE // a write may meet the reset as a broken pipe
				}
				checkConnError(t, s.lostErr, errno, "tcp4", local, remote)
				var se *os.SyscallError
				if errors.As(s.lostErr, &se) && (se.Syscall == "read") == tc.pending {
					t.Errorf("the reset was met by %s", se.Syscall)
				}
				want := "tcp4 " + local.String() + "->" + remote.String() + ": "
				if msg := s.lostErr.Error(); !strings.Contains(msg, want) {
					t.Errorf("message %q does not name the connection (%q)", msg, want)
				}
				return nil
			})
		})
	}
}

// An ICMP error on a connected datagram endpoint reaches ErrorReceived as
// a *net.OpError naming our address and the remote one.
func TestDatagramErrorNamesTheEndpoint(t *testing.T) {
	leakcheck.Check(t)
	runMain(t, func(l *rt.Loop) error {
		srv := newDgramRecorder(l)
		if err := endpoint(l, "udp4", srv, rt.WithDatagramLocalAddr("127.0.0.1:0")); err != nil {
			return err
		}
		saddr := srv.t.GetExtraInfo("sockname").(net.Addr)
		srv.t.Close()
		if err := until(srv.lost, "server ConnectionLost"); err != nil {
			return err
		}
		cl := newDgramRecorder(l)
		if err := endpoint(l, "udp4", cl, rt.WithDatagramRemoteAddr(saddr.String())); err != nil {
			return err
		}
		defer cl.t.Abort()
		ev := cl.event()
		cl.t.SendTo([]byte("anyone?"), nil)
		cl.t.SendTo([]byte("anyone?"), nil)
		if err := until(ev, "an error"); err != nil {
			return err
		}
		if len(cl.errs) == 0 {
			t.Fatal("no error received")
		}
		checkConnError(t, cl.errs[0], unix.ECONNREFUSED, "udp4", cl.t.GetExtraInfo("sockname").(net.Addr), saddr)
		return nil
	})
}
