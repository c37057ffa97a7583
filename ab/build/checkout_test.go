package build

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// dirty gives the repository's working tree a modified, a deleted, a new
// staged and a new untracked file, an untracked link, a tracked file that
// is untracked now (git rm --cached), and an ignored file.
func dirty(t *testing.T, root string) {
	t.Helper()
	write(t, root, "version.go", "package main\n\nconst version = \"dirty\"\n")
	if err := os.Remove(filepath.Join(root, "config.txt")); err != nil {
		t.Fatal(err)
	}
	write(t, root, "staged.txt", "staged\n")
	run(t, root, "git", "add", "staged.txt")
	write(t, root, "extra.go", "package main\n\nfunc init() { suffix = \"+untracked\" }\n")
	write(t, root, "bin/run.sh", "#!/bin/sh\necho run\n")
	if err := os.Chmod(filepath.Join(root, "bin/run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("staged.txt", filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	run(t, root, "git", "rm", "-q", "--cached", "go.mod")
	write(t, root, ".git/info/exclude", "*.log\n")
	write(t, root, "server.log", "ignored\n")
}

func TestCheckoutDirtyWorkingTree(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	dirty(t, r.root)
	status := run(t, r.root, "git", "status", "--porcelain", "--ignored")
	src, err := Resolve(ctx, r.root, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "tree")
	cleanup, err := Checkout(ctx, r.root, src, dir)
	if err != nil {
		t.Fatal(err)
	}

	for name, want := range map[string]string{
		"version.go": "package main\n\nconst version = \"dirty\"\n",
		"staged.txt": "staged\n",
		"extra.go":   "package main\n\nfunc init() { suffix = \"+untracked\" }\n",
		"bin/run.sh": "#!/bin/sh\necho run\n",
		"link.txt":   "staged\n",
		"go.mod":     "module example.com/app\n\ngo 1.21\n",
	} {
		if got := read(t, filepath.Join(dir, name)); got != want {
			t.Errorf("%s in the worktree holds %q, want the user's %q", name, got, want)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "bin/run.sh")); err != nil || fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("bin/run.sh in the worktree is not executable: %v %v", fi.Mode(), err)
	}
	if target, err := os.Readlink(filepath.Join(dir, "link.txt")); err != nil || target != "staged.txt" {
		t.Errorf("link.txt in the worktree is %q, %v; want a link to staged.txt", target, err)
	}
	for _, gone := range []string{"config.txt", "server.log"} {
		if _, err := os.Lstat(filepath.Join(dir, gone)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is in the worktree (%v): deleted and ignored files must not be", gone, err)
		}
	}
	if got := run(t, r.root, "git", "status", "--porcelain", "--ignored"); got != status {
		t.Errorf("the user's tree changed:\n%s\nwant\n%s", got, status)
	}
	if got := run(t, r.root, "git", "rev-parse", "HEAD"); got != r.c2 {
		t.Errorf("the user's HEAD moved to %s", got)
	}
	if worktrees(t, r.root) != 2 {
		t.Errorf("git worktree list:\n%s\nwant the main tree and the checkout", run(t, r.root, "git", "worktree", "list"))
	}

	if err := cleanup(); err != nil {
		t.Fatal(err)
	}
	if err := cleanup(); err != nil {
		t.Errorf("a second cleanup: %v", err)
	}
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the worktree's folder is still there (%v)", err)
	}
	onlyMainTree(t, r.root)
}

// A working tree that changed after Resolve is not the one its DiffHash
// names: a build of it would be cached under the wrong name.
func TestCheckoutRefusesAChangedWorkingTree(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	write(t, r.root, "version.go", "package main\n\nconst version = \"one\"\n")
	src, err := Resolve(ctx, r.root, "")
	if err != nil {
		t.Fatal(err)
	}
	write(t, r.root, "version.go", "package main\n\nconst version = \"two\"\n")
	_, err = Checkout(ctx, r.root, src, filepath.Join(t.TempDir(), "tree"))
	checkMessage(t, err, "changed since hotbench read it", "run again")
	onlyMainTree(t, r.root)
}

func TestCheckoutsRunAtOnce(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	write(t, r.root, "version.go", "package main\n\nconst version = \"dirty\"\n")
	want := map[string]string{"v1": "v1", "HEAD": "v2", "": "dirty", "main": "v2"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var cleanups []func() error
	parent := t.TempDir()
	for ref, version := range want {
		wg.Go(func() {
			src, err := Resolve(ctx, r.root, ref)
			if err != nil {
				t.Error(err)
				return
			}
			dir := filepath.Join(parent, "tree-"+strings.ToLower(ref))
			cleanup, err := Checkout(ctx, "", src, dir)
			if err != nil {
				t.Errorf("checkout %q: %v", ref, err)
				return
			}
			mu.Lock()
			cleanups = append(cleanups, cleanup)
			mu.Unlock()
			if got := read(t, filepath.Join(dir, "version.go")); !strings.Contains(got, `"`+version+`"`) {
				t.Errorf("checkout %q has version.go %q, want version %s", ref, got, version)
			}
		})
	}
	wg.Wait()
	if n := worktrees(t, r.root); n != 1+len(cleanups) {
		t.Errorf("git worktree list shows %d trees, want %d", n, 1+len(cleanups))
	}
	for _, cleanup := range cleanups {
		wg.Go(func() {
			if err := cleanup(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	onlyMainTree(t, r.root)
}
