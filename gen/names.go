package gen

import (
	"go/ast"
	"go/token"
	"go/types"
)

// namer hands out identifiers not in taken, adding _1, _2, ... to the base
// (STYLE.md item 9: fresh names, never hard-coded ones).
type namer struct{ taken map[string]bool }

func newNamer(taken ...map[string]bool) *namer {
	n := &namer{taken: map[string]bool{}}
	for _, t := range taken {
		for k := range t {
			n.taken[k] = true
		}
	}
	return n
}

func (n *namer) fresh(base string) string {
	name := base
	for i := 1; n.taken[name] || token.IsKeyword(name) || name == "_"; i++ {
		name = base + "_" + itoa(i)
	}
	n.taken[name] = true
	return name
}

// frameMethods are the methods of every frame; fields must not take their
// names.
var frameMethods = []string{"Send", "Throw", "Close", "AwaitStack", "step",
	"catch", "done", "exit", "unwind", "later", "settle", "defers", "inject",
	// the embedded rtimpl.Frame's
	"Frame", "State", "Res", "Err", "Result", "Done", "Finish", "Fail", "Unstarted", "Catch", "Stack", "Enter", "Suspend",
	// and rtimpl.AwaitFrame's
	"AwaitFrame", "Aw"}

// names holds the identifiers chosen for one template's generated code.
type names struct {
	recv, ctx, thrown string
	yield             string // the pulled iterator's yield, in scaffolding around a range operand
	frame, ctor       string
}

// nameAll names the frame's fields, the step-locals, the receiver and the
// context of one lowered template. fileTaken holds the names the generated
// file's imports and package scope already use.
func (l *lowerer) nameAll(fileTaken map[string]bool) names {
	all := map[string]bool{}
	ast.Inspect(l.t.decl, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			all[id.Name] = true
		}
		return true
	})
	special := newNamer(all, fileTaken)
	var nm names
	nm.recv = special.fresh("f")
	nm.ctx = special.fresh("c")

	fields := newNamer()
	for _, m := range frameMethods {
		fields.taken[m] = true
	}
	for _, a := range l.awaits {
		fields.taken[a.name] = true
	}
	// Step-locals must not hide what the body refers to outside the
	// template, nor the generated file's imports.
	external := map[string]bool{}
	for obj := range l.uses {
		_, isType := obj.(*types.TypeName)
		if l.vars[obj] == nil && (isType || !isLocalTo(obj, l.t.decl)) {
			external[obj.Name()] = true
		}
	}
	for _, c := range l.t.ctors {
		external[c] = true
	}
	locals := newNamer(external, fileTaken)
	locals.taken[nm.recv] = true
	locals.taken[nm.ctx] = true
	nm.thrown = locals.fresh("thrown")
	if l.hasPull {
		nm.yield = locals.fresh("yield")
	}
	locals.taken["y"], locals.taken["ok"] = true, true
	for _, v := range l.varList {
		switch {
		case v.frame:
		case v.kind == kParam || v.field:
			v.field = true
			v.out = fields.fresh(v.name)
		default:
			v.out = locals.fresh(v.name)
		}
	}
	l.scratch = locals
	return nm
}

// isLocalTo reports whether obj is declared inside fn (so that the
// generated step method, which holds fn's body, declares it too).
func isLocalTo(obj types.Object, fn *ast.FuncDecl) bool {
	return obj.Pos() >= fn.Pos() && obj.Pos() < fn.End() && obj.Pkg() != nil && obj.Parent() != obj.Pkg().Scope()
}
