package gen

import (
	"go/ast"
	"go/token"
	"go/types"
)

// switchStmt lowers an expression switch that suspends. When no case
// expression suspends, a native switch dispatches to the flattened bodies:
//
//	init; t = tag
//	switch t { case a, b: goto case1; default: goto case2 }
//	goto end
//	case1: body...; goto end    (fallthrough: goto case2)
//	case2: ...
//	end:
//
// Otherwise the cases are compared one by one, in the order Go evaluates
// them (top to bottom, left to right, default last):
//
//	if t == a { goto case1 }  ...  goto default
func (l *lowerer) switchStmt(s *ast.SwitchStmt, lab *types.Label) {
	if s.Init != nil {
		l.stmt(s.Init)
	}
	var tag ast.Expr
	if s.Tag != nil {
		tag = l.expr(s.Tag)
	}
	end := l.newLabel("endswitch")
	clauses := s.Body.List
	labels := make([]string, len(clauses))
	dflt := end
	casesSuspend := false
	for i, c := range clauses {
		cc := c.(*ast.CaseClause)
		labels[i] = l.newLabel("case")
		if cc.List == nil {
			dflt = labels[i]
		}
		for _, e := range cc.List {
			casesSuspend = casesSuspend || l.susp[e]
		}
	}
	var inline []bool
	if !casesSuspend {
		inline = l.inlineClauses(clauses)
		l.flattenAfterLong(clauses, inline)
		out := l.fallOut(clauses, inline, dflt == end)
		sw := &ast.SwitchStmt{Switch: s.Switch, Tag: tag, Body: &ast.BlockStmt{}}
		leaves := dflt == end
		var jumps []string // the gotos to end added for out
		for i, c := range clauses {
			cc := c.(*ast.CaseClause)
			body := []ast.Stmt{gotoStmt(bodyPos(cc.Body), labels[i])}
			switch {
			case i == out:
				body = nil
			case inline[i]:
				body = cc.Body
				if out >= 0 && !terminates(l.info, body) {
					body = append(body[:len(body):len(body)], gotoStmt(token.NoPos, end))
					jumps = append(jumps, end)
				}
				leaves = leaves || !terminates(l.info, body)
			}
			sw.Body.List = append(sw.Body.List, &ast.CaseClause{Case: cc.Case, List: cc.List, Colon: cc.Colon, Body: body})
		}
		// The inline bodies' break and continue may leave flattened
		// statements, this switch included; when the switch falls out
		// into a clause, their breaks go to its end instead.
		l.push(&target{brk: end, label: lab})
		if out >= 0 {
			jumps = append(jumps, l.scanBranchesFrom(sw, -1)...)
			for i, name := range labels {
				if i != out {
					jumps = append(jumps, name)
				}
			}
		} else {
			jumps = append(l.scanBranches(sw), labels...)
		}
		l.pop()
		l.emit(&item{stmt: sw, jumps: jumps, term: !leaves && out < 0})
		if leaves && out < 0 {
			l.jump(token.NoPos, end)
		}
	} else {
		var t *variable
		if tag != nil {
			t = l.hidden(tag, types.Default(l.info.TypeOf(s.Tag)), "tag")
		}
		for i, c := range clauses {
			for _, e := range c.(*ast.CaseClause).List {
				cond := l.expr(e)
				if t != nil {
					cond = &ast.BinaryExpr{X: l.ref(t), OpPos: e.Pos(), Op: token.EQL, Y: cond}
				}
				l.jumpIf(cond, labels[i])
			}
		}
		l.jump(token.NoPos, dflt)
	}
	l.push(&target{brk: end, label: lab})
	for i, c := range clauses {
		cc := c.(*ast.CaseClause)
		if inline != nil && inline[i] {
			continue
		}
		l.label(labels[i])
		body := cc.Body
		fall := false
		if n := len(body); n > 0 {
			if b, ok := body[n-1].(*ast.BranchStmt); ok && b.Tok == token.FALLTHROUGH {
				body, fall = body[:n-1], true
			}
		}
		l.stmts(body)
		if fall {
			l.jump(token.NoPos, labels[i+1])
		} else {
			l.jump(token.NoPos, end)
		}
	}
	l.pop()
	l.label(end)
}

// fallOut picks the clause of a dispatching switch that control falls out
// of the switch into, or -1: the first flattened clause, whose body is then
// the code right after the switch, so that neither "goto caseN" nor the
// label nor the "goto end" after the switch is needed. Every other way out
// of the switch then jumps to its end: the inline bodies that do not end
// in a jump get "goto end" (only after a statement that surely falls
// through, so the jump is reachable). It is done only when the switch has
// a default (a missing one would have to be written out) and when it
// saves lines: the line of the "goto caseN" stays, blank, when clauses
// follow, since the printed switch keeps the template's lines.
//
//	switch { case a: goto case1; default: x++ }   switch { case a:
//	goto end                                      default: x++; goto end }
//	case1: body...                                body...
//	end:                                          end:
func (l *lowerer) fallOut(clauses []ast.Stmt, inline []bool, noDefault bool) int {
	if noDefault {
		return -1
	}
	out := -1
	saved, leaves := 2, false
	for i, c := range clauses {
		body := c.(*ast.CaseClause).Body
		switch {
		case !inline[i]:
			if out < 0 {
				out = i
				if i < len(clauses)-1 && len(body) > 0 {
					if l.clauseSpan(clauses, i) > 2 {
						// The printer keeps one blank line
						// for the removed body, not its
						// lines: the clauses after it would
						// print too high.
						return -1
					}
					saved-- // its goto's line stays, blank
				}
			}
		case terminates(l.info, body):
		case fallsThrough(l.info, body):
			leaves = true
			saved-- // its goto end
		default:
			return -1
		}
	}
	if leaves {
		saved++ // the goto end after the switch
	}
	if out < 0 || saved <= 0 {
		return -1
	}
	return out
}

// clauseSpan is the number of template lines from the colon of clause i to
// the case of the clause after it.
func (l *lowerer) clauseSpan(clauses []ast.Stmt, i int) int {
	colon := l.d.fset.Position(clauses[i].(*ast.CaseClause).Colon).Line
	return l.d.fset.Position(clauses[i+1].Pos()).Line - colon
}

// flattenAfterLong flattens the inline clauses that follow a flattened
// clause longer than the "goto caseN" standing for it in the dispatching
// switch can cover (that line and one blank line the printer keeps): printed
// inline after it, they would sit on lines above their template lines, and
// a panic in them would name the wrong line. Flattened, each gets its own
// line directive.
func (l *lowerer) flattenAfterLong(clauses []ast.Stmt, inline []bool) {
	for i := 0; i < len(clauses)-1; i++ {
		if !inline[i] && l.clauseSpan(clauses, i) > 3 {
			for j := i + 1; j < len(clauses); j++ {
				inline[j] = false
			}
			return
		}
	}
}

// fallsThrough reports whether a clause body surely ends by falling
// through its last statement: a statement after it would be reachable.
func fallsThrough(info *types.Info, body []ast.Stmt) bool {
	if len(body) == 0 {
		return true
	}
	switch last := body[len(body)-1].(type) {
	case *ast.AssignStmt, *ast.IncDecStmt, *ast.SendStmt, *ast.DeclStmt:
		return true
	case *ast.ExprStmt:
		return !isPanic(info, last)
	}
	return false
}

// bodyPos is where a clause body starts, for the goto that stands for it
// in a dispatching switch: printed there, it keeps the lines of the
// following clauses where they are in the template.
func bodyPos(body []ast.Stmt) token.Pos {
	if len(body) > 0 {
		return body[0].Pos()
	}
	return token.NoPos
}

// terminates reports whether a clause body surely ends in a jump that does
// not leave the switch at its end: a return, goto, continue or panic, with
// no break inside.
func terminates(info *types.Info, body []ast.Stmt) bool {
	if len(body) == 0 {
		return false
	}
	brk := false
	for _, s := range body {
		ast.Inspect(s, func(n ast.Node) bool {
			if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.BREAK {
				brk = true
			}
			_, lit := n.(*ast.FuncLit)
			return !lit
		})
	}
	switch last := body[len(body)-1].(type) {
	case *ast.ReturnStmt:
		return !brk
	case *ast.BranchStmt:
		return !brk && (last.Tok == token.GOTO || last.Tok == token.CONTINUE)
	case *ast.ExprStmt:
		return !brk && isPanic(info, last)
	}
	return false
}

// isPanic reports whether s is a call of the builtin panic.
func isPanic(info *types.Info, s *ast.ExprStmt) bool {
	c, ok := ast.Unparen(s.X).(*ast.CallExpr)
	if !ok {
		return false
	}
	b, ok := info.Uses[identOf(ast.Unparen(c.Fun))].(*types.Builtin)
	return ok && b.Name() == "panic"
}

// inlineClauses says which clauses of a switch whose case expressions do not
// suspend can keep their bodies in the dispatching switch: those that do
// not suspend, unless a fallthrough links them to a flattened one.
func (l *lowerer) inlineClauses(clauses []ast.Stmt) []bool {
	n := len(clauses)
	inline := make([]bool, n)
	falls := make([]bool, n)
	for i, c := range clauses {
		body := c.(*ast.CaseClause).Body
		inline[i] = !l.susp[c]
		if k := len(body); k > 0 {
			if b, ok := body[k-1].(*ast.BranchStmt); ok && b.Tok == token.FALLTHROUGH {
				falls[i] = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for i := range inline {
			if inline[i] && (falls[i] && i+1 < n && !inline[i+1] || i > 0 && falls[i-1] && !inline[i-1]) {
				inline[i], changed = false, true
			}
		}
	}
	return inline
}

// typeSwitchStmt lowers a type switch that suspends: a native type switch
// binds each clause's variable and jumps to the flattened body.
//
//	switch x := operand.(type) { case int: v1 = x; goto case1 ... }
func (l *lowerer) typeSwitchStmt(s *ast.TypeSwitchStmt, lab *types.Label) {
	if s.Init != nil {
		l.stmt(s.Init)
	}
	var bind *ast.Ident
	var operand *ast.TypeAssertExpr
	switch a := s.Assign.(type) {
	case *ast.AssignStmt:
		bind = a.Lhs[0].(*ast.Ident)
		operand = a.Rhs[0].(*ast.TypeAssertExpr)
	case *ast.ExprStmt:
		operand = a.X.(*ast.TypeAssertExpr)
	}
	x := l.expr(operand.X)
	end := l.newLabel("endswitch")
	clauses := s.Body.List
	labels := make([]string, len(clauses))
	hasDefault := false
	sw := &ast.TypeSwitchStmt{Switch: s.Switch, Body: &ast.BlockStmt{}}
	var scratch *ast.Ident
	var decls []*variable
	for i, c := range clauses {
		cc := c.(*ast.CaseClause)
		labels[i] = l.newLabel("case")
		hasDefault = hasDefault || cc.List == nil
		body := []ast.Stmt{}
		if obj, ok := l.info.Implicits[cc].(*types.Var); ok && bind != nil && l.used(obj) {
			if scratch == nil {
				scratch = ast.NewIdent(bind.Name)
				l.scratchIdents[scratch] = true
			}
			l.loopDepth += boolInt(l.hasGoto)
			v := l.declare(obj)
			l.loopDepth -= boolInt(l.hasGoto)
			decls = append(decls, v)
			body = append(body, &ast.AssignStmt{Lhs: []ast.Expr{l.ref(v)}, Tok: token.ASSIGN, Rhs: []ast.Expr{scratch}})
		}
		body = append(body, gotoStmt(bodyPos(cc.Body), labels[i]))
		sw.Body.List = append(sw.Body.List, &ast.CaseClause{Case: cc.Case, List: cc.List, Colon: cc.Colon, Body: body})
	}
	ta := &ast.TypeAssertExpr{X: x, Lparen: operand.Lparen, Rparen: operand.Rparen}
	if scratch != nil {
		sw.Assign = &ast.AssignStmt{Lhs: []ast.Expr{scratch}, Tok: token.DEFINE, Rhs: []ast.Expr{ta}}
	} else {
		sw.Assign = &ast.ExprStmt{X: ta}
	}
	l.emit(&item{stmt: sw, jumps: labels, decl: decls})
	if !hasDefault {
		l.jump(token.NoPos, end)
	}
	l.push(&target{brk: end, label: lab})
	for i, c := range clauses {
		l.label(labels[i])
		l.stmts(c.(*ast.CaseClause).Body)
		l.jump(token.NoPos, end)
	}
	l.pop()
	l.label(end)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// used reports whether the template refers to obj.
func (l *lowerer) used(obj types.Object) bool { return l.uses[obj] }

// selectStmt lowers a select whose case bodies suspend: the native select
// performs the communication, binds the received values and jumps to the
// flattened body.
func (l *lowerer) selectStmt(s *ast.SelectStmt, lab *types.Label) {
	end := l.newLabel("endselect")
	clauses := s.Body.List
	labels := make([]string, len(clauses))
	sel := &ast.SelectStmt{Select: s.Select, Body: &ast.BlockStmt{}}
	var decls, defs []*variable
	backs := make([]*ast.AssignStmt, len(clauses))
	comms := l.selectOperands(clauses)
	for i, c := range clauses {
		cc := c.(*ast.CommClause)
		labels[i] = l.newLabel("case")
		comm := comms[i]
		var body []ast.Stmt
		var back *ast.AssignStmt
		if as, ok := comm.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN && l.anySusp(as.Lhs) {
			// case a[await], ok = <-ch: receive into temporaries;
			// the left side is evaluated, awaits included, once the
			// case is chosen, as Go does.
			comm, back = l.recvIntoTemps(as, cc.Comm.(*ast.AssignStmt))
			defs = append(defs, l.identVars(comm.(*ast.AssignStmt).Lhs)...)
		}
		if as, ok := comm.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			// case v, ok := <-ch: receive into scratch names, then
			// assign the flat variables.
			lhs := make([]ast.Expr, len(as.Lhs))
			rhs := make([]ast.Expr, 0, len(as.Lhs))
			var vars []ast.Expr
			for j, e := range as.Lhs {
				id := e.(*ast.Ident)
				if id.Name == "_" {
					lhs[j] = id
					continue
				}
				sc := ast.NewIdent(id.Name)
				l.scratchIdents[sc] = true
				lhs[j] = sc
				vars = append(vars, id)
				rhs = append(rhs, sc)
			}
			l.loopDepth += boolInt(l.hasGoto)
			decls = append(decls, l.declareIdents(vars)...)
			l.loopDepth -= boolInt(l.hasGoto)
			comm = &ast.AssignStmt{Lhs: lhs, TokPos: as.TokPos, Tok: token.DEFINE, Rhs: as.Rhs}
			if len(vars) > 0 {
				body = append(body, &ast.AssignStmt{Lhs: vars, Tok: token.ASSIGN, Rhs: rhs})
			}
		}
		backs[i] = back
		body = append(body, gotoStmt(token.NoPos, labels[i]))
		sel.Body.List = append(sel.Body.List, &ast.CommClause{Case: cc.Case, Comm: comm, Colon: cc.Colon, Body: body})
	}
	l.emit(&item{stmt: sel, jumps: labels, decl: decls, defs: defs, term: true})
	l.push(&target{brk: end, label: lab})
	for i, c := range clauses {
		l.label(labels[i])
		if backs[i] != nil {
			l.assign(backs[i])
		}
		l.stmts(c.(*ast.CommClause).Body)
		l.jump(token.NoPos, end)
	}
	l.pop()
	l.label(end)
}

// selectOperands evaluates the channels and sent values of the cases, in
// source order, when one of them suspends: Go evaluates them all, once, on
// entering the select. It returns the communications to use.
func (l *lowerer) selectOperands(clauses []ast.Stmt) []ast.Stmt {
	out := make([]ast.Stmt, len(clauses))
	var ops []ast.Expr
	suspend := false
	for i, c := range clauses {
		out[i] = c.(*ast.CommClause).Comm
		switch s := out[i].(type) {
		case *ast.SendStmt:
			ops = append(ops, s.Chan, s.Value)
		case *ast.ExprStmt:
			ops = append(ops, s.X.(*ast.UnaryExpr).X)
		case *ast.AssignStmt:
			ops = append(ops, ast.Unparen(s.Rhs[0]).(*ast.UnaryExpr).X)
		}
		if out[i] != nil && l.susp[out[i]] {
			suspend = true
		}
	}
	if !suspend {
		return out
	}
	last := 0
	for i, e := range ops {
		if l.susp[e] {
			last = i
		}
	}
	for i, e := range ops {
		// Before the last await even a variable is read into a
		// temporary: the await may change it, and the select must
		// see its value on entry.
		tv := l.info.Types[e]
		if l.susp[e] || hasCall(l.info, e) || i < last && tv.Value == nil && !tv.IsNil() {
			ops[i] = l.tempOf(l.expr(e), l.info.TypeOf(e), "ch")
		}
	}
	k := 0
	for i, c := range out {
		switch s := c.(type) {
		case *ast.SendStmt:
			out[i] = &ast.SendStmt{Chan: ops[k], Arrow: s.Arrow, Value: ops[k+1]}
			k += 2
		case *ast.ExprStmt:
			u := s.X.(*ast.UnaryExpr)
			out[i] = &ast.ExprStmt{X: &ast.UnaryExpr{OpPos: u.OpPos, Op: u.Op, X: ops[k]}}
			k++
		case *ast.AssignStmt:
			u := ast.Unparen(s.Rhs[0]).(*ast.UnaryExpr)
			out[i] = &ast.AssignStmt{Lhs: s.Lhs, TokPos: s.TokPos, Tok: s.Tok, Rhs: []ast.Expr{&ast.UnaryExpr{OpPos: u.OpPos, Op: u.Op, X: ops[k]}}}
			k++
		}
	}
	return out
}

// anySusp reports whether one of list suspends.
func (l *lowerer) anySusp(list []ast.Expr) bool {
	for _, e := range list {
		if l.susp[e] {
			return true
		}
	}
	return false
}

// recvIntoTemps turns the receive "lhs... = <-ch" (as, lowered from the
// template's orig) into "t, tok = <-ch", returning it and the assignment "lhs... = t, tok" to lower after it.
func (l *lowerer) recvIntoTemps(as, orig *ast.AssignStmt) (*ast.AssignStmt, *ast.AssignStmt) {
	u := ast.Unparen(orig.Rhs[0]).(*ast.UnaryExpr)
	elem := coreType(l.info.TypeOf(u.X)).(*types.Chan).Elem()
	comm := &ast.AssignStmt{TokPos: as.TokPos, Tok: token.ASSIGN, Rhs: as.Rhs}
	back := &ast.AssignStmt{TokPos: as.TokPos, Tok: token.ASSIGN}
	for j, e := range as.Lhs {
		if isBlank(e) {
			comm.Lhs = append(comm.Lhs, e)
			continue
		}
		t := elem
		if j == 1 {
			t = types.Typ[types.Bool]
		}
		v := l.newTemp(t, "recv")
		comm.Lhs = append(comm.Lhs, l.ref(v))
		back.Lhs = append(back.Lhs, e)
		back.Rhs = append(back.Rhs, l.ref(v))
	}
	return comm, back
}
