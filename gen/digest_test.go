package gen

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

const digestSrc = `package p

import "github.com/asyncgen/asyncgen/rt"

// helper is not a template.
func helper() int { return 1 }

// f waits.
//
//asyncgen:coroutine
func f(c rt.Coro[int]) (int, error) {
	return rt.Await(c)
}
`

func digestOf(t *testing.T, src string) string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	return TemplateDigest(fset, f, []byte(src))
}

// TestTemplateDigest: the digest changes with what the generated code is
// made of (template text, its line, the imports) and only with that.
func TestTemplateDigest(t *testing.T) {
	base := digestOf(t, digestSrc)
	if !strings.HasPrefix(base, "sha256:") || len(base) != len("sha256:")+64 {
		t.Fatalf("digest %q", base)
	}
	same := map[string]string{
		"doc comment":   strings.Replace(digestSrc, "// f waits.", "// f waits for c.", 1),
		"helper body":   strings.Replace(digestSrc, "return 1", "return 2", 1),
		"trailing code": digestSrc + "\nvar x = 1\n",
	}
	for name, src := range same {
		if d := digestOf(t, src); d != base {
			t.Errorf("%s: digest changed", name)
		}
	}
	differ := map[string]string{
		"template body":  strings.Replace(digestSrc, "return rt.Await(c)", "return rt.Await(c) // x", 1),
		"template moved": strings.Replace(digestSrc, "func helper", "\nfunc helper", 1),
		"import renamed": strings.Replace(digestSrc, `import "github`, `import rt "github`, 1),
		"package":        strings.Replace(digestSrc, "package p", "package q", 1),
		"build tag":      "//go:build linux\n\n" + digestSrc,
	}
	for name, src := range differ {
		if d := digestOf(t, src); d == base {
			t.Errorf("%s: digest unchanged", name)
		}
	}
}

func TestRecordedDigest(t *testing.T) {
	for _, c := range []struct {
		src, want string
		ok        bool
	}{
		{Header + "\n" + DigestPrefix + "sha256:ab\n\npackage p\n", "sha256:ab", true},
		{Header + "\r\n" + DigestPrefix + "sha256:ab\r\n\r\npackage p\r\n", "sha256:ab", true},
		{Header + "\n\npackage p\n", "", false},
		{"// hand written\n" + DigestPrefix + "sha256:ab\n", "", false},
	} {
		got, ok := RecordedDigest([]byte(c.src))
		if got != c.want || ok != c.ok {
			t.Errorf("RecordedDigest(%q) = %q, %v; want %q, %v", c.src, got, ok, c.want, c.ok)
		}
	}
}
