package gen

import (
	"bytes"
	"go/format"
	"go/types"
	"strconv"
	"strings"

	. "github.com/dave/jennifer/jen"
)

// restoreMarker ends the template-mapped part of a step method: the //line
// pass replaces it with a directive back to the generated file itself.
const restoreMarker = "//asyncgen:restore"

type rtPointer = types.Pointer

func unaliasNamed(t types.Type) (string, bool) {
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name(), true
	}
	return "", false
}

// NewFilePathNameForEmit starts the jennifer file of a package.
func NewFilePathNameForEmit(path, name string) *File { return NewFilePathName(path, name) }

// renderFile renders the declarations of the emitters into one file:
// jennifer writes the declarations and the imports it qualifies; the imports
// of the printed template code are added after, under the template's names.
func renderFile(jf *File, im *imports, es []*emitter, genName string) ([]byte, error) {
	for _, e := range es {
		e.decls(jf.Group)
	}
	named, _ := im.list()
	for _, n := range named {
		p := im.pkgs[n[1]]
		if p != nil && p.Name() == n[0] {
			jf.ImportName(n[1], n[0])
		} else {
			jf.ImportAlias(n[1], n[0])
		}
	}
	jf.NoFormat = true
	var buf bytes.Buffer
	if err := jf.Render(&buf); err != nil {
		return nil, err
	}
	return finish(buf.Bytes(), im, genName)
}

// pruneLineDirectives drops the //line directives that repeat what line
// counting already says, turns restore markers into directives back to
// the generated file, and writes a directive that comes before a line of
// code into that line, as a /*line*/ comment (the same mapping: it sets the
// position of what follows it), so that the mapping costs no lines of its
// own. A directive before input line i (0-based) stays on its own line when
// ownLine[i]; inlined maps each output line (0-based) that got one to i.
func pruneLineDirectives(src []byte, genName string, ownLine map[int]bool) (pruned []byte, inlined map[int]int) {
	var out bytes.Buffer
	inlined = map[int]int{}
	nout := 0
	file, line := "", 0
	valid := false
	pending := "" // a directive to write before the next line
	for in, l := range strings.SplitAfter(string(src), "\n") {
		if l == "" {
			continue
		}
		t := strings.TrimSpace(l)
		if t == restoreMarker {
			if pending != "" {
				out.WriteString("//line " + pending + "\n")
				nout++
				pending = ""
			}
			nout++
			file, line, valid = genName, nout+1, true
			out.WriteString("//line " + genName + ":" + strconv.Itoa(line) + "\n")
			continue
		}
		if strings.HasPrefix(l, "//line ") {
			spec := strings.TrimSpace(strings.TrimPrefix(l, "//line "))
			i := strings.LastIndexByte(spec, ':')
			if i > 0 {
				f := spec[:i]
				n, err := strconv.Atoi(spec[i+1:])
				if err == nil {
					if valid && f == file && n == line {
						continue
					}
					file, line, valid = f, n, true
				}
			}
			if pending != "" {
				out.WriteString("//line " + pending + "\n")
				nout++
			}
			pending = spec
			continue
		}
		if pending != "" {
			if inlineDirective(t) && !ownLine[in] {
				indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
				l = indent + "/*line " + pending + "*/ " + l[len(indent):]
				inlined[nout] = in
			} else {
				out.WriteString("//line " + pending + "\n")
				nout++
			}
			pending = ""
		}
		out.WriteString(l)
		nout++
		if valid {
			line++
		}
	}
	if pending != "" {
		out.WriteString("//line " + pending + "\n")
	}
	return out.Bytes(), inlined
}

// pruneStable prunes the directives of src, formatted by gofmt, so that the
// result is gofmt's too: where gofmt would move an inline /*line*/ comment
// (a comment inside the statement before it leaves the printer's
// indentation there) or re-indent the lines after it, that directive stays
// on a line of its own, as before pruning. Moving it would shift what the
// directive maps.
func pruneStable(src []byte, genName string) []byte {
	ownLine := map[int]bool{}
	for {
		out, inlined := pruneLineDirectives(src, genName, ownLine)
		formatted, err := format.Source(out)
		if err != nil || bytes.Equal(formatted, out) {
			return out
		}
		first := firstDiffLine(out, formatted)
		culprit := -1 // the last line inlined at or before the first difference
		for ol := range inlined {
			if ol <= first && ol > culprit {
				culprit = ol
			}
		}
		if culprit < 0 {
			return out // not the directives' doing
		}
		ownLine[inlined[culprit]] = true
	}
}

// firstDiffLine returns the index of the first line in which a and b
// differ.
func firstDiffLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return i
		}
	}
	return min(len(la), len(lb))
}

// inlineDirective reports whether a /*line*/ comment may start the line
// whose text is t: a statement, not a label, a case, a closing brace or a
// comment.
func inlineDirective(t string) bool {
	return t != "" && !strings.HasSuffix(t, ":") && !strings.HasPrefix(t, "}") &&
		!strings.HasPrefix(t, "//") && !strings.HasPrefix(t, "/*")
}
