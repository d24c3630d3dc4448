package gen

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestRejections checks the diagnostics for the templates asyncgen cannot
// lower against the `// want "regexp"` comments of testdata/bad (the
// analysistest convention): every diagnostic is wanted on its line, and
// every want is met. Nothing may be written.
func TestRejections(t *testing.T) {
	dir := filepath.Join("testdata", "bad")
	_, err := Generate(Config{Dir: dir})
	var ds *Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("Generate: got %v, want diagnostics", err)
	}
	wants := readWants(t, dir)
	for _, d := range ds.List {
		key := filepath.Base(d.Pos.Filename) + ":" + strconv.Itoa(d.Pos.Line)
		if d.Pos.Column == 0 {
			t.Errorf("diagnostic without a column: %s", d)
		}
		res, ok := wants[key]
		if !ok || !res.MatchString(d.Message) {
			t.Errorf("unexpected diagnostic %s", d)
			continue
		}
		delete(wants, key)
	}
	for key, re := range wants {
		t.Errorf("%s: no diagnostic matching %q", key, re)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad_async.go")); err == nil {
		t.Errorf("a rejected package got a generated file")
	}
}

var wantRE = regexp.MustCompile(`// want "((?:[^"\\]|\\.)*)"`)

func readWants(t *testing.T, dir string) map[string]*regexp.Regexp {
	wants := map[string]*regexp.Regexp{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			m := wantRE.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			pat, err := strconv.Unquote(`"` + m[1] + `"`)
			if err != nil {
				t.Fatal(err)
			}
			wants[filepath.Base(f)+":"+strconv.Itoa(i+1)] = regexp.MustCompile(pat)
		}
	}
	return wants
}
