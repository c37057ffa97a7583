package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// output runs a built server and returns what it printed.
func output(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(path).Output()
	if err != nil {
		t.Fatalf("run %s: %v", path, err)
	}
	return strings.TrimSpace(string(out))
}

func resolve(t *testing.T, root, ref string) Source {
	t.Helper()
	src, err := Resolve(context.Background(), root, ref)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// noEntry fails the test when a cache entry's folder holds anything but
// its lock file: a server, or a temporary build folder.
func noEntry(t *testing.T, entry string) {
	t.Helper()
	files, _ := os.ReadDir(entry)
	for _, f := range files {
		if f.Name() != ".lock" {
			t.Errorf("cache entry %s holds %s, want nothing", entry, f.Name())
		}
	}
}

// Two commits built at once give two programs that print their own
// version; a third build of one of them at the same time waits for it and
// finds it in the cache, and so does a later one, which then checks out
// nothing (NoTree).
func TestBuildTwoCommitsAtOnceThenFromTheCache(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	cache := t.TempDir()
	v1, head := resolve(t, r.root, "v1"), resolve(t, r.root, "HEAD")
	sources := []Source{v1, head, v1}
	bins := make([]Binary, len(sources))
	var logs [3]bytes.Buffer
	var wg sync.WaitGroup
	for i, src := range sources {
		wg.Go(func() {
			var err error
			bins[i], err = Build(ctx, Spec{Source: src, Command: goBuild, RunCommand: "{bin} -addr {addr}", CacheDir: cache, Log: &logs[i]})
			if err != nil {
				t.Errorf("build %s: %v", src, err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for i, want := range []string{"v1", "v2", "v1"} {
		b := bins[i]
		if got := output(t, b.Path); got != want {
			t.Errorf("the binary of %s prints %q, want %q", b.Source, got, want)
		}
		if got := read(t, filepath.Join(b.WorkDir, "version.go")); !strings.Contains(got, `"`+want+`"`) {
			t.Errorf("the tree of %s has version.go %q, want version %s", b.Source, got, want)
		}
		wantPath := filepath.Join(cache, b.Source.Commit, shortHash(goBuild), "server")
		if b.Path != wantPath {
			t.Errorf("binary of %s at %s, want %s", b.Source, b.Path, wantPath)
		}
		t.Logf("%s: cached %v, build %s\n%s", b.Source, b.Cached, b.Duration, logs[i].String())
	}
	if bins[0].Path == bins[1].Path {
		t.Errorf("two commits share the binary %s", bins[0].Path)
	}
	if bins[0].Cached == bins[2].Cached || bins[1].Cached {
		t.Errorf("cached: %v %v %v; want the one v1 build that waited for the other, only", bins[0].Cached, bins[1].Cached, bins[2].Cached)
	}
	if bins[0].WorkDir == bins[2].WorkDir {
		t.Errorf("two servers of v1 share the tree %s", bins[0].WorkDir)
	}
	if n := worktrees(t, r.root); n != 4 {
		t.Errorf("git worktree list shows %d trees, want the main one and one for each of the 3 servers", n)
	}
	for _, b := range bins {
		if err := b.Cleanup(); err != nil {
			t.Error(err)
		}
	}
	onlyMainTree(t, r.root)

	var log bytes.Buffer
	again, err := Build(ctx, Spec{Source: v1, Command: goBuild, CacheDir: cache, Log: &log, NoTree: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Cleanup()
	if !again.Cached || again.Path != bins[0].Path || again.WorkDir != "" || again.Duration != 0 {
		t.Errorf("a later build of v1 = %+v, want the cached %s and no tree", again, bins[0].Path)
	}
	if !strings.Contains(log.String(), "cached") {
		t.Errorf("the log of a cache hit says %q, want it to say cached", log.String())
	}
	if trees, _ := filepath.Glob(filepath.Join(cache, treesFolder, "*")); len(trees) > 0 {
		t.Errorf("a cache hit without a tree checked out %q", trees)
	}
}

// The working tree's uncommitted changes are built, under their own cache
// entry, and the user's tree is left as it was.
func TestBuildDirtyWorkingTree(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	cache := t.TempDir()
	dirty(t, r.root)
	status := run(t, r.root, "git", "status", "--porcelain", "--ignored")
	version := read(t, filepath.Join(r.root, "version.go"))
	src := resolve(t, r.root, "")
	b, err := Build(ctx, Spec{Source: src, Command: goBuild, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s built in %s", src, b.Duration)
	if got := output(t, b.Path); got != "dirty+untracked" {
		t.Errorf("the working tree's binary prints %q, want the modified version and the untracked file's suffix", got)
	}
	want := filepath.Join(cache, r.c2+"-dirty-"+src.DiffHash, shortHash(goBuild), "server")
	if b.Path != want {
		t.Errorf("binary at %s, want %s", b.Path, want)
	}
	if got := read(t, filepath.Join(b.WorkDir, "extra.go")); !strings.Contains(got, "+untracked") {
		t.Errorf("the server's tree lacks the untracked file: %q", got)
	}
	if got := run(t, r.root, "git", "status", "--porcelain", "--ignored"); got != status {
		t.Errorf("the user's tree changed:\n%s\nwant\n%s", got, status)
	}
	if got := read(t, filepath.Join(r.root, "version.go")); got != version {
		t.Errorf("the user's version.go changed to %q", got)
	}
	if err := b.Cleanup(); err != nil {
		t.Fatal(err)
	}
	onlyMainTree(t, r.root)
}

func TestBuildFailureNamesTheRefAndShowsTheLastLines(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	// A cache folder whose name the shell must not read as code.
	cache := filepath.Join(t.TempDir(), "cache dir 'x' $(touch INJ)")
	src := resolve(t, r.root, "v1")
	command := "for i in $(seq 1 12); do echo line $i; done; echo oops >&2; : > {bin}; exit 3"
	var log bytes.Buffer
	_, err := Build(ctx, Spec{Source: src, Command: command, CacheDir: cache, Log: &log})
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want a *BuildError", err)
	}
	want := fmt.Sprintf("build of v1 (%s) failed: exit status 3:", r.c1[:7])
	for i := 4; i <= 12; i++ {
		want += fmt.Sprintf("\n  line %d", i)
	}
	want += "\n  oops"
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
	if !strings.Contains(log.String(), "line 1\n") || !strings.Contains(log.String(), "oops") {
		t.Errorf("the log holds %q, want all of the build's output", log.String())
	}
	noEntry(t, filepath.Join(cache, r.c1, shortHash(command)))
	if _, err := os.Lstat(filepath.Join(r.root, "INJ")); err == nil {
		t.Error("the cache folder's name ran as code")
	}
	onlyMainTree(t, r.root)

	t.Run("a build that writes nothing at {bin} says so", func(t *testing.T) {
		_, err := Build(ctx, Spec{Source: src, Command: "true {bin}", CacheDir: cache})
		checkMessage(t, err, "wrote no executable file at {bin}", "go build -o {bin}")
		onlyMainTree(t, r.root)
	})
}

func TestBuildStopsAtItsTimeoutAndOnInterrupt(t *testing.T) {
	r := newRepo(t)
	cache := t.TempDir()
	src := resolve(t, r.root, "HEAD")
	// sleep runs as the shell's child: the whole group must go.
	command := "echo started; sleep 60; echo never > {bin}"

	_, err := Build(context.Background(), Spec{Source: src, Command: command, CacheDir: cache, Timeout: 300 * time.Millisecond})
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want a *BuildError", err)
	}
	if want := fmt.Sprintf("build of HEAD (%s) failed: timed out after 300ms:\n  started", r.c2[:7]); err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err = Build(ctx, Spec{Source: src, Command: command, CacheDir: cache})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("an interrupted build: %v, want context.Canceled", err)
	}
	noEntry(t, filepath.Join(cache, r.c2, shortHash(command)))
	onlyMainTree(t, r.root)
}

func TestBuildWithoutABuildCommand(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	cache := t.TempDir()
	src := resolve(t, r.root, "v1")

	t.Run("a server.command that needs {bin} names the key", func(t *testing.T) {
		_, err := Build(ctx, Spec{Source: src, RunCommand: "{bin} -addr {addr}", CacheDir: cache})
		checkMessage(t, err, "server.build is empty", "{bin}")
	})
	t.Run("a server run from its tree gets the tree alone", func(t *testing.T) {
		b, err := Build(ctx, Spec{Source: src, RunCommand: "python3 app.py --addr {addr}", CacheDir: cache, NoTree: true})
		if err != nil {
			t.Fatal(err)
		}
		if b.Path != "" || b.Cached || b.WorkDir == "" {
			t.Errorf("got %+v, want a tree and no binary", b)
		}
		if got := read(t, filepath.Join(b.WorkDir, "version.go")); !strings.Contains(got, `"v1"`) {
			t.Errorf("the tree has version.go %q, want v1's", got)
		}
		if err := b.Cleanup(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Lstat(b.WorkDir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the tree is still there after Cleanup (%v)", err)
		}
		onlyMainTree(t, r.root)
	})
	t.Run("a build that does not write {bin} builds in the server's tree", func(t *testing.T) {
		b, err := Build(ctx, Spec{Source: src, Command: "cp config.txt built.txt", RunCommand: "./app", CacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Cleanup()
		if b.Path != "" || b.Cached {
			t.Errorf("got %+v, want no binary", b)
		}
		if got := read(t, filepath.Join(b.WorkDir, "built.txt")); got != "tracked config\n" {
			t.Errorf("built.txt holds %q", got)
		}
	})
	t.Run("a folder the commit lacks is named", func(t *testing.T) {
		_, err := Build(ctx, Spec{Source: src, Dir: "services/api", CacheDir: cache})
		checkMessage(t, err, "folder services/api is not in v1")
		onlyMainTree(t, r.root)
	})
}

// A process that died holding a worktree leaves it; the next Build removes
// it, and leaves alone the one a live Binary holds.
func TestBuildRemovesTheTreesOfADeadProcess(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	cache := t.TempDir()
	src := resolve(t, r.root, "v1")
	live, err := Build(ctx, Spec{Source: src, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Cleanup()
	// What a killed process leaves: a worktree with a lock file nobody
	// holds, and a worktree whose lock file was never written.
	var stale []string
	for _, name := range []string{r.c1[:12] + "-0badc0de", r.c1[:12] + "-dirty-0badf00d"} {
		dir := filepath.Join(cache, treesFolder, name)
		if _, err := Checkout(ctx, r.root, src, dir); err != nil {
			t.Fatal(err)
		}
		stale = append(stale, dir)
	}
	write(t, filepath.Join(cache, treesFolder), r.c1[:12]+"-0badc0de.lock", "")
	write(t, filepath.Join(cache, treesFolder), "notes.txt", "not ours\n")
	if n := worktrees(t, r.root); n != 4 {
		t.Fatalf("git worktree list shows %d trees, want 4", n)
	}

	b, err := Build(ctx, Spec{Source: src, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range stale {
		if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the dead process's tree %s is still there (%v)", dir, err)
		}
		if _, err := os.Lstat(dir + ".lock"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the dead process's lock %s.lock is still there (%v)", dir, err)
		}
	}
	if _, err := os.Stat(filepath.Join(live.WorkDir, "version.go")); err != nil {
		t.Errorf("the live tree was removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cache, treesFolder, "notes.txt")); err != nil {
		t.Errorf("a file that is not a tree was removed: %v", err)
	}
	if n := worktrees(t, r.root); n != 3 {
		t.Errorf("git worktree list shows %d trees, want the main one and the two live ones:\n%s", n, run(t, r.root, "git", "worktree", "list"))
	}
	b.Cleanup()
	live.Cleanup()
	onlyMainTree(t, r.root)
}

func TestDefaultCacheDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the cache folder of XDG_CACHE_HOME is Linux's")
	}
	t.Setenv("XDG_CACHE_HOME", "/cache")
	t.Setenv("HOME", "/home/u")
	got, err := DefaultCacheDir("/src/app")
	if err != nil {
		t.Fatal(err)
	}
	if want := "/cache/hotbench/builds/" + shortHash("/src/app"); got != want {
		t.Errorf("DefaultCacheDir = %s, want %s", got, want)
	}
}

// A cache folder given relative to the current directory still receives
// the binary, though the build runs in a worktree elsewhere.
func TestRelativeCacheDir(t *testing.T) {
	r := newRepo(t)
	src := resolve(t, r.root, "HEAD")
	t.Chdir(t.TempDir())
	bin, err := Build(context.Background(), Spec{Source: src, Command: goBuild, CacheDir: "cache"})
	if err != nil {
		t.Fatal(err)
	}
	defer bin.Cleanup()
	if !filepath.IsAbs(bin.Path) {
		t.Errorf("binary path %q is relative", bin.Path)
	}
	if _, err := os.Stat(bin.Path); err != nil {
		t.Error(err)
	}
}
