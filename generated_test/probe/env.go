package probe

import (
	"fmt"
	"strings"

	"github.com/asyncgen/asyncgen/rt"
)

// tr records side effects in order.
type tr struct{ lines []string }

func (t *tr) add(format string, args ...any) { t.lines = append(t.lines, fmt.Sprintf(format, args...)) }
func (t *tr) String() string                 { return strings.Join(t.lines, ";") }

// later returns a future the loop completes on its next pass: awaiting it
// always suspends. It logs tag when made.
func later[T any](t *tr, tag string, v T) *rt.Future[T] {
	if tag != "" {
		t.add("mk %s", tag)
	}
	l := rt.RunningLoop()
	f := rt.NewFuture[T](l)
	l.CallSoon(func() { f.SetResult(v) })
	return f
}
