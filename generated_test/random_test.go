package generated_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	randomN    = flag.Int("random.n", 40, "number of random templates TestRandomProgramsAgree generates")
	randomSeed = flag.Int64("random.seed", 1, "seed of the first random program (0: time-based)")
	randomKeep = flag.Bool("random.keep", false, "keep the random programs under testdata/ for inspection")
)

// randomBatch is how many templates go into one package: one generator
// run and two compiles per batch.
const randomBatch = 100

// TestRandomProgramsAgree generates random templates, runs asyncgen on them,
// and requires the generated build and the reference build to print the
// same result, error, final virtual time and trace for each.
func TestRandomProgramsAgree(t *testing.T) {
	if testing.Short() {
		// -short is the quick edit-compile loop; CI runs it in full.
		t.Skip("compiles generated programs")
	}
	seed := *randomSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("random.seed=%d random.n=%d", seed, *randomN)
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	root := moduleRoot(t)
	for done, b := 0, int64(0); done < *randomN; b++ {
		n := min(randomBatch, *randomN-done)
		done += n
		runRandomBatch(t, root, seed+b, n)
	}
}

func runRandomBatch(t *testing.T, root string, seed int64, n int) {
	dir, err := os.MkdirTemp("testdata", fmt.Sprintf("random-%d-", seed))
	if err != nil {
		t.Fatal(err)
	}
	if !*randomKeep {
		defer os.RemoveAll(dir)
	}
	files := randomProgram(seed, n)
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkg := "./generated_test/" + filepath.ToSlash(dir)
	gocmd := func(args ...string) (string, error) { return runGo(root, args...) }
	if out, err := gocmd("run", "./cmd/asyncgen", pkg); err != nil {
		t.Fatalf("seed %d: asyncgen %s: %v\n%s", seed, pkg, err, out)
	}
	gen, genErr := gocmd("run", pkg)
	ref, refErr := gocmd("run", "-tags", "asyncgen_ref", pkg)
	if refErr != nil || genErr != nil {
		// The generated file is compiled in both modes (the reference
		// constructors live in it too); its //line directives map
		// compile errors back to the templates in prog.go.
		out := gen
		if genErr == nil {
			out = ref
		}
		t.Errorf("seed %d: build failed (generated: %v, reference: %v)\n%s%s", seed, genErr, refErr, out, templatesAt(files["prog.go"], out))
		return
	}
	gl, rl := strings.Split(gen, "\n"), strings.Split(ref, "\n")
	bad := 0
	for i := range max(len(gl), len(rl)) {
		var g, r string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(rl) {
			r = rl[i]
		}
		if g == r {
			continue
		}
		bad++
		name, _, _ := strings.Cut(r, ":")
		if bad <= 3 {
			t.Errorf("seed %d: %s differs\n gen: %s\n ref: %s\ntemplate:\n%s", seed, name, g, r, templateSource(files["prog.go"], name))
		}
	}
	if bad > 0 {
		t.Errorf("seed %d: %d of %d templates differ (run with -random.seed=%d -random.keep to inspect %s)", seed, bad, n, seed, dir)
	}
}

// templatesAt returns the source of the templates holding the prog.go
// lines that out mentions (at most two).
func templatesAt(prog, out string) string {
	lines := strings.Split(prog, "\n")
	seen := map[string]bool{}
	var b strings.Builder
	for _, m := range regexp.MustCompile(`prog\.go:(\d+)`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		for i := min(n, len(lines)) - 1; i >= 0; i-- {
			if name, ok := strings.CutPrefix(lines[i], "func "); ok {
				name, _, _ = strings.Cut(name, "(")
				if !seen[name] && len(seen) < 2 {
					seen[name] = true
					fmt.Fprintf(&b, "template %s (error at prog.go:%d):\n%s\n", name, n, templateSource(prog, name))
				}
				break
			}
		}
	}
	return b.String()
}
