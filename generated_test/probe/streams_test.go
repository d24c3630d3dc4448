package probe

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"github.com/asyncgen/asyncgen/rt"
)

// startPeer starts testdata/peer.py in mode and returns its address and
// a function that waits for it and returns what it printed after PORT.
func startPeer(t *testing.T, mode string) (string, func() string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		// Only where the real client is missing; .ci/run installs it and
		// fails if this test skipped.
		t.Skip("python3 is not in PATH (Debian package python3):", err)
	}
	cmd := exec.Command(py, "testdata/peer.py", mode)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	sc := bufio.NewScanner(out)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "PORT ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("peer did not start: %q", sc.Text())
	}
	addr := "127.0.0.1:" + strings.TrimPrefix(sc.Text(), "PORT ")
	return addr, func() string {
		in.Write([]byte("go\n"))
		var lines []string
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		cmd.Wait()
		timer.Stop()
		return strings.Join(lines, "|")
	}
}

func TestProbeStreamsWithAsyncioPeer(t *testing.T) {
	for _, c := range []struct {
		mode   string
		client func(string) rt.Coro[string]
		want   string
		peer   string
	}{
		{"bytes_then_eof", clientBytesThenEOFAsync,
			`"hello world\n" "partial" 100 eof=true rest=""`, `GOT b'after eof\n'|DONE`},
		{"reset", clientResetAsync, `"abc" read:true write:<nil> drain:true closed:true`, `RESET|DONE`},
		{"stall", clientStallAsync, `true 3 "half\n" "rest"`, `GOT b'go\n'|DONE`},
		{"stall", clientStallTimeoutScopeAsync, `true "half\n" 4 bytes read on a total of undefined expected bytes`, `GOT b'go\n'|DONE`},
		{"noread", clientCancelDrainAsync, `false true <nil>`, `CLOSED True|DONE`},
	} {
		t.Run(c.mode, func(t *testing.T) {
			leakcheck.Check(t)
			addr, wait := startPeer(t, c.mode)
			got, err := rt.Run(c.client(addr))
			peer := wait()
			if err != nil {
				t.Errorf("client: %v (got %q)", err, got)
			}
			if got != c.want {
				t.Errorf("client got  %q\nwant %q", got, c.want)
			}
			if peer != c.peer {
				t.Errorf("peer printed %q, want %q", peer, c.peer)
			}
		})
	}
}

func TestProbeServerLifecycle(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		run  func() rt.Coro[string]
		want string
	}{
		{"addrinuse", pAddrInUseAsync, "inuse:true refused:true"},
		{"ipv6", pIPv6Async, "SIX\n [::1]:"},
		{"unixstale", func() rt.Coro[string] { return pUnixStaleAsync(dir) }, "UNIX\n live:true removed:true regular:true kept:\"x\""},
		{"closewithclients", pCloseWithClientsAsync, "ONE\n TWO\n refused:true waitclosed-early:false rest:\"\" serving:false"},
		{"serveforever", pServeForeverCancelledAsync, "SERVE\n again:true cancelled:true serving:false STILL\n read:<nil> after:true"},
	} {
		t.Run(c.name, func(t *testing.T) {
			leakcheck.Check(t)
			got, err := rt.Run(c.run())
			if err != nil {
				t.Fatalf("%v (got %q)", err, got)
			}
			if !strings.HasPrefix(got, c.want) {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
