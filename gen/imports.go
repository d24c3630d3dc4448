package gen

import (
	"go/ast"
	"go/types"
	"sort"
	"strconv"
)

// imports is the import set of one generated file. Packages the templates'
// file imports keep the name it gives them (the printed bodies use it);
// others get their own name, or a fresh one when that is taken.
type imports struct {
	self   *types.Package
	byPath map[string]string // path -> name used in the generated file
	dots   map[string]bool   // paths dot-imported by the template file
	tmpl   map[string]string // path -> name in the template file
	taken  map[string]bool   // names of the package scope and of imports
	pkgs   map[string]*types.Package
	used   map[string]bool // dot imports the bodies use
	scope  map[string]bool
}

func newImports(self *types.Package, file *ast.File, pkgScopeNames map[string]bool) *imports {
	im := &imports{self: self, byPath: map[string]string{}, dots: map[string]bool{}, tmpl: map[string]string{},
		taken: map[string]bool{}, pkgs: map[string]*types.Package{}, used: map[string]bool{}}
	for _, p := range self.Imports() {
		im.pkgs[p.Path()] = p
	}
	im.scope = pkgScopeNames
	for k := range pkgScopeNames {
		im.taken[k] = true
	}
	for _, spec := range file.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		switch {
		case spec.Name == nil:
			name := ""
			if p := im.pkgs[path]; p != nil {
				name = p.Name()
				im.taken[name] = true
			}
			im.tmpl[path] = name
		case spec.Name.Name == ".":
			im.dots[path] = true
		case spec.Name.Name != "_":
			im.tmpl[path] = spec.Name.Name
			im.taken[spec.Name.Name] = true
		}
	}
	return im
}

// reserve marks names the generated code uses for its own identifiers (the
// templates' identifiers), so fresh import names avoid them.
func (im *imports) reserve(names map[string]bool) {
	for k := range names {
		im.taken[k] = true
	}
}

// use returns the name under which the generated file refers to pkg,
// registering the import.
func (im *imports) use(pkg *types.Package) string {
	if pkg == nil || pkg == im.self || im.self != nil && pkg.Path() == im.self.Path() {
		return ""
	}
	path := pkg.Path()
	if name, ok := im.byPath[path]; ok {
		return name
	}
	im.pkgs[path] = pkg
	name, ok := im.tmpl[path]
	if ok && name == "" {
		name = pkg.Name()
	}
	if !ok {
		base := pkg.Name()
		name = base
		for i := 1; im.taken[name] && im.nameUser(name) != path; i++ {
			name = base + itoa(i)
		}
	}
	im.taken[name] = true
	im.byPath[path] = name
	return name
}

func (im *imports) nameUser(name string) string {
	for p, n := range im.byPath {
		if n == name {
			return p
		}
	}
	return ""
}

// usePath is use for a package known by path and name only.
func (im *imports) usePath(path, name string) string {
	if p, ok := im.pkgs[path]; ok {
		return im.use(p)
	}
	return im.use(types.NewPackage(path, name))
}

// qualifier renders package-qualified types for the generated file.
func (im *imports) qualifier(p *types.Package) string { return im.use(p) }

// list returns the (name, path) pairs, sorted by path, and the dot imports.
func (im *imports) list() (named [][2]string, dots []string) {
	for path, name := range im.byPath {
		named = append(named, [2]string{name, path})
	}
	sort.Slice(named, func(i, j int) bool { return named[i][1] < named[j][1] })
	for path := range im.used {
		dots = append(dots, path)
	}
	sort.Strings(dots)
	return named, dots
}

// useDot records that the bodies use a name of a dot-imported package.
func (im *imports) useDot(path string) {
	if im.dots[path] {
		im.used[path] = true
	}
}

// names returns the names the file's imports use or may use, and the
// package scope's: identifiers of the step method must not hide them.
func (im *imports) names() map[string]bool {
	out := map[string]bool{}
	for k := range im.scope {
		out[k] = true
	}
	for _, n := range im.tmpl {
		out[n] = true
	}
	for _, n := range im.byPath {
		out[n] = true
	}
	return out
}
