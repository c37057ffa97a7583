package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder captures what Check reports instead of failing this test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, format)
}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	os.WriteFile(path, []byte("a\nb\n"), 0o644)

	r := &recorder{TB: t}
	Check(r, path, []byte("a\nb\n"))
	if len(r.errors) != 0 {
		t.Errorf("equal output reported a difference: %q", r.errors)
	}
	Check(r, path, []byte("a\nc\n"))
	if len(r.errors) != 1 {
		t.Fatalf("a different line was not reported")
	}
	if got, _ := os.ReadFile(path + ".actual"); string(got) != "a\nc\n" {
		t.Errorf("the actual output was not kept beside the golden file: %q", got)
	}
	if d := firstDifference([]byte("a\nc\n"), []byte("a\nb\n")); !strings.Contains(d, "line 2") {
		t.Errorf("firstDifference = %q, want line 2", d)
	}
}
