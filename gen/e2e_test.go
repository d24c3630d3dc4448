package gen

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestEndToEnd generates testdata/e2e packages and runs their tests in both
// modes: the generated state machines and the reference driver must agree
// with the expectations written in the tests. The generated code must vet
// clean and be gofmt's.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		// -short is the quick edit-compile loop; CI runs it in full.
		t.Skip("builds and runs generated code")
	}
	dirs, _ := filepath.Glob(filepath.Join("testdata", "e2e", "*"))
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			if _, err := Generate(Config{Dir: dir}); err != nil {
				t.Fatal(err)
			}
			res, err := Generate(Config{Dir: dir, Check: true})
			if err != nil || res.Stale() {
				t.Fatalf("check after generate: %v %+v", err, res)
			}
			gens, _ := filepath.Glob(filepath.Join(dir, "*"+suffix))
			for _, name := range gens {
				src, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				if formatted, err := format.Source(src); err != nil || !bytes.Equal(formatted, src) {
					t.Errorf("%s is not gofmt's (%v)", name, err)
				}
			}
			if out, err := exec.Command("go", "vet", "./"+filepath.ToSlash(dir)).CombinedOutput(); err != nil {
				t.Errorf("go vet: %v\n%s", err, out)
			}
			for _, tags := range []string{"", "asyncgen_ref"} {
				args := []string{"test", "-count=1"}
				if tags != "" {
					args = append(args, "-tags", tags)
				}
				out, err := exec.Command("go", append(args, "./"+filepath.ToSlash(dir))...).CombinedOutput()
				if err != nil {
					t.Errorf("go test (tags %q): %v\n%s", tags, err, out)
				}
			}
		})
	}
}
