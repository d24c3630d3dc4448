// Command fetch is an HTTP client on asyncgen's streams: it makes many
// concurrent GET requests to one URL and prints how they went and a
// small latency histogram. The requests are tasks of one TaskGroup,
// bounded by a Semaphore, each under its own WaitFor timeout, and Gather
// collects their results.
//
//	go run ./examples/http -addr 127.0.0.1:8080 &
//	go run ./examples/fetch -url http://127.0.0.1:8080/hello -n 1000 -c 50 -timeout 1s
package main

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// parseTarget turns an http:// URL into what a request needs.
func parseTarget(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, err
	}
	if u.Scheme != "http" || u.Host == "" {
		return target{}, errors.New("need an http:// URL with a host (no TLS here)")
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	return target{addr: addr, host: u.Host, path: u.RequestURI()}, nil
}

func main() {
	rawURL := flag.String("url", "http://127.0.0.1:8080/hello", "URL to GET (http only)")
	n := flag.Int("n", 200, "number of requests")
	c := flag.Int("c", 20, "requests at a time")
	timeout := flag.Duration("timeout", 2*time.Second, "timeout of each request")
	flag.Parse()
	t, err := parseTarget(*rawURL)
	if err == nil && (*n < 1 || *c < 1) {
		err = errors.New("-n and -c must be at least 1")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fetch:", err)
		os.Exit(2)
	}
	start := time.Now()
	rs, err := rt.Run(fetchAllAsync(t, *n, *c, *timeout))
	if err != nil {
		fmt.Fprintln(os.Stderr, "fetch:", err)
		os.Exit(1)
	}
	rep := summarise(rs)
	rep.print(os.Stdout, time.Since(start))
	if rep.ok == 0 {
		os.Exit(1)
	}
}
