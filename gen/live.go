package gen

import (
	"go/ast"
)

// liveness decides which flat variables live in the frame: those live at a
// resume label (used after the suspension before being assigned again), the
// captured ones that are not cells, parameters and results. Everything else
// is a step-local. It is the classic backward dataflow over the flat items,
// whose successors are the next item (unless the item is terminal) and the
// labels it jumps to.
func (l *lowerer) liveness() {
	n := len(l.items)
	labelAt := map[string]int{}
	for i, it := range l.items {
		if it.label != "" {
			labelAt[it.label] = i
		}
	}
	idx := map[*variable]int{}
	var vars []*variable
	for _, v := range l.varList {
		if v.kind == kVar {
			idx[v] = len(vars)
			vars = append(vars, v)
		}
	}
	words := (len(vars) + 63) / 64
	newSet := func() []uint64 { return make([]uint64, words) }
	use := make([][]uint64, n)
	def := make([][]uint64, n)
	for i, it := range l.items {
		use[i], def[i] = newSet(), newSet()
		for _, v := range it.defs {
			if j, ok := idx[v]; ok {
				if v.cell && !containsVar(it.decl, v) {
					// Assigning a cell writes through its
					// pointer: only its declaration sets it.
					use[i][j/64] |= 1 << (j % 64)
					continue
				}
				def[i][j/64] |= 1 << (j % 64)
			}
		}
		l.itemUses(it, func(v *variable) {
			if j, ok := idx[v]; ok {
				use[i][j/64] |= 1 << (j % 64)
			}
		})
		// A variable both used and assigned by one item is used first.
		for w := range def[i] {
			def[i][w] &^= use[i][w]
		}
	}
	in := make([][]uint64, n)
	for i := range in {
		in[i] = newSet()
	}
	out := newSet()
	for changed := true; changed; {
		changed = false
		for i := n - 1; i >= 0; i-- {
			it := l.items[i]
			for w := range out {
				out[w] = 0
			}
			if !it.term && i+1 < n {
				or(out, in[i+1])
			}
			for _, lab := range it.jumps {
				if j, ok := labelAt[lab]; ok {
					or(out, in[j])
				}
			}
			for w := range out {
				v := use[i][w] | out[w]&^def[i][w]
				if v != in[i][w] {
					in[i][w] = v
					changed = true
				}
			}
		}
	}
	for _, s := range l.suspensions {
		live := in[labelAt[s.label]]
		for j, v := range vars {
			if live[j/64]&(1<<(j%64)) != 0 {
				v.field = true
			}
		}
	}
	for _, v := range vars {
		if v.obj != nil && l.captured[v.obj] && !v.cell {
			v.field = true
		}
	}
}

func or(dst, src []uint64) {
	for i := range dst {
		dst[i] |= src[i]
	}
}

// itemUses calls fn for each flat variable an item reads (or may assign
// partially, which liveness must treat as a read).
func (l *lowerer) itemUses(it *item, fn func(*variable)) {
	isDef := map[*ast.Ident]bool{}
	if as, ok := it.stmt.(*ast.AssignStmt); ok && (as.Tok == 0 || as.Tok.String() == "=" || as.Tok.String() == ":=") {
		for _, e := range as.Lhs {
			if id, ok := e.(*ast.Ident); ok {
				isDef[id] = true
			}
		}
	}
	visit := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && !isDef[id] {
				if v := l.varOf(id); v != nil {
					fn(v)
				}
			}
			return true
		})
	}
	if it.stmt != nil {
		visit(it.stmt)
	}
	for _, a := range it.args {
		switch a := a.(type) {
		case *variable:
			if !containsVar(it.defs, a) {
				fn(a)
			}
		case cellPtr:
			fn(a.v)
		case ast.Expr:
			if id, ok := a.(*ast.Ident); ok && containsVar(it.defs, l.varOf(id)) {
				continue
			}
			visit(a)
		}
	}
}

func containsVar(list []*variable, v *variable) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
