package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// INFO: the server's state as Redis reports it, in its sections and
// format ("# Section" headers, "field:value" lines ended by CRLF, a blank
// line between sections, all in one bulk string), with the fields client
// libraries and monitoring tools read. Fields that would describe what
// this server does not have (persistence, replicas, Lua) report it
// absent, as a Redis without them would; the memory is the Go heap's.

// redisVersion is the Redis this server answers as: the one whose
// replies it was compared with.
const redisVersion = "7.0.15"

// stats are the server's counters INFO reports.
type stats struct {
	connections   int64 // accepted
	commands      int64 // run, those inside EXEC included (queued ones count when they run)
	netIn, netOut int64 // bytes of requests consumed and of answers written
}

// infoSections are INFO's sections, in Redis's order.
var infoSections = []struct {
	name  string
	write func(s *server, w *infoWriter)
}{
	{"Server", (*server).infoServer},
	{"Clients", (*server).infoClients},
	{"Memory", (*server).infoMemory},
	{"Persistence", (*server).infoPersistence},
	{"Stats", (*server).infoStats},
	{"Replication", (*server).infoReplication},
	{"CPU", (*server).infoCPU},
	{"Modules", func(*server, *infoWriter) {}},
	{"Cluster", func(_ *server, w *infoWriter) { w.field("cluster_enabled", 0) }},
	{"Keyspace", (*server).infoKeyspace},
}

// cmdInfo is INFO [section ...]: the sections named (any case; unknown
// ones give nothing), or all of them for none, "all", "default" or
// "everything".
func cmdInfo(c *client, args [][]byte) {
	all := len(args) == 1
	for _, a := range args[1:] {
		all = all || isWord(a, "all") || isWord(a, "default") || isWord(a, "everything")
	}
	var w infoWriter
	for _, sec := range infoSections {
		if all || asked(args[1:], sec.name) {
			w.section(sec.name)
			sec.write(c.srv, &w)
		}
	}
	c.verbatim(w.b)
}

// asked reports whether a section's name is among args, ignoring case.
func asked(args [][]byte, name string) bool {
	for _, a := range args {
		if isWord(a, strings.ToLower(name)) {
			return true
		}
	}
	return false
}

// infoWriter builds INFO's text.
type infoWriter struct {
	b        []byte
	sections int
}

func (w *infoWriter) section(name string) {
	if w.sections > 0 {
		w.b = append(w.b, "\r\n"...)
	}
	w.sections++
	w.b = append(w.b, "# "...)
	w.b = append(w.b, name...)
	w.b = append(w.b, "\r\n"...)
}

func (w *infoWriter) field(name string, v any) { w.b = fmt.Appendf(w.b, "%s:%v\r\n", name, v) }

// randomID is a run or replication id as Redis makes them: 40 hex digits.
func randomID() string {
	b := make([]byte, 20)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *server) infoServer(w *infoWriter) {
	now := s.db.now()
	up := (now - s.started) / 1000
	exe, _ := os.Executable()
	w.field("redis_version", redisVersion)
	w.field("redis_git_sha1", "00000000")
	w.field("redis_git_dirty", 0)
	w.field("redis_build_id", "0")
	w.field("redis_mode", "standalone")
	w.field("os", runtime.GOOS+" "+runtime.GOARCH)
	w.field("arch_bits", strconv.IntSize)
	w.field("process_id", os.Getpid())
	w.field("process_supervised", "no")
	w.field("run_id", s.runID)
	w.field("tcp_port", s.port)
	w.field("server_time_usec", now*1000)
	w.field("uptime_in_seconds", up)
	w.field("uptime_in_days", up/86400)
	w.field("executable", exe)
	w.field("config_file", "")
	w.field("io_threads_active", 0)
}

func (s *server) infoClients(w *infoWriter) {
	w.field("connected_clients", len(s.clients))
	w.field("cluster_connections", 0)
	w.field("blocked_clients", s.blockedClients)
	w.field("tracking_clients", 0)
	w.field("clients_in_timeout_table", 0)
}

// infoMemory reports the Go heap's live objects as used_memory (what
// Redis's allocator has handed out) and the memory the runtime holds from
// the system as used_memory_rss.
func (s *server) infoMemory(w *infoWriter) {
	m := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(m)
	used, rss := m[0].Value.Uint64(), m[1].Value.Uint64()-m[2].Value.Uint64()
	s.peakMemory = max(s.peakMemory, used)
	w.field("used_memory", used)
	w.field("used_memory_human", bytesToHuman(used))
	w.field("used_memory_rss", rss)
	w.field("used_memory_rss_human", bytesToHuman(rss))
	w.field("used_memory_peak", s.peakMemory)
	w.field("used_memory_peak_human", bytesToHuman(s.peakMemory))
	w.field("maxmemory", 0)
	w.field("maxmemory_human", "0B")
	w.field("maxmemory_policy", "noeviction")
	w.field("mem_allocator", "go")
}

// bytesToHuman writes n as Redis's INFO does: bytes, then K, M, G, T with
// two decimals.
func bytesToHuman(n uint64) string {
	if n < 1024 {
		return strconv.FormatUint(n, 10) + "B"
	}
	f, unit := float64(n)/1024, "K"
	for _, u := range []string{"M", "G", "T", "P"} {
		if f < 1024 {
			break
		}
		f, unit = f/1024, u
	}
	return strconv.FormatFloat(f, 'f', 2, 64) + unit
}

func (s *server) infoPersistence(w *infoWriter) {
	w.field("loading", 0)
	w.field("async_loading", 0)
	w.field("rdb_bgsave_in_progress", 0)
	w.field("rdb_last_save_time", s.started/1000)
	w.field("rdb_last_bgsave_status", "ok")
	w.field("aof_enabled", 0)
	w.field("aof_rewrite_in_progress", 0)
	w.field("aof_rewrite_scheduled", 0)
	w.field("aof_last_bgrewrite_status", "ok")
	w.field("aof_last_write_status", "ok")
}

func (s *server) infoStats(w *infoWriter) {
	w.field("total_connections_received", s.stats.connections)
	w.field("total_commands_processed", s.stats.commands)
	w.field("total_net_input_bytes", s.stats.netIn)
	w.field("total_net_output_bytes", s.stats.netOut)
	w.field("rejected_connections", 0)
	w.field("expired_keys", s.db.expiredKeys)
	w.field("evicted_keys", 0)
	w.field("pubsub_channels", len(s.ps.channels))
	w.field("pubsub_patterns", len(s.ps.patterns))
}

func (s *server) infoReplication(w *infoWriter) {
	w.field("role", "master")
	w.field("connected_slaves", 0)
	w.field("master_failover_state", "no-failover")
	w.field("master_replid", s.replID)
	w.field("master_replid2", strings.Repeat("0", 40))
	w.field("master_repl_offset", 0)
	w.field("second_repl_offset", -1)
	w.field("repl_backlog_active", 0)
}

// infoCPU reports the process's CPU time, which is the loop's and the Go
// runtime's (the collector, the poller) together.
func (s *server) infoCPU(w *infoWriter) {
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	seconds := func(tv unix.Timeval) string {
		ns := tv.Nano()
		return fmt.Sprintf("%d.%06d", ns/1e9, ns%1e9/1e3)
	}
	w.field("used_cpu_sys", seconds(ru.Stime))
	w.field("used_cpu_user", seconds(ru.Utime))
}

// infoKeyspace counts the keys as Redis does, those past their deadline
// but not yet deleted included. avg_ttl is 0, what Redis reports until
// its expiry cycle has sampled the keys (it is an estimate there).
func (s *server) infoKeyspace(w *infoWriter) {
	if len(s.db.m) > 0 {
		w.field("db0", fmt.Sprintf("keys=%d,expires=%d,avg_ttl=0", len(s.db.m), s.db.expires))
	}
}
