//go:build linux

package echobench

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// perfEvents are the syscalls counted; eagain-read and eagain-recvfrom
// are the reads that found nothing (their exits filtered on -EAGAIN).
// syscalls/msg sums the reads, the writes and the epoll calls (ioEvents).
// Go's net server reads and writes with read and write; the loop's
// transports with recvfrom, sendto and sendmsg (MSG_DONTWAIT).
var perfEvents = []struct{ name, event, filter string }{
	{"read", "syscalls:sys_enter_read", ""},
	{"eagain-read", "syscalls:sys_exit_read", "ret == -11"},
	{"recvfrom", "syscalls:sys_enter_recvfrom", ""},
	{"eagain-recvfrom", "syscalls:sys_exit_recvfrom", "ret == -11"},
	{"write", "syscalls:sys_enter_write", ""},
	{"writev", "syscalls:sys_enter_writev", ""},
	{"sendto", "syscalls:sys_enter_sendto", ""},
	{"sendmsg", "syscalls:sys_enter_sendmsg", ""},
	{"epoll_wait", "syscalls:sys_enter_epoll_wait", ""},
	{"epoll_pwait", "syscalls:sys_enter_epoll_pwait", ""},
	{"epoll_ctl", "syscalls:sys_enter_epoll_ctl", ""},
	// Not in syscalls/msg: the Go scheduler's own (futex wakeups) and
	// every syscall of any kind.
	{"futex", "syscalls:sys_enter_futex", ""},
	{"all-syscalls", "raw_syscalls:sys_enter", ""},
}

// perfStat is `perf stat` attached to a process with its events off
// until enable, driven through its control pipes.
type perfStat struct {
	cmd      *exec.Cmd
	ctl, ack *os.File // our ends
	out      string
	stderr   bytes.Buffer
}

func startPerf(pid int) (*perfStat, error) {
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
	for _, ev := range perfEvents {
		args = append(args, "-e", ev.event)
		if ev.filter != "" {
			args = append(args, "--filter", ev.filter)
		}
	}
	args = append(args, "-p", strconv.Itoa(pid))
	p := &perfStat{}
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
func (p *perfStat) command(c string) error {
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

func (p *perfStat) enable() error { return p.command("enable") }

// finish stops counting and returns the counts by event name.
func (p *perfStat) finish() (map[string]int64, error) {
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
		for _, ev := range perfEvents {
			if f[2] == ev.event {
				v, _ := strconv.ParseInt(f[0], 10, 64) // "<not counted>" is 0
				counts[ev.name] = v
			}
		}
	}
	return counts, nil
}

func (p *perfStat) close() {
	p.ctl.Close()
	p.ack.Close()
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
	os.Remove(p.out)
}
