// Command bench is asyncgen's peer benchmark suite: it builds every
// server, runs them interleaved over several repetitions on this machine,
// and writes a Markdown table and a PNG chart of medians and ranges, as
// ratios to the reference of each cell (Go's net server for echo,
// redis-server for RESP, net/http for HTTP). See README.md.
//
//	cd bench && go run .          # the full run, into results/
//	cd bench && go run . -short   # a few seconds per cell (CI)
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options are the run's knobs.
type options struct {
	short    bool
	reps     int
	d        time.Duration // per timed echo and HTTP run
	respN    int64         // requests per redis-benchmark run without pipelining
	perfMsgs int64         // messages under perf
	idle     int           // idle connections
	pin      bool
	out      string
	only     map[string]bool // the kinds of cell to run: echo, resp, http
}

func main() {
	var o options
	flag.BoolVar(&o.short, "short", false, "a few seconds per cell and two repetitions, results into a temporary directory (CI)")
	flag.IntVar(&o.reps, "reps", 0, "repetitions of every timed cell (default 5, 2 with -short)")
	flag.DurationVar(&o.d, "d", 0, "duration of each timed echo and HTTP run (default 3s, 1s with -short)")
	flag.IntVar(&o.idle, "idle", 0, "idle connections for the memory figure (default 10000, -short too: the targets are per connection at 10,000, and fewer inflate the figure with the server's fixed costs)")
	flag.BoolVar(&o.pin, "pin", false, "pin the servers to CPU 0 and this process (the echo load client) to CPU 1 with taskset")
	flag.StringVar(&o.out, "out", "", "directory for bench.md and bench.png (default results, a temporary directory with -short)")
	only := flag.String("only", "echo,resp,http", "the kinds of cell to run, comma-separated: echo (with its idle memory), resp, http")
	flag.Parse()
	o.only = map[string]bool{}
	for _, k := range strings.Split(*only, ",") {
		if k = strings.TrimSpace(k); k != "echo" && k != "resp" && k != "http" {
			fmt.Fprintf(os.Stderr, "bench: -only %q: want echo, resp or http\n", k)
			os.Exit(2)
		}
		o.only[k] = true
	}
	defaults(&o)
	// Interrupted, the suite takes its servers down with it.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sig
		killAll()
		fmt.Fprintln(os.Stderr, "bench:", s)
		os.Exit(1)
	}()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func defaults(o *options) {
	pick := func(full, short int) int {
		if o.short {
			return short
		}
		return full
	}
	if o.reps <= 0 {
		o.reps = pick(5, 2)
	}
	if o.d <= 0 {
		o.d = time.Duration(pick(3, 1)) * time.Second
	}
	if o.idle <= 0 {
		o.idle = 10_000
	}
	o.respN = int64(pick(200_000, 20_000))
	o.perfMsgs = int64(pick(200_000, 20_000))
	if o.out == "" {
		o.out = "results"
		if o.short {
			o.out = filepath.Join(os.TempDir(), "asyncgen-bench-short")
		}
	}
}

func run(o options) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root := filepath.Dir(wd)
	if _, err := os.Stat(filepath.Join(wd, "servers")); err != nil {
		return fmt.Errorf("run it from the bench directory of the repository (cd bench && go run .)")
	}
	if err := raiseNofile(uint64(o.idle) + 1024); err != nil {
		return fmt.Errorf("%d idle connections need as many file descriptors: %v", o.idle, err)
	}
	if o.pin {
		if runtime.NumCPU() < 2 {
			return fmt.Errorf("-pin needs two CPUs")
		}
		// -a: every thread of this process, the ones to come included.
		if out, err := exec.Command("taskset", "-a", "-p", "-c", "1", strconv.Itoa(os.Getpid())).CombinedOutput(); err != nil {
			return fmt.Errorf("taskset: %v: %s", err, out)
		}
		pinServer = "0"
	}
	bin, err := os.MkdirTemp("", "asyncgen-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	fmt.Println("building the servers ...")
	s, err := build(root, bin, o.idle)
	if err != nil {
		return err
	}
	r := newResults(o)
	r.notes = append(r.notes, s.notes...)
	for _, n := range s.notes {
		fmt.Println("note:", n)
	}
	r.run(s)
	if r.perfSkip != "" {
		fmt.Println("note: syscalls per message n/a:", r.perfSkip)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	md := r.markdown()
	if err := os.WriteFile(filepath.Join(o.out, "bench.md"), []byte(md), 0o644); err != nil {
		return err
	}
	if err := r.chart(filepath.Join(o.out, "bench.png")); err != nil {
		return err
	}
	fmt.Println()
	fmt.Print(md)
	fmt.Printf("\nwritten: %s, %s\n", filepath.Join(o.out, "bench.md"), filepath.Join(o.out, "bench.png"))
	if len(r.failures) > 0 {
		return fmt.Errorf("%d cells failed:\n%s", len(r.failures), joinLines(r.failures))
	}
	return nil
}

func joinLines(ls []string) string {
	s := ""
	for _, l := range ls {
		s += "  " + l + "\n"
	}
	return s
}

// raiseNofile lifts RLIMIT_NOFILE to n where it can (root may raise the
// hard limit too); the servers inherit it.
func raiseNofile(n uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= n {
		return nil
	}
	lim.Cur = n
	lim.Max = max(lim.Max, n)
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

var nan = math.NaN()
