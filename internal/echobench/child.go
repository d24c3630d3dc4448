//go:build linux

package echobench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Server starts an echo server listening on addr (host:port, port 0 for
// any) and returns the address it bound and a function that stops it,
// closing every connection it has. It calls CountConn once per connection
// it has set up.
type Server func(addr string) (bound string, stop func(), err error)

// accepted counts the connections the child's server has set up.
var accepted atomic.Int64

// CountConn records that the server set up one more connection: the idle
// benchmark waits for the count before it measures.
func CountConn() { accepted.Add(1) }

// Main takes over the test binary when the environment asks for the child
// (the echo server named by ECHOBENCH_SERVER, one of servers) or for the
// load client alone (ECHOBENCH_LOAD), and exits when that is done;
// otherwise it records the servers and returns. Call it from an init
// function of the benchmark's test package.
func Main(servers map[string]Server) {
	registered = servers
	if name := os.Getenv(envServer); name != "" {
		addr := os.Getenv(envAddr)
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		os.Exit(serverMain(name, addr))
	}
	if addr := os.Getenv(envLoad); addr != "" {
		os.Exit(loadMain(addr))
	}
}

var registered map[string]Server

// Somaxconn is the kernel's cap on a listening socket's backlog, the
// backlog the servers ask for so that 10,000 connections can queue.
func Somaxconn() int {
	b, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	if n, _ := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > 0 {
		return n
	}
	return 4096
}

// RaiseNofile lifts RLIMIT_NOFILE to at least n descriptors where it can.
func RaiseNofile(n uint64) error {
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
	ctlRusage  syscall.Rusage
	ctlMem     runtime.MemStats
	ctlOut     []byte
	cpuProfile *os.File
)

// serverMain is the child: it serves, prints "addr HOST:PORT", then
// answers commands on stdin until EOF or "quit" (or SIGINT):
//
//	stats   -> "stats CPU_US MALLOCS CONNS SYS_US CSW": process CPU
//	           (user+system, getrusage), runtime.MemStats.Mallocs, the
//	           connections set up, the system part of the CPU, and the
//	           context switches of all its threads
//	wait N  -> "ok CONNS" once N connections are set up
//	mem     -> "mem HEAPINUSE STACKINUSE RSS" after a GC and a scavenge
//	heapprofile FILE, cpuprofile FILE, cpuprofile-stop -> "ok ERRCODE"
func serverMain(name, addr string) int {
	if os.Getenv(envHeapProfile) != "" {
		runtime.MemProfileRate = 1 // every allocation, for heapprofile
	}
	RaiseNofile(IdleConns + 1024)
	serve, ok := registered[name]
	if !ok {
		names := make([]string, 0, len(registered))
		for n := range registered {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "echo server: %s=%q: want one of %s\n", envServer, name, strings.Join(names, ", "))
		return 2
	}
	bound, stop, err := serve(addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo server:", err)
		return 1
	}
	fmt.Printf("addr %s\n", bound)
	cmds := make(chan []byte)
	// Commands come from a pipe (the benchmark's); started by hand with
	// stdin from /dev/null or a terminal, the server runs until a signal.
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeNamedPipe != 0 {
		go readCommands(cmds)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	ctlOut = make([]byte, 0, 256)
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
		out, quit := command(ctlOut[:0], line)
		if quit {
			stop()
			return 0
		}
		cmds <- nil
		if len(out) > 0 {
			out = append(out, '\n')
			os.Stdout.Write(out)
		}
	}
}

// command answers one control line into out.
func command(out, line []byte) (_ []byte, quit bool) {
	// The command word and its argument, split without allocating.
	line = bytes.TrimSpace(line)
	word, arg := line, []byte(nil)
	if i := bytes.IndexByte(line, ' '); i >= 0 {
		word, arg = line[:i], bytes.TrimSpace(line[i+1:])
	}
	switch string(word) {
	case "":
	case "stats":
		runtime.ReadMemStats(&ctlMem)
		syscall.Getrusage(syscall.RUSAGE_SELF, &ctlRusage)
		cpu := ctlRusage.Utime.Nano()/1e3 + ctlRusage.Stime.Nano()/1e3
		out = append(out, "stats "...)
		out = strconv.AppendInt(out, cpu, 10)
		out = append(out, ' ')
		out = strconv.AppendUint(out, ctlMem.Mallocs, 10)
		out = append(out, ' ')
		out = strconv.AppendInt(out, accepted.Load(), 10)
		out = append(out, ' ')
		out = strconv.AppendInt(out, ctlRusage.Stime.Nano()/1e3, 10)
		out = append(out, ' ')
		out = strconv.AppendInt(out, int64(ctlRusage.Nvcsw)+int64(ctlRusage.Nivcsw), 10)
	case "wait":
		n, _ := strconv.ParseInt(string(arg), 10, 64)
		deadline := time.Now().Add(60 * time.Second)
		for accepted.Load() < n && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		out = append(out, "ok "...)
		out = strconv.AppendInt(out, accepted.Load(), 10)
	case "mem":
		runtime.GC()
		debug.FreeOSMemory() // a GC, then memory freed goes back: RSS is what is used
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		out = fmt.Appendf(out, "mem %d %d %d", m.HeapInuse, m.StackInuse, rss())
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
		return out, true
	default:
		out = fmt.Appendf(out, "error unknown command %q", word)
	}
	return out, false
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

// readCommands sends each line of stdin to cmds, and waits for it to be
// handled before reading the next (ReadSlice reuses its buffer).
func readCommands(cmds chan []byte) {
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

// rss is the resident set size from /proc/self/statm.
func rss() int64 {
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
