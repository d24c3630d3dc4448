package leakcheck

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB whose cleanups and errors are kept for the
// test to run and read, so Check's verdict can be observed.
type recorder struct {
	*testing.T
	cleanups []func()
	errs     []string
}

func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Failed() bool { return len(r.errs) > 0 }

func (r *recorder) finish() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestCheckNamesADescriptorLeftOpen(t *testing.T) {
	defer func(d time.Duration) { settle = d }(settle)
	settle = 50 * time.Millisecond // the leak stays: do not wait long
	r := &recorder{T: t}
	Check(r)
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r.finish()
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], fmt.Sprint(f.Fd())) || !strings.Contains(r.errs[0], os.DevNull) {
		t.Fatalf("errors %q; want one naming fd %d (%s)", r.errs, f.Fd(), os.DevNull)
	}
}

func TestCheckPassesWhenEverythingIsClosed(t *testing.T) {
	r := &recorder{T: t}
	Check(r)
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	done := make(chan struct{})
	go func() { close(done) }()
	<-done
	r.finish()
	if len(r.errs) != 0 {
		t.Fatalf("errors %q for a test that closed what it opened", r.errs)
	}
}
