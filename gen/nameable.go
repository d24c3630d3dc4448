package gen

import (
	"fmt"
	"go/token"
	"go/types"
)

// The generated file declares the frame's fields at package level, and the
// step method's locals at its top, each with its type spelled out. Two
// kinds of type cannot be spelled there, and asyncgen does not hoist them
// (renaming a type would change what %T and reflection report):
//
//   - a type declared inside the template: it is in scope in the step
//     method (its declaration moves to the top of it) but not at package
//     level, so a variable of it cannot live in the frame;
//   - an unexported type of another package: it cannot be named outside
//     its package at all, so a flat variable of it cannot be declared;
//   - an unnamed struct or interface type of another package with an
//     unexported field or method: the same type spelled here would be
//     another type (the name is the other package's).
//
// checkTypes reports them as positioned diagnostics instead of letting the
// generated file fail to compile.

// checkTypes reports the flat variables and awaits whose types the
// generated file cannot spell.
func (l *lowerer) checkTypes() {
	reported := map[token.Pos]bool{}
	report := func(pos token.Pos, format string, args ...any) {
		if !pos.IsValid() {
			pos = l.t.decl.Pos()
		}
		if !reported[pos] {
			reported[pos] = true
			l.d.errorf(pos, format, args...)
		}
	}
	for _, v := range l.varList {
		if v.typ == nil || v.kind == kConst {
			continue
		}
		pos := v.pos
		if v.obj != nil {
			pos = v.obj.Pos()
		}
		if obj := l.hiddenType(v.typ); obj != nil {
			report(pos, "%s has type %s, %s", l.varDesc(v), types.TypeString(v.typ, pkgName), hiddenWhy(obj))
			continue
		}
		if !v.field {
			continue
		}
		if tn := l.localType(v.typ); tn != nil {
			report(pos, "%s lives across an await but its type %s is declared inside the coroutine (declare %s at package level)",
				l.varDesc(v), types.TypeString(v.typ, types.RelativeTo(l.t.pkg.Types)), tn.Name())
		}
	}
	for _, a := range l.awaits {
		pos := a.susps[0].pos
		if obj := l.hiddenType(a.typ); obj != nil {
			report(pos, "await of %s, %s", types.TypeString(a.typ, pkgName), hiddenWhy(obj))
		} else if tn := l.localType(a.typ); tn != nil {
			report(pos, "await of %s, which is declared inside the coroutine (declare %s at package level)",
				types.TypeString(a.typ, types.RelativeTo(l.t.pkg.Types)), tn.Name())
		}
	}
}

func pkgName(p *types.Package) string { return p.Name() }

// hiddenWhy says why a type that mentions obj (what hiddenType found)
// cannot be spelled.
func hiddenWhy(obj types.Object) string {
	switch obj := obj.(type) {
	case *types.Var:
		return fmt.Sprintf("which asyncgen cannot spell outside package %s: its field %s is unexported (give it an exported type)", obj.Pkg().Name(), obj.Name())
	case *types.Func:
		return fmt.Sprintf("which asyncgen cannot spell outside package %s: its method %s is unexported (give it an exported type)", obj.Pkg().Name(), obj.Name())
	}
	return fmt.Sprintf("which asyncgen cannot name outside package %s (give it an exported type, an interface say)", obj.Pkg().Name())
}

func (l *lowerer) varDesc(v *variable) string {
	if v.obj != nil {
		return v.obj.Name()
	}
	return "a temporary value"
}

// localType returns a type name declared inside a function that t
// mentions, or nil. An alias declared there is not one: the frame spells
// the type it stands for (see unaliasLocal).
func (l *lowerer) localType(t types.Type) *types.TypeName {
	tn, _ := findTypeName(unaliasLocal(t), isLocalTypeName, nil).(*types.TypeName)
	return tn
}

func isLocalTypeName(tn *types.TypeName) bool {
	p := tn.Parent()
	return p != nil && p != types.Universe && tn.Pkg() != nil && p != tn.Pkg().Scope()
}

// unaliasLocal returns t with the aliases declared inside a function
// replaced by the types they stand for, so that t can be spelled at package
// level (the frame's fields): an alias is only another name, %T and
// reflection never see it.
func unaliasLocal(t types.Type) types.Type {
	switch t := t.(type) {
	case *types.Alias:
		if isLocalTypeName(t.Obj()) {
			return unaliasLocal(t.Rhs())
		}
	case *types.Pointer:
		if e := unaliasLocal(t.Elem()); e != t.Elem() {
			return types.NewPointer(e)
		}
	case *types.Slice:
		if e := unaliasLocal(t.Elem()); e != t.Elem() {
			return types.NewSlice(e)
		}
	case *types.Array:
		if e := unaliasLocal(t.Elem()); e != t.Elem() {
			return types.NewArray(e, t.Len())
		}
	case *types.Chan:
		if e := unaliasLocal(t.Elem()); e != t.Elem() {
			return types.NewChan(t.Dir(), e)
		}
	case *types.Map:
		k, e := unaliasLocal(t.Key()), unaliasLocal(t.Elem())
		if k != t.Key() || e != t.Elem() {
			return types.NewMap(k, e)
		}
	case *types.Signature:
		ps, rs := unaliasTuple(t.Params()), unaliasTuple(t.Results())
		if ps != t.Params() || rs != t.Results() {
			return types.NewSignatureType(nil, nil, nil, ps, rs, t.Variadic())
		}
	case *types.Struct:
		var fields []*types.Var
		var tags []string
		changed := false
		for i := 0; i < t.NumFields(); i++ {
			f := t.Field(i)
			ft := unaliasLocal(f.Type())
			if ft != f.Type() {
				changed = true
				f = types.NewField(f.Pos(), f.Pkg(), f.Name(), ft, f.Embedded())
			}
			fields, tags = append(fields, f), append(tags, t.Tag(i))
		}
		if changed {
			return types.NewStruct(fields, tags)
		}
	case *types.Named:
		args := t.TypeArgs()
		var out []types.Type
		changed := false
		for i := 0; i < args.Len(); i++ {
			a := unaliasLocal(args.At(i))
			changed = changed || a != args.At(i)
			out = append(out, a)
		}
		if changed {
			if n, err := types.Instantiate(nil, t.Origin(), out, false); err == nil {
				return n
			}
		}
	}
	return t
}

func unaliasTuple(tu *types.Tuple) *types.Tuple {
	if tu == nil {
		return nil
	}
	var vars []*types.Var
	changed := false
	for i := 0; i < tu.Len(); i++ {
		v := tu.At(i)
		if vt := unaliasLocal(v.Type()); vt != v.Type() {
			changed = true
			v = types.NewParam(v.Pos(), v.Pkg(), v.Name(), vt)
		}
		vars = append(vars, v)
	}
	if !changed {
		return tu
	}
	return types.NewTuple(vars...)
}

// hiddenType returns what t mentions that makes it unspellable outside
// another package: an unexported type name of it, or an unexported field or
// method of an unnamed struct or interface type of it; or nil.
func (l *lowerer) hiddenType(t types.Type) types.Object {
	self := l.t.pkg.Types.Path()
	hidden := func(obj types.Object) bool {
		return obj.Pkg() != nil && obj.Pkg().Path() != self && !obj.Exported()
	}
	return findTypeName(t, func(tn *types.TypeName) bool { return hidden(tn) }, hidden)
}

// findTypeName walks t and returns the first named type (or alias) whose
// name satisfies bad, or the first field or method of an unnamed struct or
// interface type that satisfies member (when not nil).
func findTypeName(t types.Type, bad func(*types.TypeName) bool, member func(types.Object) bool) types.Object {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) types.Object
	walkTuple := func(tu *types.Tuple) types.Object {
		for i := 0; tu != nil && i < tu.Len(); i++ {
			if tn := walk(tu.At(i).Type()); tn != nil {
				return tn
			}
		}
		return nil
	}
	walk = func(t types.Type) types.Object {
		if t == nil || seen[t] {
			return nil
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Alias:
			if bad(t.Obj()) {
				return t.Obj()
			}
			for i := 0; i < t.TypeArgs().Len(); i++ {
				if tn := walk(t.TypeArgs().At(i)); tn != nil {
					return tn
				}
			}
			if t.TypeArgs().Len() == 0 && t.Obj().Pkg() != nil {
				return nil // spelled by its name
			}
			return walk(types.Unalias(t))
		case *types.Named:
			if bad(t.Obj()) {
				return t.Obj()
			}
			for i := 0; i < t.TypeArgs().Len(); i++ {
				if tn := walk(t.TypeArgs().At(i)); tn != nil {
					return tn
				}
			}
		case *types.Pointer:
			return walk(t.Elem())
		case *types.Slice:
			return walk(t.Elem())
		case *types.Array:
			return walk(t.Elem())
		case *types.Chan:
			return walk(t.Elem())
		case *types.Map:
			if tn := walk(t.Key()); tn != nil {
				return tn
			}
			return walk(t.Elem())
		case *types.Signature:
			if tn := walkTuple(t.Params()); tn != nil {
				return tn
			}
			return walkTuple(t.Results())
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				if member != nil && member(t.Field(i)) {
					return t.Field(i)
				}
				if tn := walk(t.Field(i).Type()); tn != nil {
					return tn
				}
			}
		case *types.Interface:
			for i := 0; i < t.NumEmbeddeds(); i++ {
				if tn := walk(t.EmbeddedType(i)); tn != nil {
					return tn
				}
			}
			for i := 0; i < t.NumExplicitMethods(); i++ {
				if member != nil && member(t.ExplicitMethod(i)) {
					return t.ExplicitMethod(i)
				}
				if tn := walk(t.ExplicitMethod(i).Type()); tn != nil {
					return tn
				}
			}
		case *types.Tuple:
			return walkTuple(t)
		}
		return nil
	}
	return walk(t)
}
