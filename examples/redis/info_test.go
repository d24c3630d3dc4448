package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// INFO keyspace counts the keys and those with a deadline as
// redis-server 7.0 does through writes that set, keep and clear TTLs,
// deletions and FLUSHALL (its bytes for the same requests, whose avg_ttl
// Redis's expiry cycle had not sampled yet); the section is bare when
// the keyspace is empty, and INFO of an unknown section is empty.
func TestInfoKeyspace(t *testing.T) {
	ks := func(keys, expires int) string {
		body := fmt.Sprintf("# Keyspace\r\ndb0:keys=%d,expires=%d,avg_ttl=0\r\n", keys, expires)
		return fmt.Sprintf("$%d\r\n%s\r\n", len(body), body)
	}
	wire(t, "FLUSHALL\r\nSET a 1 EX 100\r\nSET b 1 PX 100000\r\nSET c 1\r\nINFO keyspace\r\nSET a 2\r\nINFO keyspace\r\n"+
		"EXPIRE c 50\r\nPERSIST b\r\nINCR c\r\nINFO keyspace\r\nSET c 5 KEEPTTL\r\nMSET c 1 d 2\r\nEXPIRE d 10\r\nDEL d\r\nINFO keyspace\r\n"+
		"SET e 1 EX 10\r\nEXPIRE e -1\r\nINFO keyspace\r\nSET f 1 EX 10\r\nFLUSHALL\r\nINFO keyspace\r\nINFO nosuch\r\nINFO KEYSPACE nosuch\r\n",
		"+OK\r\n+OK\r\n+OK\r\n+OK\r\n"+ks(3, 2)+"+OK\r\n"+ks(3, 1)+":1\r\n:1\r\n:2\r\n"+ks(3, 1)+
			"+OK\r\n+OK\r\n:1\r\n:1\r\n"+ks(3, 0)+"+OK\r\n:1\r\n"+ks(3, 0)+"+OK\r\n+OK\r\n"+
			"$12\r\n# Keyspace\r\n\r\n$0\r\n\r\n$12\r\n# Keyspace\r\n\r\n")
}

// readInfo sends INFO args on c and returns parseInfo of the answer.
func readInfo(t *testing.T, c *conversation, args string) (names []string, sections map[string]map[string]string) {
	t.Helper()
	io.WriteString(c, "INFO"+args+"\r\n")
	return parseInfo(t, c.r)
}

// parseInfo reads INFO's answer from r and returns its sections by name,
// each its fields, after checking the answer's shape as Redis writes it:
// a bulk string of "# Name" headers, each followed by "field:value" lines,
// a blank line between sections, every line ended by CRLF.
func parseInfo(t *testing.T, r *bufio.Reader) (names []string, sections map[string]map[string]string) {
	t.Helper()
	text := readBulk(t, r)
	if !strings.HasSuffix(text, "\r\n") || strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
		t.Fatalf("lines not ended by CRLF: %q", text)
	}
	sections = map[string]map[string]string{}
	for i, sec := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n\r\n") {
		lines := strings.Split(sec, "\r\n")
		name, ok := strings.CutPrefix(lines[0], "# ")
		if !ok {
			t.Fatalf("section %d starts %q, not with a header", i, lines[0])
		}
		fields := map[string]string{}
		for _, l := range lines[1:] {
			k, v, ok := strings.Cut(l, ":")
			if !ok || k == "" {
				t.Fatalf("in %s, line %q is not field:value", name, l)
			}
			fields[k] = v
		}
		names = append(names, name)
		sections[name] = fields
	}
	return names, sections
}

// INFO answers the sections client libraries and tools read, in Redis's
// format and order, with the fields they look for: the version, the
// process and port, uptime, the connections and commands served, memory
// in use, and the keyspace. INFO with sections answers those only.
func TestInfo(t *testing.T) {
	addr := startTest(t, defaultLimits)
	_, port := hostPort(t, addr)
	a, b := converse(t, addr), converse(t, addr)
	a.line(t, "SET k v EX 100\r\n")
	a.line(t, "PING\r\n")
	b.line(t, "PING\r\n")
	names, info := readInfo(t, b, "")
	want := []string{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules", "Cluster", "Keyspace"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("sections %q, want %q", names, want)
	}
	for _, f := range []struct{ section, field, want string }{
		{"Server", "tcp_port", port},
		{"Server", "process_id", strconv.Itoa(os.Getpid())},
		{"Server", "redis_mode", "standalone"},
		{"Server", "uptime_in_days", "0"},
		{"Clients", "connected_clients", "2"},
		{"Stats", "total_connections_received", "2"},
		{"Stats", "total_commands_processed", "3"},
		{"Keyspace", "db0", "keys=1,expires=1,avg_ttl=0"},
		{"Replication", "role", "master"},
		{"Cluster", "cluster_enabled", "0"},
	} {
		if got := info[f.section][f.field]; got != f.want {
			t.Errorf("%s %s: %q, want %q", f.section, f.field, got, f.want)
		}
	}
	if v := info["Server"]["redis_version"]; !strings.HasPrefix(v, "7.0.") {
		t.Errorf("redis_version %q, want a 7.0 version", v)
	}
	for _, f := range []string{"uptime_in_seconds", "used_memory", "used_memory_rss", "used_memory_peak"} {
		sec := "Memory"
		if f == "uptime_in_seconds" {
			sec = "Server"
		}
		if n, err := strconv.ParseInt(info[sec][f], 10, 64); err != nil || n < 0 || f != "uptime_in_seconds" && n == 0 {
			t.Errorf("%s: %q", f, info[sec][f])
		}
	}
	if names, info := readInfo(t, a, " clients SERVER"); strings.Join(names, ",") != "Server,Clients" || info["Server"]["tcp_port"] != port {
		t.Errorf("INFO clients SERVER: sections %q", names)
	}
	for _, all := range []string{" all", " default", " everything"} {
		if names, _ := readInfo(t, a, all); len(names) != len(want) {
			t.Errorf("INFO%s: sections %q", all, names)
		}
	}
}

// Uptime counts from the server's start and expired_keys the keys
// deleted at their deadline, on the loop's clock.
func TestInfoUptimeAndExpired(t *testing.T) {
	onVirtualServer(t, func(s *server) {
		c := s.newClient()
		do(c, "SET", "a", "v", "PX", "100")
		do(c, "SET", "b", "v", "PX", "100")
		do(c, "SET", "c", "v", "EX", "100")
		sleep(2500 * time.Millisecond)
		do(c, "GET", "a") // already deleted by the timer
		do(c, "INFO")
		_, info := parseInfo(t, bufio.NewReader(bytes.NewReader(c.out)))
		for _, f := range []struct{ section, field, want string }{
			{"Server", "uptime_in_seconds", "2"},
			{"Stats", "expired_keys", "2"},
			{"Keyspace", "db0", "keys=1,expires=1,avg_ttl=0"},
		} {
			if got := info[f.section][f.field]; got != f.want {
				t.Errorf("%s %s: %q, want %q", f.section, f.field, got, f.want)
			}
		}
	})
}
