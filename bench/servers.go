package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is one program the suite runs: how to start it on a port, and
// why it is skipped when it cannot run here.
type server struct {
	name string // as the table shows it
	argv func(port int) []string
	// goRuntime: a Go server of this suite that returns freed memory to
	// the OS on SIGUSR1 (internal/srv) before its resident set is read.
	goRuntime bool
	// idle opens the idle connections of the memory figure, each having
	// had one answer (an echo, a PING's, a GET's) and then held.
	idle func(addr string, n int) (io.Closer, error)
	skip string // non-empty: why this server does not run here
}

// proc is a running server.
type proc struct {
	s      *server
	cmd    *exec.Cmd
	addr   string
	stderr bytes.Buffer
	exited chan struct{}
}

// pinServer, when non-empty, is the taskset CPU list the servers run on.
var pinServer string

// start runs s on a free port of 127.0.0.1 and returns once the port
// accepts connections.
func (s *server) start() (*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	argv := s.argv(port)
	if pinServer != "" {
		// taskset execs the server: the pid is the server's own.
		argv = append([]string{"taskset", "-c", pinServer}, argv...)
	}
	p := &proc{s: s, addr: fmt.Sprintf("127.0.0.1:%d", port), exited: make(chan struct{})}
	p.cmd = exec.Command(argv[0], argv[1:]...)
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	live.add(p)
	go func() { p.cmd.Wait(); live.remove(p); close(p.exited) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp4", p.addr, time.Second)
		if err == nil {
			c.Close()
			return p, nil
		}
		select {
		case <-p.exited:
			return nil, fmt.Errorf("%s exited before serving: %s", s.name, strings.TrimSpace(p.stderr.String()))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("%s: nothing listens on %s after 20s", s.name, p.addr)
		}
	}
}

// live is every server still running, for killAll.
var live = &procSet{m: map[*proc]bool{}}

type procSet struct {
	mu sync.Mutex
	m  map[*proc]bool
}

func (s *procSet) add(p *proc)    { s.mu.Lock(); s.m[p] = true; s.mu.Unlock() }
func (s *procSet) remove(p *proc) { s.mu.Lock(); delete(s.m, p); s.mu.Unlock() }

// killAll kills every server still running: the suite was interrupted.
func killAll() {
	live.mu.Lock()
	defer live.mu.Unlock()
	for p := range live.m {
		p.cmd.Process.Kill()
	}
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) cpu() (int64, error) { return procCPU(p.pid()) }

// rss is the server's resident set; a Go server of the suite first gives
// back what its collector has freed.
func (p *proc) rss() (int64, error) {
	if p.s.goRuntime {
		p.cmd.Process.Signal(syscall.SIGUSR1)
		time.Sleep(300 * time.Millisecond) // FreeOSMemory runs a full GC first
	}
	return procRSS(p.pid())
}

// stop ends the server (SIGTERM, then SIGKILL after 5s). Stopping the
// server before the client closes its sockets leaves TIME_WAIT on the
// server's side, so that the client's ephemeral ports stay free.
func (p *proc) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// alive reports an error if the server has exited.
func (p *proc) alive() error {
	select {
	case <-p.exited:
		return fmt.Errorf("%s exited: %s", p.s.name, strings.TrimSpace(p.stderr.String()))
	default:
		return nil
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// suite is every server, built into bin.
type suite struct {
	echo, resp, http []*server
	notes            []string // what was skipped and why, and other facts of the run
}

// build compiles the servers into bin (a temporary directory) and finds
// the programs the other cells need. root is the repository (bench/..);
// idle is how many idle connections the memory figure holds.
func build(root, bin string, idle int) (*suite, error) {
	bench := filepath.Join(root, "bench")
	run := func(dir string, argv ...string) error {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
		}
		return nil
	}
	if err := run(bench, "go", "build", "-o", bin+"/", "./servers/..."); err != nil {
		return nil, err
	}
	if err := run(bench, "cc", "-O2", "-o", filepath.Join(bin, "cecho"), "c/echo.c"); err != nil {
		return nil, err
	}
	s := &suite{}
	binary := func(name string, args ...string) func(int) []string {
		return func(port int) []string {
			return append([]string{filepath.Join(bin, name), "-addr", fmt.Sprintf("127.0.0.1:%d", port)}, args...)
		}
	}
	py, pyNote := pythons()
	s.notes = append(s.notes, pyNote...)
	script := filepath.Join(bench, "py", "echo.py")
	pyServer := func(name, interp string, args ...string) *server {
		sv := &server{name: name, idle: echoIdle, argv: func(port int) []string {
			return append([]string{interp, script, strconv.Itoa(port)}, args...)
		}}
		if interp == "" {
			sv.skip = "no python3 with uvloop (Debian: python3-uvloop, for /usr/bin/python3)"
		}
		return sv
	}
	s.echo = []*server{
		{name: "Go net", argv: binary("netecho"), goRuntime: true, idle: echoIdle},
		{name: "asyncgen Protocol", argv: binary("protocol"), goRuntime: true, idle: echoIdle},
		{name: "asyncgen streams", argv: binary("streams"), goRuntime: true, idle: echoIdle},
		{name: "C epoll", argv: func(port int) []string { return []string{filepath.Join(bin, "cecho"), strconv.Itoa(port)} }, idle: echoIdle},
		{name: "gnet v2", argv: binary("gnet"), goRuntime: true, idle: echoIdle},
		pyServer("asyncio Protocol", py.asyncio, "protocol"),
		pyServer("asyncio streams", py.asyncio, "streams"),
		pyServer("uvloop Protocol", py.uvloop, "protocol", "uvloop"),
		pyServer("uvloop streams", py.uvloop, "streams", "uvloop"),
	}
	if py.asyncio == "" {
		s.echo[5].skip, s.echo[6].skip = "no python3 (Debian: python3)", "no python3 (Debian: python3)"
	}

	// The examples are other packages of the repository: they are
	// measured once they exist in this checkout.
	// The examples do not take the suite's SIGUSR1 (goRuntime): their
	// resident set includes what their collector has not handed back.
	redisEx := &server{name: "asyncgen examples/redis", argv: binary("exredis"), idle: respIdle}
	if err := buildExample(root, "examples/redis", filepath.Join(bin, "exredis"), redisEx, run); err != nil {
		return nil, err
	}
	// maxclients: redis-server refuses clients past 10,000 by default,
	// and the idle figure holds that many besides its own probe.
	redisSrv := &server{name: "redis-server", idle: respIdle, argv: func(port int) []string {
		return []string{"redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
			"--maxclients", strconv.Itoa(idle + 64)}
	}}
	if _, err := exec.LookPath("redis-server"); err != nil {
		redisSrv.skip = "no redis-server (Debian: redis-server)"
	}
	s.resp = []*server{redisSrv, redisEx}
	if _, err := exec.LookPath("redis-benchmark"); err != nil {
		s.resp = nil
		s.notes = append(s.notes, "RESP cells skipped: no redis-benchmark (Debian: redis-tools)")
	}
	httpEx := &server{name: "asyncgen examples/http", argv: binary("exhttp"), idle: httpIdle}
	if err := buildExample(root, "examples/http", filepath.Join(bin, "exhttp"), httpEx, run); err != nil {
		return nil, err
	}
	s.http = []*server{{name: "net/http", argv: binary("nethttp"), goRuntime: true, idle: httpIdle}, httpEx}
	if _, err := exec.LookPath("wrk"); err != nil {
		s.http = nil
		s.notes = append(s.notes, "HTTP cells skipped: no wrk (Debian: wrk)")
	}
	for _, g := range [][]*server{s.echo, s.resp, s.http} {
		for _, sv := range g {
			if sv.skip != "" {
				s.notes = append(s.notes, sv.name+" skipped: "+sv.skip)
			}
		}
	}
	return s, nil
}

// buildExample builds the example package pkg into out, or marks sv
// skipped while the package is not in the checkout.
func buildExample(root, pkg, out string, sv *server, run func(string, ...string) error) error {
	if _, err := os.Stat(filepath.Join(root, pkg, "main.go")); errors.Is(err, os.ErrNotExist) {
		sv.skip = pkg + " is not in this checkout yet"
		return nil
	}
	return run(root, "go", "build", "-o", out, "./"+pkg)
}

// interpreters are the python3 programs the CPython cells run.
type interpreters struct{ asyncio, uvloop string }

// pythons finds python3 for the asyncio cells and one that has uvloop;
// Debian's /usr/bin/python3 comes first (python3-uvloop is for it), so
// that both kinds of cell run on the same CPython where they can.
func pythons() (interpreters, []string) {
	var cands []string
	for _, c := range []string{"/usr/bin/python3", "python3"} {
		if p, err := exec.LookPath(c); err == nil {
			cands = append(cands, p)
		}
	}
	var py interpreters
	for _, c := range cands {
		if exec.Command(c, "-c", "import uvloop").Run() == nil {
			py.uvloop = c
			break
		}
	}
	switch {
	case py.uvloop != "":
		py.asyncio = py.uvloop
	case len(cands) > 0:
		py.asyncio = cands[0]
	}
	var notes []string
	if py.asyncio != "" {
		v, _ := exec.Command(py.asyncio, "-c", "import platform; print(platform.python_version())").Output()
		notes = append(notes, fmt.Sprintf("CPython %s (%s)", strings.TrimSpace(string(v)), py.asyncio))
	}
	return py, notes
}
