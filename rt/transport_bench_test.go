//go:build linux

package rt_test

// Echo servers side by side: a Protocol served by one rt loop against the
// goroutine-per-connection server of Go's net package, both on loopback,
// both driven by the same in-process load client (DESIGN.md section 7).
//
// The server runs in a child process (this test binary, re-executed with
// RT_ECHO_SERVER=rt or net) so that its CPU time, allocations, memory and
// syscalls are its own and not mixed with the client's. The parent talks
// to it over the child's stdin and stdout, one line per command (see
// ebServerMain). The README's "Benchmarks" section has the figures.
// Linux only: it reads /proc and drives perf and taskset.
//
//	go test -run '^$' -bench 'BenchmarkEcho' -benchmem -count 10 ./rt/ | tee /tmp/echo.txt
//	benchstat -col /server /tmp/echo.txt
//	go test -run '^$' -bench 'BenchmarkIdleConns' -benchtime 1x -count 3 ./rt/
//
// Knobs, all environment variables:
//
//	RT_ECHO_PERF=1          BenchmarkEcho attaches `perf stat` to the server
//	                        for the timed region and reports its syscalls
//	                        per message (perf and the syscalls tracepoints,
//	                        so root); use -benchtime 200000x
//	RT_ECHO_SERVERS=a,b     the servers BenchmarkEcho compares: rt, net
//	                        (default rt,net), rt2 (two loops sharing the
//	                        port), rt-spin (a loop that never sleeps)
//	RT_ECHO_SERVER_CPUS=0   pin the server (taskset -c 0); run the parent
//	                        under `taskset -c 1` to give each its core
//	RT_ECHO_CPUPROFILE=f    the server's CPU profile over the timed region
//	                        goes to f.rt / f.net
//	RT_ECHO_HEAPPROFILE=f   BenchmarkIdleConns writes the server's heap
//	                        profile (every allocation) to f.rt / f.net
//
// The server alone, for perf or strace by hand: it prints "addr
// HOST:PORT" and serves until a signal (or, when its stdin is a pipe,
// until that closes); RT_ECHO_LOAD runs the load client alone:
//
//	go test -c -o /tmp/rt.test ./rt/
//	RT_ECHO_SERVER=rt RT_ECHO_ADDR=127.0.0.1:9000 /tmp/rt.test </dev/null &
//	RT_ECHO_LOAD=127.0.0.1:9000 RT_ECHO_CONNS=50 RT_ECHO_MSGS=200000 /tmp/rt.test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

const (
	ebEnvServer  = "RT_ECHO_SERVER"  // rt | rt2 | net: run only the echo server
	ebEnvServers = "RT_ECHO_SERVERS" // the servers BenchmarkEcho compares (rt,net)
	// ebEnvServerCPUs pins the server to these CPUs (taskset -c); run the
	// benchmark itself under taskset on the others to give each side its
	// own cores.
	ebEnvServerCPUs = "RT_ECHO_SERVER_CPUS"
	ebEnvAddr       = "RT_ECHO_ADDR" // the server's address (127.0.0.1:0)
	ebEnvPerf       = "RT_ECHO_PERF" // count the server's syscalls with perf
	ebEnvLoad       = "RT_ECHO_LOAD" // run only the load client against this address
	// ebEnvHeapProfile names a file: BenchmarkIdleConns writes the
	// server's heap profile there (suffixed .rt or .net) with the
	// connections open.
	ebEnvHeapProfile = "RT_ECHO_HEAPPROFILE"
	// ebEnvCPUProfile names a file: BenchmarkEcho profiles the server
	// over its timed region into it (suffixed .rt or .net).
	ebEnvCPUProfile = "RT_ECHO_CPUPROFILE"
	ebMsgSize       = 1024
	ebIdleConns     = 10_000
)

// The child modes take over the test binary before the tests run.
func init() {
	if mode := os.Getenv(ebEnvServer); mode != "" {
		addr := os.Getenv(ebEnvAddr)
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		os.Exit(ebServerMain(mode, addr))
	}
	if addr := os.Getenv(ebEnvLoad); addr != "" {
		os.Exit(ebLoadMain(addr))
	}
}

// ---- the servers (child side) ----

// ebAccepted counts the connections the child's server has set up.
var ebAccepted atomic.Int64

// ebEchoProto is the Protocol echo server: DataReceived writes back what it
// got. The transport sends it at once (one write) and keeps nothing.
type ebEchoProto struct {
	rt.ProtocolBase
	t rt.Transport
}

func (p *ebEchoProto) ConnectionMade(t rt.Transport) {
	p.t = t
	ebAccepted.Add(1)
}

func (p *ebEchoProto) DataReceived(b []byte) { p.t.Write(b) }

// ebServeRT runs a Protocol echo server on a loop of its own goroutine;
// stop ends it with Stop through CallSoonThreadsafe and closes the loop.
// With loops > 1 there are that many, each with its own listening socket
// on the same port (SO_REUSEPORT; see examples/multicore).
func ebServeRT(addr string, loops int, spin bool) (bound string, stop func(), err error) {
	var stops []func()
	stopAll := func() {
		for _, s := range stops {
			s()
		}
	}
	bound = addr
	for range loops {
		b, s, err := ebServeLoop(bound, loops > 1, spin)
		if err != nil {
			stopAll()
			return "", nil, err
		}
		bound, stops = b, append(stops, s)
	}
	return bound, stopAll, nil
}

// With spin the loop never sleeps in epoll_wait: a pipe holding a byte is
// watched for reading, so every poll returns at once (an experiment: what
// the loop would gain from busy-polling before it blocks).
func ebServeLoop(addr string, reusePort, spin bool) (bound string, stop func(), err error) {
	type started struct {
		addr string
		err  error
	}
	ready := make(chan started, 1)
	done := make(chan struct{})
	var l *rt.Loop
	go func() {
		defer close(done)
		var err error
		if l, err = rt.NewLoop(); err != nil {
			ready <- started{err: err}
			return
		}
		defer l.Close()
		srv, err := rt.RunUntilComplete(l, l.CreateServer(func() rt.StreamProtocol { return &ebEchoProto{} },
			"tcp4", addr, rt.WithBacklog(ebSomaxconn()), rt.WithReusePort(reusePort)))
		if err != nil {
			ready <- started{err: err}
			return
		}
		if spin {
			var p [2]int
			if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
				ready <- started{err: err}
				return
			}
			defer syscall.Close(p[0])
			defer syscall.Close(p[1])
			syscall.Write(p[1], []byte{1})
			if err := l.AddReader(p[0], func() {}); err != nil {
				ready <- started{err: err}
				return
			}
			defer l.RemoveReader(p[0])
		}
		ready <- started{addr: srv.Addrs()[0].String()}
		l.RunForever()
		srv.Close()
	}()
	s := <-ready
	if s.err != nil {
		<-done
		return "", nil, s.err
	}
	return s.addr, func() {
		l.CallSoonThreadsafe(l.Stop)
		<-done
	}, nil
}

// ebServeNet is the goroutine-per-connection server: each connection's
// goroutine reads into its own 1 KiB buffer and writes what it read.
func ebServeNet(addr string) (bound string, stop func(), err error) {
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		return "", nil, err
	}
	var mu sync.Mutex
	conns := map[net.Conn]struct{}{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = struct{}{}
			mu.Unlock()
			ebAccepted.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				buf := make([]byte, ebMsgSize)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}, nil
}

func ebSomaxconn() int {
	b, err := os.ReadFile("/proc/sys/net/core/ebSomaxconn")
	if n, _ := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > 0 {
		return n
	}
	return 4096
}

// ebRaiseNofile lifts RLIMIT_NOFILE to at least n descriptors where it can.
func ebRaiseNofile(n uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= n {
		return nil
	}
	lim.Cur = n
	if lim.Max < n {
		lim.Max = n // only root may; then the error says so
	}
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// The control channel's buffers: stats is answered without allocating,
// so the server's malloc count between two stats is the load's alone.
var (
	ebCtlRusage syscall.Rusage
	ebCtlMem    runtime.MemStats
	ebCtlOut    []byte
	cpuProfile  *os.File
)

// ebServerMain is the child: it serves, prints "addr HOST:PORT", then
// answers commands on stdin until EOF or "quit" (or SIGINT):
//
//	stats   -> "stats CPU_US MALLOCS CONNS SYS_US CSW": process CPU
//	           (user+system, getrusage), runtime.MemStats.Mallocs, the
//	           connections set up, the system part of the CPU, and the
//	           context switches of all its threads
//	wait N  -> "ok CONNS" once N connections are set up
//	mem     -> "mem HEAPINUSE STACKINUSE RSS" after a GC and a scavenge
func ebServerMain(mode, addr string) int {
	if os.Getenv(ebEnvHeapProfile) != "" {
		runtime.MemProfileRate = 1 // every allocation, for heapprofile
	}
	ebRaiseNofile(ebIdleConns + 1024)
	var bound string
	var stop func()
	var err error
	switch mode {
	case "rt":
		bound, stop, err = ebServeRT(addr, 1, false)
	case "rt2": // one loop per core of this 2-core machine
		bound, stop, err = ebServeRT(addr, 2, false)
	case "rt-spin": // an experiment: the loop busy-polls instead of sleeping
		bound, stop, err = ebServeRT(addr, 1, true)
	case "net":
		bound, stop, err = ebServeNet(addr)
	default:
		err = fmt.Errorf("%s=%q: want rt, rt2, rt-spin or net", ebEnvServer, mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo server:", err)
		return 1
	}
	fmt.Printf("addr %s\n", bound)
	cmds := make(chan []byte)
	// Commands come from a pipe (the benchmark's); started by hand with
	// stdin from /dev/null or a terminal, the server runs until a signal.
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
		go ebReadCommands(cmds)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	ebCtlOut = make([]byte, 0, 256)
	for {
		var line []byte
		select {
		case <-sig:
			stop()
			return 0
		case l, ok := <-cmds:
			if !ok {
				stop()
				return 0
			}
			line = l
		}
		out := ebCtlOut[:0]
		// The command word and its argument, split without allocating.
		line = bytes.TrimSpace(line)
		word, arg := line, []byte(nil)
		if i := bytes.IndexByte(line, ' '); i >= 0 {
			word, arg = line[:i], bytes.TrimSpace(line[i+1:])
		}
		switch string(word) {
		case "":
		case "stats":
			runtime.ReadMemStats(&ebCtlMem)
			syscall.Getrusage(syscall.RUSAGE_SELF, &ebCtlRusage)
			cpu := ebCtlRusage.Utime.Nano()/1e3 + ebCtlRusage.Stime.Nano()/1e3
			out = append(out, "stats "...)
			out = strconv.AppendInt(out, cpu, 10)
			out = append(out, ' ')
			out = strconv.AppendUint(out, ebCtlMem.Mallocs, 10)
			out = append(out, ' ')
			out = strconv.AppendInt(out, ebAccepted.Load(), 10)
			out = append(out, ' ')
			out = strconv.AppendInt(out, ebCtlRusage.Stime.Nano()/1e3, 10)
			out = append(out, ' ')
			out = strconv.AppendInt(out, ebCtlRusage.Nvcsw+ebCtlRusage.Nivcsw, 10)
		case "wait":
			n, _ := strconv.ParseInt(string(arg), 10, 64)
			deadline := time.Now().Add(60 * time.Second)
			for ebAccepted.Load() < n && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			out = append(out, "ok "...)
			out = strconv.AppendInt(out, ebAccepted.Load(), 10)
		case "mem":
			runtime.GC()
			debug.FreeOSMemory() // a GC, then memory freed goes back: RSS is what is used
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			out = fmt.Appendf(out, "mem %d %d %d", m.HeapInuse, m.StackInuse, ebRSS())
		case "heapprofile": // write the heap profile (after a GC) to the file arg
			runtime.GC()
			err := writeHeapProfile(string(arg))
			out = fmt.Appendf(out, "ok %d", errCode(err))
			if err != nil {
				fmt.Fprintln(os.Stderr, "echo server: heap profile:", err)
			}
		case "cpuprofile": // start a CPU profile into the file arg
			f, err := os.Create(string(arg))
			if err == nil {
				if err = pprof.StartCPUProfile(f); err == nil {
					cpuProfile = f
				} else {
					f.Close()
				}
			}
			out = fmt.Appendf(out, "ok %d", errCode(err))
		case "cpuprofile-stop":
			if cpuProfile != nil {
				pprof.StopCPUProfile()
				cpuProfile.Close()
				cpuProfile = nil
			}
			out = append(out, "ok 0"...)
		case "quit":
			stop()
			return 0
		default:
			out = fmt.Appendf(out, "error unknown command %q", word)
		}
		cmds <- nil
		if len(out) > 0 {
			out = append(out, '\n')
			os.Stdout.Write(out)
		}
	}
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func errCode(err error) int {
	if err != nil {
		return 1
	}
	return 0
}

// ebReadCommands sends each line of stdin to cmds, and waits for it to
// be handled before reading the next (ReadSlice reuses its buffer).
func ebReadCommands(cmds chan []byte) {
	in := bufio.NewReader(os.Stdin)
	for {
		line, err := in.ReadSlice('\n')
		if err != nil {
			close(cmds)
			return
		}
		cmds <- line
		<-cmds
	}
}

// ebRSS is the resident set size from /proc/self/statm.
func ebRSS() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return -1
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// ---- the parent side ----

// ebChild is a server child process and its control channel.
type ebChild struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	addr string
}

func ebStartChild(tb testing.TB, mode string) *ebChild {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	if cpus := os.Getenv(ebEnvServerCPUs); cpus != "" {
		// taskset sets the affinity and execs the server: its pid is
		// the server's.
		cmd = exec.Command("taskset", "-c", cpus, os.Args[0], "-test.run=^$", "-test.bench=^$")
	}
	cmd.Env = append(os.Environ(), ebEnvServer+"="+mode, ebEnvAddr+"=127.0.0.1:0")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	c := &ebChild{cmd: cmd, in: in, out: bufio.NewReader(out)}
	tb.Cleanup(c.stop)
	f := c.reply(tb)
	if len(f) != 2 || f[0] != "addr" {
		tb.Fatalf("echo server %s: got %q, want its address", mode, f)
	}
	c.addr = f[1]
	return c
}

func (c *ebChild) reply(tb testing.TB) []string {
	tb.Helper()
	line, err := c.out.ReadString('\n')
	if err != nil {
		tb.Fatalf("echo server: %v", err)
	}
	return strings.Fields(line)
}

// call sends a command and returns the numbers of its reply.
func (c *ebChild) call(tb testing.TB, cmd string, want string) []int64 {
	tb.Helper()
	if _, err := io.WriteString(c.in, cmd+"\n"); err != nil {
		tb.Fatalf("echo server: %v", err)
	}
	f := c.reply(tb)
	if len(f) == 0 || f[0] != want {
		tb.Fatalf("echo server: %s: got %q", cmd, f)
	}
	vs := make([]int64, len(f)-1)
	for i, s := range f[1:] {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			tb.Fatalf("echo server: %s: %q: %v", cmd, f, err)
		}
		vs[i] = v
	}
	return vs
}

// stop ends the child: stdin closes, it stops its server (closing every
// server-side socket first, so TIME_WAIT stays on the server's port and
// does not eat the client's ephemeral ports) and exits.
func (c *ebChild) stop() {
	if c.in == nil {
		return
	}
	c.in.Close()
	c.in = nil
	t := time.AfterFunc(10*time.Second, func() { c.cmd.Process.Kill() })
	c.cmd.Wait()
	t.Stop()
}

// ebDial opens n connections to addr, each echoing one message, with a
// few dialers at a time.
func ebDial(addr string, n int) ([]net.Conn, error) {
	conns := make([]net.Conn, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := make([]byte, ebMsgSize)
			buf := make([]byte, ebMsgSize)
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				c, err := net.DialTimeout("tcp4", addr, 10*time.Second)
				if err != nil {
					errs <- err
					return
				}
				conns[i] = c
				ebFill(msg, i)
				if err := ebEchoOnce(c, msg, buf); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		ebCloseAll(conns)
		return nil, err
	}
	return conns, nil
}

func ebCloseAll(conns []net.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// ebFill gives each connection its own bytes, so that an echo on the
// wrong connection would be seen.
func ebFill(msg []byte, i int) {
	for j := range msg {
		msg[j] = byte(i + j)
	}
}

func ebEchoOnce(c net.Conn, msg, buf []byte) error {
	if _, err := c.Write(msg); err != nil {
		return err
	}
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	if !bytes.Equal(buf, msg) {
		return errors.New("echo differs from the message")
	}
	return nil
}

// ebLoad runs n request/response round trips of 1 KiB over conns, one
// goroutine per connection, until n have been done in all.
func ebLoad(conns []net.Conn, n int64) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, len(conns))
	deadline := time.Now().Add(10 * time.Minute)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetDeadline(deadline)
			msg := make([]byte, ebMsgSize)
			buf := make([]byte, ebMsgSize)
			ebFill(msg, i)
			for next.Add(1) <= n {
				if err := ebEchoOnce(c, msg, buf); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// ebCPUMicros returns this process's CPU time (user+system) and its
// context switches (voluntary and not).
func ebCPUMicros() (cpu, csw int64) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano()/1e3 + ru.Stime.Nano()/1e3, ru.Nvcsw + ru.Nivcsw
}

// ebServers are the servers BenchmarkEcho compares: RT_ECHO_SERVERS, a
// comma-separated list of rt, rt2 (two loops sharing the port), rt-spin
// (one loop that busy-polls: an experiment) and net; rt and net by
// default.
func ebServers() []string {
	if v := os.Getenv(ebEnvServers); v != "" {
		return strings.Split(v, ",")
	}
	return []string{"rt", "net"}
}

// ebMachineBusyMicros is the CPU time all cores spent busy since boot
// (/proc/stat: everything but idle and iowait), or -1.
func ebMachineBusyMicros() int64 {
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

// BenchmarkEcho: one op is one 1 KiB message echoed (b.N in all, spread
// over the connections). Besides ns/op (the client's wall time per
// message) it reports req/s, the server's CPU per request (srv-us/req,
// and srv-sys-us/req the part of it spent in the kernel; srv-csw/req its
// context switches, a thread going to sleep or being preempted),
// the server's allocations per message (srv-allocs/msg), and the load
// client's CPU per request (cli-us/req: the parent process, which shares
// the machine's cores with the server), and bg-cores, the cores other
// processes kept busy meanwhile (0 on a quiet machine). benchmem's
// allocs/op are the client's.
func BenchmarkEcho(b *testing.B) {
	for _, server := range ebServers() {
		b.Run("server="+server, func(b *testing.B) {
			for _, conns := range []int{50, 100} {
				b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
					ebBench(b, server, conns)
				})
			}
		})
	}
}

func ebBench(b *testing.B, server string, nconns int) {
	child := ebStartChild(b, server)
	conns, err := ebDial(child.addr, nconns)
	if err != nil {
		b.Fatal(err)
	}
	// The child goes first, so that the server side closes first.
	b.Cleanup(func() { child.stop(); ebCloseAll(conns) })
	// Warm up: round trips enough for the server's buffers (the loop's
	// ready queue, the poller's event slice) to reach their size.
	if err := ebLoad(conns, int64(50*nconns)); err != nil {
		b.Fatal(err)
	}
	var perf *ebPerfStat
	if os.Getenv(ebEnvPerf) != "" {
		if perf, err = ebStartPerf(child.cmd.Process.Pid); err != nil {
			b.Fatal(err)
		}
		defer perf.close()
	}
	if path := os.Getenv(ebEnvCPUProfile); path != "" {
		if r := child.call(b, "cpuprofile "+path+"."+server, "ok"); r[0] != 0 {
			b.Fatal("the server could not start its CPU profile")
		}
		defer child.call(b, "cpuprofile-stop", "ok")
	}
	s0 := child.call(b, "stats", "stats")
	cli0, cliCsw0 := ebCPUMicros()
	busy0 := ebMachineBusyMicros()
	if perf != nil {
		if err := perf.enable(); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	if err := ebLoad(conns, int64(b.N)); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	var counts map[string]int64
	if perf != nil {
		if counts, err = perf.finish(); err != nil {
			b.Fatal(err)
		}
	}
	cli1, cliCsw1 := ebCPUMicros()
	busy1 := ebMachineBusyMicros()
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
		total := int64(0)
		for _, ev := range ebPerfEvents {
			switch ev.name {
			case "read", "write", "writev", "epoll_wait", "epoll_pwait", "epoll_ctl":
				total += counts[ev.name]
			}
		}
		for _, ev := range ebPerfEvents {
			b.ReportMetric(float64(counts[ev.name])/n, ev.name+"/msg")
		}
		b.ReportMetric(float64(total)/n, "syscalls/msg")
	}
}

// BenchmarkIdleConns: 10,000 connections, each having echoed one message,
// sit idle; the server's memory per connection is its heap in use plus
// its goroutine stacks in use (heap+stack-B/conn), and its resident set
// (rss-B/conn), as deltas over the server with no connection, after a GC.
// Run it with -benchtime 1x: one op is the whole 10,000.
func BenchmarkIdleConns(b *testing.B) {
	if err := ebRaiseNofile(ebIdleConns + 1024); err != nil {
		b.Skipf("need %d file descriptors: %v", ebIdleConns+1024, err)
	}
	for _, server := range []string{"rt", "net"} {
		b.Run("server="+server, func(b *testing.B) {
			var heap, stack, rss float64
			for range b.N {
				h, s, r := ebIdleMemory(b, server, ebIdleConns)
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

func ebIdleMemory(b *testing.B, server string, n int) (heap, stack, rss float64) {
	child := ebStartChild(b, server)
	m0 := child.call(b, "mem", "mem")
	conns, err := ebDial(child.addr, n)
	if err != nil {
		child.stop()
		b.Fatal(err)
	}
	defer ebCloseAll(conns)
	defer child.stop()
	if got := child.call(b, fmt.Sprintf("wait %d", n), "ok"); got[0] < int64(n) {
		b.Fatalf("the server has %d connections, want %d", got[0], n)
	}
	m1 := child.call(b, "mem", "mem")
	if path := os.Getenv(ebEnvHeapProfile); path != "" {
		if r := child.call(b, "heapprofile "+path+"."+server, "ok"); r[0] != 0 {
			b.Fatal("the server could not write its heap profile")
		}
	}
	per := func(i int) float64 { return float64(m1[i]-m0[i]) / float64(n) }
	return per(0), per(1), per(2)
}

// ---- perf stat over the server ----

// ebPerfEvents are the syscalls counted; eagain-read is the reads that
// found nothing (sys_exit_read filtered on -EAGAIN). syscalls/msg sums
// read, write, writev and the epoll calls.
var ebPerfEvents = []struct{ name, event, filter string }{
	{"read", "syscalls:sys_enter_read", ""},
	{"eagain-read", "syscalls:sys_exit_read", "ret == -11"},
	{"write", "syscalls:sys_enter_write", ""},
	{"writev", "syscalls:sys_enter_writev", ""},
	{"epoll_wait", "syscalls:sys_enter_epoll_wait", ""},
	{"epoll_pwait", "syscalls:sys_enter_epoll_pwait", ""},
	{"epoll_ctl", "syscalls:sys_enter_epoll_ctl", ""},
	// Not in syscalls/msg: the Go scheduler's own (futex wakeups) and
	// every syscall of any kind.
	{"futex", "syscalls:sys_enter_futex", ""},
	{"all-syscalls", "raw_syscalls:sys_enter", ""},
}

// ebPerfStat is `perf stat` attached to a process with its events off
// until enable, driven through its control pipes.
type ebPerfStat struct {
	cmd      *exec.Cmd
	ctl, ack *os.File // our ends
	out      string
	stderr   bytes.Buffer
}

func ebStartPerf(pid int) (*ebPerfStat, error) {
	path, err := exec.LookPath("perf")
	if err != nil {
		return nil, err
	}
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	ackR, ackW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	out, err := os.CreateTemp("", "perfstat")
	if err != nil {
		return nil, err
	}
	out.Close()
	args := []string{"stat", "-x", ",", "-o", out.Name(), "--control", "fd:3,4", "-D", "-1"}
	for _, ev := range ebPerfEvents {
		args = append(args, "-e", ev.event)
		if ev.filter != "" {
			args = append(args, "--filter", ev.filter)
		}
	}
	args = append(args, "-p", strconv.Itoa(pid))
	p := &ebPerfStat{}
	cmd := exec.Command(path, args...)
	cmd.ExtraFiles = []*os.File{ctlR, ackW}
	// perf says "Events enabled" and such on stderr, which would land in
	// the middle of the benchmark's result line: kept, shown on failure.
	cmd.Stderr = &p.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ctlR.Close()
	ackW.Close()
	p.cmd, p.ctl, p.ack, p.out = cmd, ctlW, ackR, out.Name()
	return p, nil
}

// command sends enable or disable and waits for perf's ack.
func (p *ebPerfStat) command(c string) error {
	if _, err := io.WriteString(p.ctl, c+"\n"); err != nil {
		return err
	}
	buf := make([]byte, 5)
	// perf writes "ack\n" and its C string's NUL.
	if _, err := io.ReadFull(p.ack, buf); err != nil || !bytes.HasPrefix(buf, []byte("ack\n")) {
		return fmt.Errorf("perf %s: ack %q, %v; perf said: %s", c, buf, err, p.stderr.String())
	}
	return nil
}

func (p *ebPerfStat) enable() error { return p.command("enable") }

// finish stops counting and returns the counts by event name.
func (p *ebPerfStat) finish() (map[string]int64, error) {
	if err := p.command("disable"); err != nil {
		return nil, err
	}
	p.cmd.Process.Signal(os.Interrupt)
	p.cmd.Wait()
	b, err := os.ReadFile(p.out)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ",")
		if len(f) < 3 {
			continue
		}
		for _, ev := range ebPerfEvents {
			if f[2] == ev.event {
				v, _ := strconv.ParseInt(f[0], 10, 64) // "<not counted>" is 0
				counts[ev.name] = v
			}
		}
	}
	return counts, nil
}

func (p *ebPerfStat) close() {
	p.ctl.Close()
	p.ack.Close()
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
	os.Remove(p.out)
}

// ebLoadMain is the load client alone (RT_ECHO_LOAD=addr): RT_ECHO_CONNS
// connections (50), RT_ECHO_MSGS messages in all (200,000).
func ebLoadMain(addr string) int {
	nconns, msgs := 50, int64(200_000)
	if v, err := strconv.Atoi(os.Getenv("RT_ECHO_CONNS")); err == nil && v > 0 {
		nconns = v
	}
	if v, err := strconv.ParseInt(os.Getenv("RT_ECHO_MSGS"), 10, 64); err == nil && v > 0 {
		msgs = v
	}
	conns, err := ebDial(addr, nconns)
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo load:", err)
		return 1
	}
	defer ebCloseAll(conns)
	start := time.Now()
	if err := ebLoad(conns, msgs); err != nil {
		fmt.Fprintln(os.Stderr, "echo load:", err)
		return 1
	}
	d := time.Since(start)
	fmt.Printf("%d messages over %d connections in %v: %.0f req/s\n", msgs, nconns, d.Round(time.Millisecond), float64(msgs)/d.Seconds())
	return 0
}
