// Package leakcheck is the tests' check that nothing leaks: when a test
// ends, every descriptor it opened is closed and every goroutine it
// started has returned. Descriptors are compared as sets, not counts: a
// loop an earlier test dropped without Close may have its poller's
// *os.File closed by the garbage collector meanwhile, which would hide a
// leak from a count.
package leakcheck

import (
	"os"
	"runtime"
	"sort"
	"testing"
	"time"
)

// FDs maps each of the process's open descriptors, by number, to what it
// refers to (its /proc/self/fd link: a path, or "socket:[inode]"), so
// that a number reused by another file counts as new. The descriptor that
// lists the directory is left out. It skips the test where /proc/self/fd
// does not exist: listing descriptors needs Linux's procfs, and
// elsewhere the leak check cannot run.
func FDs(t testing.TB) map[string]string {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd to list descriptors:", err)
	}
	set := make(map[string]string, len(ents))
	for _, e := range ents {
		// The listing's own descriptor is closed by now: no link.
		if link, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil {
			set[e.Name()] = link
		}
	}
	return set
}

// Opened lists the descriptors open now that were not in before, each
// with what it refers to, sorted.
func Opened(t testing.TB, before map[string]string) []string {
	t.Helper()
	var out []string
	for fd, link := range FDs(t) {
		if was, ok := before[fd]; !ok || was != link {
			out = append(out, fd+" ("+link+")")
		}
	}
	sort.Strings(out)
	return out
}

// settle bounds how long Check waits for goroutines and descriptors to
// wind down before it calls them leaked.
var settle = 5 * time.Second

// Check records the open descriptors and the goroutine count and, at
// cleanup (after the test's later cleanups, which run first), fails the
// test if a descriptor opened since is still open or goroutines remain.
// A test that already failed is not checked again.
func Check(t testing.TB) {
	t.Helper()
	// Let the Go runtime open its network poller first: it stays open for
	// the process's life, so it is not the test's leak.
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}
	fd0, g0 := FDs(t), runtime.NumGoroutine()
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		// Executor and runtime goroutines end asynchronously after the
		// loop that used them closes: wait for them, within a bound.
		deadline := time.Now().Add(settle)
		for (runtime.NumGoroutine() > g0 || len(Opened(t, fd0)) > 0) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if leaked := Opened(t, fd0); len(leaked) > 0 {
			t.Errorf("fd leak: %v opened and not closed", leaked)
		}
		if n := runtime.NumGoroutine(); n > g0 {
			t.Errorf("goroutine leak: %d goroutines before, %d after", g0, n)
		}
	})
}
