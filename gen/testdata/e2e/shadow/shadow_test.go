package shadow

import (
	"testing"

	art "github.com/asyncgen/asyncgen/rt"
)

func later[T any](v T) art.Coro[T] {
	return art.Async(func() (T, error) {
		art.Must(art.Sleep(0))
		return v, nil
	})
}

func TestPackageLevelNamesDoNotShadowGeneratedCode(t *testing.T) {
	v, err := art.Run(joinAsync(later("a"), later("b")))
	if err != nil || v != "A+B not the runtime" {
		t.Fatalf("got %q, %v", v, err)
	}
	e, err := art.Run(countAsync(later(4)))
	if err != nil || e.n != 5 {
		t.Fatalf("got %v, %v", e, err)
	}
}
