package build

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hotbench/hotbench/internal/safefile"
)

// cleanupTimeout bounds the git commands that remove a worktree; they run
// after the caller's context may have ended.
const cleanupTimeout = time.Minute

// inTree are the options of git commands run in a worktree hotbench made:
// no file-system monitor daemon is started for a tree that lives minutes.
var inTree = []string{"-c", "core.fsmonitor=false"}

// Checkout checks src out into dir, which must not exist yet, as a detached
// git worktree (`git worktree add --detach`) of the repository at repoRoot
// ("" is src.Root), without touching the user's working tree, index or
// branches. For a dirty working tree (src.Dirty) the worktree gets the user's changes too:
// the tracked files' patch is applied (`git diff HEAD --binary | git
// apply`, checked to leave each file it touches as the user has it) and the
// untracked files that are not ignored are copied; when they no longer
// hash to src.DiffHash (a file was saved since Resolve) Checkout fails and
// asks to run again. Submodules are not checked out; ignored files (a
// local .env) are not copied; the user's post-checkout hook does not run.
//
// cleanup removes the worktree (`git worktree remove --force`, then
// `git worktree prune`); it may be called more than once. Checkouts of
// several sources may run at once. An interrupted process leaves its
// worktree's folder; the next Checkout prunes the records of folders that
// are gone, and Build, which checks out under its cache folder, removes the
// folders it left.
func Checkout(ctx context.Context, repoRoot string, src Source, dir string) (cleanup func() error, err error) {
	if src.Commit == "" {
		return nil, errors.New("checkout: the source has no commit: resolve it first (Resolve)")
	}
	if repoRoot == "" {
		repoRoot = src.Root
	}
	// git runs in repoRoot, where a relative dir would mean another folder.
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, fmt.Errorf("checkout %s: %w", src, err)
	}
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("checkout %s into %s: it exists already: give a new folder", src, dir)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("checkout %s: %w", src, err)
	}
	unlock, err := lockWorktrees(ctx, repoRoot)
	if err != nil {
		return nil, fmt.Errorf("checkout %s: %w", src, err)
	}
	// Records of worktrees whose folder is gone (removed by hand, or by a
	// cleaner of temporary files) would otherwise pile up in git worktree
	// list.
	_, err = git(ctx, repoRoot, nil, "worktree", "prune")
	if err == nil {
		_, err = git(ctx, repoRoot, nil, "-c", "core.hooksPath=/dev/null",
			"worktree", "add", "--detach", "--quiet", dir, src.Commit)
	}
	unlock()
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("checkout %s: %w", src, err)
	}
	var once sync.Once
	var cerr error
	cleanup = func() error {
		once.Do(func() { cerr = removeWorktree(repoRoot, dir) })
		return cerr
	}
	if src.Ref == "" {
		if err := applyChanges(ctx, repoRoot, src, dir); err != nil {
			cleanup()
			return nil, err
		}
	}
	return cleanup, nil
}

// applyChanges gives the worktree at dir the changes of the working tree at
// root, which must still be those Resolve found.
func applyChanges(ctx context.Context, root string, src Source, dir string) error {
	ch, err := readChanges(ctx, root, src.Commit)
	if err != nil {
		return fmt.Errorf("checkout %s: %w", src, err)
	}
	if !src.Dirty {
		if !ch.empty() {
			return fmt.Errorf("checkout %s: the working tree changed since hotbench read it: run again", src)
		}
		return nil
	}
	if len(ch.patch) > 0 {
		args := append(append([]string{}, inTree...), "apply", "--binary", "--whitespace=nowarn", "-")
		if _, err := git(ctx, dir, ch.patch, args...); err != nil {
			return fmt.Errorf("checkout %s: apply the working tree's changes: %w", src, err)
		}
	}
	hash, err := ch.hash(root, dir)
	if err != nil {
		return fmt.Errorf("checkout %s: %w", src, err)
	}
	if hash != src.DiffHash {
		return fmt.Errorf("checkout %s: the working tree changed since hotbench read it (a file saved during the build?): run again", src)
	}
	// After the untracked files: one the patch deletes may be untracked now
	// (git rm --cached), and then it is there.
	if len(ch.patch) > 0 {
		if err := sameFiles(ctx, root, dir, ch.patch); err != nil {
			return fmt.Errorf("checkout %s: %w", src, err)
		}
	}
	return nil
}

// sameFiles checks that each file the patch touches is the same in the
// worktree at dir as in the working tree at root: present in both or in
// neither, of the same kind, mode and content (a line-ending or LFS filter
// could make an applied patch differ from what the user has).
func sameFiles(ctx context.Context, root, dir string, patch []byte) error {
	out, err := git(ctx, dir, patch, append(append([]string{}, inTree...), "apply", "--numstat", "-z", "-")...)
	if err != nil {
		return fmt.Errorf("list the changed files: %w", err)
	}
	for _, rec := range bytes.Split(out, []byte{0}) {
		// added TAB deleted TAB path, with -z never quoted.
		fields := bytes.SplitN(rec, []byte{'\t'}, 3)
		if len(fields) != 3 {
			continue
		}
		name := filepath.FromSlash(string(fields[2]))
		if !filepath.IsLocal(name) {
			return fmt.Errorf("changed file %q is outside the repository", name)
		}
		if !sameFile(filepath.Join(root, name), filepath.Join(dir, name)) {
			return fmt.Errorf("the working tree's changes did not apply exactly to %s (the file changed meanwhile, or a line-ending or LFS filter): run again, or commit the changes and give the commit as the ref", filepath.ToSlash(name))
		}
	}
	return nil
}

// sameFile reports whether a and b are both absent, or the same link, or
// regular files with the same executable bit and content.
func sameFile(a, b string) bool {
	fa, erra := os.Lstat(a)
	fb, errb := os.Lstat(b)
	switch {
	case errors.Is(erra, fs.ErrNotExist) && errors.Is(errb, fs.ErrNotExist):
		return true
	case erra != nil || errb != nil || fa.Mode().Type() != fb.Mode().Type():
		return false
	case fa.Mode()&fs.ModeSymlink != 0:
		ta, erra := os.Readlink(a)
		tb, errb := os.Readlink(b)
		return erra == nil && errb == nil && ta == tb
	case !fa.Mode().IsRegular() || fa.Size() != fb.Size() || (fa.Mode().Perm()&0o111 == 0) != (fb.Mode().Perm()&0o111 == 0):
		return false
	}
	da, erra := os.ReadFile(a)
	db, errb := os.ReadFile(b)
	return erra == nil && errb == nil && bytes.Equal(da, db)
}

// removeWorktree removes the worktree at dir and its record.
func removeWorktree(root, dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	unlock, err := lockWorktrees(ctx, root)
	if err != nil {
		return fmt.Errorf("remove worktree %s: %w", dir, err)
	}
	defer unlock()
	_, err = git(ctx, root, nil, "worktree", "remove", "--force", dir)
	if err != nil {
		// Not a worktree any more, or one git will not remove: the folder
		// goes anyway, and prune forgets its record.
		if rerr := os.RemoveAll(dir); rerr != nil {
			return fmt.Errorf("remove worktree %s: %w", dir, rerr)
		}
	}
	if _, err := git(ctx, root, nil, "worktree", "prune"); err != nil {
		return fmt.Errorf("remove worktree %s: %w", dir, err)
	}
	return nil
}

// lockWorktrees serializes git worktree add, remove and prune in the
// repository at root, between goroutines and processes: they race
// otherwise (a prune removes the record another add has begun, a remove
// takes away .git/worktrees under it). The lock is a file in the
// repository's git folder, where anyone who can add a worktree can write.
func lockWorktrees(ctx context.Context, root string) (unlock func(), err error) {
	out, err := git(ctx, root, nil, "rev-parse", "--git-common-dir")
	if err != nil {
		return nil, err
	}
	common := strings.TrimSpace(string(out))
	if !filepath.IsAbs(common) {
		common = filepath.Join(root, common)
	}
	lock, err := safefile.LockFile(ctx, filepath.Join(common, "hotbench-worktrees.lock"))
	if err != nil {
		return nil, err
	}
	return func() { lock.Unlock() }, nil
}

// Build's worktrees live in one folder per cache folder, each beside the
// lock its process holds while it exists: a worktree whose lock is free was
// left by a process that died, and the next Build removes it.

// treesFolder is the folder of Build's worktrees under a cache folder.
const treesFolder = "worktrees"

// treeName matches the names Build gives its worktrees: the commit's first
// 12 digits, -dirty for a working tree with changes, and 8 random digits.
// Nothing else in the folder is ever removed.
var treeName = regexp.MustCompile(`^[0-9a-f]{12}(-dirty)?-[0-9a-f]{8}$`)

// newTree checks src out into a new folder under parent, holding its lock
// until release.
func newTree(ctx context.Context, root, parent string, src Source) (dir string, release func() error, err error) {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", nil, fmt.Errorf("checkout %s: %w", src, err)
	}
	var random [4]byte
	rand.Read(random[:])
	name := src.Commit[:min(12, len(src.Commit))]
	if src.Dirty {
		name += "-dirty"
	}
	name += "-" + hex.EncodeToString(random[:])
	dir = filepath.Join(parent, name)
	lockPath := dir + ".lock"
	lock, err := safefile.LockFile(ctx, lockPath)
	if err != nil {
		return "", nil, fmt.Errorf("checkout %s: %w", src, err)
	}
	unlock := func() {
		os.Remove(lockPath) // while held: a waiter sees the name is gone
		lock.Unlock()
	}
	cleanup, err := Checkout(ctx, root, src, dir)
	if err != nil {
		unlock()
		return "", nil, err
	}
	var once sync.Once
	var rerr error
	release = func() error {
		once.Do(func() {
			rerr = cleanup()
			unlock()
		})
		return rerr
	}
	return dir, release, nil
}

// pruneStale removes the worktrees under parent that a process left when
// it died (their lock is free). Problems are left for the next time:
// pruning is housekeeping.
func pruneStale(ctx context.Context, root, parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	names := map[string]bool{}
	for _, e := range entries {
		if name := strings.TrimSuffix(e.Name(), ".lock"); treeName.MatchString(name) {
			names[name] = true
		}
	}
	if len(names) == 0 {
		return
	}
	// A lock that is held answers at once: do not wait for it.
	now, cancel := context.WithCancel(ctx)
	cancel()
	for name := range names {
		dir := filepath.Join(parent, name)
		lock, err := safefile.LockFile(now, dir+".lock")
		if err != nil {
			continue // in use
		}
		if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
			removeWorktree(root, dir)
		}
		os.Remove(dir + ".lock")
		lock.Unlock()
	}
}
