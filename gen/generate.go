package gen

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
			out, err := generatePackage(p, stubs, nil, d)
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
// (nil content for generated files to delete), or with only set, of the
// template files it keeps.
func generatePackage(p *packages.Package, stubs map[string]bool, only func(file string) bool, d *diags) (map[string][]byte, error) {
	out := map[string][]byte{}
	tmpls := withClosures(p, findTemplates(p, d), d)
	testFileTemplates(p, d)
	if only != nil {
		var kept []*template
		for _, t := range tmpls {
			if only(p.Fset.File(t.file.Pos()).Name()) {
				kept = append(kept, t)
			}
		}
		tmpls = kept
	}
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
	// Frame types are package-level names: one namer for the whole
	// package, so that two files never declare the same one.
	frames := newNamer(packageScope(p))
	have := map[string]bool{}
	for _, f := range p.GoFiles {
		have[f] = true
	}
	for _, f := range p.Syntax {
		name := p.Fset.File(f.Pos()).Name()
		if strings.HasSuffix(name, suffix) && stubs[name] {
			if only != nil {
				continue // stale files are the whole package's business
			}
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
		if base := filepath.Base(name); !utf8.ValidString(base) || strings.ContainsFunc(base, unicode.IsControl) {
			// The //line directives of the output name the file.
			d.errorf(f.Package, "asyncgen cannot generate code for a file whose name is not printable UTF-8: %q", base)
			continue
		}
		src, err := generateFile(p, f, ts, mirror, frames, d)
		if err != nil {
			if src == nil {
				return nil, err
			}
			// Nothing is written: a broken file would break the
			// package. The position is the template's (the output's
			// //line directives map it there).
			d.list = append(d.list, Diagnostic{Pos: brokenPos(err, name), Message: "asyncgen produced code that does not compile (a generator bug; nothing written): " + errMsg(err)})
			continue
		}
		out[generatedName(name)] = src
	}
	return out, nil
}

// withClosures adds after each template the templates of its coroutine
// literals (see closure.go).
func withClosures(p *packages.Package, tmpls []*template, d *diags) []*template {
	taken := map[string]bool{}
	for _, n := range p.Types.Scope().Names() {
		taken[n] = true
	}
	var all []*template
	for _, t := range tmpls {
		all = append(all, t)
		all = append(all, extractClosures(t, taken, d)...)
	}
	return all
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
func generateFile(p *packages.Package, f *ast.File, ts []*template, mirror *token.FileSet, frameNames *namer, d *diags) ([]byte, error) {
	scope := packageScope(p)
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
	im.usePath(rtimplPath, "rtimpl")

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
	if c := generatedConstraint(buildConstraint(f), filepath.Base(name)); c != "" {
		jf.HeaderComment(c)
	}
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

// packageScope is the set of names declared at p's package level.
func packageScope(p *packages.Package) map[string]bool {
	scope := map[string]bool{}
	for _, n := range p.Types.Scope().Names() {
		scope[n] = true
	}
	return scope
}

// brokenPos is where the error of output that does not parse points: the
// first scanner error's position, else the generated file.
func brokenPos(err error, tmpl string) token.Position {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		pos := list[0].Pos
		if !filepath.IsAbs(pos.Filename) {
			pos.Filename = filepath.Join(filepath.Dir(tmpl), pos.Filename)
		}
		return pos
	}
	return token.Position{Filename: generatedName(tmpl)}
}

// errMsg is the message of err without its position (the diagnostic has
// it).
func errMsg(err error) string {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		msg := list[0].Msg
		if len(list) > 1 {
			msg += fmt.Sprintf(" (and %d more errors)", len(list)-1)
		}
		return msg
	}
	return err.Error()
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

// upperFirst and lowerFirst change the case of the first letter, which
// need not be ASCII (identifiers are Unicode letters).
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
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

// generatedConstraint is the //go:build line of the generated file of the
// template file name whose own line is line: that line, and the system and
// architecture the name limits the file to (x_linux.go, x_windows_arm64.go),
// which the generated file's name (x_linux_async.go) no longer does.
func generatedConstraint(line, name string) string {
	tags := fileNameTags(name)
	if len(tags) == 0 {
		return line
	}
	var x constraint.Expr
	if line != "" {
		if e, err := constraint.Parse(line); err == nil {
			x = e
		}
	}
	for _, tag := range tags {
		var t constraint.Expr = &constraint.TagExpr{Tag: tag}
		if x == nil {
			x = t
		} else {
			x = &constraint.AndExpr{X: x, Y: t}
		}
	}
	return "//go:build " + x.String()
}

// fileNameTags returns the build tags a file name requires, as go/build
// reads them: x_GOOS.go, x_GOARCH.go, x_GOOS_GOARCH.go (with an optional
// _test before .go), not counting what comes before the first _.
func fileNameTags(name string) []string {
	name, _, _ = strings.Cut(name, ".")
	i := strings.Index(name, "_")
	if i < 0 {
		return nil
	}
	l := strings.Split(name[i:], "_")
	if n := len(l); n > 0 && l[n-1] == "test" {
		l = l[:n-1]
	}
	n := len(l)
	if n >= 2 && knownOS[l[n-2]] && knownArch[l[n-1]] {
		return []string{l[n-2], l[n-1]}
	}
	if n >= 1 && (knownOS[l[n-1]] || knownArch[l[n-1]]) {
		return []string{l[n-1]}
	}
	return nil
}

// knownOS and knownArch are the systems and architectures go/build knows
// in file names (its internal/syslist).
var (
	knownOS = setOf("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
		"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos")
	knownArch = setOf("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
		"mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv",
		"riscv64", "s390", "s390x", "sparc", "sparc64", "wasm")
)

func setOf(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// finish adds the imports the printed bodies need, formats the file and
// removes the redundant //line directives. When formatting fails the
// unformatted bytes are returned with the error, so the user can see it.
func finish(src []byte, im *imports, genName string) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return src, fmt.Errorf("generated code does not parse: %w", err)
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
	return pruneStable(buf.Bytes(), genName), nil
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
