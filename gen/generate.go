package gen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/packages"
)

// Config says what to generate.
type Config struct {
	Dir      string    // directory the patterns are relative to ("" = current)
	Patterns []string  // package patterns, default "."
	Tags     string    // build tags, comma separated
	Check    bool      // report stale, missing and extra files; write nothing
	Log      io.Writer // verbose progress, or nil
}

// Result lists what Generate did (or, with Check, would do).
type Result struct {
	Written   []string // files created or changed
	Deleted   []string // generated files whose templates are gone
	Unchanged []string
}

// Stale reports whether a Check run found files to write or delete.
func (r *Result) Stale() bool { return len(r.Written)+len(r.Deleted) > 0 }

// Generate loads the packages, lowers every template and writes (or checks)
// the generated files. When templates are rejected it returns *Diagnostics
// and writes nothing.
func Generate(cfg Config) (*Result, error) {
	pkgs, stubs, err := load(cfg)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{} // path -> content; nil means delete
	var all diags
	for _, p := range pkgs {
		d := &diags{fset: p.Fset}
		for _, e := range p.Errors {
			if pos, _, ok := strings.Cut(e.Pos, ":"); ok && stubs[pos] {
				continue
			}
			if e.Pos == "" {
				d.list = append(d.list, Diagnostic{Message: e.Msg})
				continue
			}
			d.list = append(d.list, Diagnostic{Pos: parsePos(e.Pos), Message: e.Msg})
		}
		if len(d.list) == 0 {
			out, err := generatePackage(p, stubs, d)
			if err != nil {
				return nil, err
			}
			for k, v := range out {
				files[k] = v
			}
		}
		all.list = append(all.list, d.list...)
	}
	if err := all.err(); err != nil {
		return nil, err
	}
	return apply(cfg, files)
}

func parsePos(s string) token.Position {
	parts := strings.Split(s, ":")
	p := token.Position{Filename: parts[0]}
	if len(parts) > 1 {
		p.Line, _ = strconv.Atoi(parts[1])
	}
	if len(parts) > 2 {
		p.Column, _ = strconv.Atoi(parts[2])
	}
	return p
}

// generatePackage returns the generated file of every template file of p
// (nil content for generated files to delete).
func generatePackage(p *packages.Package, stubs map[string]bool, d *diags) (map[string][]byte, error) {
	out := map[string][]byte{}
	tmpls := findTemplates(p, d)
	byFile := map[*ast.File][]*template{}
	rejected := map[*template]bool{}
	for _, t := range tmpls {
		n := len(d.list)
		check(t, d)
		rejected[t] = len(d.list) > n
		byFile[t.file] = append(byFile[t.file], t)
	}
	checkHelperAwaits(p, tmpls, d)
	if len(d.list) > 0 {
		// Lowering the others finds the rest: report all at once.
		for _, t := range tmpls {
			if !rejected[t] {
				lowerTemplate(t, d)
			}
		}
		return nil, nil
	}
	mirror := mirrorFileSet(p)
	have := map[string]bool{}
	for _, f := range p.GoFiles {
		have[f] = true
	}
	for _, f := range p.Syntax {
		name := p.Fset.File(f.Pos()).Name()
		if strings.HasSuffix(name, suffix) && stubs[name] {
			if tmpl := strings.TrimSuffix(name, suffix) + ".go"; !have[tmpl] || len(byFile[fileOf(p, tmpl)]) == 0 {
				if _, err := os.Stat(name); err == nil {
					out[name] = nil
				}
			}
			continue
		}
		ts := byFile[f]
		if len(ts) == 0 {
			continue
		}
		src, err := generateFile(p, f, ts, mirror, d)
		if err != nil {
			if src == nil {
				return nil, err
			}
			d.list = append(d.list, Diagnostic{Pos: token.Position{Filename: generatedName(name)}, Message: "formatting generated code: " + err.Error()})
			// Still write the bytes, so the user can see the error.
			os.WriteFile(generatedName(name), src, 0o644)
			continue
		}
		out[generatedName(name)] = src
	}
	return out, nil
}

func fileOf(p *packages.Package, name string) *ast.File {
	for _, f := range p.Syntax {
		if p.Fset.File(f.Pos()).Name() == name {
			return f
		}
	}
	return nil
}

// generateFile lowers the templates of one file and renders x_async.go.
func generateFile(p *packages.Package, f *ast.File, ts []*template, mirror *token.FileSet, d *diags) ([]byte, error) {
	scope := map[string]bool{}
	for _, n := range p.Types.Scope().Names() {
		scope[n] = true
	}
	im := newImports(p.Types, f, scope)
	idents := map[string]bool{}
	for _, t := range ts {
		ast.Inspect(t.decl, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				idents[id.Name] = true
			}
			return true
		})
	}
	im.reserve(idents)
	// The runtime keeps the name the template file gives it.
	im.usePath(rtPath, "rt")

	jf := NewFilePathNameForEmit(p.PkgPath, p.Name)
	jf.HeaderComment(Header)
	name := p.Fset.File(f.Pos()).Name()
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if dg := TemplateDigest(p.Fset, f, src); dg != "" {
		jf.HeaderComment(DigestPrefix + dg)
	}
	if c := buildConstraint(f); c != "" {
		jf.HeaderComment(c)
	}
	frameNames := newNamer(scope)
	var emitters []*emitter
	for _, t := range ts {
		l := lowerTemplate(t, d)
		l.imp = im
		l.nm = l.nameAll(im.names())
		for _, v := range l.varList {
			im.taken[v.out] = true
		}
		r := &renderer{l: l, fset: mirror}
		e := &emitter{l: l, r: r}
		e.frame = frameNames.fresh(frameBase(t))
		e.ctor = t.decl.Name.Name + "Async"
		e.tps, e.targs = e.typeParams()
		e.body = r.body()
		emitters = append(emitters, e)
	}
	if len(d.list) > 0 {
		return nil, nil
	}
	return renderFile(jf, im, emitters, filepath.Base(generatedName(name)))
}

func frameBase(t *template) string {
	name := t.decl.Name.Name
	if r := t.sig.Recv(); r != nil {
		rt := r.Type()
		if p, ok := rt.(*rtPointer); ok {
			rt = p.Elem()
		}
		if n, ok := unaliasNamed(rt); ok {
			name = n + upperFirst(name)
		}
	}
	return lowerFirst(name) + "Frame"
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// buildConstraint returns the //go:build line of f, if any.
func buildConstraint(f *ast.File) string {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:build ") {
				return c.Text
			}
		}
	}
	return ""
}

// finish adds the imports the printed bodies need, formats the file and
// removes the redundant //line directives. When formatting fails the
// unformatted bytes are returned with the error, so the user can see it.
func finish(src []byte, im *imports, genName string) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return src, fmt.Errorf("generated code does not parse: %v", err)
	}
	named, dots := im.list()
	for _, n := range named {
		if hasImport(file, n[1], n[0]) {
			continue
		}
		if p := im.pkgs[n[1]]; p != nil && p.Name() == n[0] {
			astutil.AddImport(fset, file, n[1])
		} else {
			astutil.AddNamedImport(fset, file, n[0], n[1])
		}
	}
	for _, path := range dots {
		astutil.AddNamedImport(fset, file, ".", path)
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, file); err != nil {
		return src, err
	}
	return pruneLineDirectives(buf.Bytes(), genName), nil
}

func hasImport(f *ast.File, path, name string) bool {
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if p != path {
			continue
		}
		if imp.Name == nil || imp.Name.Name == name {
			return true
		}
	}
	return false
}

// apply writes the files (or compares them in check mode).
func apply(cfg Config, files map[string][]byte) (*Result, error) {
	res := &Result{}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		want := files[path]
		old, err := os.ReadFile(path)
		exists := err == nil
		switch {
		case want == nil:
			res.Deleted = append(res.Deleted, path)
			if !cfg.Check {
				if err := os.Remove(path); err != nil {
					return nil, err
				}
			}
		case exists && bytes.Equal(old, want):
			res.Unchanged = append(res.Unchanged, path)
		default:
			if exists && !isGenerated(old) {
				return nil, fmt.Errorf("%s exists and was not generated by asyncgen; not overwriting", path)
			}
			res.Written = append(res.Written, path)
			if !cfg.Check {
				if err := os.WriteFile(path, want, 0o644); err != nil {
					return nil, err
				}
			}
		}
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "asyncgen: %s\n", filepath.Base(path))
		}
	}
	return res, nil
}

// stackFile is the name AwaitStack reports for a template file: its path
// relative to the module root, slash-separated ("generated_test/x.go"), the
// same on every machine and checkout, and enough to find the file; the
// package's import path is in the frame's Func. Outside a module it is the
// base name, like the //line directives.
func (l *lowerer) stackFile(file string) string {
	if m := l.t.pkg.Module; m != nil && m.Dir != "" {
		if rel, err := filepath.Rel(m.Dir, file); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.Base(file)
}
