package gen

import (
	"go/ast"
	"reflect"
)

// copyNode returns a deep copy of n in which every child node c is replaced
// by fn(c). fn typically handles the nodes it cares about and calls copyNode
// again for the others, so a rewrite is a single recursive function. Positions
// are kept, which lets the printer lay the copy out like the template and
// emit //line directives for it.
func copyNode(n ast.Node, fn func(ast.Node) ast.Node) ast.Node {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return n
	}
	v := reflect.ValueOf(n).Elem()
	c := reflect.New(v.Type())
	c.Elem().Set(v)
	copyFields(c.Elem(), fn)
	return c.Interface().(ast.Node)
}

var nodeType = reflect.TypeOf((*ast.Node)(nil)).Elem()

func copyFields(v reflect.Value, fn func(ast.Node) ast.Node) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Interface, reflect.Pointer:
			if f.IsNil() || !f.Type().Implements(nodeType) && f.Kind() == reflect.Pointer {
				continue
			}
			n, ok := f.Interface().(ast.Node)
			if !ok {
				continue
			}
			if _, ok := n.(*ast.CommentGroup); ok {
				continue
			}
			setNode(f, fn(n))
		case reflect.Slice:
			if f.IsNil() || !f.Type().Elem().Implements(nodeType) && f.Type().Elem().Kind() != reflect.Interface {
				continue
			}
			if _, ok := f.Interface().([]*ast.Comment); ok {
				continue
			}
			s := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
			for j := 0; j < f.Len(); j++ {
				e := f.Index(j)
				if e.IsNil() {
					continue
				}
				n, ok := e.Interface().(ast.Node)
				if !ok {
					s.Index(j).Set(e)
					continue
				}
				setNode(s.Index(j), fn(n))
			}
			f.Set(s)
		}
	}
}

func setNode(dst reflect.Value, n ast.Node) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		dst.Set(reflect.Zero(dst.Type()))
		return
	}
	dst.Set(reflect.ValueOf(n))
}

// clone is a plain deep copy.
func clone[N ast.Node](n N) N {
	var fn func(ast.Node) ast.Node
	fn = func(c ast.Node) ast.Node { return copyNode(c, fn) }
	return copyNode(n, fn).(N)
}
