package demo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The ab demo's service must build offline from what Write writes, and its
// versions must differ only where asked.
func TestABServiceBuildsAndVersionsDiffer(t *testing.T) {
	dir := t.TempDir()
	if err := (ABService{Work: 2 * time.Millisecond, Comment: "a note"}).Write(dir); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "service"), ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the service does not build: %v\n%s", err, out)
	}
	src, err := os.ReadFile(filepath.Join(dir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "const workFor = 2000000 // 2ms") || !strings.Contains(string(src), "// a note") {
		t.Errorf("main.go does not carry the version:\n%s", src)
	}
}
