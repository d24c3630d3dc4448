package main

import (
	"strings"
	"testing"
)

func TestParseRedisBenchmark(t *testing.T) {
	// redis-benchmark 7 -q: progress lines end in '\r' and are
	// overwritten by the result line.
	out := "SET: rps=0.0 (overall: nan) avg_msec=nan (overall: nan)\r" +
		"SET: rps=81231.1 (overall: 81231.1) avg_msec=0.311 (overall: 0.311)\r" +
		"SET: 81037.28 requests per second, p50=0.311 msec                   \n" +
		"GET: 90090.09 requests per second, p50=0.271 msec\n\n"
	got, err := parseRedisBenchmark(out)
	if err != nil {
		t.Fatal(err)
	}
	if got["SET"] != 81037.28 || got["GET"] != 90090.09 || len(got) != 2 {
		t.Errorf("parseRedisBenchmark = %v, want SET 81037.28 and GET 90090.09", got)
	}
	if _, err := parseRedisBenchmark("Could not connect to Redis at 127.0.0.1:1: Connection refused\n"); err == nil {
		t.Error("parseRedisBenchmark of a failure: no error")
	}
}

const wrkOut = `Running 3s test @ http://127.0.0.1:8080/hello
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.71ms  256.00us   6.62ms   89.68%
    Req/Sec    29.40k     1.01k   30.66k    80.00%
  87749 requests in 3.00s, 10.71MB read
Requests/sec:  29239.19
Transfer/sec:      3.57MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkOut)
	if err != nil {
		t.Fatal(err)
	}
	if r.rate != 29239.19 || r.requests != 87749 {
		t.Errorf("parseWrk = %+v, want 29239.19 req/s and 87749 requests", r)
	}
	bad := strings.Replace(wrkOut, "Requests/sec", "  Non-2xx or 3xx responses: 87749\nRequests/sec", 1)
	if _, err := parseWrk(bad); err == nil || !strings.Contains(err.Error(), "Non-2xx") {
		t.Errorf("parseWrk with error answers: %v, want the Non-2xx count as the error", err)
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Error("parseWrk of a failure: no error")
	}
}

func TestParsePerfCSV(t *testing.T) {
	out := "# started on Wed Dec  2 06:00:00 2026\n\n" +
		"200143,,syscalls:sys_enter_read,1000000000,100.00,,\n" +
		"<not counted>,,syscalls:sys_enter_readv,0,100.00,,\n" +
		"199870,,syscalls:sys_enter_write,1000000000,100.00,,\n" +
		"410777,,raw_syscalls:sys_enter,1000000000,100.00,,\n"
	got := parsePerfCSV(out)
	want := map[string]int64{"syscalls:sys_enter_read": 200143, "syscalls:sys_enter_write": 199870, "raw_syscalls:sys_enter": 410777}
	if len(got) != len(want) {
		t.Errorf("parsePerfCSV = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("parsePerfCSV[%s] = %d, want %d", k, got[k], v)
		}
	}
}
