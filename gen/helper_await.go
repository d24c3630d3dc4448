package gen

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/packages"
)

// checkHelperAwaits reports the awaits in the ordinary functions of the
// package that a template calls. asyncgen lowers only the template's own
// awaits; a helper's stays a plain call, which panics in the state machine
// and would work in reference mode, where the helper runs on the
// template's goroutine. Rejecting it here makes the two modes agree before
// anything runs. Awaits inside func literals are the hand-written
// coroutines' (rt.Async) and are left alone.
func checkHelperAwaits(p *packages.Package, tmpls []*template, d *diags) {
	decls := map[*types.Func]*ast.FuncDecl{}
	for _, f := range p.Syntax {
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil && !isTemplate(fd) {
				if fn, ok := p.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					decls[fn] = fd
				}
			}
		}
	}
	reported := map[*types.Func]bool{}
	for _, t := range tmpls {
		ast.Inspect(t.decl.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			id := calleeIdent(call.Fun)
			if id == nil {
				return true
			}
			fn, _ := p.TypesInfo.Uses[id].(*types.Func)
			if fn == nil || reported[fn.Origin()] || decls[fn.Origin()] == nil {
				return true
			}
			reported[fn.Origin()] = true
			helper := decls[fn.Origin()]
			ast.Inspect(helper.Body, func(n ast.Node) bool {
				if _, lit := n.(*ast.FuncLit); lit {
					return false
				}
				if sel, ok := n.(*ast.SelectorExpr); ok && isAsyncAll(p.TypesInfo, sel) {
					d.errorf(sel.Sel.Pos(), "rt.AsyncIter's All in %s, which template %s calls: ranging over it awaits, and only a template suspends (here it would panic); mark %s %s, or range over All in the template",
						helper.Name.Name, t.decl.Name.Name, helper.Name.Name, Directive)
				}
				if k := callIntrinsic(p.TypesInfo, n); k == inAwait || k == inMust {
					name := "Await"
					if k == inMust {
						name = "Must"
					}
					d.errorf(n.Pos(), "rt.%s in %s, which template %s calls: only a template suspends (here the call would panic); mark %s %s and await %sAsync(…)",
						name, helper.Name.Name, t.decl.Name.Name, helper.Name.Name, Directive, helper.Name.Name)
				}
				return true
			})
			return true
		})
	}
}
