package asyncvet

import (
	"path/filepath"

	"github.com/asyncgen/asyncgen/gen"
	"golang.org/x/tools/go/analysis"
)

// checkStale reports template files whose generated file was made from
// other templates than the ones there now: the digest asyncgen recorded in
// x_async.go differs from the digest of x.go's templates. The package then
// builds, but runs the old code.
func checkStale(pass *analysis.Pass) {
	files := map[string]bool{}
	for _, f := range pass.Files {
		files[pass.Fset.File(f.Pos()).Name()] = true
	}
	for _, f := range pass.Files {
		if !gen.HasTemplates(f) {
			continue
		}
		name := pass.Fset.File(f.Pos()).Name()
		genName := gen.GeneratedName(name)
		if !files[genName] {
			continue // excluded by build tags, or missing: then the package does not type-check
		}
		src, err1 := pass.ReadFile(name)
		out, err2 := pass.ReadFile(genName)
		if err1 != nil || err2 != nil {
			continue
		}
		recorded, ok := gen.RecordedDigest(out)
		base := filepath.Base(genName)
		switch {
		case !ok:
			pass.Reportf(f.Name.Pos(), "%s records no template digest (an older asyncgen wrote it): run go generate", base)
		case recorded != gen.TemplateDigest(pass.Fset, f, src):
			pass.Reportf(f.Name.Pos(), "%s is stale: the templates of %s changed since it was generated; run go generate", base, filepath.Base(name))
		}
	}
}
