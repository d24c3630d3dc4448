package main

import (
	"os"
	"testing"
)

func TestParseProcStat(t *testing.T) {
	// A command name with a space and a parenthesis: fields count from
	// the last ')'. utime 150 and stime 50 ticks: 2 s.
	line := "4242 (my (srv) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 50 0 0 20 0 3 0 123 456 789 18446744073709551615\n"
	got, err := parseProcStat(line)
	if err != nil {
		t.Fatal(err)
	}
	if got != 2_000_000 {
		t.Errorf("parseProcStat = %d µs, want 2000000", got)
	}
	if _, err := parseProcStat("4242 (x) S 1 2"); err == nil {
		t.Error("parseProcStat of a short line: no error")
	}
}

func TestProcCPUOfThisProcess(t *testing.T) {
	// CPU time only grows; this test has spent some by now.
	a, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for i := range 50_000_000 {
		x += i
	}
	b, err := procCPU(os.Getpid())
	if err != nil || b < a || x == 0 {
		t.Errorf("procCPU went from %d to %d µs (%v)", a, b, err)
	}
}

func TestParseVmRSS(t *testing.T) {
	got, err := parseVmRSS("Name:\tx\nVmPeak:\t  9000 kB\nVmRSS:\t    5120 kB\nThreads:\t1\n")
	if err != nil || got != 5120*1024 {
		t.Errorf("parseVmRSS = %d, %v, want %d", got, err, 5120*1024)
	}
	if _, err := parseVmRSS("Name:\tx\n"); err == nil {
		t.Error("parseVmRSS without VmRSS: no error")
	}
}

func TestParseCPULine(t *testing.T) {
	// user nice system idle iowait irq softirq steal guest guest_nice:
	// busy is user+nice+system+irq+softirq+steal = 100+2+30+1+2+5 ticks.
	got, err := parseCPULine("cpu  100 2 30 5000 40 1 2 5 7 0")
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(140 * 1e6 / clockTick); got != want {
		t.Errorf("parseCPULine = %d µs, want %d", got, want)
	}
	if _, err := parseCPULine("cpu0 1 2 3 4 5 6 7"); err == nil {
		t.Error("parseCPULine of a per-CPU line: no error")
	}
}
