//go:build unix

package rt_test

import (
	"errors"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// realLoop is a loop on the wall clock: with nothing scheduled it blocks in
// its selector until another goroutine (here: a signal) wakes it.
func realLoop(t *testing.T) *rt.Loop {
	t.Helper()
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// guardSignal keeps a listener on sig for the whole test so that a stray
// delivery can never fall through to the default action (terminate).
func guardSignal(t *testing.T, sig os.Signal) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sig)
	t.Cleanup(func() { signal.Stop(ch) })
}

func kill(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), sig); err != nil {
		t.Fatal(err)
	}
}

func TestSignalHandlerRunsOnLoop(t *testing.T) {
	guardSignal(t, syscall.SIGUSR1)
	l := realLoop(t)
	got := rt.NewFuture[string](l)
	if err := l.AddSignalHandler(syscall.SIGUSR1, func() {
		if l.CurrentTask() == nil && l.IsRunning() {
			got.SetResult("on the loop")
		}
	}); err != nil {
		t.Fatal(err)
	}
	l.CallSoon(func() { kill(t, syscall.SIGUSR1) })
	if err := l.RunUntilComplete(got); err != nil {
		t.Fatal(err)
	}
	if !l.RemoveSignalHandler(syscall.SIGUSR1) {
		t.Fatal("RemoveSignalHandler returned false")
	}
	if l.RemoveSignalHandler(syscall.SIGUSR1) {
		t.Fatal("second RemoveSignalHandler returned true")
	}
}

func TestSignalHandlerIsReplaced(t *testing.T) {
	guardSignal(t, syscall.SIGUSR1)
	l := realLoop(t)
	got := rt.NewFuture[int](l)
	l.AddSignalHandler(syscall.SIGUSR1, func() { got.SetResult(1) })
	l.AddSignalHandler(syscall.SIGUSR1, func() { got.SetResult(2) })
	l.CallSoon(func() { kill(t, syscall.SIGUSR1) })
	if v, err := rt.RunUntilComplete[int](l, got); v != 2 || err != nil {
		t.Fatalf("got %v, %v: the first handler ran", v, err)
	}
}

func TestRemovingSignalHandlerLeavesOtherLoopsListening(t *testing.T) {
	guardSignal(t, syscall.SIGUSR2)
	a, b := realLoop(t), realLoop(t)
	got := rt.NewFuture[string](b)
	a.AddSignalHandler(syscall.SIGUSR2, func() { t.Error("removed handler ran") })
	b.AddSignalHandler(syscall.SIGUSR2, func() { got.SetResult("b") })
	a.RemoveSignalHandler(syscall.SIGUSR2)
	b.CallSoon(func() { kill(t, syscall.SIGUSR2) })
	if err := b.RunUntilComplete(got); err != nil {
		t.Fatal(err)
	}
	a.Stop()
	a.RunForever()
}

func TestAddSignalHandlerMisuse(t *testing.T) {
	l := realLoop(t)
	var re *rt.RuntimeError
	if err := l.AddSignalHandler(syscall.SIGKILL, func() {}); !errors.As(err, &re) {
		t.Errorf("SIGKILL: %v", err)
	}
	if err := l.AddSignalHandler(syscall.SIGUSR1, nil); !errors.As(err, &re) {
		t.Errorf("nil handler: %v", err)
	}
	l.Close()
	if err := l.AddSignalHandler(syscall.SIGUSR1, func() {}); !errors.Is(err, rt.ErrLoopClosed) {
		t.Errorf("after Close: %v", err)
	}
}
