package gen

import (
	"go/build"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedFilesBuildWhereTheirTemplatesDo checks that the generated
// file of a template file builds on exactly the systems its template file
// does, file name constraints (x_linux.go) included, and that a run on
// another system leaves it alone.
func TestGeneratedFilesBuildWhereTheirTemplatesDo(t *testing.T) {
	dir := filepath.Join("testdata", "e2e", "platform")
	gens, _ := filepath.Glob(filepath.Join(dir, "*"+suffix))
	if len(gens) < 2 {
		t.Fatalf("want the generated files of both templates in %s, got %v", dir, gens)
	}
	for _, gen := range gens {
		tmpl := strings.TrimSuffix(filepath.Base(gen), suffix) + ".go"
		for _, goos := range []string{"linux", "android", "darwin", "windows"} {
			ctxt := build.Default
			ctxt.GOOS, ctxt.GOARCH = goos, "amd64"
			want, err := ctxt.MatchFile(dir, tmpl)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ctxt.MatchFile(dir, filepath.Base(gen))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("GOOS=%s: %s builds: %v, but %s: %v", goos, filepath.Base(gen), got, tmpl, want)
			}
		}
	}
	if testing.Short() {
		// -short is the quick edit-test loop; the full run (CI's
		// go test ./...) always loads the package for darwin.
		t.Skip("loads the package for darwin")
	}
	t.Setenv("GOOS", "darwin")
	res, err := Generate(Config{Dir: dir, Check: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stale() {
		t.Errorf("a check on darwin would write %v and delete %v", res.Written, res.Deleted)
	}
	for _, gen := range gens {
		if _, err := os.Stat(gen); err != nil {
			t.Error(err)
		}
	}
}

func TestGeneratedConstraint(t *testing.T) {
	for _, c := range []struct{ line, name, want string }{
		{"", "x.go", ""},
		{"//go:build ignore", "x.go", "//go:build ignore"},
		{"", "linux.go", ""}, // go/build reads nothing before the first _
		{"", "x_linux.go", "//go:build linux"},
		{"", "x_y_arm64.go", "//go:build arm64"},
		{"", "x_darwin_arm64.go", "//go:build darwin && arm64"},
		{"//go:build a || b", "x_linux.go", "//go:build (a || b) && linux"},
		{"//go:build !cgo", "x_freebsd_amd64.go", "//go:build !cgo && freebsd && amd64"},
		{"", "x_linux_extra.go", ""},
	} {
		if got := generatedConstraint(c.line, c.name); got != c.want {
			t.Errorf("generatedConstraint(%q, %q) = %q, want %q", c.line, c.name, got, c.want)
		}
	}
}
