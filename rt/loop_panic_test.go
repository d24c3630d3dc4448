package rt_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// A callback that panics is reported, and the rest of its pass still runs
// before anything scheduled during the pass.
func TestPanickingCallbackLeavesRestOfPassToRun(t *testing.T) {
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
	l.CallSoon(func() {
		got = append(got, "a")
		l.CallSoon(func() { got = append(got, "next pass") })
		panic("boom")
	})
	l.CallSoon(func() { got = append(got, "b") })
	l.CallSoon(func() { panic("again") })
	l.CallSoon(func() { got = append(got, "c"); l.Stop() })
	if err := l.RunForever(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("first run: got %v, want %v", got, want)
	}
	if want := []string{"panic: boom", "panic: again"}; !reflect.DeepEqual(reported, want) {
		t.Fatalf("reported %v, want %v", reported, want)
	}
	l.Stop()
	l.RunForever()
	if want := []string{"a", "b", "c", "next pass"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("second run: got %v, want %v", got, want)
	}
}
