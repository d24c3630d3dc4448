// Command http is an HTTP/1.1 server on asyncgen's streams: every
// connection is a coroutine (a generated state machine) that parses
// requests in the reader's buffer and answers them with keep-alive,
// pipelining, Content-Length and chunked request bodies, and 400, 404,
// 405, 413, 431, 501 and 505 for what it will not serve.
//
//	go run ./examples/http -addr 127.0.0.1:8080 -root .
//	curl -v http://127.0.0.1:8080/hello
//
// Routes: GET / and /hello say hello, POST /echo sends the body back,
// GET /static/<path> serves the file at <path> under -root. With
// -impl nethttp the same routes are served by net/http instead, to
// compare the two under a load generator such as wrk.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	cfg := config{}
	flag.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	flag.IntVar(&cfg.loops, "loops", 1, "event loops, one goroutine each, sharing the port with SO_REUSEPORT")
	flag.StringVar(&cfg.root, "root", "", "directory served under /static/ (empty: none)")
	flag.IntVar(&cfg.maxHead, "max-header", 8<<10, "longest request head in bytes (431 beyond)")
	flag.Int64Var(&cfg.maxBody, "max-body", 1<<20, "longest request body in bytes (413 beyond)")
	flag.DurationVar(&cfg.linger, "linger", time.Second, "how long a refused request's remaining input is read before closing, and how long stopping waits for clients to take what is still sent")
	impl := flag.String("impl", "asyncgen", "server implementation: asyncgen, or nethttp for comparison")
	duration := flag.Duration("duration", 0, "how long to serve (0: until SIGINT)")
	flag.Parse()

	var stop func() error
	var addr string
	switch *impl {
	case "asyncgen":
		c, err := start(cfg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "http:", err)
			os.Exit(1)
		}
		stop, addr = c.stop, c.addr
	case "nethttp":
		s, err := startNetHTTP(cfg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "http:", err)
			os.Exit(1)
		}
		stop, addr = s.stop, s.addr
	default:
		fmt.Fprintf(os.Stderr, "http: unknown -impl %q (asyncgen or nethttp)\n", *impl)
		os.Exit(2)
	}
	fmt.Printf("http: %s serving on http://%s/ ; try: curl -v http://%s/hello\n", *impl, addr, addr)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	var timeout <-chan time.Time
	if *duration > 0 {
		timeout = time.After(*duration)
	}
	select {
	case <-sig:
	case <-timeout:
	}
	if err := stop(); err != nil {
		fmt.Fprintln(os.Stderr, "http:", err)
		os.Exit(1)
	}
}
