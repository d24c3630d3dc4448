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

	// Facts about the body, gathered before lowering.
	captured   map[types.Object]bool
	uses       map[types.Object]bool
	gotoLabels map[string]bool
	hasGoto    bool
	hasDefer   bool

	// Flat objects.
	vars          map[types.Object]*variable
	varList       []*variable
	synth         map[*ast.Ident]*variable
	scratchIdents map[*ast.Ident]bool
	params        []*variable // receiver, then parameters (nil for unnamed)
	results       []*variable // named results, nil entries for unnamed
	hoisted       []*ast.DeclStmt
	mustErr       *variable
	errField      *variable // the frame's error when the template returns none
	stops         []*variable

	// The flat body.
	items       []*item
	labels      map[string]bool
	nlabel      int
	targets     []*target
	loopDepth   int
	branchTo    map[*ast.BranchStmt]*branchFix
	suspensions []*suspension
	awaits      []*awaitField

	// Rendering.
	scratch     *namer
	scratchName map[*ast.Ident]string
	nm          names
	imp         *imports
}

// lowerTemplate lowers t's body into flat items and decides where every
// flat variable lives.
func lowerTemplate(t *template, d *diags) *lowerer {
	info := t.pkg.TypesInfo
	l := &lowerer{
		t: t, info: info, d: d, fnPos: t.decl.Pos(),
		susp:          hasSuspension(info, t.decl.Body),
		captured:      map[types.Object]bool{},
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
	l.liveness()
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
	for i := 0; i < l.t.sig.Results().Len(); i++ {
		r := l.t.sig.Results().At(i)
		v := param(r)
		if v == nil {
			name := "res"
			if types.Identical(r.Type(), errorType) {
				name = "err"
			}
			v = &variable{name: name, typ: r.Type(), kind: kParam, field: true}
			l.varList = append(l.varList, v)
		}
		l.results = append(l.results, v)
	}
	if l.t.kind == resNone || l.t.kind == resVal {
		// The frame's failure has no result of its own to live in.
		l.errField = &variable{name: "err", typ: errorType, kind: kParam, field: true}
		l.varList = append(l.varList, l.errField)
	}
}
