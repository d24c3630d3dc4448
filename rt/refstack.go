package rt

import (
	"path"
	"runtime/debug"
	"strings"
	"sync"
)

// moduleRelative turns the absolute file of a template function, as the
// runtime reports it, into the path generated frames report: relative to
// its module's root, slash-separated ("generated_test/x.go"), the same on
// every machine and checkout. The package's import path comes from the
// function's name, its module from the binary's build information; a
// file outside every known module keeps its name.
func moduleRelative(function, file string) string {
	pkg := funcPackage(function)
	if pkg == "main" {
		pkg = buildModules().mainPkg
	}
	mod := ""
	for _, m := range buildModules().paths {
		if (pkg == m || strings.HasPrefix(pkg, m+"/")) && len(m) > len(mod) {
			mod = m
		}
	}
	slashed := strings.ReplaceAll(file, "\\", "/")
	base := path.Base(slashed)
	if mod == "" {
		if i := strings.LastIndex(slashed, "/src/"); isStdPkg(pkg) && i >= 0 {
			// GOROOT/src/runtime/panic.go as -trimpath names it. The
			// directory comes from the file: a function linknamed into
			// runtime may live in internal/runtime/maps.
			return slashed[i+len("/src/"):]
		}
		return file
	}
	dir := strings.TrimPrefix(strings.TrimPrefix(pkg, mod), "/")
	if strings.HasSuffix(dir, "_test") && path.IsAbs(slashed) && path.Base(path.Dir(slashed)) != path.Base(dir) {
		// An external test package (pkg_test) lives in pkg's directory.
		dir = strings.TrimSuffix(dir, "_test")
	}
	return path.Join(dir, base)
}

// isStdPkg reports whether pkg is in the standard library: its first path
// element has no dot.
func isStdPkg(pkg string) bool {
	first, _, _ := strings.Cut(pkg, "/")
	return pkg != "" && !strings.Contains(first, ".") && pkg != "main"
}

// funcPackage is the import path in a function name as runtime.Frame
// spells it: "example.com/a/b.(*T).m.func1" -> "example.com/a/b".
func funcPackage(function string) string {
	slash := strings.LastIndexByte(function, '/')
	if i := strings.IndexByte(function[slash+1:], '.'); i >= 0 {
		return function[:slash+1+i]
	}
	return function
}

type modules struct {
	paths   []string // the main module and the dependencies
	mainPkg string   // the main package's import path
}

var buildModules = sync.OnceValue(func() modules {
	var m modules
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return m
	}
	m.mainPkg = bi.Path
	if bi.Main.Path != "" {
		m.paths = append(m.paths, bi.Main.Path)
	}
	for _, d := range bi.Deps {
		m.paths = append(m.paths, d.Path)
	}
	return m
})
