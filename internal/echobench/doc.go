//go:build linux

// Package echobench runs echo servers side by side in child processes and
// measures them from the parent: req/s, the server's CPU and allocations
// per request, its context switches, syscalls per message under perf
// tracepoints, and its memory per idle connection. The benchmarks of rt
// (over Protocol) and rt/streams use it, each against Go's
// goroutine-per-connection net server in the same run.
//
// The load is internal/echoload's client, the one the peer suite in
// bench/ uses too: one goroutine locked to its OS thread drives every
// connection through level-triggered epoll on raw non-blocking sockets,
// each connection in request/response ping-pong, every echo checked byte
// for byte, exactly b.N messages in all. It costs less CPU per request
// than Go's servers and about as much as ours (a goroutine-per-connection
// net client cost more than any server), so neither side saturates the
// other: each of the server's waits finds a few connections ready, and
// that share of a wait per message is what the syscall count shows above
// its two. The connections are opened one at a
// time, each echoing one message before the next, for the idle
// benchmarks' 10,000 too.
//
// A test binary hands its servers to Main from an init function; the
// parent re-executes the binary with ECHOBENCH_SERVER=name to get one of
// them as a child, so that the child's CPU time, allocations, memory and
// syscalls are its own and not mixed with the load client's. The parent
// talks to the child over the child's stdin and stdout, one line per
// command (see serverMain). Linux only: it reads /proc and drives perf and
// taskset.
//
// Knobs, all environment variables:
//
//	ECHOBENCH_PERF=1         attach `perf stat` to the server for the timed
//	                         region and report its syscalls per message
//	                         (perf and the syscalls tracepoints, so root);
//	                         use -benchtime 200000x
//	ECHOBENCH_SERVERS=a,b    the servers a benchmark compares, overriding
//	                         its defaults
//	ECHOBENCH_CLIENTS=2      drive the load from 2 threads, the connections
//	                         split between them: on two cores that keeps
//	                         the server busy (see clientThreads)
//	ECHOBENCH_SERVER_CPUS=0  pin the server (taskset -c 0); run the parent
//	                         under `taskset -c 1` to give each its core
//	ECHOBENCH_CPUPROFILE=f   the server's CPU profile over the timed region
//	                         goes to f.SERVER
//	ECHOBENCH_HEAPPROFILE=f  idle-connection benchmarks write the server's
//	                         heap profile (every allocation) to f.SERVER
//
// The server alone, for perf by hand: it prints "addr HOST:PORT" and serves
// until a signal (or, when its stdin is a pipe, until that closes);
// ECHOBENCH_LOAD runs the load client alone:
//
//	go test -c -o /tmp/rt.test ./rt/
//	ECHOBENCH_SERVER=rt ECHOBENCH_ADDR=127.0.0.1:9000 /tmp/rt.test </dev/null &
//	ECHOBENCH_LOAD=127.0.0.1:9000 ECHOBENCH_CONNS=50 ECHOBENCH_MSGS=200000 /tmp/rt.test
package echobench

import "os"

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen

const (
	envServer  = "ECHOBENCH_SERVER"  // run only this echo server (the child)
	envServers = "ECHOBENCH_SERVERS" // the servers a benchmark compares
	// envServerCPUs pins the server to these CPUs (taskset -c); run the
	// benchmark itself under taskset on the others to give each side its
	// own cores.
	envServerCPUs = "ECHOBENCH_SERVER_CPUS"
	envAddr       = "ECHOBENCH_ADDR"    // the server's address (127.0.0.1:0)
	envPerf       = "ECHOBENCH_PERF"    // count the server's syscalls with perf
	envLoad       = "ECHOBENCH_LOAD"    // run only the load client against this address
	envClients    = "ECHOBENCH_CLIENTS" // the load client's threads
	envShape      = "ECHOBENCH_SHAPE"   // the load client's messages: block or line
	// envHeapProfile names a file: idle benchmarks write the server's heap
	// profile there (suffixed with the server's name) with the
	// connections open.
	envHeapProfile = "ECHOBENCH_HEAPPROFILE"
	// envCPUProfile names a file: Run profiles the server over its timed
	// region into it (suffixed with the server's name).
	envCPUProfile = "ECHOBENCH_CPUPROFILE"
	// IdleConns is how many connections the idle benchmarks hold open.
	IdleConns = 10_000
)

// Shape is what one request is: the server echoes it byte for byte.
type Shape int

const (
	// Block is 1 KiB of bytes, any value.
	Block Shape = iota
	// Line is a 128-byte line: 127 printable bytes and a '\n'.
	Line
)

// Size is the length of one request of this shape.
func (s Shape) Size() int {
	if s == Line {
		return 128
	}
	return 1024
}

// shapeOfEnv is the shape ECHOBENCH_SHAPE names (the child's requests, or
// the load client's): line, or block by default.
func shapeOfEnv() Shape {
	if os.Getenv(envShape) == "line" {
		return Line
	}
	return Block
}

// String names the shape as ECHOBENCH_SHAPE spells it.
func (s Shape) String() string {
	if s == Line {
		return "line"
	}
	return "block"
}

// message is connection i's request: bytes of its own, so that an echo
// on the wrong connection would be seen.
func (s Shape) message(i int) []byte {
	msg := make([]byte, s.Size())
	for j := range msg {
		if s == Line {
			msg[j] = 'a' + byte((i+j)%26)
		} else {
			msg[j] = byte(i + j)
		}
	}
	if s == Line {
		msg[len(msg)-1] = '\n'
	}
	return msg
}
