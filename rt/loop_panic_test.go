package rt_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// A callback that panics is reported, and the rest of its pass still runs
// before anything scheduled during the pass: in the loop's first pass,
// which polls, and in a busy pass (callbacks scheduled by a callback, no
// timers, no poll due), which the loop runs on a shorter path.
func TestPanickingCallbackLeavesRestOfPassToRun(t *testing.T) {
	for _, busy := range []bool{false, true} {
		l, err := rt.NewLoop(rt.WithClock(rt.NewVirtualClock()))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		var got []string
		var reported []string
		l.SetExceptionHandler(func(_ *rt.Loop, c rt.ErrorContext) {
			// The text goes on with the panic's file:line: "panic: boom [rt/...]".
			msg, _, _ := strings.Cut(c.Err.Error(), " [")
			reported = append(reported, msg)
		})
		schedule := func() {
			l.CallSoon(func() {
				got = append(got, "a")
				l.CallSoon(func() { got = append(got, "next pass") })
				panic("boom")
			})
			l.CallSoon(func() { got = append(got, "b") })
			l.CallSoonNoHandle(func() { panic("again") })
			l.CallSoon(func() { got = append(got, "c"); l.Stop() })
		}
		if busy {
			l.CallSoon(schedule)
		} else {
			schedule()
		}
		if err := l.RunForever(); err != nil {
			t.Fatal(err)
		}
		if want := []string{"a", "b", "c"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("busy=%v, first run: got %v, want %v", busy, got, want)
		}
		if want := []string{"panic: boom", "panic: again"}; !reflect.DeepEqual(reported, want) {
			t.Fatalf("busy=%v: reported %v, want %v", busy, reported, want)
		}
		l.Stop()
		l.RunForever()
		if want := []string{"a", "b", "c", "next pass"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("busy=%v, second run: got %v, want %v", busy, got, want)
		}
	}
}
