package gen

import (
	"go/ast"
	"go/token"
	"go/types"
)

// lowerer holds the lowering of one template.
type lowerer struct {
	t     *template
	info  *types.Info
	d     *diags
	susp  map[ast.Node]bool
	fnPos token.Pos
	pos   token.Pos // the statement being lowered

	// Facts about the body, gathered before lowering.
	captured   map[types.Object]bool
	assigned   map[types.Object]bool // variables the body assigns (wholly or in part) after declaring them
	uses       map[types.Object]bool
	gotoLabels map[string]bool
	hasGoto    bool
	hasDefer   bool
	deferChain bool // the defer stack holds func(next func()) entries (see deferStmt)
	usesLater  bool // the body calls the frame's later
	hasPull    bool // ranges over a function iterator
	// hasAsyncRange: ranges over an rt.AsyncIter's All (rangeAsync)
	hasAsyncRange bool

	// Flat objects.
	vars          map[types.Object]*variable
	varList       []*variable
	synth         map[*ast.Ident]*variable
	scratchIdents map[*ast.Ident]bool
	params        []*variable // receiver, then parameters (nil for unnamed)
	results       []*variable // the results: named ones, or the rtimpl.Frame's Res and Err
	hoisted       []*ast.DeclStmt
	pulls         []pullLoop         // the range-over-func and async loops, outer first
	asyncIters    map[*variable]bool // the iterators of the loops over async iterators
	voidType      types.Type         // rt.Void, for awaiting their Close

	// The flat body.
	items       []*item
	labels      map[string]bool
	nlabel      int
	targets     []*target
	loopDepth   int
	asyncDepth  int // loops over async iterators being lowered
	stubs       []*exitStub
	branchTo    map[*ast.BranchStmt]*branchFix
	suspensions []*suspension
	awaits      []*awaitField

	// Rendering.
	scratch     *namer
	scratchName map[*ast.Ident]string
	nm          names
	imp         *imports
}

// pullLoop is a range-over-func loop: the next and stop functions of its
// pulled iterator.
// For a range over rt.AsyncIter's All, next is nil and stop is the
// iterator, which a panic leaving the template abandons.
type pullLoop struct{ next, stop *variable }

// lowerTemplate lowers t's body into flat items and decides where every
// flat variable lives.
func lowerTemplate(t *template, d *diags) *lowerer {
	info := t.pkg.TypesInfo
	l := &lowerer{
		t: t, info: info, d: d, fnPos: t.decl.Pos(),
		susp:          hasSuspension(info, t.decl.Body),
		captured:      map[types.Object]bool{},
		assigned:      map[types.Object]bool{},
		uses:          map[types.Object]bool{},
		gotoLabels:    map[string]bool{},
		vars:          map[types.Object]*variable{},
		synth:         map[*ast.Ident]*variable{},
		scratchIdents: map[*ast.Ident]bool{},
		labels:        map[string]bool{},
		branchTo:      map[*ast.BranchStmt]*branchFix{},
	}
	ast.Inspect(t.decl.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if obj := info.Uses[id]; obj != nil {
				l.uses[obj] = true
			}
		}
		return true
	})
	l.scanBody(t.decl.Body)
	l.declareSignature()
	l.stmts(t.decl.Body.List)
	if n := len(l.items); n == 0 || !l.items[n-1].term {
		if t.sig.Results().Len() == 0 {
			l.emit(&item{stmt: &ast.ReturnStmt{Return: t.decl.Body.Rbrace}, term: true, filler: true})
		} else {
			l.emit(&item{text: `panic("asyncgen: unreachable")`, term: true, filler: true})
		}
	}
	l.emitStubs()
	l.liveness()
	l.checkTypes()
	return l
}

// declareSignature makes the receiver, the parameters and the results frame
// fields.
func (l *lowerer) declareSignature() {
	param := func(v *types.Var) *variable {
		if v.Name() == "" || v.Name() == "_" {
			return nil
		}
		f := l.declare(v)
		f.kind, f.cell, f.field = kParam, false, true
		return f
	}
	if r := l.t.sig.Recv(); r != nil {
		l.params = append(l.params, param(r))
	}
	for i := 0; i < l.t.sig.Params().Len(); i++ {
		l.params = append(l.params, param(l.t.sig.Params().At(i)))
	}
	// A coroutine literal's captured variables: pointers into the
	// enclosing frame, read and written through like cells.
	for _, c := range l.t.captures {
		f := l.declare(c)
		f.kind, f.cell, f.field = kParam, true, true
		l.params = append(l.params, f)
	}
	for i := 0; i < l.t.sig.Results().Len(); i++ {
		r := l.t.sig.Results().At(i)
		v := param(r)
		if v == nil {
			// An unnamed result waits for the deferred calls in the
			// embedded rtimpl.Frame's own fields.
			name := "Res"
			if l.t.kind == resErr || i == 1 {
				name = "Err"
			}
			v = &variable{name: name, out: name, typ: r.Type(), kind: kParam, field: true, frame: true}
			l.varList = append(l.varList, v)
		}
		l.results = append(l.results, v)
	}
}
