package main

import (
	"bytes"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/asyncgen/asyncgen/internal/echoload"
)

// sample is one timed run of one server in one cell.
type sample struct {
	reqps float64 // requests per second
	cpuUs float64 // the server's CPU (user+system) per request, µs
	bg    float64 // cores other processes kept busy meanwhile
}

// sysFig is the syscalls per request perf counted, NaN when it could not.
type sysFig struct{ io, all float64 }

// load is one timed run of a load generator: requests done, their rate
// (the generator's own figure), and the generator's CPU in µs.
type load func() (n int64, rate float64, clientUs int64, err error)

// timed runs work against p and takes the server's CPU and the machine's
// busy time around it.
func timed(p *proc, work load) (sample, error) {
	cpu0, err := p.cpu()
	if err != nil {
		return sample{}, err
	}
	busy0, berr := machineBusy()
	t0 := time.Now()
	n, rate, cli, err := work()
	el := time.Since(t0)
	if err != nil {
		return sample{}, err
	}
	if err := p.alive(); err != nil {
		return sample{}, err
	}
	cpu1, err := p.cpu()
	if err != nil {
		return sample{}, err
	}
	busy1, berr1 := machineBusy()
	if n <= 0 {
		return sample{}, fmt.Errorf("no request completed")
	}
	s := sample{reqps: rate, cpuUs: float64(cpu1-cpu0) / float64(n), bg: math.NaN()}
	if berr == nil && berr1 == nil {
		other := float64(busy1-busy0-(cpu1-cpu0)-cli) / float64(el.Microseconds())
		s.bg = max(other, 0)
	}
	return s, nil
}

// echoLoad is the echo client over conns for d or msgs messages; its CPU
// is this process's.
func echoLoad(conns *echoload.Conns, d time.Duration, msgs int64) load {
	return func() (int64, float64, int64, error) {
		c0 := selfCPU()
		n, el, err := conns.Run(d, msgs)
		return n, float64(n) / el.Seconds(), selfCPU() - c0, err
	}
}

// withEcho opens nconns connections to p, warms them up, and runs f.
func withEcho(p *proc, nconns int, f func(*echoload.Conns) error) error {
	conns, err := dialEcho(p.addr, nconns)
	if err != nil {
		return err
	}
	defer conns.Close()
	if _, _, err := conns.Run(200*time.Millisecond, 0); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	return f(conns)
}

// runClient runs a load generator to completion, returning its output and
// its CPU time in µs.
func runClient(argv ...string) (string, int64, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var cpu int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = ru.Utime.Nano()/1e3 + ru.Stime.Nano()/1e3
	}
	if err != nil {
		return out.String(), cpu, fmt.Errorf("%s: %v: %s", argv[0], err, out.String())
	}
	return out.String(), cpu, nil
}

// respCell names a redis-benchmark test, with or without -P 16.
type respCell struct {
	test     string // set or get
	pipeline int    // 1: none
}

func (c respCell) String() string {
	s := "RESP " + map[string]string{"set": "SET", "get": "GET"}[c.test]
	if c.pipeline > 1 {
		s += fmt.Sprintf(" -P %d", c.pipeline)
	}
	return s
}

// respLoad is redis-benchmark at 50 clients for n requests.
func respLoad(p *proc, c respCell, n int64) load {
	return func() (int64, float64, int64, error) {
		_, port, _ := splitPort(p.addr)
		argv := []string{"redis-benchmark", "-h", "127.0.0.1", "-p", port, "-t", c.test,
			"-c", "50", "-n", strconv.FormatInt(n, 10), "-q"}
		if c.pipeline > 1 {
			argv = append(argv, "-P", strconv.Itoa(c.pipeline))
		}
		out, cpu, err := runClient(argv...)
		if err != nil {
			return 0, 0, cpu, err
		}
		res, err := parseRedisBenchmark(out)
		if err != nil {
			return 0, 0, cpu, err
		}
		rate, ok := res[map[string]string{"set": "SET", "get": "GET"}[c.test]]
		if !ok {
			return 0, 0, cpu, fmt.Errorf("redis-benchmark: no %s result in %q", c.test, out)
		}
		return n, rate, cpu, nil
	}
}

// httpLoad is wrk, one thread, 50 connections, for d, on /hello.
func httpLoad(p *proc, d time.Duration) load {
	return func() (int64, float64, int64, error) {
		secs := strconv.Itoa(max(1, int(d.Round(time.Second)/time.Second)))
		out, cpu, err := runClient("wrk", "-t1", "-c50", "-d"+secs+"s", "--timeout", "5s", "http://"+p.addr+"/hello")
		if err != nil {
			return 0, 0, cpu, err
		}
		r, err := parseWrk(out)
		return r.requests, r.rate, cpu, err
	}
}

func splitPort(addr string) (string, string, error) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i], addr[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("no port in %q", addr)
}

// countSyscalls runs work under perf stat attached to p and returns the
// syscalls per request.
func countSyscalls(p *proc, work load) (sysFig, error) {
	ps, err := startPerf(p.pid())
	if err != nil {
		return sysFig{}, err
	}
	if err := ps.enable(); err != nil {
		ps.close()
		return sysFig{}, err
	}
	n, _, _, err := work()
	if err != nil {
		ps.close()
		return sysFig{}, err
	}
	io, all, err := ps.finish()
	if err != nil {
		return sysFig{}, err
	}
	return sysFig{io: float64(io) / float64(n), all: float64(all) / float64(n)}, nil
}

// idleBytes is the server's resident set per idle connection: n
// connections that have each had one answer (its idle dialer), over the
// server with none. It stops the server.
func idleBytes(p *proc, n int) (float64, error) {
	r0, err := p.rss()
	if err != nil {
		return 0, err
	}
	conns, err := p.s.idle(p.addr, n)
	if err != nil {
		return 0, err
	}
	time.Sleep(200 * time.Millisecond) // the last accepts settle
	r1, err := p.rss()
	// The server goes first: TIME_WAIT stays on its side.
	p.stop()
	conns.Close()
	if err != nil {
		return 0, err
	}
	return float64(r1-r0) / float64(n), nil
}
