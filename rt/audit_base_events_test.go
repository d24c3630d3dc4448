package rt_test

// Audit of test_base_events.py and the loop parts of test_events.py (and of
// asyncio.run's shutdown, test_runners.py's territory), beyond what
// loop_test.go and run_test.go cover.

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asyncgen/asyncgen/rt"
)

// test_call_soon_threadsafe_same_thread
func TestAuditCallSoonThreadsafeFromTheLoopGoroutine(t *testing.T) {
	l := prLoop(t)
	var got []string
	l.CallSoon(func() {
		if _, err := l.CallSoonThreadsafe(func() { got = append(got, "threadsafe"); l.Stop() }); err != nil {
			t.Error(err)
		}
		got = append(got, "callback")
	})
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "callback" || got[1] != "threadsafe" {
		t.Fatalf("order %v", got)
	}
}

// test_run_until_complete_nesting, from a callback: RunForever on a
// running loop fails and leaves it running.
func TestAuditRunForeverFromACallbackFails(t *testing.T) {
	l := prLoop(t)
	var err error
	l.CallSoon(func() { err = l.RunForever(); l.Stop() })
	if rerr := l.RunForever(); rerr != nil {
		t.Fatal(rerr)
	}
	if !errors.Is(err, rt.ErrLoopRunning) {
		t.Fatalf("nested RunForever: %v", err)
	}
}

// test_default_exc_handler_callback: the context of a panicking callback
// carries the panic value as a *PanicError and no future.
func TestAuditPanickingCallbackContext(t *testing.T) {
	l := prLoop(t)
	got := collectErrors(l)
	l.CallSoon(func() { panic("boom") })
	prBriefly(t, l)
	if len(*got) != 1 {
		t.Fatalf("contexts %v", *got)
	}
	c := (*got)[0]
	var pe *rt.PanicError
	if !errors.As(c.Err, &pe) || pe.Value != "boom" || c.Future != nil || c.Message == "" {
		t.Fatalf("context %+v", c)
	}
}

// asyncio.run: the main coroutine's error is returned, not reported as
// never retrieved.
func TestAuditRunMainErrorIsReturnedNotReported(t *testing.T) {
	logs := captureSlog(t)
	_, err := rt.Run(rt.Async(func() (int, error) { return 0, errAudit }), rt.WithClock(rt.NewVirtualClock()))
	if err != errAudit {
		t.Fatalf("Run: %v", err)
	}
	if logs.Len() != 0 {
		t.Fatalf("logged %s", logs)
	}
}

// asyncio.run's _cancel_all_tasks: leftovers are cancelled after main
// finished, may still await during their clean-up, and one that fails is
// reported with itself as the context's future.
func TestAuditRunShutdownReportsTheFailingLeftoverAfterItsCleanup(t *testing.T) {
	var contexts []rt.ErrorContext
	var left *rt.Task[int]
	var order []string
	_, err := rt.Run(rt.Async(func() (int, error) {
		l := rt.RunningLoop()
		l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) {
			order = append(order, "reported")
			contexts = append(contexts, c)
		})
		left = rt.CreateTask(l, rt.Async(func() (int, error) {
			rt.Await(rt.Sleep(time.Hour))
			rt.Await(rt.Sleep(time.Second)) // clean-up that suspends
			order = append(order, "cleaned up")
			return 0, errAudit
		}))
		rt.Await(rt.Sleep(0))
		order = append(order, "main done")
		return 0, nil
	}), rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(order, ",") != "main done,cleaned up,reported" {
		t.Fatalf("order %v", order)
	}
	if len(contexts) != 1 || contexts[0].Future != left || contexts[0].Err != errAudit {
		t.Fatalf("contexts %+v", contexts)
	}
}

// A task created by a leftover's clean-up during Run's shutdown is not
// cancelled by it: it is reported as destroyed while pending when the loop
// closes, as asyncio reports it when collected.
func TestAuditRunTaskCreatedDuringShutdownIsReportedPending(t *testing.T) {
	var contexts []rt.ErrorContext
	var late *rt.Task[rt.Void]
	_, err := rt.Run(rt.Async(func() (int, error) {
		l := rt.RunningLoop()
		l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) { contexts = append(contexts, c) })
		rt.CreateTask(l, rt.Async(func() (int, error) {
			_, err := rt.Await(rt.Sleep(time.Hour))
			late = rt.CreateTask(l, rt.Sleep(time.Hour))
			return 0, err
		}))
		_, err := rt.Await(rt.Sleep(0))
		return 0, err
	}), rt.WithClock(rt.NewVirtualClock()))
	if err != nil {
		t.Fatal(err)
	}
	if len(contexts) != 1 || contexts[0].Future != late || !strings.Contains(contexts[0].Message, "pending") {
		t.Fatalf("contexts %+v", contexts)
	}
}

// test_run_until_complete_stopped, through Run: a main task stopped early
// gives a *RuntimeError and is then cancelled like any leftover.
func TestAuditRunStoppedEarlyCancelsTheMainTask(t *testing.T) {
	var mainErr error
	_, err := rt.Run(rt.Async(func() (int, error) {
		rt.RunningLoop().Stop()
		_, mainErr = rt.Await(rt.Sleep(time.Hour))
		return 0, mainErr
	}), rt.WithClock(rt.NewVirtualClock()))
	if !isRuntimeError(err) || !errors.Is(mainErr, rt.ErrCancelled) {
		t.Fatalf("Run: %v, main saw %v", err, mainErr)
	}
}
