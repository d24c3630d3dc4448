package main

import (
	"fmt"
	"time"

	"github.com/asyncgen/asyncgen/internal/echoload"
)

// row is one server in one cell: a sample per repetition (NaN where the
// repetition failed), and the figures taken once.
type row struct {
	group, server string
	samples       []sample
	sys           sysFig
	idle          float64 // resident bytes per idle connection
	skip          string
}

// results is everything one run measured.
type results struct {
	o                 options
	rows              []*row
	idx               map[string]*row
	groups            []string          // in the order the table shows them
	refs              map[string]string // the reference server of each group
	notes, failures   []string
	perfSkip          string
	started, finished time.Time
	load0             string // /proc/loadavg at the start
}

func newResults(o options) *results {
	return &results{o: o, idx: map[string]*row{}, refs: map[string]string{}}
}

func (r *results) row(group, server string) *row {
	k := group + "\x00" + server
	if w, ok := r.idx[k]; ok {
		return w
	}
	if _, ok := r.refs[group]; !ok {
		r.groups = append(r.groups, group)
		r.refs[group] = server // the first server of a group is its reference
	}
	w := &row{group: group, server: server, sys: sysFig{nan, nan}, idle: nan, samples: make([]sample, r.o.reps)}
	for i := range w.samples {
		w.samples[i] = sample{nan, nan, nan}
	}
	r.rows = append(r.rows, w)
	r.idx[k] = w
	return w
}

func (r *results) fail(group, server string, err error) {
	msg := fmt.Sprintf("%s / %s: %v", group, server, err)
	r.failures = append(r.failures, msg)
	fmt.Println("FAILED", msg)
}

const idleGroup = "idle connections"

func echoGroup(conns int) string { return fmt.Sprintf("echo 1 KiB, %d conns", conns) }

const httpGroup = "HTTP GET /hello, wrk -t1 -c50"

// rotate starts the order at a different server each repetition, so that
// no server always runs first (or right after the same neighbour).
func rotate(ss []*server, k int) []*server {
	if len(ss) == 0 {
		return nil
	}
	k %= len(ss)
	return append(append([]*server{}, ss[k:]...), ss[:k]...)
}

// respCells are the RESP cells every RESP server runs, in this order (GET
// after SET, so that the key exists).
var respCells = []respCell{{"set", 1}, {"get", 1}, {"set", 16}, {"get", 16}}

// respRequests is a RESP cell's request count: pipelined runs go about
// eight times as fast, so they get five times the requests.
func (r *results) respRequests(c respCell) int64 {
	if c.pipeline > 1 {
		return 5 * r.o.respN
	}
	return r.o.respN
}

// run measures every cell: the timed ones interleaved, a repetition at a
// time, then syscalls and idle memory once per server (each server of
// every cell: the echo servers, the RESP ones and the HTTP ones).
func (r *results) run(s *suite) {
	r.started = time.Now()
	r.load0 = loadavg()
	r.perfSkip = perfUsable()
	if !r.o.only["echo"] {
		s.echo = nil
	}
	if !r.o.only["resp"] {
		s.resp = nil
	}
	if !r.o.only["http"] {
		s.http = nil
	}
	// Every row exists before the first figure, so that the tables keep
	// the suite's order whatever fails.
	for _, conns := range []int{50, 100} {
		for _, sv := range s.echo {
			r.row(echoGroup(conns), sv.name).skip = sv.skip
		}
	}
	for _, c := range respCells {
		for _, sv := range s.resp {
			r.row(c.String(), sv.name).skip = sv.skip
		}
	}
	for _, sv := range s.http {
		r.row(httpGroup, sv.name).skip = sv.skip
	}
	for rep := range r.o.reps {
		fmt.Printf("repetition %d of %d\n", rep+1, r.o.reps)
		for _, conns := range []int{50, 100} {
			for _, sv := range rotate(s.echo, rep) {
				r.timedCell(echoGroup(conns), sv, rep, func(p *proc) (sample, error) {
					var smp sample
					err := withEcho(p, conns, func(cs *echoload.Conns) (err error) {
						smp, err = timed(p, echoLoad(cs, r.o.d, 0))
						return err
					})
					return smp, err
				})
			}
		}
		for _, sv := range rotate(s.resp, rep) {
			for _, c := range respCells {
				r.timedCell(c.String(), sv, rep, func(p *proc) (sample, error) {
					return timed(p, respLoad(p, c, r.respRequests(c)))
				})
			}
		}
		for _, sv := range rotate(s.http, rep) {
			r.timedCell(httpGroup, sv, rep, func(p *proc) (sample, error) {
				return timed(p, httpLoad(p, r.o.d))
			})
		}
	}
	if r.perfSkip == "" {
		fmt.Println("syscalls per request (perf stat, fixed request counts)")
		r.syscalls(s)
	}
	r.idleFigures(append(append(append([]*server{}, s.echo...), s.resp...), s.http...))
	r.finished = time.Now()
}

// idleFigures takes each server's resident set per idle connection.
func (r *results) idleFigures(servers []*server) {
	if len(servers) > 0 {
		fmt.Printf("memory per idle connection (%d connections)\n", r.o.idle)
	}
	for _, sv := range servers {
		w := r.row(idleGroup, sv.name)
		if w.skip = sv.skip; sv.skip != "" {
			continue
		}
		p, err := sv.start()
		var b float64
		if err == nil {
			b, err = idleBytes(p, r.o.idle)
			p.stop()
		}
		if err != nil {
			// No figure: the row stays NaN (n/a, its target not
			// measured), not the 0 that failed.
			r.fail(idleGroup, sv.name, err)
			continue
		}
		w.idle = b
		fmt.Printf("  %-24s %7.0f B/conn\n", sv.name, w.idle)
	}
}

// timedCell starts sv (each cell of each repetition on a fresh process),
// runs f against it, and records the sample.
func (r *results) timedCell(group string, sv *server, rep int, f func(*proc) (sample, error)) {
	if sv.skip != "" {
		return
	}
	p, err := sv.start()
	if err == nil {
		var smp sample
		smp, err = f(p)
		p.stop()
		if err == nil {
			r.row(group, sv.name).samples[rep] = smp
			fmt.Printf("  %-30s %-24s %9.0f req/s %7.2f µs/req CPU, %.2f cores busy elsewhere\n",
				group, sv.name, smp.reqps, smp.cpuUs, smp.bg)
			return
		}
	}
	r.fail(group, sv.name, err)
}

// syscalls counts each server's syscalls per request over a fixed number
// of requests (wrk's run is a fixed duration; its request count divides).
func (r *results) syscalls(s *suite) {
	count := func(group string, sv *server, f func(*proc) (sysFig, error)) {
		if sv.skip != "" {
			return
		}
		p, err := sv.start()
		if err == nil {
			var fig sysFig
			fig, err = f(p)
			p.stop()
			if err == nil {
				r.row(group, sv.name).sys = fig
				fmt.Printf("  %-30s %-24s %6.2f I/O syscalls/req (%.2f in all)\n", group, sv.name, fig.io, fig.all)
				return
			}
		}
		r.fail(group+" (perf)", sv.name, err)
	}
	for _, conns := range []int{50, 100} {
		for _, sv := range s.echo {
			count(echoGroup(conns), sv, func(p *proc) (fig sysFig, err error) {
				err = withEcho(p, conns, func(cs *echoload.Conns) (err error) {
					fig, err = countSyscalls(p, echoLoad(cs, 0, r.o.perfMsgs))
					return err
				})
				return fig, err
			})
		}
	}
	for _, sv := range s.resp {
		for _, c := range respCells {
			count(c.String(), sv, func(p *proc) (sysFig, error) {
				if c.test == "get" { // the key exists, as in the timed run
					if _, _, _, err := respLoad(p, respCell{"set", c.pipeline}, 1000)(); err != nil {
						return sysFig{}, err
					}
				}
				return countSyscalls(p, respLoad(p, c, r.respRequests(c)))
			})
		}
	}
	for _, sv := range s.http {
		count(httpGroup, sv, func(p *proc) (sysFig, error) {
			return countSyscalls(p, httpLoad(p, r.o.d))
		})
	}
}

// column returns one figure of a row's samples.
func column(w *row, f func(sample) float64) []float64 {
	out := make([]float64, len(w.samples))
	for i, s := range w.samples {
		out[i] = f(s)
	}
	return out
}

func reqps(s sample) float64 { return s.reqps }

// ratio is a row's req/s over its group's reference, repetition by
// repetition.
func (r *results) ratio(w *row) summary {
	ref := r.idx[w.group+"\x00"+r.refs[w.group]]
	if ref == nil {
		return summarize(nil)
	}
	return summarize(ratios(column(w, reqps), column(ref, reqps)))
}

// versus is req/s of server a over server b in group, by repetition.
func (r *results) versus(group, a, b string) summary {
	wa, wb := r.idx[group+"\x00"+a], r.idx[group+"\x00"+b]
	if wa == nil || wb == nil {
		return summary{nan, nan, nan, 0}
	}
	return summarize(ratios(column(wa, reqps), column(wb, reqps)))
}
