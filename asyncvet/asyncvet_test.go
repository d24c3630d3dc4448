package asyncvet_test

import (
	"testing"

	"github.com/asyncgen/asyncgen/asyncvet"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestChecks runs every check on testdata, a module of its own that
// requires this one: the // want comments are the expected reports, and
// lines without one must stay quiet (the negative cases).
func TestChecks(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), asyncvet.Analyzer, "./a", "./b", "./lib")
}
