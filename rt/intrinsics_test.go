package rt_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// The intrinsics called from plain Go (a template called directly instead
// of through its constructor, or asyncgen never run) fail loudly, saying
// what to do, instead of blocking or misbehaving.
func TestIntrinsicsOutsideACoroutinePanicWithAHint(t *testing.T) {
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f := rt.NewFuture[int](l)
	for name, call := range map[string]func(){
		"Await":       func() { rt.Await[int](f) },
		"Must":        func() { rt.Must[int](f) },
		"RunningLoop": func() { rt.RunningLoop() },
		"Current":     func() { rt.Current() },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, "outside a coroutine") || !strings.Contains(msg, "asyncgen") {
					t.Fatalf("panic %q does not say how to fix it", msg)
				}
			}()
			call()
		})
	}
}

// Inside a loop callback, RunningLoop finds the loop running it.
func TestRunningLoopInsideACallback(t *testing.T) {
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var got *rt.Loop
	l.CallSoon(func() { got = rt.RunningLoop(); l.Stop() })
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if got != l {
		t.Fatalf("RunningLoop() = %p, want %p", got, l)
	}
}
