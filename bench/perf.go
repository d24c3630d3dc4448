package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// ioSyscalls are the calls a server makes to move bytes and wait for
// them: syscalls/msg sums these. Python's sockets use send/recv (sendto,
// recvfrom); the rest read and write.
var ioSyscalls = []string{"read", "readv", "recvfrom", "recvmsg", "write", "writev", "sendto", "sendmsg",
	"epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl"}

// allSyscalls counts every syscall of any kind (futex, nanosleep, ...).
const allSyscalls = "raw_syscalls:sys_enter"

// perfUsable says why syscalls cannot be counted here, or "" when they can.
func perfUsable() string {
	if _, err := exec.LookPath("perf"); err != nil {
		return "no perf (Debian: linux-perf)"
	}
	out, err := exec.Command("perf", "stat", "-x", ",", "-e", "syscalls:sys_enter_read", "-e", allSyscalls, "true").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "syscalls:sys_enter_read") {
		return "perf cannot count syscall tracepoints here (needs root or perf_event_paranoid -1): " + strings.TrimSpace(string(out))
	}
	return ""
}

// perfEvents are the tracepoints this kernel has, of ioSyscalls.
func perfEvents() []string {
	var evs []string
	for _, name := range ioSyscalls {
		for _, dir := range []string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"} {
			if _, err := os.Stat(dir + "/events/syscalls/sys_enter_" + name); err == nil {
				evs = append(evs, "syscalls:sys_enter_"+name)
				break
			}
		}
	}
	return append(evs, allSyscalls)
}

// perfStat is `perf stat` attached to a process with counting off until
// enable, driven through its control pipes, so that it counts exactly the
// region between enable and finish.
type perfStat struct {
	cmd      *exec.Cmd
	ctl, ack *os.File
	out      string
	stderr   bytes.Buffer
}

func startPerf(pid int) (*perfStat, error) {
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	ackR, ackW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "bench-perf")
	if err != nil {
		return nil, err
	}
	f.Close()
	args := []string{"stat", "-x", ",", "-o", f.Name(), "--control", "fd:3,4", "-D", "-1"}
	for _, ev := range perfEvents() {
		args = append(args, "-e", ev)
	}
	args = append(args, "-p", strconv.Itoa(pid))
	p := &perfStat{out: f.Name(), ctl: ctlW, ack: ackR}
	p.cmd = exec.Command("perf", args...)
	p.cmd.ExtraFiles = []*os.File{ctlR, ackW}
	p.cmd.Stderr = &p.stderr
	err = p.cmd.Start()
	ctlR.Close()
	ackW.Close()
	if err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// command sends enable or disable and waits for perf's "ack\n\x00".
func (p *perfStat) command(c string) error {
	if _, err := io.WriteString(p.ctl, c+"\n"); err != nil {
		return err
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(p.ack, buf); err != nil || !bytes.HasPrefix(buf, []byte("ack\n")) {
		return fmt.Errorf("perf %s: %q, %v; perf said: %s", c, buf, err, p.stderr.String())
	}
	return nil
}

func (p *perfStat) enable() error { return p.command("enable") }

// finish stops counting and returns the counts: the I/O syscalls summed,
// and every syscall.
func (p *perfStat) finish() (io, all int64, err error) {
	defer p.close()
	if err := p.command("disable"); err != nil {
		return 0, 0, err
	}
	p.cmd.Process.Signal(os.Interrupt)
	p.cmd.Wait()
	b, err := os.ReadFile(p.out)
	if err != nil {
		return 0, 0, err
	}
	counts := parsePerfCSV(string(b))
	for ev, n := range counts {
		if strings.HasPrefix(ev, "syscalls:") {
			io += n
		}
	}
	return io, counts[allSyscalls], nil
}

func (p *perfStat) close() {
	p.ctl.Close()
	p.ack.Close()
	if p.cmd != nil && p.cmd.Process != nil && p.cmd.ProcessState == nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
	os.Remove(p.out)
}
