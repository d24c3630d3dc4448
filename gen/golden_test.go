package gen

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// TestGolden generates each testdata/golden/*.txtar archive's in/ files and
// compares the result with its out/ files; -update rewrites them. The
// generated package must also build and vet clean, and generating twice
// must give the same bytes.
func TestGolden(t *testing.T) {
	archives, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	if len(archives) == 0 {
		t.Fatal("no golden files")
	}
	for _, path := range archives {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join("testdata", "work", name)
			os.RemoveAll(dir)
			t.Cleanup(func() { os.RemoveAll(dir) })
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			want := map[string][]byte{}
			for _, f := range ar.Files {
				switch {
				case strings.HasPrefix(f.Name, "in/"):
					os.WriteFile(filepath.Join(dir, strings.TrimPrefix(f.Name, "in/")), f.Data, 0o644)
				case strings.HasPrefix(f.Name, "out/"):
					want[strings.TrimPrefix(f.Name, "out/")] = f.Data
				}
			}
			if _, err := Generate(Config{Dir: dir}); err != nil {
				t.Fatal(err)
			}
			got := readGenerated(t, dir)
			if _, err := Generate(Config{Dir: dir}); err != nil {
				t.Fatal(err)
			}
			for f, b := range readGenerated(t, dir) {
				if !bytes.Equal(b, got[f]) {
					t.Errorf("%s: second generation differs from the first", f)
				}
			}
			if *update {
				var files []txtar.File
				for _, f := range ar.Files {
					if strings.HasPrefix(f.Name, "in/") {
						files = append(files, f)
					}
				}
				for _, f := range sortedKeys(got) {
					files = append(files, txtar.File{Name: "out/" + f, Data: got[f]})
				}
				ar.Files = files
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for f, w := range want {
				if g := got[f]; !bytes.Equal(g, w) {
					t.Errorf("%s differs from the golden file (run go test ./gen -update):\n%s", f, diff(w, g))
				}
			}
			for f := range got {
				if want[f] == nil {
					t.Errorf("%s generated but not in the golden file", f)
				}
			}
			if out, err := exec.Command("go", "vet", "./"+filepath.ToSlash(dir)).CombinedOutput(); err != nil {
				t.Errorf("go vet: %v\n%s", err, out)
			}
		})
	}
}

func readGenerated(t *testing.T, dir string) map[string][]byte {
	out := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join(dir, "*"+suffix))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

func sortedKeys(m map[string][]byte) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// diff is a line diff good enough to spot a change: the first differing
// line and its neighbourhood.
func diff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	lo := max(0, i-3)
	for j := lo; j < i; j++ {
		b.WriteString("  " + w[j] + "\n")
	}
	for j := i; j < min(len(w), i+8); j++ {
		b.WriteString("- " + w[j] + "\n")
	}
	for j := i; j < min(len(g), i+8); j++ {
		b.WriteString("+ " + g[j] + "\n")
	}
	return b.String()
}
