package gen

import (
	"bytes"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"strings"
)

// renderer prints the flat items of one template as the body of its step
// method. Template statements go through go/printer in SourcePos mode, so
// they carry //line directives back to the template.
type renderer struct {
	l      *lowerer
	fset   *token.FileSet
	inFunc int
	bind   map[*variable]string // cells bound for the closures of the current item
	next   string               // the parameter of chained defer entries
	cur    *item                // the item being rendered
}

// body renders the flat items.
func (r *renderer) body() string {
	used, skip := r.reachable()
	var b strings.Builder
	for i, it := range r.l.items {
		if skip[i] {
			continue
		}
		if it.label != "" && it.stmt == nil {
			if used[it.label] {
				b.WriteString(it.label + ":\n")
			}
			continue
		}
		for _, v := range it.decl {
			switch {
			case v.cell:
				r.line(&b, it.pos)
				b.WriteString(r.ptrRef(v) + " = new(" + r.typeString(v.typ) + ")\n")
			case it.zero:
				r.line(&b, it.pos)
				b.WriteString(r.exprString(r.ref(v, token.NoPos)) + " = " + r.zero(v.typ) + "\n")
			}
		}
		if it.stmt != nil {
			pos := it.stmt.Pos()
			if !pos.IsValid() {
				pos = it.pos // a temporary's assignment
			}
			r.line(&b, pos)
			r.cur = it
			b.WriteString(r.stmt(it))
			b.WriteByte('\n')
		} else if it.text != "" {
			if it.susp != nil {
				r.line(&b, it.pos) // where a stack trace through Start points
			}
			b.WriteString(r.expand(it.text, it.args))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// reachable finds the jumps the lowering added that are not needed: after
// an item that does not fall through (vet reports them as unreachable), or
// to a label that follows at once, past labels and dropped items (a
// template's own break, continue or goto too). It returns the labels still
// used once they are gone.
func (r *renderer) reachable() (used map[string]bool, skip map[int]bool) {
	skip = map[int]bool{}
	items := r.l.items
	// toNext drops item i when it is a plain jump to a label that follows
	// it: a lowered goto, or a template's branch rendered as a goto to
	// it.jumps[0] (out of a loop over an async iterator, the exit stub
	// that closes it, not g's label), but not one that stops iterators on
	// its way.
	toNext := func(i int) bool {
		it := items[i]
		g, ok := it.stmt.(*ast.BranchStmt)
		if !ok || skip[i] || len(it.jumps) != 1 {
			return false
		}
		if fix := r.l.branchTo[g]; g.Tok != token.GOTO && fix == nil || fix != nil && len(fix.stops) > 0 {
			return false
		}
		for j := i + 1; j < len(items) && (skip[j] || items[j].stmt == nil && items[j].label != ""); j++ {
			if !skip[j] && items[j].label == it.jumps[0] {
				skip[i] = true
				return true
			}
		}
		return false
	}
	for {
		used = map[string]bool{}
		for _, s := range r.l.suspensions {
			used[s.label] = true
		}
		for i, it := range items {
			if !skip[i] {
				for _, j := range it.jumps {
					used[j] = true
				}
			}
		}
		changed := false
		for i := range items {
			changed = toNext(i) || changed
		}
		dead := false
		for i, it := range items {
			if it.label != "" && it.stmt == nil {
				if used[it.label] {
					dead = false
				}
				continue
			}
			g, isGoto := it.stmt.(*ast.BranchStmt)
			if dead && (it.filler || isGoto && g.Tok == token.GOTO && !g.TokPos.IsValid()) {
				if !skip[i] {
					skip[i], changed = true, true
				}
				continue
			}
			if !skip[i] {
				dead = it.term
			}
		}
		if !changed {
			return used, skip
		}
	}
}

// line writes a //line directive for pos; redundant ones are removed once
// the file is formatted.
func (r *renderer) line(b *strings.Builder, pos token.Pos) {
	if !pos.IsValid() {
		return
	}
	p := r.fset.Position(pos)
	b.WriteString("//line " + p.Filename + ":" + itoa(p.Line) + "\n")
}

// stmt renders a statement item, binding the cells its closures capture.
func (r *renderer) stmt(it *item) string {
	cells := r.cellsInLits(it.stmt)
	var pre strings.Builder
	if len(cells) > 0 {
		r.bind = map[*variable]string{}
		for _, v := range cells {
			name := r.l.scratch.fresh(v.name)
			pre.WriteString(name + " := " + r.ptrRef(v) + "\n")
			r.bind[v] = name
		}
	}
	s := r.node(it.stmt).(ast.Stmt)
	if as, ok := s.(*ast.AssignStmt); ok && it.define {
		as.Tok = token.ASSIGN
	}
	text := r.print(s)
	r.bind = nil
	if len(cells) > 0 {
		return "{\n" + pre.String() + text + "\n}"
	}
	return text
}

// cellsInLits lists the cells referenced inside the func literals of s.
func (r *renderer) cellsInLits(s ast.Node) []*variable {
	var out []*variable
	seen := map[*variable]bool{}
	ast.Inspect(s, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok {
			return true
		}
		ast.Inspect(lit, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if v := r.l.varOf(id); v != nil && v.cell && !seen[v] {
					seen[v] = true
					out = append(out, v)
				}
			}
			return true
		})
		return false
	})
	return out
}

// print prints template code laid out as in the template, with the
// template's comments, so that the //line directive before it stays right
// for all its lines.
func (r *renderer) print(n ast.Node) string {
	var buf bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	var node any = n
	if cs := r.commentsIn(n); len(cs) > 0 {
		node = &printer.CommentedNode{Node: n, Comments: cs}
	}
	if err := cfg.Fprint(&buf, r.fset, node); err != nil {
		r.l.d.errorf(n.Pos(), "printing lowered code: %v", err)
	}
	return buf.String()
}

// commentsIn returns the template's comments inside n.
func (r *renderer) commentsIn(n ast.Node) []*ast.CommentGroup {
	if !n.Pos().IsValid() || !n.End().IsValid() {
		return nil
	}
	var out []*ast.CommentGroup
	for _, cg := range r.l.t.file.Comments {
		if cg.Pos() > n.Pos() && cg.End() < n.End() && !isDirectiveComment(cg) {
			out = append(out, cg)
		}
	}
	return out
}

func isDirectiveComment(cg *ast.CommentGroup) bool {
	for _, c := range cg.List {
		if strings.HasPrefix(c.Text, "//line ") || strings.HasPrefix(c.Text, "//go:") {
			return true
		}
	}
	return false
}

// exprString prints an expression on its own, without //line directives.
func (r *renderer) exprString(e ast.Expr) string {
	var buf bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	cfg.Fprint(&buf, token.NewFileSet(), stripPos(e))
	return buf.String()
}

// stripPos copies e without positions, so that it prints on one line.
func stripPos(e ast.Expr) ast.Expr {
	var fn func(ast.Node) ast.Node
	fn = func(n ast.Node) ast.Node {
		c := copyNode(n, fn)
		switch c := c.(type) {
		case *ast.Ident:
			c.NamePos = token.NoPos
		case *ast.BasicLit:
			c.ValuePos = token.NoPos
		}
		return c
	}
	return fn(e).(ast.Expr)
}

// ref is the expression standing for v: f.x, x, (*f.x), or a bound cell.
func (r *renderer) ref(v *variable, pos token.Pos) ast.Expr {
	if v.kind == kConst {
		return &ast.Ident{NamePos: pos, Name: v.out}
	}
	if b, ok := r.bind[v]; ok {
		return &ast.ParenExpr{Lparen: pos, X: &ast.StarExpr{Star: pos, X: &ast.Ident{NamePos: pos, Name: b}}}
	}
	var e ast.Expr = &ast.Ident{NamePos: pos, Name: v.out}
	if v.field {
		e = &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: r.l.nm.recv}, Sel: &ast.Ident{NamePos: pos, Name: v.out}}
	}
	if v.cell {
		e = &ast.ParenExpr{Lparen: pos, X: &ast.StarExpr{Star: pos, X: e}}
	}
	return e
}

// ptrRef is the cell pointer of v, as text.
func (r *renderer) ptrRef(v *variable) string {
	if v.field {
		return r.l.nm.recv + "." + v.out
	}
	return v.out
}

func (r *renderer) typeString(t types.Type) string {
	return types.TypeString(t, r.l.imp.qualifier)
}

// zero is the zero value of t, as text.
func (r *renderer) zero(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsNumeric != 0:
			return "0"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Info()&types.IsBoolean != 0:
			return "false"
		}
		return "nil"
	case *types.Struct, *types.Array:
		return r.typeString(t) + "{}"
	case *types.Interface:
		if _, ok := types.Unalias(t).(*types.TypeParam); ok {
			return "*new(" + r.typeString(t) + ")"
		}
	}
	return "nil"
}

// expand substitutes the frame's names and the arguments into scaffolding
// text.
func (r *renderer) expand(text string, args []any) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		ch := text[i]
		if ch != '$' {
			b.WriteByte(ch)
			continue
		}
		j := i + 1
		for j < len(text) && (isIdentByte(text[j])) {
			j++
		}
		word := text[i+1 : j]
		i = j - 1
		if word[0] >= '0' && word[0] <= '9' {
			n := 0
			for _, d := range word {
				n = n*10 + int(d-'0')
			}
			b.WriteString(r.arg(args[n]))
			continue
		}
		switch word {
		case "f":
			b.WriteString(r.l.nm.recv)
		case "c":
			b.WriteString(r.l.nm.ctx)
		case "t":
			b.WriteString(r.l.nm.thrown)
		case "yield":
			b.WriteString(r.l.nm.yield)
		case "rt", "rtimpl", "utf8", "iter":
			i++ // the dot
			path := map[string]string{"rt": rtPath, "rtimpl": rtimplPath, "utf8": "unicode/utf8", "iter": "iter"}[word]
			if name := r.l.imp.usePath(path, word); name != "" {
				b.WriteString(name + ".")
			}
		default:
			b.WriteString("$" + word)
		}
	}
	return b.String()
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (r *renderer) arg(a any) string {
	switch a := a.(type) {
	case *variable:
		return r.exprString(r.ref(a, token.NoPos))
	case typeArg:
		return r.typeString(a.t)
	case cellPtr:
		return r.ptrRef(a.v)
	case ast.Expr:
		return r.exprString(r.node(a).(ast.Expr))
	}
	return "?"
}

// cellPtr is the pointer of a cell, substituted into scaffolding text.
type cellPtr struct{ v *variable }
