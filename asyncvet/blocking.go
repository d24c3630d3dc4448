package asyncvet

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// blockingFact marks a function that blocks its caller: it does one of the
// catalog's calls, a channel operation, or calls another blocking function,
// or its doc comment says //asyncvet:blocking. Why names the root cause.
type blockingFact struct{ Why string }

func (*blockingFact) AFact()           {}
func (f *blockingFact) String() string { return "blocking(" + f.Why + ")" }

// site is one blocking operation found in a body.
type site struct {
	pos     token.Pos
	what    string // "time.Sleep", "a channel receive", "helper"
	why     string // root cause when what is a blocking function, else ""
	instead string
}

// blocking finds blocking operations, knowing which functions of this
// package (and, through facts, of its imports) block.
type blocking struct {
	pass  *analysis.Pass
	local map[*types.Func]string  // blocking functions of this package: root cause
	bufs  map[types.Object]bool   // local channels made with a constant buffer
	waive map[string]map[int]bool // file -> lines holding nonblockingMark
}

// newBlocking computes which functions of the package block: the marked
// ones, then, to a fixed point, those whose body holds a blocking site.
// Templates are not among them: calling one makes a coroutine object.
func newBlocking(pass *analysis.Pass) *blocking {
	b := &blocking{pass: pass, local: map[*types.Func]string{}, bufs: bufferedChans(pass), waive: waivers(pass, nonblockingMark)}
	if !ownCode(pass.Pkg.Path()) {
		// The standard library blocks in many places the loop never
		// reaches through (fmt's mutex, say): only the catalog counts
		// there. The runtime's own waits are not the loop's.
		return b
	}
	var decls []*ast.FuncDecl
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || hasLine(fd.Doc, coroutineMark) {
				continue
			}
			fn, _ := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if fn == nil {
				continue
			}
			if hasLine(fd.Doc, blockingMark) {
				b.local[fn] = "marked " + blockingMark
			} else if fd.Body != nil {
				decls = append(decls, fd)
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, fd := range decls {
			fn := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if _, done := b.local[fn]; done {
				continue
			}
			b.walk(fd.Body, func(s site) bool {
				b.local[fn] = s.root()
				changed = true
				return false
			})
		}
	}
	return b
}

func (s site) root() string {
	if s.why != "" {
		return s.why
	}
	return s.what
}

// exportFacts lets the packages that import this one see its blocking
// functions.
func (b *blocking) exportFacts() {
	for fn, why := range b.local {
		b.pass.ExportObjectFact(fn, &blockingFact{Why: why})
	}
}

// reportIn reports every blocking site of a template's body.
func (b *blocking) reportIn(body *ast.BlockStmt) {
	b.walk(body, func(s site) bool {
		if s.why != "" {
			b.pass.Reportf(s.pos, "%s blocks the event loop (through %s): %s", s.what, s.why, s.instead)
		} else {
			b.pass.Reportf(s.pos, "%s blocks the event loop: %s", s.what, s.instead)
		}
		return true
	})
}

// walk calls found for each blocking site of n that runs on the calling
// goroutine, until found returns false. Go statements and the functions
// handed to rt.RunInExecutor run elsewhere and are skipped; other func
// literals are walked, as they usually run on the loop (callbacks).
func (b *blocking) walk(n ast.Node, found func(site) bool) {
	info := b.pass.TypesInfo
	more := true
	var visit func(ast.Node) bool
	visit = func(n ast.Node) bool {
		if !more {
			return false
		}
		report := func(s site) {
			if !b.waived(s.pos) {
				more = more && found(s)
			}
		}
		switch n := n.(type) {
		case *ast.GoStmt:
			return false
		case *ast.CallExpr:
			fn := callee(info, n)
			if isRT(fn, "RunInExecutor") {
				ast.Inspect(n.Fun, visit)
				for _, a := range n.Args {
					if _, lit := ast.Unparen(a).(*ast.FuncLit); !lit {
						ast.Inspect(a, visit)
					}
				}
				return false
			}
			if fn != nil {
				if s, ok := b.callSite(fn, n); ok {
					report(s)
				}
			}
		case *ast.SendStmt:
			if !b.buffered(n.Chan) {
				report(site{pos: n.Arrow, what: "a channel send", instead: chanInstead})
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && !b.buffered(n.X) {
				report(site{pos: n.OpPos, what: "a channel receive", instead: chanInstead})
			}
		case *ast.RangeStmt:
			if t := info.TypeOf(n.X); t != nil && !b.buffered(n.X) {
				if _, ok := t.Underlying().(*types.Chan); ok {
					report(site{pos: n.For, what: "a range over a channel", instead: chanInstead})
				}
			}
		case *ast.SelectStmt:
			if !hasDefault(n) {
				report(site{pos: n.Select, what: "a select without default", instead: chanInstead})
			}
			// The communications are the select's own; only the bodies
			// (and the operands) may block on their own.
			for _, c := range n.Body.List {
				cc := c.(*ast.CommClause)
				ast.Inspect(commOperands(cc.Comm), visit)
				for _, s := range cc.Body {
					ast.Inspect(s, visit)
				}
			}
			return false
		}
		return more
	}
	ast.Inspect(n, visit)
}

const chanInstead = "use an rt.Queue (or an rt.Future, rt.Event) and await it"

// callSite says whether calling fn blocks.
func (b *blocking) callSite(fn *types.Func, call *ast.CallExpr) (site, bool) {
	if what, instead, ok := blockingCall(fn); ok {
		return site{pos: call.Lparen, what: what, instead: instead}, true
	}
	why, ok := b.local[fn]
	if !ok {
		var f blockingFact
		if fn.Pkg() == nil || fn.Pkg() == b.pass.Pkg || !ownCode(fn.Pkg().Path()) || !b.pass.ImportObjectFact(fn, &f) {
			return site{}, false
		}
		why = f.Why
	}
	return site{pos: call.Lparen, what: fn.Name(), why: why, instead: inExecutor}, true
}

func hasDefault(s *ast.SelectStmt) bool {
	for _, c := range s.Body.List {
		if c.(*ast.CommClause).Comm == nil {
			return true
		}
	}
	return false
}

// commOperands is the part of a select case's communication evaluated
// before the select chooses: the channel and the value sent.
func commOperands(s ast.Stmt) ast.Node {
	var list []ast.Expr
	switch s := s.(type) {
	case *ast.SendStmt:
		list = []ast.Expr{s.Chan, s.Value}
	case *ast.ExprStmt:
		list = recvChan(s.X)
	case *ast.AssignStmt:
		list = recvChan(s.Rhs[0])
	}
	return &ast.CompositeLit{Elts: list}
}

func recvChan(e ast.Expr) []ast.Expr {
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return []ast.Expr{u.X}
	}
	return nil
}

// ownCode reports whether a package is the user's code, whose blocking
// functions are found from their bodies: neither the standard library nor
// asyncgen's runtime.
func ownCode(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return strings.Contains(first, ".") && path != rtPath && !strings.HasPrefix(path, rtPath+"/")
}

// bufferedChans finds the variables initialised with make(chan T, n) for a
// constant n > 0. An operation on one is taken for the deliberate use of a
// buffer the function sized itself (a template collecting results, a
// conformance test of range over a channel), not for a wait; a channel
// that comes from elsewhere may be anyone's.
func bufferedChans(pass *analysis.Pass) map[types.Object]bool {
	out := map[types.Object]bool{}
	mark := func(lhs []ast.Expr, rhs []ast.Expr) {
		if len(lhs) != len(rhs) {
			return
		}
		for i, r := range rhs {
			id, ok := lhs[i].(*ast.Ident)
			call, isCall := ast.Unparen(r).(*ast.CallExpr)
			if !ok || !isCall || len(call.Args) != 2 {
				continue
			}
			if fid, ok := ast.Unparen(call.Fun).(*ast.Ident); !ok || pass.TypesInfo.Uses[fid] != types.Universe.Lookup("make") {
				continue
			}
			if tv, ok := pass.TypesInfo.Types[call.Args[1]]; ok && tv.Value != nil && tv.Value.String() != "0" {
				if obj := pass.TypesInfo.ObjectOf(id); obj != nil {
					out[obj] = true
				}
			}
		}
	}
	for _, f := range pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE {
					mark(n.Lhs, n.Rhs)
				}
			case *ast.ValueSpec:
				lhs := make([]ast.Expr, len(n.Names))
				for i, id := range n.Names {
					lhs[i] = id
				}
				mark(lhs, n.Values)
			}
			return true
		})
	}
	return out
}

// buffered reports whether e names a channel of bufferedChans.
func (b *blocking) buffered(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && b.bufs[b.pass.TypesInfo.Uses[id]]
}

// waivers finds the lines holding a comment that starts with mark, by file.
func waivers(pass *analysis.Pass, mark string) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	for _, f := range pass.Files {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if strings.HasPrefix(c.Text, mark) {
					p := pass.Fset.Position(c.Pos())
					if out[p.Filename] == nil {
						out[p.Filename] = map[int]bool{}
					}
					out[p.Filename][p.Line] = true
				}
			}
		}
	}
	return out
}

// waived reports whether a nonblockingMark comment on pos's line or the
// line above says the operation there does not block.
func (b *blocking) waived(pos token.Pos) bool { return waivedAt(b.pass, b.waive, pos) }

// waivedAt reports whether one of the waivers is on pos's line or the
// line above.
func waivedAt(pass *analysis.Pass, waive map[string]map[int]bool, pos token.Pos) bool {
	p := pass.Fset.Position(pos)
	lines := waive[p.Filename]
	return lines[p.Line] || lines[p.Line-1]
}
