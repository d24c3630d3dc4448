//go:build linux

package echobench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Servers are the servers a benchmark compares: ECHOBENCH_SERVERS (a
// comma-separated list) if set, else defaults.
func Servers(defaults ...string) []string {
	if v := os.Getenv(envServers); v != "" {
		return strings.Split(v, ",")
	}
	return defaults
}

// Compare runs Run for each server at 50 and 100 connections, as
// sub-benchmarks server=NAME/conns=N (benchstat -col /server puts them
// side by side).
func Compare(b *testing.B, shape Shape, servers ...string) { compare(b, Run, shape, servers) }

// CompareInProcess is Compare with RunInProcess.
func CompareInProcess(b *testing.B, shape Shape, servers ...string) {
	compare(b, RunInProcess, shape, servers)
}

func compare(b *testing.B, run func(*testing.B, string, int, Shape), shape Shape, servers []string) {
	for _, server := range servers {
		b.Run("server="+server, func(b *testing.B) {
			for _, conns := range []int{50, 100} {
				b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
					run(b, server, conns, shape)
				})
			}
		})
	}
}

// Run benchmarks one server: one op is one message of shape echoed (b.N
// in all, spread over nconns connections). Besides ns/op (the client's
// wall time per message) it reports req/s, the server's CPU per request
// (srv-us/req, and srv-sys-us/req the part of it spent in the kernel;
// srv-csw/req its context switches, a thread going to sleep or being
// preempted), the server's allocations per message (srv-allocs/msg), the
// load client's CPU per request (cli-us/req: the parent process, which
// shares the machine's cores with the server), and bg-cores, the cores
// other processes kept busy meanwhile (0 on a quiet machine). benchmem's
// allocs/op are the client's. With ECHOBENCH_PERF it adds the server's
// syscalls per message.
func Run(b *testing.B, server string, nconns int, shape Shape) {
	child := startChild(b, server, shape)
	conns, err := dial(child.addr, nconns, shape)
	if err != nil {
		b.Fatal(err)
	}
	// The child goes first, so that the server side closes first.
	b.Cleanup(func() { child.stop(); conns.Close() })
	// Warm up: round trips enough for the server's buffers (the loop's
	// ready queue, the poller's event slice) to reach their size.
	if err := load(conns, int64(50*nconns)); err != nil {
		b.Fatal(err)
	}
	var perf *perfStat
	if os.Getenv(envPerf) != "" {
		if perf, err = startPerf(child.cmd.Process.Pid); err != nil {
			b.Fatal(err)
		}
		defer perf.close()
	}
	if path := os.Getenv(envCPUProfile); path != "" {
		if r := child.call(b, "cpuprofile "+path+"."+server, "ok"); r[0] != 0 {
			b.Fatal("the server could not start its CPU profile")
		}
		defer child.call(b, "cpuprofile-stop", "ok")
	}
	s0 := child.call(b, "stats", "stats")
	cli0, cliCsw0 := cpuMicros()
	busy0 := machineBusyMicros()
	if perf != nil {
		if err := perf.enable(); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	if err := load(conns, int64(b.N)); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	var counts map[string]int64
	if perf != nil {
		if counts, err = perf.finish(); err != nil {
			b.Fatal(err)
		}
	}
	cli1, cliCsw1 := cpuMicros()
	busy1 := machineBusyMicros()
	s1 := child.call(b, "stats", "stats")
	n := float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(s1[0]-s0[0])/n, "srv-us/req")
	b.ReportMetric(float64(s1[3]-s0[3])/n, "srv-sys-us/req")
	b.ReportMetric(float64(s1[4]-s0[4])/n, "srv-csw/req")
	b.ReportMetric(float64(cliCsw1-cliCsw0)/n, "cli-csw/req")
	b.ReportMetric(float64(s1[1]-s0[1])/n, "srv-allocs/msg")
	b.ReportMetric(float64(cli1-cli0)/n, "cli-us/req")
	if busy0 >= 0 && busy1 >= 0 {
		// What else kept the machine's cores busy meanwhile (other
		// processes): a run with bg-cores well above 0 had less than
		// the whole machine, and its req/s says so.
		other := float64(busy1-busy0) - float64(cli1-cli0) - float64(s1[0]-s0[0])
		b.ReportMetric(max(other, 0)/float64(b.Elapsed().Microseconds()), "bg-cores")
	}
	if counts != nil {
		reportSyscalls(b, counts, n)
	}
}

// reportSyscalls reports each counted event per message, and their sum
// over the I/O syscalls as syscalls/msg.
func reportSyscalls(b *testing.B, counts map[string]int64, n float64) {
	total := int64(0)
	for _, ev := range perfEvents {
		switch ev.name {
		case "read", "recvfrom", "write", "writev", "sendto", "sendmsg", "epoll_wait", "epoll_pwait", "epoll_ctl":
			total += counts[ev.name]
		}
	}
	for _, ev := range perfEvents {
		b.ReportMetric(float64(counts[ev.name])/n, ev.name+"/msg")
	}
	b.ReportMetric(float64(total)/n, "syscalls/msg")
}

// Idle benchmarks memory per idle connection for each server: IdleConns
// connections, each having echoed one message of shape, sit idle; the
// server's memory per connection is its heap in use plus its goroutine
// stacks in use (heap+stack-B/conn), and its resident set (rss-B/conn), as
// deltas over the server with no connection, after a GC. Run it with
// -benchtime 1x: one op is the whole IdleConns.
func Idle(b *testing.B, shape Shape, servers ...string) {
	if err := RaiseNofile(IdleConns + 1024); err != nil {
		b.Skipf("need %d file descriptors: %v", IdleConns+1024, err)
	}
	for _, server := range servers {
		b.Run("server="+server, func(b *testing.B) {
			var heap, stack, rss float64
			for range b.N {
				h, s, r := idleMemory(b, server, IdleConns, shape)
				heap, stack, rss = heap+h, stack+s, rss+r
			}
			n := float64(b.N)
			b.ReportMetric((heap+stack)/n, "heap+stack-B/conn")
			b.ReportMetric(heap/n, "heap-B/conn")
			b.ReportMetric(stack/n, "stack-B/conn")
			b.ReportMetric(rss/n, "rss-B/conn")
		})
	}
}

func idleMemory(b *testing.B, server string, n int, shape Shape) (heap, stack, rss float64) {
	child := startChild(b, server, shape)
	m0 := child.call(b, "mem", "mem")
	conns, err := dial(child.addr, n, shape)
	if err != nil {
		child.stop()
		b.Fatal(err)
	}
	defer conns.Close()
	defer child.stop()
	if got := child.call(b, fmt.Sprintf("wait %d", n), "ok"); got[0] < int64(n) {
		b.Fatalf("the server has %d connections, want %d", got[0], n)
	}
	m1 := child.call(b, "mem", "mem")
	if path := os.Getenv(envHeapProfile); path != "" {
		if r := child.call(b, "heapprofile "+path+"."+server, "ok"); r[0] != 0 {
			b.Fatal("the server could not write its heap profile")
		}
	}
	per := func(i int) float64 { return float64(m1[i]-m0[i]) / float64(n) }
	return per(0), per(1), per(2)
}

// cpuMicros returns this process's CPU time (user+system) and its context
// switches (voluntary and not).
func cpuMicros() (cpu, csw int64) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano()/1e3 + ru.Stime.Nano()/1e3, int64(ru.Nvcsw) + int64(ru.Nivcsw)
}

// machineBusyMicros is the CPU time all cores spent busy since boot
// (/proc/stat: everything but idle and iowait), or -1.
func machineBusyMicros() int64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return -1
	}
	var busy int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 || i >= 8 { // idle, iowait; guest time is in user already
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	return busy * 1e6 / 100 // USER_HZ
}

// RunInProcess is Run with the server in this process, beside the load
// client (one goroutine locked to its own OS thread): the two share the
// process's Go scheduler and its cores, the way the benchmarks of the
// issue that specified them put it. It reports req/s, and the process's CPU and
// context switches per request (cpu-us/req, csw/req: server and client
// together; Run tells them apart).
func RunInProcess(b *testing.B, server string, nconns int, shape Shape) {
	srv, ok := registered[server]
	if !ok {
		b.Fatalf("no server %q", server)
	}
	// The servers read the shape where a child would: its environment.
	os.Setenv(envShape, shape.String())
	addr, stop, err := srv("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	conns, err := dial(addr, nconns, shape)
	if err != nil {
		stop()
		b.Fatal(err)
	}
	b.Cleanup(func() { stop(); conns.Close() })
	if err := load(conns, int64(50*nconns)); err != nil {
		b.Fatal(err)
	}
	cpu0, csw0 := cpuMicros()
	b.ResetTimer()
	if err := load(conns, int64(b.N)); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	cpu1, csw1 := cpuMicros()
	n := float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(cpu1-cpu0)/n, "cpu-us/req")
	b.ReportMetric(float64(csw1-csw0)/n, "csw/req")
}
