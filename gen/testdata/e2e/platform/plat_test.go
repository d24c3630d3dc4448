package platform

import (
	"runtime"
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

func TestTheSystemsTemplateRuns(t *testing.T) {
	want := "on other"
	if runtime.GOOS == "linux" || runtime.GOOS == "android" {
		want = "on linux"
	}
	v, err := rt.Run(systemAsync(rt.Async(func() (string, error) { return "on", nil })))
	if err != nil || v != want {
		t.Fatalf("got %q, %v; want %q", v, err, want)
	}
}
