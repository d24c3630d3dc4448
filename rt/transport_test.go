package rt_test

import (
	"bytes"
	"errors"
	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
	"golang.org/x/sys/unix"
)

// An echo over Protocols on real loopback sockets: the client sends, the
// server echoes, the client half-closes, the server (EOFReceived false)
// closes, the client sees EOF and then ConnectionLost(nil), each once and
// in that order.
func TestTransportEchoAndHalfClose(t *testing.T) {
	leakcheck.Check(t)
	for _, network := range []string{"tcp4", "tcp6"} {
		t.Run(network, func(t *testing.T) {
			host := "127.0.0.1:0"
			if network == "tcp6" {
				if !hasIPv6() {
					// Some containers have no IPv6 at all.
					t.Skip("no IPv6 loopback on this machine")
				}
				host = "[::1]:0"
			}
			runMain(t, func(l *rt.Loop) error {
				srv, conns, err := serve(l, network, host, func(r *recorder) { r.echo = true })
				if err != nil {
					return err
				}
				addr := srv.Addrs()[0].String()
				c, err := dial(l, network, addr)
				if err != nil {
					return err
				}
				if got := c.events; !slices.Equal(got, []string{"made"}) {
					t.Errorf("after CreateConnection: events %v, want [made]", got)
				}
				msg := []byte(strings.Repeat("hello, transport ", 1000))
				c.t.Write(msg)
				if err := until(c.waitFor(len(msg)), "the echo"); err != nil {
					return err
				}
				if !bytes.Equal(c.data.Bytes(), msg) {
					t.Errorf("echo differs: %d bytes back, want %d", c.data.Len(), len(msg))
				}
				if err := c.t.WriteEOF(); err != nil {
					return err
				}
				if err := c.t.Write([]byte("x")); !errors.Is(err, rt.ErrWriteAfterEOF) {
					t.Errorf("Write after WriteEOF: %v, want ErrWriteAfterEOF", err)
				}
				if err := until(c.lost, "client ConnectionLost"); err != nil {
					return err
				}
				s := (*conns)[0]
				if err := until(s.lost, "server ConnectionLost"); err != nil {
					return err
				}
				want := []string{"made", "data", "eof", "lost"}
				if !slices.Equal(c.events, want) || !slices.Equal(s.events, want) {
					t.Errorf("events: client %v, server %v, want %v", c.events, s.events, want)
				}
				if c.lostErr != nil || s.lostErr != nil {
					t.Errorf("ConnectionLost errors: client %v, server %v, want nil", c.lostErr, s.lostErr)
				}
				peer := s.t.GetExtraInfo("peername").(net.Addr)
				local := c.t.GetExtraInfo("sockname")
				if local == nil || peer.String() != local.(net.Addr).String() {
					t.Errorf("server's peername %v is not the client's sockname %v", peer, local)
				}
				if fd := c.t.GetExtraInfo("socket"); fd != -1 {
					t.Errorf("socket after close: %v, want -1", fd)
				}
				srv.Close()
				_, err = rt.Await(srv.WaitClosed())
				return err
			})
		})
	}
}

func hasIPv6() bool {
	fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_STREAM, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	return unix.Bind(fd, &unix.SockaddrInet6{Addr: [16]byte{15: 1}}) == nil
}

// An accepted connection's sockname is the client's peername whatever the
// listener is bound to: a wildcard address (each connection's own), a
// specific one (shared by every connection of the listener) or a Unix
// path; and it stays known after the connection is closed.
func TestAcceptedSocknameIsTheClientsPeername(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ network, addr string }{
		{"tcp4", "0.0.0.0:0"},
		{"tcp4", "127.0.0.1:0"},
		{"unix", dir + "/s.sock"},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			runMain(t, func(l *rt.Loop) error {
				var srv *rt.Server
				var conns *[]*recorder
				var err error
				if tc.network == "unix" {
					var cs []*recorder
					conns = &cs
					srv, err = rt.Await(l.CreateUnixServer(func() rt.StreamProtocol {
						r := newRecorder(l)
						cs = append(cs, r)
						return r
					}, tc.addr))
				} else {
					srv, conns, err = serve(l, tc.network, tc.addr, nil)
				}
				if err != nil {
					return err
				}
				defer srv.Close()
				target := srv.Addrs()[0].String()
				if tc.network != "unix" {
					_, port, _ := net.SplitHostPort(target)
					target = net.JoinHostPort("127.0.0.1", port)
				}
				for i := range 2 {
					c := newRecorder(l)
					if tc.network == "unix" {
						_, err = rt.Await(l.CreateUnixConnection(func() rt.StreamProtocol { return c }, tc.addr))
					} else {
						_, err = rt.Await(l.CreateConnection(func() rt.StreamProtocol { return c }, tc.network, target))
					}
					if err != nil {
						return err
					}
					// The accept runs when the loop next polls.
					for n := 0; len(*conns) <= i; n++ {
						if n == 10000 {
							return errors.New("the server did not accept the connection")
						}
						if _, err := rt.Await(rt.Sleep(time.Millisecond)); err != nil {
							return err
						}
					}
					if err := until((*conns)[i].made, "the accepted connection"); err != nil {
						return err
					}
					s := (*conns)[i]
					want := c.t.GetExtraInfo("peername").(net.Addr).String()
					s.t.Close()
					c.t.Close()
					if err := until(s.lost, "server ConnectionLost"); err != nil {
						return err
					}
					got, ok := s.t.GetExtraInfo("sockname").(net.Addr)
					if !ok || got.String() != want || got.Network() != c.t.GetExtraInfo("peername").(net.Addr).Network() {
						t.Errorf("connection %d: sockname %v, want the client's peername %v", i, got, want)
					}
				}
				return nil
			})
		})
	}
}
