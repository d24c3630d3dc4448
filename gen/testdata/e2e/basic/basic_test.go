package basic

import (
	"testing"

	"github.com/asyncgen/asyncgen/rt"
)

func TestSum(t *testing.T) {
	v, err := rt.Run(sumAsync(1, 2))
	if err != nil || v != 6 {
		t.Fatalf("got %v, %v", v, err)
	}
}
