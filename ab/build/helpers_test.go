package build

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	// The tests' repositories are their own: no hooks, signing or
	// templates from the machine's git configuration, and no toolchain
	// download by go build.
	os.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	os.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	os.Setenv("GOTOOLCHAIN", "local")
	os.Setenv("GOFLAGS", "")
	os.Exit(m.Run())
}

// repo is a repository a test made: a tiny Go program that prints its
// version, committed twice.
type repo struct {
	root   string
	c1, c2 string // commits: v1 (tagged v1), then v2 (main)
}

// goBuild is the tests' server.build.
const goBuild = "go build -o {bin} ."

// newRepo makes a repository whose v1 prints "v1" and whose main prints
// "v2". The program prints version+suffix; an untracked file can set suffix.
func newRepo(t *testing.T) repo {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	run(t, root, "git", "init", "-q", "-b", "main")
	run(t, root, "git", "config", "user.name", "hotbench test")
	run(t, root, "git", "config", "user.email", "test@hotbench.invalid")
	run(t, root, "git", "config", "commit.gpgsign", "false")
	write(t, root, "go.mod", "module example.com/app\n\ngo 1.21\n")
	write(t, root, "main.go", "package main\n\nimport \"fmt\"\n\nvar suffix string\n\nfunc main() { fmt.Println(version + suffix) }\n")
	write(t, root, "version.go", "package main\n\nconst version = \"v1\"\n")
	write(t, root, "config.txt", "tracked config\n")
	run(t, root, "git", "add", ".")
	run(t, root, "git", "commit", "-q", "-m", "v1")
	run(t, root, "git", "tag", "v1")
	c1 := run(t, root, "git", "rev-parse", "HEAD")
	write(t, root, "version.go", "package main\n\nconst version = \"v2\"\n")
	run(t, root, "git", "commit", "-q", "-am", "v2")
	return repo{root: root, c1: c1, c2: run(t, root, "git", "rev-parse", "HEAD")}
}

// run runs a command in dir and returns its output, trimmed.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// worktrees is the number of worktrees git lists, the main one included.
func worktrees(t *testing.T, root string) int {
	t.Helper()
	return strings.Count(run(t, root, "git", "worktree", "list", "--porcelain"), "worktree ")
}

// onlyMainTree fails the test when git lists a worktree besides the main
// one.
func onlyMainTree(t *testing.T, root string) {
	t.Helper()
	if n := worktrees(t, root); n != 1 {
		t.Errorf("git worktree list shows %d trees, want only the main one:\n%s", n, run(t, root, "git", "worktree", "list"))
	}
}
