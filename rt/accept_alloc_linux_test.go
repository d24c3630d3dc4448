//go:build linux && !386 && !s390x

package rt

import (
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// An accept allocates only the peer's address: a readiness event's last
// accept, which finds no connection (EAGAIN), allocates nothing, so a
// server that accepts many short connections makes no garbage per
// accept beyond the connection's own.
func TestAcceptAllocatesOnlyThePeerAddress(t *testing.T) {
	ln, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(ln)
	if err := unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(ln, 16); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() {
		if _, _, err := acceptFD(ln); err != unix.EAGAIN {
			t.Fatalf("accept with no connection: %v, want EAGAIN", err)
		}
	}); n != 0 {
		t.Errorf("an accept that finds no connection makes %v allocations, want 0", n)
	}
	sa, err := unix.Getsockname(ln)
	if err != nil {
		t.Fatal(err)
	}
	// AllocsPerRun(runs) calls the func runs+1 times: one connection each.
	const runs = 2
	want := map[string]bool{}
	for range runs + 1 {
		c, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(c)
		if err := unix.Connect(c, sa); err != nil {
			t.Fatal(err)
		}
		local, err := unix.Getsockname(c)
		if err != nil {
			t.Fatal(err)
		}
		want[SockaddrString(local)] = true
	}
	got := make([]unix.Sockaddr, 0, runs+1)
	if n := testing.AllocsPerRun(runs, func() {
		nfd, peer, err := acceptFD(ln)
		if err != nil {
			t.Fatalf("accept: %v", err)
		}
		got = append(got, peer)
		if fl, err := unix.FcntlInt(uintptr(nfd), unix.F_GETFL, 0); err != nil || fl&unix.O_NONBLOCK == 0 {
			t.Errorf("the accepted fd is not non-blocking (flags %#x, %v)", fl, err)
		}
		if fl, err := unix.FcntlInt(uintptr(nfd), unix.F_GETFD, 0); err != nil || fl&unix.FD_CLOEXEC == 0 {
			t.Errorf("the accepted fd is not close-on-exec (flags %#x, %v)", fl, err)
		}
		unix.Close(nfd)
	}); n > 1 {
		t.Errorf("an accept makes %v allocations, want 1 (the peer's address)", n)
	}
	for _, peer := range got {
		if !want[SockaddrString(peer)] {
			t.Errorf("an accepted peer is %s, not one of the clients %v", SockaddrString(peer), want)
		}
	}
}

// The accepted peer's address is the client's, in every family a stream
// server listens on: IPv6 with its port, a Unix client bound to a path,
// one bound to an abstract name, and an unnamed one ("").
func TestAcceptedPeerAddresses(t *testing.T) {
	dir := t.TempDir()
	pid := strconv.Itoa(os.Getpid())
	cases := []struct {
		name         string
		family       int
		listen, bind unix.Sockaddr
	}{
		{"IPv6", unix.AF_INET6, &unix.SockaddrInet6{Addr: [16]byte{15: 1}}, &unix.SockaddrInet6{Addr: [16]byte{15: 1}}},
		{"unix path", unix.AF_UNIX, &unix.SockaddrUnix{Name: dir + "/srv"}, &unix.SockaddrUnix{Name: dir + "/cli"}},
		// Abstract names are shared by every process of the network
		// namespace: the pid keeps two runs of this test apart.
		{"unix abstract", unix.AF_UNIX, &unix.SockaddrUnix{Name: "@asyncgen-test-srv-" + pid}, &unix.SockaddrUnix{Name: "@asyncgen-test-cli-" + pid}},
		{"unix unnamed", unix.AF_UNIX, &unix.SockaddrUnix{Name: dir + "/srv2"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := unix.Socket(tc.family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Skipf("no %s sockets here: %v", tc.name, err) // an IPv6-less machine
			}
			defer unix.Close(ln)
			if err := unix.Bind(ln, tc.listen); err != nil {
				t.Skipf("cannot bind %s here: %v", tc.name, err) // no ::1
			}
			if err := unix.Listen(ln, 4); err != nil {
				t.Fatal(err)
			}
			sa, err := unix.Getsockname(ln)
			if err != nil {
				t.Fatal(err)
			}
			c, err := unix.Socket(tc.family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(c)
			if tc.bind != nil {
				if err := unix.Bind(c, tc.bind); err != nil {
					t.Fatal(err)
				}
			}
			if err := unix.Connect(c, sa); err != nil {
				t.Fatal(err)
			}
			want := ""
			if tc.bind != nil {
				local, err := unix.Getsockname(c)
				if err != nil {
					t.Fatal(err)
				}
				want = SockaddrString(local)
			}
			nfd, peer, err := acceptFD(ln)
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(nfd)
			if got := SockaddrString(peer); got != want {
				t.Errorf("accepted peer %q, want %q", got, want)
			}
		})
	}
}
