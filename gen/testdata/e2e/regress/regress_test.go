package regress

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

func later[T any](v T) rt.Coro[T] {
	return rt.Async(func() (T, error) {
		rt.Must(rt.Sleep(0))
		return v, nil
	})
}

func TestDeferAwaitedReceiverEvaluatesReceiverAtDefer(t *testing.T) {
	var log []string
	v, err := rt.Run(deferAwaitedReceiverAsync(&log, func(i int) rt.Coro[closer] { return later(closer{&log, i}) }))
	if got := fmt.Sprint(v, err, log); got != "2 <nil> [body close 1 close 0]" {
		t.Fatalf("got %s", got)
	}
}

func TestGotoLabelledReturn(t *testing.T) {
	for n, want := range map[int]string{1: "small", 3: "big"} {
		v, err := rt.Run(gotoLabelledReturnAsync(later(n)))
		if err != nil || v != want {
			t.Errorf("n=%d: got %v, %v", n, v, err)
		}
	}
}

func TestTerminatingSwitch(t *testing.T) {
	var got []string
	for _, n := range []int{11, 8, 7, -3} {
		v, err := rt.Run(terminatingSwitchAsync(later(n), "s"))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if strings.Join(got, " ") != "ss even odd s" {
		t.Fatalf("got %v", got)
	}
}

type ints []int

func TestCoreRange(t *testing.T) {
	v, err := rt.Run(coreRangeAsync(ints{7, 8}, Name("hé!"), func() rt.Coro[int] { return later(0) }))
	if err != nil || v != "0 7 1 8 0h1é3!" {
		t.Fatalf("got %q, %v", v, err)
	}
}

func TestMemberNames(t *testing.T) {
	v, err := rt.Run(memberNamesAsync(func() rt.Coro[int] { return later(1) }))
	if err != nil || v != 3 {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestLeavingLoops(t *testing.T) {
	for n, want := range map[int]string{0: "a30 returned", 2: "0102021a30 returned"} {
		v, err := rt.Run(leavingLoopsAsync(later[int], n))
		if err != nil || v != want {
			t.Errorf("n=%d: got %q, %v; want %q", n, v, err, want)
		}
	}
}

func TestPanicsAfterAwait(t *testing.T) {
	for n, want := range map[int]string{0: "panic: 0", 3: "panic: 3"} {
		_, err := rt.Run(panicsAfterAwaitAsync(later[int], n))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("n=%d: got %v, want %s", n, err, want)
		}
	}
}

func TestOrderedBuiltins(t *testing.T) {
	v, err := rt.Run(orderedBuiltinsAsync(later[int]))
	if want := "2 100 4 7 1 1 3.5 (1+0i)b[1] [97 98] [97 98] 1 0"; err != nil || v != want {
		t.Fatalf("got %q, %v; want %q", v, err, want)
	}
}

func TestOrderedAssertions(t *testing.T) {
	v, err := rt.Run(orderedAssertionsAsync(later[int]))
	if want := "1 2 0 [[3 4] 0]"; err != nil || v != want {
		t.Fatalf("got %q, %v; want %q", v, err, want)
	}
}

// lineOf returns the line of regress.go that ends with marker.
func lineOf(t *testing.T, marker string) int {
	t.Helper()
	src, err := os.ReadFile("regress.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(l, marker) {
			return i + 1
		}
	}
	t.Fatalf("no line ends with %q", marker)
	return 0
}

func TestTempPanicsAtItsLine(t *testing.T) {
	_, err := rt.Run(tempPanicsAsync(later[int], 1))
	want := fmt.Sprintf("panic: runtime error: slice bounds out of range [5:1] [gen/testdata/e2e/regress/regress.go:%d]", lineOf(t, "// the slice"))
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	// The index panics in boomAt; its caller, the template's frame, is at
	// the template's line.
	_, err = rt.Run(tempPanicsAsync(later[int], 0))
	var pe *rt.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v, want a *rt.PanicError", err)
	}
	want = fmt.Sprintf("gen/testdata/e2e/regress/regress.go:%d\n", lineOf(t, "// boomAt's caller"))
	if !strings.Contains(string(pe.Stack), want) {
		t.Errorf("the stack does not name the caller's line %s:\n%s", want, pe.Stack)
	}
}

func TestCommentsInSplitStatements(t *testing.T) {
	v, err := rt.Run(commentsInSplitStatementsAsync(later[int]))
	if want := "1 11[1 2 1]1 3 4"; err != nil || v != want {
		t.Fatalf("got %q, %v; want %q", v, err, want)
	}
}

func TestMapIndexByBytes(t *testing.T) {
	v, err := rt.Run(mapIndexByBytesAsync(later[int]))
	if err != nil || v != 1 {
		t.Fatalf("got %v, %v; want 1", v, err)
	}
}

func TestLocalAliases(t *testing.T) {
	v, err := rt.Run(localAliasesAsync(later[int]))
	if want := "3 map[k:[3]] 3 4"; err != nil || v != want {
		t.Fatalf("got %q, %v; want %q", v, err, want)
	}
}
