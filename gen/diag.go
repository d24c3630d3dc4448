package gen

import (
	"fmt"
	"go/token"
	"sort"
	"strings"
)

// A Diagnostic is a positioned problem in a template, reported in the
// compiler's form file:line:col: message.
type Diagnostic struct {
	Pos     token.Position
	Message string
}

// String is the diagnostic in the compiler's form, file:line:col: message.
func (d Diagnostic) String() string {
	if !d.Pos.IsValid() {
		return d.Message
	}
	return fmt.Sprintf("%s: %s", d.Pos, d.Message)
}

// Diagnostics is returned by Generate when templates were rejected: it holds all
// the diagnostics, sorted by position.
type Diagnostics struct{ List []Diagnostic }

// Error lists every diagnostic, one per line.
func (e *Diagnostics) Error() string {
	var b strings.Builder
	for i, d := range e.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// diags collects diagnostics for one run.
type diags struct {
	fset *token.FileSet
	list []Diagnostic
}

// errorf records a diagnostic once: a variable shared by a template and a
// coroutine literal in it is checked in both.
func (d *diags) errorf(pos token.Pos, format string, args ...any) {
	n := Diagnostic{Pos: d.fset.Position(pos), Message: fmt.Sprintf(format, args...)}
	for _, o := range d.list {
		if o == n {
			return
		}
	}
	d.list = append(d.list, n)
}

func (d *diags) err() error {
	if len(d.list) == 0 {
		return nil
	}
	sort.SliceStable(d.list, func(i, j int) bool {
		a, b := d.list[i].Pos, d.list[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return &Diagnostics{List: d.list}
}
