package rt_test

import (
	"fmt"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// CallSoonNoHandle runs its callbacks in order with CallSoon's, in the next
// pass, and scheduling a callback made beforehand allocates nothing.
func TestCallSoonNoHandle(t *testing.T) {
	l, err := rt.NewLoop()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var got []int
	l.CallSoon(func() { got = append(got, 1) })
	l.CallSoonNoHandle(func() { got = append(got, 2) })
	l.CallSoon(func() { got = append(got, 3) })
	l.CallSoonNoHandle(l.Stop)
	l.RunForever()
	if fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("ran %v, want [1 2 3]", got)
	}
	n := 0
	cb := func() { n++ }
	allocs := testing.AllocsPerRun(100, func() { l.CallSoonNoHandle(cb) })
	l.CallSoonNoHandle(l.Stop)
	l.RunForever()
	if allocs != 0 {
		t.Errorf("CallSoonNoHandle allocates %v times per call, want 0", allocs)
	}
	if n != 101 {
		t.Errorf("callback ran %d times, want 101", n)
	}
	l.Close()
	defer func() {
		if recover() == nil {
			t.Error("CallSoonNoHandle on a closed loop did not panic")
		}
	}()
	l.CallSoonNoHandle(cb)
}
