//go:build linux

package streams_test

// The streams echo servers beside the goroutine-per-connection net+bufio
// servers a Go programmer would write, each in a child process, driven by
// the same load client (internal/echobench has the harness and its
// knobs). The README's "Benchmarks" section has the figures.
//
//	go test -run '^$' -bench 'Echo' -benchmem -count 10 ./rt/streams/ | tee /tmp/streams.txt
//	benchstat -col /server /tmp/streams.txt
//	ECHOBENCH_PERF=1 go test -run '^$' -bench 'Echo' -benchtime 200000x ./rt/streams/
//	go test -run '^$' -bench 'IdleConns' -benchtime 1x -count 3 ./rt/streams/

import (
	"testing"

	"github.com/asyncgen/asyncgen/internal/echobench"
	"github.com/asyncgen/asyncgen/rt/selector"
)

// The child modes take over the test binary before the tests run.
func init() {
	echobench.Main(map[string]echobench.Server{
		"streams":       echobench.ServeStreams(echobench.Loops{}),
		"streams-epoll": echobench.ServeStreams(echobench.Loops{Selector: selector.NewEpoll}), // blocked in epoll_wait when idle
		"streams-view":  echobench.ServeStreamsView(echobench.Loops{}),                        // lines read with ReadLineView
		"net-bufio":     echobench.ServeNetBufio,
		"net":           echobench.ServeNet,
		"rt":            echobench.ServeProtocol(echobench.Loops{}),
	})
}

// BenchmarkBlockEcho: one op is one 1 KiB message echoed by a task in
// ReadInto/Write/Drain, against goroutine-per-connection net+bufio.
func BenchmarkBlockEcho(b *testing.B) {
	echobench.Compare(b, echobench.Block, echobench.Servers("streams", "net-bufio")...)
}

// BenchmarkBlockEchoInProcess is BenchmarkBlockEcho with the server in
// the benchmark's process, beside the load client (see
// echobench.RunInProcess).
func BenchmarkBlockEchoInProcess(b *testing.B) {
	echobench.CompareInProcess(b, echobench.Block, echobench.Servers("streams", "net-bufio")...)
}

// BenchmarkLineEchoInProcess is BenchmarkLineEcho in the benchmark's
// process.
func BenchmarkLineEchoInProcess(b *testing.B) {
	echobench.CompareInProcess(b, echobench.Line, echobench.Servers("streams", "streams-view", "net-bufio")...)
}

// BenchmarkLineEcho: one op is one 128-byte line echoed by a task in
// ReadLine/Write/Drain (streams; streams-view with ReadLineView, the line
// read in place), against bufio's ReadSlice and a flushed Writer.
func BenchmarkLineEcho(b *testing.B) {
	echobench.Compare(b, echobench.Line, echobench.Servers("streams", "streams-view", "net-bufio")...)
}

// BenchmarkIdleConns: memory per idle connection at 10,000 connections,
// each a task suspended in ReadLine against a goroutine blocked in
// bufio's ReadSlice. Run it with -benchtime 1x.
func BenchmarkIdleConns(b *testing.B) {
	echobench.Idle(b, echobench.Line, "streams", "net-bufio")
}
