package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"time"
)

// machine describes where the run happened.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel := "unknown kernel"
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return fmt.Sprintf("%s, %d cores, %s, %s", model, runtime.NumCPU(), kernel, runtime.Version())
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}

// fmtRange is "median (min–max)" with f formatting each.
func fmtRange(s summary, f func(float64) string) string {
	if s.n == 0 {
		return "n/a"
	}
	if s.n == 1 {
		return f(s.median)
	}
	return fmt.Sprintf("%s (%s–%s)", f(s.median), f(s.min), f(s.max))
}

func kilo(v float64) string {
	if v >= 1e6 {
		return fmt.Sprintf("%.2fM", v/1e6)
	}
	return fmt.Sprintf("%.1fk", v/1e3)
}

func times(v float64) string { return fmt.Sprintf("%.2f×", v) }

func num(v float64, prec int) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

// markdown is the report: the run's circumstances, a table per cell, the
// idle memory and the targets.
func (r *results) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# asyncgen peer benchmarks\n\n")
	p("- date: %s (%s)\n", r.started.UTC().Format("2006-01-02 15:04 UTC"), r.finished.Sub(r.started).Round(time.Second))
	p("- machine: %s\n", machine())
	mode := "full"
	if r.o.short {
		mode = "short (-short: smoke test, figures not meaningful)"
	}
	p("- run: %s; %d repetitions, interleaved (each repetition runs every server once per cell, in a rotating order, each on a fresh process); echo and HTTP runs of %v, redis-benchmark runs of %d requests (%d pipelined)\n",
		mode, r.o.reps, r.o.d, r.o.respN, 5*r.o.respN)
	if r.o.pin {
		p("- pinned: servers on CPU 0 (taskset -c 0), the echo load client on CPU 1; redis-benchmark and wrk inherit CPU 1\n")
	} else {
		p("- not pinned: servers and load clients share all cores as the scheduler likes (-pin pins them)\n")
	}
	p("- echo load client: %s\n", loadMethod)
	p("- RESP load: `redis-benchmark -t set|get -c 50 -n N -q [-P 16]`; HTTP load: `wrk -t1 -c50 -d%v`\n", r.o.d)
	bg := r.busyElsewhere()
	p("- how busy the machine was: other processes kept %s cores busy during the timed runs (median, range; from /proc/stat less the server and the load client); load average at the start %s\n",
		fmtRange(bg, func(v float64) string { return num(v, 2) }), r.load0)
	for _, n := range r.notes {
		p("- %s\n", n)
	}
	if r.perfSkip != "" {
		p("- syscalls per request: n/a (%s)\n", r.perfSkip)
	}
	p("\nreq/s and their ratio to the cell's reference are medians over the repetitions with their range; a ratio is taken within one repetition. " +
		"Server CPU is utime+stime from /proc/PID/stat over the timed run, per request. " +
		"Syscalls per request come from `perf stat` tracepoints on the server over a fixed request count: the I/O ones (read/write/send/recv families and epoll), and every syscall in brackets.\n")
	for _, g := range r.groups {
		if g == idleGroup {
			continue
		}
		p("\n### %s (reference: %s)\n\n", g, r.refs[g])
		p("| server | req/s | × %s | server CPU µs/req | syscalls/req |\n| --- | ---: | ---: | ---: | ---: |\n", r.refs[g])
		for _, w := range r.rows {
			if w.group != g {
				continue
			}
			if w.skip != "" {
				p("| %s | skipped: %s | | | |\n", w.server, w.skip)
				continue
			}
			sys := "n/a"
			if !math.IsNaN(w.sys.io) {
				sys = fmt.Sprintf("%.2f (%.2f)", w.sys.io, w.sys.all)
			}
			cpu := summarize(column(w, func(s sample) float64 { return s.cpuUs }))
			p("| %s | %s | %s | %s | %s |\n", w.server, fmtRange(summarize(column(w, reqps)), kilo),
				fmtRange(r.ratio(w), times), fmtRange(cpu, func(v float64) string { return num(v, 2) }), sys)
		}
	}
	if _, ok := r.refs[idleGroup]; ok {
		r.idleTable(p)
	}
	p("\n### targets\n\n| target | measured | verdict |\n| --- | ---: | --- |\n")
	for _, t := range r.targets() {
		p("| %s | %s | %s |\n", t.what, t.measured, t.verdict)
	}
	return b.String()
}

func (r *results) idleTable(p func(string, ...any)) {
	p("\n### memory per idle connection (%d connections, each having had one answer: an echo of 1 KiB, a PING, a GET /hello; resident set over the server with none)\n\n", r.o.idle)
	p("| server | RSS per connection |\n| --- | ---: |\n")
	for _, w := range r.rows {
		if w.group != idleGroup {
			continue
		}
		v := "n/a"
		switch {
		case w.skip != "":
			v = "skipped: " + w.skip
		case !math.IsNaN(w.idle):
			v = fmt.Sprintf("%.0f B", w.idle)
		}
		p("| %s | %s |\n", w.server, v)
	}
}

// busyElsewhere summarizes the other processes' cores over every timed run.
func (r *results) busyElsewhere() summary {
	var vs []float64
	for _, w := range r.rows {
		vs = append(vs, column(w, func(s sample) float64 { return s.bg })...)
	}
	return summarize(vs)
}
