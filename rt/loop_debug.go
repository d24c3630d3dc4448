package rt

import (
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"
)

// ErrorContext describes an error the loop could not hand to anyone: a
// panicking callback, an error nobody retrieved from a future, a failed
// accept (asyncio's exception handler context dict).
type ErrorContext struct {
	Message string
	Err     error
	Future  AnyFuture // the future or task concerned, if any
	// Source is where the future was created (debug mode only).
	Source string
}

// SetExceptionHandler installs h as the loop's exception handler; nil
// restores the default, which logs through log/slog.
func (l *Loop) SetExceptionHandler(h func(*Loop, ErrorContext)) { l.excHandler = h }

// CallExceptionHandler reports ctx to the exception handler. A panic in the
// handler is logged by the default handler instead of escaping.
func (l *Loop) CallExceptionHandler(ctx ErrorContext) {
	if l.excHandler == nil {
		DefaultExceptionHandler(l, ctx)
		return
	}
	defer func() {
		if v := recover(); v != nil {
			DefaultExceptionHandler(l, ErrorContext{
				Message: "unhandled error in exception handler",
				Err:     FailureOf(v),
			})
			DefaultExceptionHandler(l, ctx)
		}
	}()
	l.excHandler(l, ctx)
}

// DefaultExceptionHandler logs ctx at error level through log/slog.
func DefaultExceptionHandler(_ *Loop, ctx ErrorContext) {
	attrs := []any{}
	if ctx.Err != nil {
		attrs = append(attrs, "err", ctx.Err)
		if p, ok := ctx.Err.(*PanicError); ok {
			attrs = append(attrs, "stack", string(p.Stack))
		}
	}
	if ctx.Future != nil {
		attrs = append(attrs, "future", fmt.Sprint(ctx.Future))
	}
	if ctx.Source != "" {
		attrs = append(attrs, "created_at", ctx.Source)
	}
	slog.Error(ctx.Message, attrs...)
}

// SetDebug turns debug mode on or off (PYTHONASYNCIODEBUG's role): slow
// callbacks are reported, loop-only methods called from another goroutine
// panic, and futures record where they were created so that an unretrieved
// error says so.
func (l *Loop) SetDebug(on bool) { l.debug = on }

// Debug reports whether debug mode is on.
func (l *Loop) Debug() bool { return l.debug }

// SetSlowCallbackDuration sets the duration above which a callback is
// reported as slow in debug mode (default 100ms).
func (l *Loop) SetSlowCallbackDuration(d time.Duration) { l.slow = d }

// checkGoroutine panics when a loop-only method is called from a goroutine
// other than the one running the loop (debug mode).
func (l *Loop) checkGoroutine(what string) {
	g := goid()
	if g == l.ownerG {
		return
	}
	// A reference-mode coroutine of this loop runs on its own goroutine,
	// but only while the loop goroutine waits for it: that is safe.
	if v, ok := refByG.Load(g); ok {
		if d := v.(*refDriver); d.ctx != nil && d.ctx.Loop() == l {
			return
		}
	}
	panic(&RuntimeError{Msg: fmt.Sprintf(
		"rt: %s called from goroutine %d, but the loop runs on goroutine %d; use CallSoonThreadsafe", what, g, l.ownerG)})
}

// runTimed runs one callback and reports it when it took longer than the
// slow-callback threshold. Timing uses the wall clock even on a virtual
// clock: slowness is about real CPU time.
func (l *Loop) runTimed(cb callback) {
	start := time.Now()
	l.runOne(cb)
	if d := time.Since(start); d >= l.slow {
		l.CallExceptionHandler(ErrorContext{
			Message: fmt.Sprintf("executing %s took %.3f seconds", describe(cb), d.Seconds()),
		})
	}
}

func describe(cb callback) string {
	switch c := cb.(type) {
	case AnyTask:
		return "step of " + c.Name()
	case *Handle:
		return "handle " + funcName(c.fn)
	}
	return fmt.Sprintf("%T", cb)
}

func funcName(fn any) string {
	if fn == nil {
		return "<cancelled>"
	}
	if f := runtime.FuncForPC(reflectPC(fn)); f != nil {
		return f.Name()
	}
	return "<func>"
}

// callerSite returns "file:line" of the first caller outside package rt,
// which is where the user created the future (debug mode).
func callerSite() string {
	var pcs [16]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !strings.Contains(f.Function, "asyncgen/asyncgen/rt.") || strings.HasSuffix(f.File, "_test.go") {
			return fmt.Sprintf("%s:%d", f.File, f.Line)
		}
		if !more {
			return ""
		}
	}
}
