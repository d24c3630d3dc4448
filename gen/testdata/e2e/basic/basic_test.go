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

func TestLocalTypeBetweenAwaits(t *testing.T) {
	v, err := rt.Run(localTypeAsync(1))
	if err != nil || v != "{2 2}" {
		t.Fatalf("got %v, %v", v, err)
	}
}
