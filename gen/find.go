package gen

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/types"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Directive marks a template: a function whose doc comment holds this line
// becomes a coroutine.
const Directive = "//asyncgen:coroutine"

// rtPath is the runtime package whose intrinsics the generator recognises.
const rtPath = "github.com/asyncgen/asyncgen/rt"

// rtimplPath is the runtime's generated-code support package.
const rtimplPath = rtPath + "/rtimpl"

// resultKind is the shape of a template's results.
type resultKind int

const (
	resNone   resultKind = iota // func f()
	resErr                      // func f() error
	resVal                      // func f() T
	resValErr                   // func f() (T, error)
)

// template is one function marked with the directive.
type template struct {
	pkg  *packages.Package
	file *ast.File
	decl *ast.FuncDecl
	fn   *types.Func
	sig  *types.Signature
	kind resultKind
	val  types.Type // T, or nil when the coroutine's result is rt.Void

	// A coroutine func literal (rt.Async) is a template of its own,
	// synthesised from the literal (see closure.go).
	outer    *template    // the template the literal is in; nil for a declared template
	captures []*types.Var // variables of the enclosing templates the literal uses, by first use
	funcName string       // the literal's name as runtime.Func spells it (path.f.func1)
	lit      *ast.FuncLit
	ctors    []string // the constructors of the coroutine literals the body calls
}

// root is the declared template a coroutine literal is (transitively) in,
// or t itself.
func (t *template) root() *template {
	for t.outer != nil {
		t = t.outer
	}
	return t
}

// intrinsic is what a call of the runtime's intrinsics means.
type intrinsic int

const (
	notIntrinsic  intrinsic = iota
	inAwait                 // rt.Await: suspension, (T, error)
	inMust                  // rt.Must: suspension, T or a Raised failure
	inRunningLoop           // rt.RunningLoop(): the frame's loop
	inCurrent               // rt.Current(): the frame's task
	inAsync                 // rt.Async(func() (T, error) {...}): a coroutine literal
	inAsyncVoid             // rt.AsyncVoid(func() error {...}): a coroutine literal
)

// isTemplate reports whether the doc comment carries the directive.
func isTemplate(d *ast.FuncDecl) bool { return hasDirective(d.Doc) }

// hasDirective reports whether a doc comment holds the directive line.
func hasDirective(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		if strings.TrimSpace(c.Text) == Directive {
			return true
		}
	}
	return false
}

// misplacedDirective reports the directive in the doc comment of a var,
// const, type or import declaration (or of one spec of a group): it marks
// only function declarations, and a template meant but not made would
// otherwise go unnoticed until its constructor is missing.
func misplacedDirective(gd *ast.GenDecl, d *diags) {
	if hasDirective(gd.Doc) {
		pos := gd.Pos()
		if len(gd.Specs) > 0 {
			pos = gd.Specs[0].Pos()
		}
		d.errorf(pos, "%s marks a function declaration, not a %s", Directive, gd.Tok)
		return
	}
	for _, sp := range gd.Specs {
		var doc *ast.CommentGroup
		switch sp := sp.(type) {
		case *ast.ValueSpec:
			doc = sp.Doc
		case *ast.TypeSpec:
			doc = sp.Doc
		case *ast.ImportSpec:
			doc = sp.Doc
		}
		if hasDirective(doc) {
			d.errorf(sp.Pos(), "%s marks a function declaration, not a %s", Directive, gd.Tok)
		}
	}
}

// testFileTemplates reports the templates of the _test.go files beside the
// package's files: asyncgen generates from the package's own files only
// (the generated file of x_test.go would be no test file), and a template
// there would otherwise go unnoticed until its constructor is missing.
func testFileTemplates(pkg *packages.Package, d *diags) {
	if len(pkg.GoFiles) == 0 {
		return
	}
	names, _ := filepath.Glob(filepath.Join(filepath.Dir(pkg.GoFiles[0]), "*_test.go"))
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil || !bytes.Contains(src, []byte(Directive)) {
			continue
		}
		f, err := parser.ParseFile(pkg.Fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue // go test reports it
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && isTemplate(fd) {
				d.errorf(fd.Pos(), "template %s is in a _test.go file, which asyncgen does not generate from: move it to a file of the package", fd.Name.Name)
			}
		}
	}
}

// calleeIdent is the identifier naming a call's function, seen through
// parens, explicit instantiation and a package qualifier (f, f[T], pkg.f,
// (pkg.f)[T]); nil when the function is not named (a literal, a call).
func calleeIdent(fun ast.Expr) *ast.Ident {
	fun = ast.Unparen(fun)
	switch x := fun.(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	switch x := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return x
	case *ast.SelectorExpr:
		return x.Sel
	}
	return nil
}

// intrinsicObj resolves the function named by a call's Fun (through parens
// and explicit instantiation) and says which intrinsic it is, by its
// types.Object: renamed and dot imports resolve like any other.
func intrinsicObj(info *types.Info, fun ast.Expr) intrinsic {
	id := calleeIdent(fun)
	if id == nil {
		return notIntrinsic
	}
	fn, ok := info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != rtPath {
		return notIntrinsic
	}
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		return notIntrinsic
	}
	switch fn.Name() {
	case "Await":
		return inAwait
	case "Must":
		return inMust
	case "RunningLoop":
		return inRunningLoop
	case "Current":
		return inCurrent
	case "Async":
		return inAsync
	case "AsyncVoid":
		return inAsyncVoid
	}
	return notIntrinsic
}

// callIntrinsic says which intrinsic a call expression invokes.
func callIntrinsic(info *types.Info, e ast.Node) intrinsic {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return notIntrinsic
	}
	return intrinsicObj(info, c.Fun)
}

// isSuspension reports whether e is a call of Await or Must.
func isSuspension(info *types.Info, e ast.Node) bool {
	k := callIntrinsic(info, e)
	return k == inAwait || k == inMust
}

// findTemplates lists the templates of pkg in file order, classifying their
// results; bad result shapes are reported to d.
func findTemplates(pkg *packages.Package, d *diags) []*template {
	var out []*template
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			if gd, ok := decl.(*ast.GenDecl); ok {
				misplacedDirective(gd, d)
				continue
			}
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || !isTemplate(fd) {
				continue
			}
			fn, _ := pkg.TypesInfo.Defs[fd.Name].(*types.Func)
			if fn == nil || fd.Body == nil {
				d.errorf(fd.Pos(), "coroutine template %s has no body", fd.Name.Name)
				continue
			}
			if fd.Recv == nil && (fd.Name.Name == "init" || fd.Name.Name == "_") {
				// Go lets nothing call these, so no constructor can.
				d.errorf(fd.Name.Pos(), "coroutine template %s cannot be called: give it another name", fd.Name.Name)
				continue
			}
			t := &template{pkg: pkg, file: f, decl: fd, fn: fn, sig: fn.Type().(*types.Signature)}
			if !t.classify() {
				d.errorf(fd.Type.Results.Pos(), "coroutine template %s must return nothing, error, T or (T, error)", fd.Name.Name)
				continue
			}
			out = append(out, t)
		}
	}
	return out
}

var errorType = types.Universe.Lookup("error").Type()

func (t *template) classify() bool {
	r := t.sig.Results()
	switch r.Len() {
	case 0:
		t.kind = resNone
	case 1:
		if types.Identical(r.At(0).Type(), errorType) {
			t.kind = resErr
		} else {
			t.kind, t.val = resVal, r.At(0).Type()
		}
	case 2:
		if !types.Identical(r.At(1).Type(), errorType) {
			return false
		}
		t.kind, t.val = resValErr, r.At(0).Type()
	default:
		return false
	}
	return true
}

// asyncAllCall returns the selector x.All when e is a call x.All() of
// rt.AsyncIter's All method (the range form of async iteration), else nil.
func asyncAllCall(info *types.Info, e ast.Expr) *ast.SelectorExpr {
	c, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(c.Args) != 0 {
		return nil
	}
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok || !isAsyncAll(info, sel) {
		return nil
	}
	return sel
}

// isAsyncAll reports whether sel names rt.AsyncIter's All method (as a
// method value or a method expression), found by its object.
func isAsyncAll(info *types.Info, sel *ast.SelectorExpr) bool {
	fn, ok := info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != rtPath {
		return false
	}
	tn, _ := fn.Pkg().Scope().Lookup("AsyncIter").(*types.TypeName)
	if tn == nil {
		return false
	}
	named, _ := tn.Type().(*types.Named)
	for i := 0; named != nil && i < named.NumMethods(); i++ {
		if m := named.Method(i); m.Name() == "All" {
			return fn.Origin() == m
		}
	}
	return false
}

// isAsyncRange reports whether n is a range over x.All() of an rt.AsyncIter.
func isAsyncRange(info *types.Info, n ast.Node) bool {
	rs, ok := n.(*ast.RangeStmt)
	return ok && asyncAllCall(info, rs.X) != nil
}
