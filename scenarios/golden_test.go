package scenarios

import (
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/hotbench/hotbench/internal/golden"
)

// TestErrorOutputGolden loads each testdata/errors/*.yaml, which must fail,
// and compares the whole error text with the .golden file beside it: these
// are the messages a user reads, so they are reviewed like code.
func TestErrorOutputGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			_, err := Load(filepath.ToSlash(name), nil)
			if err == nil {
				t.Fatal("loads without error")
			}
			got := []byte(err.Error() + "\n")
			goldenfile.Check(t, strings.TrimSuffix(name, ".yaml")+".golden", got)
		})
	}
}
