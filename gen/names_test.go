package gen

import (
	"reflect"
	"slices"
	"testing"

	"github.com/asyncgen/asyncgen/rt/rtimpl"
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
