package gen

// Lowering turns a template body into the flat body of its frame's step
// method. Invariants, in the spirit of cmd/compile's order.go:
//
//  1. After lowering, every suspension is a three-item sequence at the top
//     level of the step method: the Start item (suspends by returning with
//     f.State = N), the resume label resumeN (the jump table's target for
//     state N), and the Result item that assigns the outcome. Nothing else
//     suspends, so every guard, range operand and case expression is
//     evaluated exactly once and never again on resume.
//  2. A statement that contains no suspension is emitted verbatim (after
//     renaming), nested blocks and all: only the statements on the path to a
//     suspension are flattened into labels and gotos.
//  3. The top level of the step method declares nothing: every variable
//     declared there (the "flat" variables) becomes a frame field when it is
//     live across a suspension (or captured by a closure, or has its address
//     taken), otherwise a step-local declared before the jump table. This is
//     what makes the gotos of the flat body legal.
//  4. Operands are lifted into temporaries only when a later operand
//     suspends, and then only calls and receives are lifted: variable reads
//     stay in place, which is the evaluation order gc itself uses (and the
//     reference driver, which runs the template as compiled by gc, is the
//     oracle). && and || keep their short circuit.
//  5. A flat variable captured by a closure (or whose address is taken) and
//     declared inside a loop is a cell (*T), freshly allocated at each
//     declaration and at the start of each iteration of a three-clause loop,
//     which gives Go 1.22's per-iteration variables.
//  6. Labels are created only for the gotos that need them; a label nobody
//     jumps to is not printed.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// item is one statement of the flat body.
type item struct {
	stmt   ast.Stmt    // a statement from (or built around) the template, rendered with renames
	text   string      // scaffolding, when stmt is nil: $0.. are args, $f $c $rt $e are the frame's names
	args   []any       // *variable or ast.Expr substituted for $0, $1, ...
	defs   []*variable // variables the item assigns as a whole (liveness kills)
	decl   []*variable // variables (re)declared here: cells are allocated, others zeroed when zero is set
	zero   bool        // zero the declared variables (var x T without initialiser)
	define bool        // stmt is a top-level := printed as =
	label  string      // the item is this label
	jumps  []string    // labels the item may jump to
	term   bool        // control does not fall through to the next item
	filler bool        // scaffolding dropped when unreachable (the return ending the body, a loop's step)
	pos    token.Pos   // template position of the scaffolding, for //line
	susp   *suspension // set on the Start item of a suspension
	ret    string      // the exit stub the item's returns go through (inside loops over async iterators)
}

// suspension is one Await or Must of the template.
type suspension struct {
	state int
	call  *ast.CallExpr
	typ   types.Type // T of Awaitable[T]
	aw    *awaitField
	label string // resume label
	pos   token.Pos
}

// awaitField is an rt.Awaiting[T] field of the frame, shared by the
// suspensions that await the same T (only one is pending at a time).
type awaitField struct {
	name  string
	typ   types.Type
	susps []*suspension
}

// target is a flattened statement that break or continue can leave.
type target struct {
	brk, cont string       // labels; cont is "" for switch and select
	label     *types.Label // the template's label on the statement, if any
	stop      *variable    // range over func: the stop function to call on leaving; range over All: the iterator to close
	node      ast.Node     // range over func or All: the loop, which a goto may leave
}

// exitStub is flat code that leaves loops over async iterators: on the way
// to label (or, for a return, to the frame's exit), it stops or closes the
// loops' iterators, innermost first; closing one is an await, which
// verbatim code cannot hold, so the branch or return jumps here instead.
type exitStub struct {
	label string      // the stub's own label
	to    string      // where it goes; "" for a return
	stops []*variable // range-over-func stops and async iterators, innermost first
}

// branchFix is how a verbatim break, continue or goto leaves flattened
// statements: a goto to label, after calling the stops of the range-over-func
// loops it leaves.
type branchFix struct {
	label string
	stops []*variable
}

func (l *lowerer) emit(it *item) *item {
	if l.asyncDepth > 0 && it.stmt != nil && hasReturn(it.stmt) {
		// A return inside a loop over an async iterator goes through
		// the stub that closes it (see the renderer's ret).
		it.ret = l.stub("", l.exitStops(-1))
		it.jumps = append(it.jumps, it.ret)
	}
	l.items = append(l.items, it)
	return it
}

// hasReturn reports whether s holds a return of the template (outside func
// literals).
func hasReturn(s ast.Stmt) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = true
		}
		return !found
	})
	return found
}

// exitStops lists the stops of the range-over-func and async loops left by
// going to l.targets[i] (i = -1: by a return), innermost first.
func (l *lowerer) exitStops(i int) []*variable {
	var stops []*variable
	for j := len(l.targets) - 1; j > i; j-- {
		if l.targets[j].stop != nil {
			stops = append(stops, l.targets[j].stop)
		}
	}
	return stops
}

// stub returns the label of the exit stub that goes through stops to to
// ("" for a return), creating it; the stubs are emitted after the body.
func (l *lowerer) stub(to string, stops []*variable) string {
	for _, st := range l.stubs {
		if st.to == to && sameVars(st.stops, stops) {
			return st.label
		}
	}
	st := &exitStub{label: l.newLabel("leave"), to: to, stops: stops}
	l.stubs = append(l.stubs, st)
	return st.label
}

func sameVars(a, b []*variable) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// closesAsync reports whether stops holds an async iterator.
func (l *lowerer) closesAsync(stops []*variable) bool {
	for _, v := range stops {
		if l.asyncIters[v] {
			return true
		}
	}
	return false
}

// emitStubs emits the exit stubs, after the body (whose last item does not
// fall through).
func (l *lowerer) emitStubs() {
	for i := 0; i < len(l.stubs); i++ {
		st := l.stubs[i]
		l.label(st.label)
		for _, v := range st.stops {
			if l.asyncIters[v] {
				l.closeIter(v, v.pos)
			} else {
				l.text(token.NoPos, "$0()\n$0 = nil", v)
			}
		}
		if st.to != "" {
			l.jump(token.NoPos, st.to)
		} else {
			l.emit(&item{text: "return $f.exit(nil)", term: true})
		}
	}
}

func (l *lowerer) text(pos token.Pos, text string, args ...any) *item {
	return l.emit(&item{text: text, args: args, pos: pos})
}

func (l *lowerer) label(name string) {
	l.emit(&item{label: name})
}

func (l *lowerer) jump(pos token.Pos, name string) {
	l.emit(&item{stmt: gotoStmt(pos, name), jumps: []string{name}, term: true})
}

// jumpIf emits "if cond { goto name }".
func (l *lowerer) jumpIf(cond ast.Expr, name string) {
	l.emit(&item{
		stmt: &ast.IfStmt{If: cond.Pos(), Cond: cond, Body: &ast.BlockStmt{
			List: []ast.Stmt{gotoStmt(token.NoPos, name)}}},
		jumps: []string{name},
	})
}

func gotoStmt(pos token.Pos, name string) *ast.BranchStmt {
	return &ast.BranchStmt{TokPos: pos, Tok: token.GOTO, Label: ast.NewIdent(name)}
}

// newLabel returns a label name no template label uses.
func (l *lowerer) newLabel(base string) string {
	for {
		l.nlabel++
		name := base + itoa(l.nlabel)
		if !l.labels[name] {
			l.labels[name] = true
			return name
		}
	}
}

// stmts lowers a statement list.
func (l *lowerer) stmts(list []ast.Stmt) {
	for _, s := range list {
		l.stmt(s)
	}
}

// stmt lowers one statement of the flat region.
func (l *lowerer) stmt(s ast.Stmt) {
	l.pos = s.Pos()
	if !l.susp[s] {
		l.verbatim(s)
		return
	}
	switch s := s.(type) {
	case *ast.BlockStmt:
		l.stmts(s.List)
	case *ast.LabeledStmt:
		l.labeled(s)
	case *ast.IfStmt:
		l.ifStmt(s)
	case *ast.ForStmt:
		l.forStmt(s, nil)
	case *ast.RangeStmt:
		l.rangeStmt(s, nil)
	case *ast.SwitchStmt:
		l.switchStmt(s, nil)
	case *ast.TypeSwitchStmt:
		l.typeSwitchStmt(s, nil)
	case *ast.SelectStmt:
		l.selectStmt(s, nil)
	case *ast.DeclStmt:
		l.declStmt(s)
	default:
		l.simple(s)
	}
}

// verbatim emits a statement without suspension. Declarations at the top
// level become assignments to flat variables (invariant 3).
func (l *lowerer) verbatim(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			l.emit(&item{stmt: s, define: true, decl: l.declareIdents(s.Lhs), defs: l.identVars(s.Lhs)})
			return
		}
	case *ast.DeclStmt:
		l.declStmt(s)
		return
	case *ast.LabeledStmt:
		name := s.Label.Name
		switch s.Stmt.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			// break and continue may name the label: it stays on
			// the statement.
			l.emit(&item{stmt: s, label: name, jumps: l.scanBranches(s.Stmt), term: isTerminating(l.info, s)})
			return
		}
		// Only a goto can name it: the label becomes an item of its
		// own and the statement is lowered like any other, so that a
		// declaration becomes an assignment of its flat variable (a
		// fresh cell when a closure captures it) instead of a
		// declaration at the top level of step.
		if l.gotoLabels[name] {
			l.label(name)
		}
		l.verbatim(s.Stmt)
		return
	case *ast.EmptyStmt:
		return
	case *ast.ExprStmt:
		if c, ok := ast.Unparen(s.X).(*ast.CallExpr); ok {
			if b, ok := l.info.Uses[identOf(ast.Unparen(c.Fun))].(*types.Builtin); ok && b.Name() == "panic" {
				l.emit(&item{stmt: s, term: true})
				return
			}
		}
	case *ast.ReturnStmt:
		l.emit(&item{stmt: s, term: true})
		return
	case *ast.BranchStmt:
		it := &item{stmt: s, jumps: l.scanBranches(s)}
		it.term = s.Tok != token.FALLTHROUGH
		l.emit(it)
		return
	}
	l.emit(&item{stmt: s, jumps: l.scanBranches(s), term: isTerminating(l.info, s)})
}

// declStmt lowers a var, const or type declaration of the flat region.
func (l *lowerer) declStmt(s *ast.DeclStmt) {
	g := s.Decl.(*ast.GenDecl)
	if g.Tok != token.VAR {
		// Constants and types cannot be jumped over; they move to the
		// top of the step method, where the flat variables may use them.
		l.hoisted = append(l.hoisted, s)
		for _, sp := range g.Specs {
			switch sp := sp.(type) {
			case *ast.ValueSpec:
				for _, n := range sp.Names {
					l.declareLocalName(n)
				}
			case *ast.TypeSpec:
				l.declareLocalName(sp.Name)
			}
		}
		return
	}
	for _, sp := range g.Specs {
		vs := sp.(*ast.ValueSpec)
		lhs := make([]ast.Expr, len(vs.Names))
		for i, n := range vs.Names {
			lhs[i] = n
		}
		if len(vs.Values) == 0 {
			decl := l.declareIdents(lhs)
			l.emit(&item{decl: decl, defs: decl, zero: true, pos: vs.Pos()})
			continue
		}
		as := &ast.AssignStmt{Lhs: lhs, TokPos: vs.Pos(), Tok: token.DEFINE, Rhs: vs.Values}
		if l.susp[vs] {
			l.markSusp(as)
			l.simple(as)
			continue
		}
		l.emit(&item{stmt: as, define: true, decl: l.declareIdents(lhs), defs: l.identVars(lhs)})
	}
}

func (l *lowerer) markSusp(n ast.Node) { l.susp[n] = true }

// labeled lowers a labeled statement whose statement suspends.
func (l *lowerer) labeled(s *ast.LabeledStmt) {
	lab, _ := l.info.Defs[s.Label].(*types.Label)
	if l.gotoLabels[s.Label.Name] {
		l.label(s.Label.Name)
	}
	switch st := s.Stmt.(type) {
	case *ast.ForStmt:
		l.forStmt(st, lab)
	case *ast.RangeStmt:
		l.rangeStmt(st, lab)
	case *ast.SwitchStmt:
		l.switchStmt(st, lab)
	case *ast.TypeSwitchStmt:
		l.typeSwitchStmt(st, lab)
	case *ast.SelectStmt:
		l.selectStmt(st, lab)
	default:
		l.stmt(s.Stmt)
	}
}

// ifStmt lowers an if statement that suspends:
//
//	init
//	if !cond { goto else }
//	then...
//	goto end
//	else: else...
//	end:
func (l *lowerer) ifStmt(s *ast.IfStmt) {
	if s.Init != nil {
		l.stmt(s.Init)
	}
	cond := l.expr(s.Cond)
	if !l.susp[s.Body] && (s.Else == nil || !l.susp[s.Else]) {
		l.verbatim(&ast.IfStmt{If: s.If, Cond: cond, Body: s.Body, Else: s.Else})
		return
	}
	end := l.newLabel("endif")
	els := end
	if s.Else != nil {
		els = l.newLabel("else")
	}
	l.jumpIf(negate(cond), els)
	l.stmts(s.Body.List)
	if s.Else != nil {
		l.jump(token.NoPos, end)
		l.label(els)
		l.stmt(s.Else)
	}
	l.label(end)
}

// negate returns !cond, without double negation.
func negate(cond ast.Expr) ast.Expr {
	switch c := ast.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if c.Op == token.NOT {
			return c.X
		}
	case *ast.BinaryExpr:
		switch c.Op {
		case token.EQL:
			return &ast.BinaryExpr{X: c.X, OpPos: c.OpPos, Op: token.NEQ, Y: c.Y}
		case token.NEQ:
			return &ast.BinaryExpr{X: c.X, OpPos: c.OpPos, Op: token.EQL, Y: c.Y}
		}
		return &ast.UnaryExpr{OpPos: cond.Pos(), Op: token.NOT, X: &ast.ParenExpr{Lparen: cond.Pos(), X: cond}}
	}
	return &ast.UnaryExpr{OpPos: cond.Pos(), Op: token.NOT, X: cond}
}

// forStmt lowers a three-clause loop that suspends:
//
//	init
//	head: if !cond { goto end }
//	body...          (continue: goto post; break: goto end)
//	post: fresh cells for captured loop variables; post
//	goto head
//	end:
func (l *lowerer) forStmt(s *ast.ForStmt, lab *types.Label) {
	var loopVars []*variable
	if s.Init != nil {
		l.loopDepth++ // variables declared by init are per iteration
		n := len(l.items)
		l.stmt(s.Init)
		l.loopDepth--
		for _, it := range l.items[n:] {
			loopVars = append(loopVars, it.decl...)
		}
	}
	head, post, end := l.newLabel("for"), l.newLabel("post"), l.newLabel("endfor")
	l.label(head)
	if s.Cond != nil {
		l.jumpIf(negate(l.expr(s.Cond)), end)
	}
	l.push(&target{brk: end, cont: post, label: lab})
	n := len(l.items)
	l.loopDepth++
	l.stmts(s.Body.List)
	l.loopDepth--
	l.pop()
	if !l.stepReached(n, post) {
		l.label(end)
		return
	}
	l.label(post)
	for _, v := range loopVars {
		if v.cell {
			l.text(s.For, "{\nv := *$0\n$0 = &v\n}", cellPtr{v})
		}
	}
	if s.Post != nil {
		l.stmt(s.Post)
	}
	l.jump(token.NoPos, head)
	l.label(end)
}

// stepReached reports whether control can come to post, the step of a
// loop whose body was lowered into the items from n on: by falling off the
// body's end, or by a jump to post (a continue, directly or through an exit
// stub). When it cannot (every way through the body returns, panics, breaks
// or leaves for an outer loop), the loop leaves its step out: the template's
// post statement never runs there either, and vet reports code after the
// body's last jump as unreachable.
func (l *lowerer) stepReached(n int, post string) bool {
	body := l.items[n:]
	if len(body) == 0 {
		return true
	}
	at := map[string]int{}
	for i, it := range body {
		if it.label != "" {
			at[it.label] = i
		}
	}
	stubTo := map[string]string{}
	for _, st := range l.stubs {
		stubTo[st.label] = st.to
	}
	seen := make([]bool, len(body))
	work := []int{0}
	seen[0] = true
	visit := func(lab string) {
		if i, ok := at[lab]; ok && !seen[i] {
			seen[i] = true
			work = append(work, i)
		}
	}
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		it := body[i]
		if !it.term {
			if i+1 == len(body) {
				return true
			}
			if !seen[i+1] {
				seen[i+1] = true
				work = append(work, i+1)
			}
		}
		for _, j := range it.jumps {
			if to, ok := stubTo[j]; ok {
				j = to
			}
			if j == post {
				return true
			}
			visit(j)
		}
	}
	return false
}

func (l *lowerer) push(t *target) { l.targets = append(l.targets, t) }
func (l *lowerer) pop()           { l.targets = l.targets[:len(l.targets)-1] }

// scanBranches finds the branch statements of a verbatim statement that leave
// it for a flattened target, records how to rewrite them, and returns the
// labels the statement may jump to.
func (l *lowerer) scanBranches(s ast.Stmt) []string { return l.scanBranchesFrom(s, 0) }

// scanBranchesFrom is scanBranches counting brk verbatim breakable
// statements around s already (-1: the breaks of a switch s leave it as
// if it were flattened).
func (l *lowerer) scanBranchesFrom(s ast.Stmt, brk int) []string {
	var jumps []string
	var walk func(n ast.Node, brk, loop int)
	walk = func(n ast.Node, brk, loop int) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				for _, c := range children(n) {
					walk(c, brk+1, loop+1)
				}
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				for _, c := range children(n) {
					walk(c, brk+1, loop)
				}
				return false
			case *ast.BranchStmt:
				if fix := l.branchTarget(n, brk, loop); fix != nil {
					l.branchTo[n] = fix
					jumps = append(jumps, fix.label)
				} else if n.Tok == token.GOTO {
					jumps = append(jumps, n.Label.Name)
				}
			}
			return true
		})
	}
	walk(s, brk, 0)
	return jumps
}

// children lists the direct child nodes of n.
func children(n ast.Node) []ast.Node {
	var out []ast.Node
	ast.Inspect(n, func(c ast.Node) bool {
		if c == n {
			return true
		}
		if c != nil {
			out = append(out, c)
		}
		return false
	})
	return out
}

// branchTarget says where a break or continue found in verbatim code goes
// when it leaves a flattened statement; brk and loop count the verbatim
// breakable statements and loops around it.
func (l *lowerer) branchTarget(b *ast.BranchStmt, brk, loop int) *branchFix {
	var dst *target
	var i int
	switch {
	case b.Tok == token.GOTO:
		return l.gotoStops(b)
	case b.Tok != token.BREAK && b.Tok != token.CONTINUE:
		return nil
	case b.Label != nil:
		lab, _ := l.info.Uses[b.Label].(*types.Label)
		for i = len(l.targets) - 1; i >= 0; i-- {
			if l.targets[i].label == lab && lab != nil {
				dst = l.targets[i]
				break
			}
		}
	case b.Tok == token.BREAK && brk == 0:
		i = len(l.targets) - 1
		if i >= 0 {
			dst = l.targets[i]
		}
	case b.Tok == token.CONTINUE && loop == 0:
		for i = len(l.targets) - 1; i >= 0 && l.targets[i].cont == ""; i-- {
		}
		if i >= 0 {
			dst = l.targets[i]
		}
	}
	if dst == nil {
		return nil
	}
	fix := &branchFix{label: dst.brk}
	if b.Tok == token.CONTINUE {
		fix.label = dst.cont
	}
	fix.stops = l.exitStops(i)
	return l.viaStub(fix)
}

// viaStub sends a branch fix that closes async iterators through an exit
// stub.
func (l *lowerer) viaStub(fix *branchFix) *branchFix {
	if l.closesAsync(fix.stops) {
		fix.label, fix.stops = l.stub(fix.label, fix.stops), nil
	}
	return fix
}

// gotoStops is the fix of a goto that leaves flattened range-over-func
// loops: it stops their iterators first, innermost first, as leaving the
// loop by goto does in Go. It is nil when the goto leaves none.
func (l *lowerer) gotoStops(b *ast.BranchStmt) *branchFix {
	lab, _ := l.info.Uses[b.Label].(*types.Label)
	if lab == nil {
		return nil
	}
	fix := &branchFix{label: b.Label.Name}
	for j := len(l.targets) - 1; j >= 0; j-- {
		t := l.targets[j]
		if t.stop != nil && t.node != nil && (lab.Pos() < t.node.Pos() || lab.Pos() >= t.node.End()) {
			fix.stops = append(fix.stops, t.stop)
		}
	}
	if len(fix.stops) == 0 {
		return nil
	}
	return l.viaStub(fix)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}
