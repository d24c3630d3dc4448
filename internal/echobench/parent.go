//go:build linux

package echobench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/internal/echoload"
)

// child is a server child process and its control channel.
type child struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	addr string
}

// startChild re-executes the test binary as the server called name, for
// requests of shape.
func startChild(tb testing.TB, name string, shape Shape) *child {
	tb.Helper()
	args := []string{os.Args[0], "-test.run=^$", "-test.bench=^$"}
	if cpus := os.Getenv(envServerCPUs); cpus != "" {
		// taskset sets the affinity and execs the server: its pid is
		// the server's.
		args = append([]string{"taskset", "-c", cpus}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), envServer+"="+name, envAddr+"=127.0.0.1:0", envShape+"="+shape.String())
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
	c := &child{cmd: cmd, in: in, out: bufio.NewReader(out)}
	tb.Cleanup(c.stop)
	f := c.reply(tb)
	if len(f) != 2 || f[0] != "addr" {
		tb.Fatalf("echo server %s: got %q, want its address", name, f)
	}
	c.addr = f[1]
	return c
}

func (c *child) reply(tb testing.TB) []string {
	tb.Helper()
	line, err := c.out.ReadString('\n')
	if err != nil {
		tb.Fatalf("echo server: %v", err)
	}
	return strings.Fields(line)
}

// call sends a command and returns the numbers of its reply.
func (c *child) call(tb testing.TB, cmd string, want string) []int64 {
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
func (c *child) stop() {
	if c.in == nil {
		return
	}
	c.in.Close()
	c.in = nil
	t := time.AfterFunc(10*time.Second, func() { c.cmd.Process.Kill() })
	c.cmd.Wait()
	t.Stop()
}

// clients is the load: the connections split between the client
// threads (ECHOBENCH_CLIENTS, 1 by default), each thread driving its
// share through an epoll of its own.
type clients []*echoload.Conns

// clientThreads is ECHOBENCH_CLIENTS: how many threads the load client
// runs. One costs about as much CPU per request as our servers, so a
// server finds a few connections ready at each wait; two, on this
// machine's two cores, keep the server busy, so that each of its waits
// finds many (the share of an epoll_wait per message the syscall count
// shows then is the server's own, not the client's pace).
func clientThreads() int {
	if v, err := strconv.Atoi(os.Getenv(envClients)); err == nil && v > 0 {
		return v
	}
	return 1
}

// dial opens n load connections to addr, one at a time, each having
// echoed one message of shape, split between clientThreads threads.
func dial(addr string, n int, shape Shape) (clients, error) {
	k := min(clientThreads(), n)
	var cs clients
	first := 0 // the number of this share's first connection
	for i := range k {
		share := n / k
		if i < n%k {
			share++
		}
		// Numbered on from the last share's, each connection keeps
		// the message of its own that a single thread gives it.
		base := first
		first += share
		msg := func(j int) []byte { return shape.message(base + j) }
		c, err := echoload.Dial(addr, echoload.Config{Conns: share, Message: msg})
		if err != nil {
			cs.Close()
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// Close closes every connection.
func (cs clients) Close() error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Run runs msgs request/response round trips over the connections
// (exactly msgs in all: each thread its share of them, spread over its
// connections as their echoes come back), the threads side by side. It
// returns how long the slowest thread took.
func (cs clients) Run(msgs int64) (time.Duration, error) {
	if len(cs) == 1 {
		_, d, err := cs[0].Run(0, msgs)
		return d, err
	}
	type outcome struct {
		d   time.Duration
		err error
	}
	k := min(int64(len(cs)), msgs) // each thread runs one message at least
	done := make(chan outcome, k)
	for i, c := range cs[:k] {
		share := msgs / k
		if int64(i) < msgs%k {
			share++
		}
		go func() {
			_, d, err := c.Run(0, share)
			done <- outcome{d, err}
		}()
	}
	var slowest time.Duration
	var first error
	for range k {
		o := <-done
		slowest = max(slowest, o.d)
		if o.err != nil && first == nil {
			first = o.err
		}
	}
	return slowest, first
}

// load runs n request/response round trips over conns (exactly n in all,
// spread over the connections as their echoes come back).
func load(conns clients, n int64) error {
	_, err := conns.Run(n)
	return err
}

// loadMain is the load client alone (ECHOBENCH_LOAD=addr): ECHOBENCH_CONNS
// connections (50), ECHOBENCH_MSGS messages in all (200,000), of
// ECHOBENCH_SHAPE (block or line).
func loadMain(addr string) int {
	nconns, msgs, shape := 50, int64(200_000), Block
	if v, err := strconv.Atoi(os.Getenv("ECHOBENCH_CONNS")); err == nil && v > 0 {
		nconns = v
	}
	if v, err := strconv.ParseInt(os.Getenv("ECHOBENCH_MSGS"), 10, 64); err == nil && v > 0 {
		msgs = v
	}
	shape = shapeOfEnv()
	conns, err := dial(addr, nconns, shape)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer conns.Close()
	d, err := conns.Run(msgs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("%d %s messages over %d connections in %v: %.0f req/s\n", msgs, shape, nconns, d.Round(time.Millisecond), float64(msgs)/d.Seconds())
	return 0
}
