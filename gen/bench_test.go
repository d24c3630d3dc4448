package gen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkGenerate100 generates a package of 100 templates (DESIGN.md's
// target: under a second per package) and reports the size of the output
// per line of template (target: at most 3).
func BenchmarkGenerate100(b *testing.B) {
	dir := filepath.Join("testdata", "work", "bench100")
	os.RemoveAll(dir)
	b.Cleanup(func() { os.RemoveAll(dir) })
	os.MkdirAll(dir, 0o755)
	in := 0
	for f := 0; f < 10; f++ {
		src := benchFile(f)
		in += strings.Count(src, "\n")
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("t%d.go", f)), []byte(src), 0o644)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Start from no output, as a first run does (RemoveAll does
		// not expand a glob).
		old, _ := filepath.Glob(filepath.Join(dir, "*"+suffix))
		for _, f := range old {
			os.Remove(f)
		}
		if _, err := Generate(Config{Dir: dir}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	out := 0
	files, _ := filepath.Glob(filepath.Join(dir, "*"+suffix))
	for _, f := range files {
		src, _ := os.ReadFile(f)
		out += strings.Count(string(src), "\n")
	}
	b.ReportMetric(float64(out)/float64(in), "out/in-lines")
}

// benchFile is ten templates of the usual shapes: loops, conditions, Must
// in expressions, Await with its error checked.
func benchFile(f int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package bench\n\nimport \"github.com/asyncgen/asyncgen/rt\"\n\n")
	if f == 0 {
		b.WriteString("func fetch(n int) rt.Coro[int] { return nil }\n\nvar errNeg error\n")
	}
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&b, `
// t%[1]d_%[2]d sums fetched values.
//
//asyncgen:coroutine
func t%[1]d_%[2]d(items []int, limit int) (int, error) {
	total := 0
	for i, it := range items {
		if it < 0 {
			return total, errNeg
		}
		v, err := rt.Await(fetch(it))
		if err != nil {
			return total, err
		}
		total += v + rt.Must(fetch(i))
		if total > limit {
			break
		}
	}
	switch {
	case total > 100:
		total = rt.Must(fetch(total)) / 2
	default:
		total++
	}
	return total, nil
}
`, f, i)
	}
	return b.String()
}
