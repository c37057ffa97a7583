package layers

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/hotbench/hotbench/"

// allowed is docs/design.md's table: the hotbench packages each package's
// non-test code may import. A package missing here may import nothing of
// hotbench until it is added here and to the design.
var allowed = map[string][]string{
	"cmd/hotbench":      {"*"},
	"metric":            {},
	"scenarios":         {"metric"},
	"runner":            {"scenarios", "results", "profiles", "metric", "internal/safefile", "internal/redact", "internal/shellcmd"},
	"results":           {"scenarios", "metric", "internal/safefile"},
	"profiles":          {"scenarios", "metric", "internal/safefile", "internal/redact", "internal/shellcmd"},
	"compare":           {"results", "scenarios", "metric"},
	"report":            {"results", "compare", "scenarios", "profiles", "metric", "internal/safefile"},
	"ab":                {"ab/sequential", "ab/build", "runner", "compare", "results", "scenarios", "metric", "internal/safefile", "internal/redact"},
	"shard":             {"runner", "results", "scenarios", "metric"},
	"ab/sequential":     {"metric"},
	"ab/build":          {"internal/safefile", "internal/shellcmd"},
	"demo":              {},
	"internal/safefile": {},
	"internal/redact":   {},
	"internal/shellcmd": {},
	"internal/golden":   {},
	"internal/synth":    {"results", "scenarios", "metric"},
	"internal/layers":   {},
	"bench/target":      {},
	"bench/abrepo":      {"demo"},
}

func TestImportsFollowTheDesign(t *testing.T) {
	for _, v := range violations(t, filepath.Join("..", "..")) {
		t.Error(v)
	}
}

// The check must be able to fail: a tree where runner imports compare.
func TestTheCheckSeesAWrongImport(t *testing.T) {
	got := violations(t, filepath.Join("testdata", "wrong"))
	if len(got) != 1 || !strings.Contains(got[0], "runner/runner.go imports compare") {
		t.Errorf("violations %q, want the one of runner importing compare", got)
	}
}

// violations walks the module tree at root and lists every import of a
// hotbench package that allowed does not permit.
func violations(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			// A folder with its own go.mod is another module (the ab
			// benchmark's scratch repository under bench/out).
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		may, known := allowed[pkg]
		if !known {
			out = append(out, pkg+": package not in docs/design.md's table (and this test's): add it to both")
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		file, _ := filepath.Rel(root, path)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			dep, ours := strings.CutPrefix(p, module)
			if !ours || slices.Contains(may, "*") || slices.Contains(may, dep) {
				continue
			}
			out = append(out, filepath.ToSlash(file)+" imports "+dep+": against docs/design.md ("+pkg+" may import "+strings.Join(may, ", ")+")")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
