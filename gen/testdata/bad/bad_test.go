package bad

import "github.com/asyncgen/asyncgen/rt"

// inTestFile is a template in a test file: asyncgen generates from the
// package's own files only, so it would never get its constructor.
//
//asyncgen:coroutine
func inTestFile() int { // want "template inTestFile is in a _test.go file, which asyncgen does not generate from: move it to a file of the package"
	return rt.Must(fut())
}
