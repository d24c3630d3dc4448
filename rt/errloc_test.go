package rt_test

import (
	"bytes"
	"errors"
	"log"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

// panicLine is the line of the panic in panicInCallback.
var panicLine int

func panicInCallback() {
	_, _, line, _ := runtime.Caller(0)
	panicLine = line + 2 // the panic, two lines below
	panic("boom")
}

// captureLog points package log, through which log/slog's own default
// handler prints, at a buffer for the test.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	w, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	log.SetFlags(0)
	t.Cleanup(func() { log.SetOutput(w); log.SetFlags(flags) })
	return &buf
}

// TestPanicErrorNamesItsSiteRelativeToTheModule checks a callback's panic:
// the error's text ends with the file:line of the panic relative to the
// module root, and so does every file of the stack (the standard library's
// as -trimpath names them), which starts at the panic, not in the code
// that recovered it.
func TestPanicErrorNamesItsSiteRelativeToTheModule(t *testing.T) {
	l := newLoop(t)
	errs := collectErrors(l)
	l.CallSoon(panicInCallback)
	runOnce(t, l)
	if len(*errs) != 1 {
		t.Fatalf("reports %+v", *errs)
	}
	var pe *rt.PanicError
	if !errors.As((*errs)[0].Err, &pe) {
		t.Fatalf("error %v, want a *rt.PanicError", (*errs)[0].Err)
	}
	site := "rt/errloc_test.go:" + strconv.Itoa(panicLine)
	if want := "panic: boom [" + site + "]"; pe.Error() != want || pe.Site != site {
		t.Fatalf("error %q, site %q; want %q", pe.Error(), pe.Site, want)
	}
	stack := string(pe.Stack)
	first, _, _ := strings.Cut(stack, "\n")
	if first != "github.com/asyncgen/asyncgen/rt_test.panicInCallback()" {
		t.Errorf("the stack starts with %q, not at the panic:\n%s", first, stack)
	}
	for _, line := range strings.Split(strings.TrimSuffix(stack, "\n"), "\n") {
		if file, ok := strings.CutPrefix(line, "\t"); ok && (strings.HasPrefix(file, "/") || strings.Contains(file, runtime.GOROOT())) {
			t.Errorf("absolute file in the stack: %q", line)
		}
	}
	if !strings.Contains(stack, "\n\t"+site+"\n") || !strings.Contains(stack, "\n\ttesting/testing.go:") {
		t.Errorf("the stack does not name %s and testing/testing.go:\n%s", site, stack)
	}
}

// logPanic runs panicInCallback on a loop with the default exception
// handler, logging to what capture sets up, and returns what was logged.
func logPanic(t *testing.T, capture func(*testing.T) *bytes.Buffer) *bytes.Buffer {
	buf := capture(t)
	l := newLoop(t)
	l.CallSoon(panicInCallback)
	runOnce(t, l)
	return buf
}

// TestDefaultExceptionHandlerPrintsTheStackAsLines checks what a panicking
// callback logs through log/slog's own default handler: one line with the
// message and attributes, then the stack, one indented line per line,
// instead of a quoted attribute with escaped newlines.
func TestDefaultExceptionHandlerPrintsTheStackAsLines(t *testing.T) {
	buf := logPanic(t, captureLog)
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	site := "rt/errloc_test.go:" + strconv.Itoa(panicLine)
	if want := `ERROR exception in callback err="panic: boom [` + site + `]"`; lines[0] != want {
		t.Fatalf("first line %q, want %q; all:\n%s", lines[0], want, buf)
	}
	if len(lines) < 5 || lines[1] != "\tgithub.com/asyncgen/asyncgen/rt_test.panicInCallback()" || lines[2] != "\t\t"+site {
		t.Fatalf("the stack is not printed as lines below the record:\n%s", buf)
	}
	for _, line := range lines[1:] {
		if !strings.HasPrefix(line, "\t") || strings.Contains(line, `\n`) {
			t.Fatalf("line %q of the stack is not an indented line of its own:\n%s", line, buf)
		}
	}
}

// TestDefaultExceptionHandlerGivesAnInstalledHandlerTheStack checks that a
// handler installed with slog.SetDefault gets one record with the stack as
// its "stack" attribute, to format as it formats everything.
func TestDefaultExceptionHandlerGivesAnInstalledHandlerTheStack(t *testing.T) {
	out := logPanic(t, captureSlog).String()
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, `msg="exception in callback"`) ||
		!strings.Contains(out, `stack="github.com/asyncgen/asyncgen/rt_test.panicInCallback()\n\trt/errloc_test.go:`) {
		t.Fatalf("slog output:\n%s", out)
	}
}

// TestPanicInTheRuntimeNamesTheCallersLine: a panic raised by package rt
// itself, here rt.Await where no coroutine runs, names the line of the
// code that called it, not the runtime's.
func TestPanicInTheRuntimeNamesTheCallersLine(t *testing.T) {
	l := newLoop(t)
	errs := collectErrors(l)
	var line int
	l.CallSoon(func() {
		_, _, line, _ = runtime.Caller(0)
		rt.Await(rt.Sleep(0)) // the line after Caller
	})
	runOnce(t, l)
	var pe *rt.PanicError
	if len(*errs) != 1 || !errors.As((*errs)[0].Err, &pe) {
		t.Fatalf("reports %+v", *errs)
	}
	if want := "rt/errloc_test.go:" + strconv.Itoa(line+1); pe.Site != want {
		t.Fatalf("site %q, want %q (%v)", pe.Site, want, pe)
	}
}
