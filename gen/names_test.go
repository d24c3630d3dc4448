package gen

import (
	"go/ast"
	"go/types"
	"reflect"
	"slices"
	"testing"

	"github.com/asyncgen/asyncgen/rt/rtimpl"
	"golang.org/x/tools/go/packages"
)

// TestFrameFieldsAvoidEveryMemberOfRtFrame checks that frameMethods lists
// every field and method of rtimpl.Frame: a frame field named like one would
// hide it (a template local named Stack once broke the generated
// AwaitStack).
func TestFrameFieldsAvoidEveryMemberOfRtFrame(t *testing.T) {
	typ := reflect.TypeFor[*rtimpl.Frame[int]]()
	var members []string
	for i := 0; i < typ.NumMethod(); i++ {
		members = append(members, typ.Method(i).Name)
	}
	for i := 0; i < typ.Elem().NumField(); i++ {
		members = append(members, typ.Elem().Field(i).Name)
	}
	for _, m := range members {
		if !slices.Contains(frameMethods, m) {
			t.Errorf("rtimpl.Frame has %s, which frameMethods does not reserve", m)
		}
	}
}

// TestFuncNameIsTheRuntimes checks the template names async stacks carry:
// as runtime.Func spells them, so both modes agree (a command's functions
// are main.f, not path.f).
func TestFuncNameIsTheRuntimes(t *testing.T) {
	sig := types.NewSignatureType(nil, nil, nil, nil, nil, false)
	for _, c := range []struct{ name, path, want string }{
		{"main", "example.com/x/cmd", "main.busy"},
		{"cmd", "example.com/x/cmd", "example.com/x/cmd.busy"},
	} {
		tm := &template{pkg: &packages.Package{Name: c.name, PkgPath: c.path}, decl: &ast.FuncDecl{Name: ast.NewIdent("busy")}, sig: sig}
		if got := funcName(tm); got != c.want {
			t.Errorf("package %s (%s): funcName = %q, want %q", c.name, c.path, got, c.want)
		}
	}
}
