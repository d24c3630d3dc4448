//go:build linux

package rt_test

// Echo servers side by side: a Protocol served by one rt loop against the
// goroutine-per-connection server of Go's net package, both on loopback,
// each in a child process, both driven by the same load client
// (internal/echobench has the harness and its knobs). The README's
// "Benchmarks" section has the figures.
//
//	go test -run '^$' -bench 'BenchmarkEcho' -benchmem -count 10 ./rt/ | tee /tmp/echo.txt
//	benchstat -col /server /tmp/echo.txt
//	ECHOBENCH_PERF=1 go test -run '^$' -bench 'BenchmarkEcho' -benchtime 200000x ./rt/
//	go test -run '^$' -bench 'BenchmarkIdleConns' -benchtime 1x -count 3 ./rt/

import (
	"testing"

	"github.com/asyncgen/asyncgen/internal/echobench"
	"github.com/asyncgen/asyncgen/rt/selector"
)

// The child modes take over the test binary before the tests run.
func init() {
	echobench.Main(map[string]echobench.Server{
		"rt":  echobench.ServeProtocol(echobench.Loops{}),
		"rt2": echobench.ServeProtocol(echobench.Loops{N: 2}), // one loop per core of a 2-core machine
		// The loop blocked in epoll_wait when idle (selector.NewEpoll)
		// instead of parked in Go's poller, the default.
		"rt-epoll": echobench.ServeProtocol(echobench.Loops{Selector: selector.NewEpoll}),
		"rt-spin":  echobench.ServeProtocol(echobench.Loops{Spin: true}), // an experiment: a loop that never sleeps
		"net":      echobench.ServeNet,
	})
}

// BenchmarkEcho: one op is one 1 KiB message echoed; rt and net by
// default (ECHOBENCH_SERVERS picks others).
func BenchmarkEcho(b *testing.B) {
	echobench.Compare(b, echobench.Block, echobench.Servers("rt", "net")...)
}

// BenchmarkEchoInProcess is BenchmarkEcho with the server in the
// benchmark's process, beside the load client: req/s as the two share one
// Go scheduler (BenchmarkEcho's child process keeps the server's CPU,
// allocations and syscalls apart).
func BenchmarkEchoInProcess(b *testing.B) {
	echobench.CompareInProcess(b, echobench.Block, echobench.Servers("rt", "net")...)
}

// BenchmarkIdleConns: memory per idle connection at 10,000 connections.
// Run it with -benchtime 1x.
func BenchmarkIdleConns(b *testing.B) {
	echobench.Idle(b, echobench.Block, "rt", "net")
}
