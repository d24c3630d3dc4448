package gen

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoJumpToTheNextLine reads every generated file of the module and fails
// on a goto whose label is the next statement: the jump does nothing, and
// generated code is read (in reviews, in stack traces) as much as written.
func TestNoJumpToTheNextLine(t *testing.T) {
	files := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_async.go") {
			return nil
		}
		files++
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		pending, at, n := "", 0, 0
		for sc.Scan() {
			n++
			line := strings.TrimSpace(sc.Text())
			if i := strings.Index(line, "*/ "); strings.HasPrefix(line, "/*line ") && i > 0 {
				line = line[i+3:]
			}
			if line == "" || strings.HasPrefix(line, "//line ") {
				continue
			}
			if pending != "" && line == pending+":" {
				t.Errorf("%s:%d: goto %s jumps to the next line", path, at, pending)
			}
			pending = ""
			if lab, ok := strings.CutPrefix(line, "goto "); ok {
				pending, at = lab, n
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Fatalf("read %d generated files; the walk missed the module's", files)
	}
}
