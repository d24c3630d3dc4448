package rt

import (
	"context"
	"errors"
	"fmt"
	"log"
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
	// Transport and Protocol are the connection concerned, if any (a
	// protocol callback that failed, a write dropped after the end), as
	// asyncio's "transport" and "protocol" keys.
	Transport BaseTransport
	Protocol  BaseProtocol
	// Source is where the future was created (debug mode only).
	Source string
	// futureDesc describes a future that was collected before its
	// report (Future is then nil), for the default handler's record.
	futureDesc string
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

// DefaultExceptionHandler logs ctx at error level through log/slog: the
// message with err, future, transport, protocol and created_at
// attributes, and the stack of a *PanicError. With log/slog's own default
// handler, which prints through package log and would quote the stack
// onto one line, the stack follows the record's line as lines of its own,
// indented; a handler installed with slog.SetDefault gets it as the
// "stack" attribute.
func DefaultExceptionHandler(_ *Loop, ctx ErrorContext) {
	var attrs []any
	stack := ""
	if ctx.Err != nil {
		attrs = append(attrs, "err", ctx.Err)
		var p *PanicError
		if errors.As(ctx.Err, &p) {
			stack = strings.TrimSuffix(string(p.Stack), "\n")
		}
	}
	if ctx.Future != nil {
		attrs = append(attrs, "future", fmt.Sprint(ctx.Future))
	} else if ctx.futureDesc != "" {
		attrs = append(attrs, "future", ctx.futureDesc)
	}
	if ctx.Transport != nil {
		attrs = append(attrs, "transport", fmt.Sprint(ctx.Transport))
	}
	if ctx.Protocol != nil {
		attrs = append(attrs, "protocol", describeProtocol(ctx.Protocol))
	}
	if ctx.Source != "" {
		attrs = append(attrs, "created_at", ctx.Source)
	}
	logger := slog.Default()
	if logger.Handler() != stockSlogHandler || stack == "" {
		if stack != "" {
			attrs = append(attrs, "stack", stack)
		}
		logger.Error(ctx.Message, attrs...)
		return
	}
	if !logger.Enabled(context.Background(), slog.LevelError) {
		return
	}
	line := "ERROR " + ctx.Message
	if kv := textAttrs(attrs); kv != "" {
		line += " " + kv
	}
	log.Output(2, line+"\n\t"+strings.ReplaceAll(stack, "\n", "\n\t"))
}

// describeProtocol names a protocol for a log: its String if it has one,
// else its type (its fields may be a connection's whole state, and are not
// the log's business; asyncio's repr of a protocol names its class).
func describeProtocol(p BaseProtocol) string {
	if s, ok := p.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", p)
}

// stockSlogHandler is log/slog's default handler as the program started
// (rt is initialised before any package that imports it can replace it).
var stockSlogHandler = slog.Default().Handler()

// textAttrs formats attrs as the stock handler does: key=value, quoted
// where needed.
func textAttrs(attrs []any) string {
	var b strings.Builder
	h := slog.NewTextHandler(&b, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && (a.Key == slog.LevelKey || a.Key == slog.MessageKey) {
				return slog.Attr{}
			}
			return a
		},
	})
	r := slog.NewRecord(time.Time{}, slog.LevelError, "", 0)
	r.Add(attrs...)
	h.Handle(context.Background(), r)
	return strings.TrimSuffix(b.String(), "\n")
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
// clock: slowness is about real CPU time. A task's step is reported with
// the await it resumed at and the one it suspended at next, where the slow
// code lies between.
func (l *Loop) runTimed(cb callback) {
	task, _ := cb.(AnyTask)
	var from []StackFrame
	if task != nil {
		from = task.GetStack()
	}
	start := time.Now()
	l.runOne(cb)
	if d := time.Since(start); d >= l.slow {
		msg := fmt.Sprintf("executing %s took %.3f seconds", describe(cb), d.Seconds())
		if task != nil {
			msg += ": " + stepSpan(from, task)
		}
		l.CallExceptionHandler(ErrorContext{Message: msg})
	}
}

// stepSpan says where a task's step started and where it stopped: the
// innermost await of its async stack before and after the step.
func stepSpan(from []StackFrame, t AnyTask) string {
	s := "started"
	if len(from) > 0 {
		s = "resumed at " + stackSite(from[len(from)-1])
	}
	switch to := t.GetStack(); {
	case len(to) > 0:
		s += ", suspended next at " + stackSite(to[len(to)-1])
	case t.Done():
		s += ", then finished"
	default:
		s += ", then gave way" // a bare yield, or a coroutine that cannot tell
	}
	return s
}

func stackSite(f StackFrame) string {
	fn := f.Func[strings.LastIndexByte(f.Func, '/')+1:] // pkg.Func
	return fmt.Sprintf("%s:%d (%s)", f.File, f.Line, fn)
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
			return fmt.Sprintf("%s:%d", moduleRelative(f.Function, f.File), f.Line)
		}
		if !more {
			return ""
		}
	}
}
