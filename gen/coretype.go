package gen

import "go/types"

// coreType is the spec's core type of t: its underlying type, or for a
// type parameter the underlying type shared by every type of its type set
// (nil when they differ). Ranging over a value whose type is a type
// parameter goes by its core type, as the compiler does.
func coreType(t types.Type) types.Type {
	t = types.Unalias(t)
	tp, ok := t.(*types.TypeParam)
	if !ok {
		return t.Underlying()
	}
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var core types.Type
	agree := func(u types.Type) bool {
		if core == nil {
			core = u
			return true
		}
		return types.Identical(core, u)
	}
	for i := 0; i < iface.NumEmbeddeds(); i++ {
		switch e := types.Unalias(iface.EmbeddedType(i)).(type) {
		case *types.Union:
			for j := 0; j < e.Len(); j++ {
				if !agree(coreType(e.Term(j).Type())) {
					return nil
				}
			}
		case *types.Interface:
			// An embedded constraint without a type set of its own (only
			// methods) does not restrict the core type.
			if e.IsMethodSet() {
				continue
			}
			if !agree(coreType(types.NewTypeParam(types.NewTypeName(0, nil, "_", nil), e))) {
				return nil
			}
		default:
			if !agree(coreType(e)) {
				return nil
			}
		}
	}
	return core
}
