package generated_test

import (
	"fmt"

	art "github.com/asyncgen/asyncgen/rt"
)

// aliasImport reaches the intrinsics through a renamed import: asyncgen
// finds them by their types.Object, not their spelling.
//
//asyncgen:coroutine
func aliasImport(e *Env) string {
	v, err := art.Await(e.I(2))
	return fmt.Sprint(v+art.Must(e.I(3)), err)
}
