package rt

import "testing"

func TestModuleRelativeStackFiles(t *testing.T) {
	for _, c := range []struct{ fn, file, want string }{
		// This test binary's own module: relative to its root.
		{"github.com/asyncgen/asyncgen/generated_test.f", "/home/u/src/asyncgen/generated_test/x.go", "generated_test/x.go"},
		{"github.com/asyncgen/asyncgen/rt/streams.(*StreamReader).readLine.func1", "/tmp/co/rt/streams/reader.go", "rt/streams/reader.go"},
		{"github.com/asyncgen/asyncgen/gen/testdata/e2e/stack.outer", "C:\\src\\gen\\testdata\\e2e\\stack\\stack.go", "gen/testdata/e2e/stack/stack.go"},
		// A -trimpath file name is already module-qualified.
		{"github.com/asyncgen/asyncgen/rt.f", "github.com/asyncgen/asyncgen/rt/x.go", "rt/x.go"},
		// An external test package is in the directory of the package it tests.
		{"github.com/asyncgen/asyncgen/rt_test.TestX", "/tmp/co/rt/x_test.go", "rt/x_test.go"},
		{"github.com/asyncgen/asyncgen/generated_test_test.TestX", "/tmp/co/generated_test/x_test.go", "generated_test/x_test.go"},
		// A //line directive's file name is relative to the package's directory.
		{"github.com/asyncgen/asyncgen/generated_test.(*fFrame).step", "x.go", "generated_test/x.go"},
		// The standard library, as -trimpath names it.
		{"runtime.gopanic", "/usr/local/go/src/runtime/panic.go", "runtime/panic.go"},
		{"net/http.(*conn).serve", "/opt/go/src/net/http/server.go", "net/http/server.go"},
		{"runtime.mapassign_faststr", "/usr/local/go/src/internal/runtime/maps/runtime_faststr.go", "internal/runtime/maps/runtime_faststr.go"},
		// Outside every module of the binary: unchanged.
		{"example.org/other.f", "/x/other/f.go", "/x/other/f.go"},
	} {
		if got := moduleRelative(c.fn, c.file); got != c.want {
			t.Errorf("moduleRelative(%q, %q) = %q, want %q", c.fn, c.file, got, c.want)
		}
	}
}
