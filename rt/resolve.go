package rt

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Address resolution for the loop's connection and server methods. IP
// literals, "localhost" and the empty host are turned into socket addresses
// at once; any other host name is looked up on the loop's executor, so DNS
// never blocks the loop (asyncio's getaddrinfo in run_in_executor).

// resolveAddrs returns a future of every socket address that addr
// ("host:port") stands for on network ("tcp", "tcp4", "tcp6", "udp",
// "udp4", "udp6"), in the resolver's order. passive means the addresses
// are for listening: the empty host is every interface (0.0.0.0 and ::
// for "tcp"). The future is already done unless a lookup is needed.
func resolveAddrs(l *Loop, network, addr string, passive bool) *Future[[]unix.Sockaddr] {
	f := NewFuture[[]unix.Sockaddr](l)
	want4, want6, err := families(network)
	if err != nil {
		f.SetException(err)
		return f
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		f.SetException(err)
		return f
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		if port, err = lookupPort(network, portStr); err != nil {
			f.SetException(&net.AddrError{Err: "invalid port", Addr: addr})
			return f
		}
	}
	var ips []netip.Addr
	switch host {
	case "":
		if passive {
			ips = []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}
		} else {
			ips = []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}
		}
	case "localhost":
		ips = []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}
	default:
		if ip, perr := netip.ParseAddr(host); perr == nil {
			ips = []netip.Addr{ip}
		}
	}
	if ips != nil {
		setAddrs(f, host, ips, int(port), want4, want6)
		return f
	}
	look := RunInExecutor(l, func() ([]netip.Addr, error) {
		return net.DefaultResolver.LookupNetIP(context.Background(), "ip", host)
	})
	look.AddDoneCallback(func(look *Future[[]netip.Addr]) {
		if f.Done() {
			return
		}
		ips, err := look.Result()
		if err != nil {
			f.SetException(err)
			return
		}
		setAddrs(f, host, ips, int(port), want4, want6)
	})
	f.AddDoneCallback(func(f *Future[[]unix.Sockaddr]) {
		if f.Cancelled() {
			look.Cancel()
		}
	})
	return f
}

func lookupPort(network, service string) (uint64, error) {
	// Service names come from /etc/services, a local file: no network.
	p, err := net.LookupPort(strings.TrimRight(network, "46"), service)
	return uint64(p), err
}

func families(network string) (want4, want6 bool, err error) {
	switch network {
	case "tcp", "udp":
		return true, true, nil
	case "tcp4", "udp4":
		return true, false, nil
	case "tcp6", "udp6":
		return false, true, nil
	}
	return false, false, net.UnknownNetworkError(network)
}

func setAddrs(f *Future[[]unix.Sockaddr], host string, ips []netip.Addr, port int, want4, want6 bool) {
	var out []unix.Sockaddr
	seen := make(map[netip.Addr]bool, len(ips))
	for _, ip := range ips {
		if ip.Is4In6() {
			ip = ip.Unmap()
		}
		if seen[ip] {
			continue
		}
		seen[ip] = true
		switch {
		case ip.Is4() && want4:
			out = append(out, &unix.SockaddrInet4{Port: port, Addr: ip.As4()})
		case ip.Is6() && want6:
			sa := &unix.SockaddrInet6{Port: port, Addr: ip.As16()}
			if z := ip.Zone(); z != "" {
				idx, err := zoneIndex(z)
				if err != nil {
					continue
				}
				sa.ZoneId = idx
			}
			out = append(out, sa)
		}
	}
	if len(out) == 0 {
		f.SetException(&net.AddrError{Err: "no suitable address", Addr: host})
		return
	}
	f.SetResult(out)
}

// interleaveFamilies reorders addresses so the families alternate, the
// first address's family first (RFC 8305 section 4).
func interleaveFamilies(sas []unix.Sockaddr) []unix.Sockaddr {
	if len(sas) < 2 {
		return sas
	}
	first := sockaddrFamily(sas[0])
	var a, b []unix.Sockaddr
	for _, sa := range sas {
		if sockaddrFamily(sa) == first {
			a = append(a, sa)
		} else {
			b = append(b, sa)
		}
	}
	out := make([]unix.Sockaddr, 0, len(sas))
	for len(a) > 0 || len(b) > 0 {
		if len(a) > 0 {
			out, a = append(out, a[0]), a[1:]
		}
		if len(b) > 0 {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// ConnectErrors is the error of a connection attempt that tried several
// addresses and failed on all of them. Its text is the first error's (the
// one asyncio would keep), and errors.Is and errors.As see every error.
type ConnectErrors struct{ Errs []error }

// Error returns the first error's text and how many other addresses failed.
func (e *ConnectErrors) Error() string {
	return e.Errs[0].Error() + " (and " + strconv.Itoa(len(e.Errs)-1) + " other addresses failed)"
}

// Unwrap returns every error, first one first.
func (e *ConnectErrors) Unwrap() []error { return e.Errs }

func joinConnectErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return errors.New("rt: no address to connect to")
	case 1:
		return errs[0]
	}
	return &ConnectErrors{Errs: errs}
}
