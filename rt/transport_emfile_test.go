package rt_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"github.com/asyncgen/asyncgen/rt"
)

// Running out of file descriptors while connections wait to be accepted:
// the server must say so through the exception handler, stop watching the
// listening socket (level triggering would otherwise spin on the pending
// connection), retry about once a second, and serve again as soon as
// descriptors are free.
//
// The server runs in a helper process (this test binary run again with
// RT_EMFILE_CHILD=1) whose RLIMIT_NOFILE is lowered and whose last free
// descriptors are used up by dups of /dev/null; the clients are in this
// process, so their fds do not count against the child's limit. The child
// runs on a virtual clock, so its seconds of backoff cost no time, and it
// frees the /dev/null fds emfileHold (virtual) seconds after the first
// report. It prints what it saw; this process checks it.

const (
	emfileConns = 3
	emfileHold  = 5 * time.Second
	// emfileSpin reports mean the server retries without backing off.
	emfileSpin = 100
)

func TestTransportEMFILEBacksOff(t *testing.T) {
	if os.Getenv("RT_EMFILE_CHILD") == "1" {
		emfileChild()
		return
	}
	leakcheck.Check(t)
	child := startHelper(t, "TestTransportEMFILEBacksOff", "RT_EMFILE_CHILD=1")
	line, err := child.line()
	if err != nil {
		t.Fatal(err)
	}
	port, ok := strings.CutPrefix(line, "PORT ")
	if !ok {
		t.Fatalf("child said %q, want PORT <n>; stderr:\n%s", line, child.stderr.String())
	}
	// The connections complete in the kernel and wait in the child's
	// accept queue; what each sends waits with it.
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range emfileConns {
		c, err := net.DialTimeout("tcp4", "127.0.0.1:"+port, 30*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "ping %d\n", i)
	}
	deadline := time.Now().Add(30 * time.Second) // a hang guard only
	for i, c := range conns {
		c.SetReadDeadline(deadline)
		got, err := bufio.NewReader(c).ReadString('\n')
		if want := fmt.Sprintf("ping %d\n", i); err != nil || got != want {
			t.Errorf("connection %d: echo %q, %v; want %q", i, got, err, want)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	res := map[string]string{}
	for {
		line, err := child.line()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, "FAIL") {
			t.Fatalf("child: %s; stderr:\n%s", line, child.stderr.String())
		}
		k, v, _ := strings.Cut(line, " ")
		if k == "DONE" {
			break
		}
		res[k] = v
	}
	if err := child.cmd.Wait(); err != nil {
		t.Fatalf("child: %v; stderr:\n%s", err, child.stderr.String())
	}
	t.Logf("child: %v", res)

	ms := func(key string) []time.Duration {
		var out []time.Duration
		for _, f := range strings.Fields(res[key]) {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				t.Fatalf("child's %s %q: %v", key, res[key], err)
			}
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	reps, freed, accepted := ms("REPORTS"), ms("FREED"), ms("ACCEPTED")
	if res["OTHER"] != "0" || res["LOST"] != strconv.Itoa(emfileConns) || res["RUN"] != "ok" {
		t.Errorf("child: %s other reports %s, %s of %d connections lost, run %s",
			res["OTHER"], res["OTHER_MSGS"], res["LOST"], emfileConns, res["RUN"])
	}
	// At least the first report and one retry before the fds are freed,
	// and about one report per second of the hold: a spinning accept
	// loop would report on every pass instead.
	if n := res["NREPORTS"]; len(reps) < 2 || n != strconv.Itoa(len(reps)) || len(reps) > int(emfileHold/time.Second)+2 {
		t.Errorf("%s EMFILE reports over %v of backoff; want about one a second", n, emfileHold)
	}
	for i := 1; i < len(reps); i++ {
		if gap := reps[i] - reps[i-1]; gap < time.Second {
			t.Errorf("EMFILE reports %d and %d only %v apart; want the 1 s backoff between them", i-1, i, gap)
		}
	}
	if len(freed) != 1 || len(accepted) != emfileConns {
		t.Fatalf("child freed fds at %v and accepted at %v; want one time and %d", freed, accepted, emfileConns)
	}
	// The first accept comes at the first retry after the fds are free.
	if a := accepted[0]; a < freed[0] || a > freed[0]+time.Second {
		t.Errorf("first accept at %v, fds freed at %v; want within the 1 s retry delay after", a, freed[0])
	}
}

// emfileChild is the helper process: a server on a virtual clock that runs
// out of descriptors. It prints "PORT <n>", then, once the parent's
// connections are served and closed, lines "KEY values" and "DONE".
// Times are virtual milliseconds.
func emfileChild() {
	say := func(format string, a ...any) { fmt.Printf(format+"\n", a...) }
	fail := func(err error) {
		say("FAIL %v", err)
		os.Exit(1)
	}
	l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		fail(err)
	}
	var held []int // the fds that use the limit up
	var reportsAt, acceptedAt []time.Duration
	var other []string
	freedAt := -time.Millisecond // never
	lost := 0
	done := rt.NewFuture[rt.Void](l)
	l.SetExceptionHandler(func(l *rt.Loop, c rt.ErrorContext) {
		if !errors.Is(c.Err, unix.EMFILE) {
			other = append(other, fmt.Sprintf("%s: %v", c.Message, c.Err))
			return
		}
		reportsAt = append(reportsAt, l.Time())
		if len(reportsAt) == emfileSpin {
			done.Cancel() // spinning: give up at once, the parent fails
		}
		if len(reportsAt) == 1 {
			l.CallLater(emfileHold, func() {
				for _, fd := range held {
					unix.Close(fd)
				}
				held = nil
				freedAt = l.Time()
			})
		}
	})
	srv, err := rt.RunUntilComplete(l, l.CreateServer(func() rt.StreamProtocol {
		return &emfileEcho{
			made: func() { acceptedAt = append(acceptedAt, l.Time()) },
			lost: func() {
				if lost++; lost == emfileConns {
					done.SetResult(rt.Void{})
				}
			},
		}
	}, "tcp4", "127.0.0.1:0"))
	if err != nil {
		fail(err)
	}
	// A real-time hang guard (the virtual clock would jump over a loop
	// timer). Made before the fds run out: the first Go timer opens the
	// runtime's poller.
	guard := time.AfterFunc(30*time.Second, func() { l.CallSoonThreadsafe(func() { done.Cancel() }) })
	// Lower the limit a little above what is open, then use up the rest.
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
		fail(err)
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		fail(err)
	}
	lim := old
	setRlim(&lim.Cur, uint64(len(ents)+8))
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		fail(err)
	}
	devnull, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		fail(err)
	}
	held = append(held, devnull)
	for {
		// Open, not F_DUPFD_CLOEXEC, which AIX does not have.
		fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == unix.EMFILE {
			break
		}
		if err != nil {
			fail(err)
		}
		held = append(held, fd)
	}
	say("PORT %d", srv.Addrs()[0].(*net.TCPAddr).Port)
	runErr := l.RunUntilComplete(done)
	guard.Stop()
	srv.Close()
	for _, fd := range held {
		unix.Close(fd)
	}
	unix.Setrlimit(unix.RLIMIT_NOFILE, &old)
	msecs := func(ds []time.Duration) string {
		var b strings.Builder
		for _, d := range ds {
			fmt.Fprintf(&b, " %d", d.Milliseconds())
		}
		return strings.TrimSpace(b.String())
	}
	run := "ok"
	if runErr != nil {
		run = strings.ReplaceAll(runErr.Error(), "\n", " ")
	}
	say("RUN %s", run)
	say("REPORTS %s", msecs(reportsAt[:min(len(reportsAt), 20)]))
	say("NREPORTS %d", len(reportsAt))
	say("FREED %s", msecs([]time.Duration{freedAt}))
	say("ACCEPTED %s", msecs(acceptedAt))
	say("LOST %d", lost)
	say("OTHER %d", len(other))
	say("OTHER_MSGS %q", other)
	l.Close()
	say("DONE")
}

// emfileEcho echoes, and closes at the peer's EOF.
type emfileEcho struct {
	rt.ProtocolBase
	t          rt.Transport
	made, lost func()
}

func (p *emfileEcho) ConnectionMade(t rt.Transport) { p.t = t; p.made() }
func (p *emfileEcho) DataReceived(b []byte)         { p.t.Write(b) }
func (p *emfileEcho) ConnectionLost(error)          { p.lost() }
