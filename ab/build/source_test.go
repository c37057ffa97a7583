package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveRefs(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	tests := []struct {
		name, ref, want string
	}{
		{"HEAD names the last commit", "HEAD", r.c2},
		{"a branch names its tip", "main", r.c2},
		{"a tag names its commit", "v1", r.c1},
		{"an expression names what git says", "HEAD~1", r.c1},
		{"an abbreviated hash names its commit", r.c1[:8], r.c1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Resolve(ctx, r.root, tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			want := Source{Root: r.root, Ref: tt.ref, Commit: tt.want}
			if src != want {
				t.Errorf("Resolve(%q) = %+v, want %+v", tt.ref, src, want)
			}
		})
	}

	errs := []struct {
		name, ref string
		want      []string // in the message
	}{
		{"a remote's branch without the remote says to add it and fetch", "origin/main",
			[]string{`"origin/main"`, "no remote named origin", "git remote add origin URL", "git fetch origin"}},
		{"a name that is nowhere says how to look", "nosuch",
			[]string{`"nosuch"`, "git branch -a", "git fetch"}},
		{"a tree is not a commit", "HEAD^{tree}", []string{"names no commit"}},
		{"a ref is never read as an option", "--all", []string{"starts with '-'"}},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resolve(ctx, r.root, tt.ref)
			if !errors.Is(err, ErrUnknownRef) {
				t.Fatalf("Resolve(%q) = %v, want ErrUnknownRef", tt.ref, err)
			}
			checkMessage(t, err, tt.want...)
		})
	}

	t.Run("a remote's branch not fetched yet says to fetch", func(t *testing.T) {
		run(t, r.root, "git", "remote", "add", "upstream", filepath.Join(t.TempDir(), "nowhere"))
		_, err := Resolve(ctx, r.root, "upstream/main")
		if !errors.Is(err, ErrUnknownRef) {
			t.Fatalf("got %v, want ErrUnknownRef", err)
		}
		checkMessage(t, err, `"upstream/main"`, "run git fetch upstream")
	})

	t.Run("a folder inside the repository finds it", func(t *testing.T) {
		sub := filepath.Join(r.root, "cmd", "app")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		src, err := Resolve(ctx, sub, "v1")
		if err != nil || src.Commit != r.c1 || src.Root != r.root {
			t.Errorf("Resolve from %s = %+v, %v; want %s", sub, src, err, r.c1)
		}
		root, rel, err := Root(ctx, sub)
		if err != nil || root != r.root || rel != "cmd/app" {
			t.Errorf("Root(%s) = %q, %q, %v; want %q, %q", sub, root, rel, err, r.root, "cmd/app")
		}
	})
}

func TestResolveErrorsSayWhatToDo(t *testing.T) {
	ctx := context.Background()
	t.Run("a folder outside any repository asks for --repo", func(t *testing.T) {
		_, err := Resolve(ctx, t.TempDir(), "HEAD")
		if !errors.Is(err, ErrNotRepository) {
			t.Fatalf("got %v, want ErrNotRepository", err)
		}
		checkMessage(t, err, "not inside a git repository", "--repo DIR")
	})
	t.Run("a repository without commits says to commit", func(t *testing.T) {
		dir := t.TempDir()
		run(t, dir, "git", "init", "-q")
		_, err := Resolve(ctx, dir, "")
		checkMessage(t, err, "no commit yet")
	})
	t.Run("without git it says to install git", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := Resolve(ctx, ".", "HEAD")
		if !errors.Is(err, ErrNoGit) {
			t.Fatalf("got %v, want ErrNoGit", err)
		}
		checkMessage(t, err, "install git")
	})
}

// The working tree's DiffHash is a function of its state: every change of
// a tracked or untracked file changes it, and a state seen again gets the
// hash it had.
func TestResolveWorkingTree(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	resolve := func() Source {
		t.Helper()
		src, err := Resolve(ctx, r.root, "")
		if err != nil {
			t.Fatal(err)
		}
		if src.Ref != "" || src.Commit != r.c2 || src.Root != r.root {
			t.Fatalf("working tree resolved to %+v, want HEAD's commit %s in %s", src, r.c2, r.root)
		}
		if src.Dirty != (src.DiffHash != "") {
			t.Fatalf("%+v: a hash exactly when dirty", src)
		}
		return src
	}
	clean := func(step string) {
		t.Helper()
		if src := resolve(); src.Dirty {
			t.Errorf("%s: dirty (%s), want clean", step, src.DiffHash)
		}
	}
	seen := map[string]string{} // hash -> step
	dirty := func(step string) string {
		t.Helper()
		src := resolve()
		if !src.Dirty {
			t.Fatalf("%s: clean, want dirty", step)
		}
		if again := resolve(); again.DiffHash != src.DiffHash {
			t.Errorf("%s: the same state hashed %s, then %s", step, src.DiffHash, again.DiffHash)
		}
		if prev, ok := seen[src.DiffHash]; ok {
			t.Errorf("%s: hash %s as after %q, a different state", step, src.DiffHash, prev)
		}
		seen[src.DiffHash] = step
		return src.DiffHash
	}

	clean("a fresh clone")
	write(t, r.root, ".git/info/exclude", "*.log\n")
	write(t, r.root, "server.log", "ignored\n")
	clean("an ignored file")

	write(t, r.root, "version.go", "package main\n\nconst version = \"dirty\"\n")
	modified := dirty("a modified tracked file")
	run(t, r.root, "git", "add", "version.go")
	if src := resolve(); src.DiffHash != modified {
		t.Errorf("staging the change changed the hash: %s, want %s", src.DiffHash, modified)
	}
	write(t, r.root, "notes/new.txt", "one\n")
	dirty("an untracked file")
	write(t, r.root, "notes/new.txt", "two\n")
	dirty("the untracked file's content changed")
	if err := os.Chmod(filepath.Join(r.root, "notes/new.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	dirty("the untracked file made executable")
	if err := os.Remove(filepath.Join(r.root, "notes/new.txt")); err != nil {
		t.Fatal(err)
	}
	if src := resolve(); src.DiffHash != modified {
		t.Errorf("back to the modified tracked file alone: hash %s, want %s as before", src.DiffHash, modified)
	}
	run(t, r.root, "git", "reset", "-q", "--hard")
	clean("the change undone")
	if err := os.Remove(filepath.Join(r.root, "config.txt")); err != nil {
		t.Fatal(err)
	}
	dirty("a deleted tracked file")
}

func checkMessage(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", want)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error %q is more than one line", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
}
