package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hotbench/hotbench/internal/safefile"
	"github.com/hotbench/hotbench/internal/shellcmd"
)

// DefaultTimeout bounds a build when Spec.Timeout is 0.
const DefaultTimeout = 10 * time.Minute

// tailLines is how many of a failed build's last lines its error shows.
const tailLines = 10

// Spec is what Build builds, and how.
type Spec struct {
	// RepoRoot is the top level of the repository; "" is Source.Root.
	RepoRoot string
	// Source is the version to build (Resolve).
	Source Source
	// Command is server.build, run with sh -c; {bin} is the path it must
	// write the server to. "" builds nothing.
	Command string
	// RunCommand is server.command. Build only looks whether it uses {bin}:
	// then a build is required.
	RunCommand string
	// Dir is the folder, relative to the top level and slash-separated,
	// where the build runs and Binary.WorkDir points (Root's sub, so that
	// a relative path in the commands means what it means to hotbench run);
	// "" is the top level.
	Dir string
	// CacheDir holds the built binaries and Build's worktrees; "" is
	// DefaultCacheDir(RepoRoot).
	CacheDir string
	// Log receives the build's output as it runs and a line on what Build
	// does; nil discards them.
	Log io.Writer
	// Timeout bounds the build command; 0 is DefaultTimeout.
	Timeout time.Duration
	// NoTree says the server reads nothing from its source tree: Build
	// then leaves no worktree checked out for it, and a cache hit checks
	// out nothing at all. Without a build, or with one that does not write
	// {bin}, the tree is all there is, and it is kept anyway.
	NoTree bool
	// Rebuild builds even when the cache has the binary (after a change
	// of compiler, say), and replaces it.
	Rebuild bool
}

// Binary is a built version of the service, and the tree it runs in.
type Binary struct {
	// Path is the server binary, in the cache; "" when there is no build,
	// or the build does not write {bin} (it builds in WorkDir).
	Path string
	// Source is the version it was built from.
	Source Source
	// Cached says Path came from the cache: nothing was built, and nothing
	// checked out to build it.
	Cached bool
	// Duration is how long the build command ran; 0 when Cached.
	Duration time.Duration
	// WorkDir is where server.command runs: Spec.Dir in a worktree of
	// Source (with a dirty working tree's changes), checked out until
	// Cleanup, because the server may read files relative to its tree.
	// A fresh checkout whether the binary was cached or not, so the server
	// sees the same tree either way. "" with Spec.NoTree.
	WorkDir string

	release func() error
}

// Cleanup removes WorkDir's worktree, once the server has stopped; the
// cached binary stays. It may be called more than once.
func (b Binary) Cleanup() error {
	if b.release == nil {
		return nil
	}
	return b.release()
}

// BuildError is a build command that failed, with its last lines of output.
type BuildError struct {
	Source Source
	Err    error    // the exit status, or the timeout
	Output []string // the last lines of output, at most 10
}

func (e *BuildError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "build of %s failed: %v", e.Source, e.Err)
	if len(e.Output) == 0 {
		b.WriteString(" (no output)")
		return b.String()
	}
	b.WriteString(":")
	for _, line := range e.Output {
		b.WriteString("\n  " + line)
	}
	return b.String()
}

func (e *BuildError) Unwrap() error { return e.Err }

// DefaultCacheDir is the cache folder of the repository at repoRoot:
// os.UserCacheDir()/hotbench/builds/<short hash of repoRoot>.
func DefaultCacheDir(repoRoot string) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("build cache: %w", err)
	}
	return filepath.Join(base, "hotbench", "builds", shortHash(repoRoot)), nil
}

// Build builds spec.Source with spec.Command, through a cache, and checks
// it out to run (Binary.WorkDir) unless spec.NoTree. The caller calls
// Binary.Cleanup once the server has stopped.
//
// The binary is cached at
//
//	CacheDir/<commit>[-dirty-<DiffHash>]/<short hash of the command>/server
//
// (the hash covers Spec.Dir too when it is set). On a cache hit nothing is
// built. Otherwise Build checks the source out (Checkout) under
// CacheDir/worktrees, runs the command there with sh -c, {bin} filled
// through internal/shellcmd (its value is never read by the shell as code)
// with a path in a temporary folder of the cache entry, then renames the
// result into place: a failed or interrupted build leaves no entry. The
// build's worktree is removed; the server gets a fresh one, so it sees the
// same tree whether its binary was cached or not. Concurrent builds of the
// same entry wait for one another, and the later ones are cache hits.
//
// A failed build is a *BuildError that names the source and shows the
// build's last lines; an interrupted one wraps the context's error.
func Build(ctx context.Context, spec Spec) (Binary, error) {
	src := spec.Source
	if spec.RepoRoot == "" {
		spec.RepoRoot = src.Root
	}
	if spec.RepoRoot == "" {
		return Binary{}, errors.New("build: no repository given (Spec.RepoRoot)")
	}
	if src.Commit == "" {
		return Binary{}, errors.New("build: the source has no commit: resolve it first (Resolve)")
	}
	if spec.Dir != "" && !filepath.IsLocal(filepath.FromSlash(spec.Dir)) {
		return Binary{}, fmt.Errorf("build: folder %q is not inside the repository", spec.Dir)
	}
	if spec.Command == "" && usesBin(spec.RunCommand) {
		return Binary{}, fmt.Errorf("server.command uses {bin} but server.build is empty: add a server.build that writes {bin}, like go build -o {bin} ./cmd/app")
	}
	if spec.CacheDir == "" {
		dir, err := DefaultCacheDir(spec.RepoRoot)
		if err != nil {
			return Binary{}, err
		}
		spec.CacheDir = dir
	}
	// {bin} lies in the cache and the build runs in a worktree: a relative
	// cache folder would point the build somewhere else.
	abs, err := filepath.Abs(spec.CacheDir)
	if err != nil {
		return Binary{}, fmt.Errorf("build: cache folder %s: %w", spec.CacheDir, err)
	}
	spec.CacheDir = abs
	if spec.Log == nil {
		spec.Log = io.Discard
	}
	if spec.Timeout <= 0 {
		spec.Timeout = DefaultTimeout
	}
	trees := filepath.Join(spec.CacheDir, treesFolder)
	pruneStale(ctx, spec.RepoRoot, trees)

	bin := Binary{Source: src}
	if spec.Command != "" && !usesBin(spec.Command) {
		// It builds into its tree, which the server then runs in: nothing
		// to cache.
		if bin.WorkDir, bin.release, err = workTree(ctx, spec, trees); err != nil {
			return Binary{}, err
		}
		fmt.Fprintf(spec.Log, "build %s: %s\n", src, spec.Command)
		if bin.Duration, err = runBuild(ctx, spec, bin.WorkDir, nil); err != nil {
			bin.release()
			return Binary{}, err
		}
		return bin, nil
	}
	if spec.Command != "" {
		if bin.Path, bin.Cached, bin.Duration, err = cached(ctx, spec, trees); err != nil {
			return Binary{}, err
		}
	}
	if spec.NoTree && bin.Path != "" {
		return bin, nil
	}
	if bin.WorkDir, bin.release, err = workTree(ctx, spec, trees); err != nil {
		return Binary{}, err
	}
	return bin, nil
}

// workTree checks the source out into a fresh tree for the build and the
// server, and returns the folder they run in (spec.Dir in it) and what
// removes the tree.
func workTree(ctx context.Context, spec Spec, trees string) (string, func() error, error) {
	dir, release, err := newTree(ctx, spec.RepoRoot, trees, spec.Source)
	if err != nil {
		return "", nil, err
	}
	work := filepath.Join(dir, filepath.FromSlash(spec.Dir))
	if err := isFolder(work, spec.Dir, spec.Source); err != nil {
		release()
		return "", nil, err
	}
	return work, release, nil
}

// cached returns the path of spec's binary in the cache, building it first
// unless it is there.
func cached(ctx context.Context, spec Spec, trees string) (path string, hit bool, took time.Duration, err error) {
	src := spec.Source
	key := spec.Command
	if spec.Dir != "" {
		key = spec.Dir + "\x00" + spec.Command
	}
	entry := filepath.Join(spec.CacheDir, src.key(), shortHash(key))
	path = filepath.Join(entry, "server")
	if !spec.Rebuild && isExecutable(path) {
		fmt.Fprintf(spec.Log, "build %s: cached %s\n", src, path)
		return path, true, 0, nil
	}
	if err := os.MkdirAll(entry, 0o755); err != nil {
		return "", false, 0, fmt.Errorf("build cache: %w", err)
	}
	// One build of an entry at a time: whoever waited finds it built.
	lock, err := safefile.LockFile(ctx, filepath.Join(entry, ".lock"))
	if err != nil {
		return "", false, 0, fmt.Errorf("build of %s: %w", src, err)
	}
	defer lock.Unlock()
	if !spec.Rebuild && isExecutable(path) {
		fmt.Fprintf(spec.Log, "build %s: cached %s\n", src, path)
		return path, true, 0, nil
	}
	// Under the lock, any other temporary folder is a build that died.
	if old, _ := filepath.Glob(filepath.Join(entry, ".build-*")); len(old) > 0 {
		for _, dir := range old {
			os.RemoveAll(dir)
		}
	}
	tmp, err := os.MkdirTemp(entry, ".build-")
	if err != nil {
		return "", false, 0, fmt.Errorf("build cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	dir, release, err := newTree(ctx, spec.RepoRoot, trees, src)
	if err != nil {
		return "", false, 0, err
	}
	defer release()
	workDir := filepath.Join(dir, filepath.FromSlash(spec.Dir))
	if err := isFolder(workDir, spec.Dir, src); err != nil {
		return "", false, 0, err
	}
	fmt.Fprintf(spec.Log, "build %s: %s\n", src, spec.Command)
	out := filepath.Join(tmp, "server")
	took, err = runBuild(ctx, spec, workDir, map[string]string{"bin": out})
	if err != nil {
		return "", false, took, err
	}
	if !isExecutable(out) {
		return "", false, took, fmt.Errorf("build of %s wrote no executable file at {bin}: make server.build write the server to {bin}, like go build -o {bin} ./cmd/app", src)
	}
	if err := os.Rename(out, path); err != nil {
		return "", false, took, fmt.Errorf("build cache: %w", err)
	}
	fmt.Fprintf(spec.Log, "build %s: built in %s\n", src, took.Round(time.Millisecond))
	return path, false, took, nil
}

// runBuild runs spec.Command in dir with values filled in, under spec.Timeout
// and ctx, its output going to spec.Log and, for its error, to a tail.
func runBuild(ctx context.Context, spec Spec, dir string, values map[string]string) (time.Duration, error) {
	bctx, cancel := context.WithTimeout(ctx, spec.Timeout)
	defer cancel()
	script, env := shellcmd.Fill(spec.Command, values)
	cmd := exec.CommandContext(bctx, "sh", "-c", script)
	cmd.Dir = dir
	// The build finds the worktree's repository, not one a git hook that
	// started hotbench named.
	cmd.Env = append(cleanEnv(), env...)
	tail := &tail{}
	cmd.Stdout = io.MultiWriter(spec.Log, tail)
	cmd.Stderr = cmd.Stdout
	killGroup(cmd) // a compiler the shell started must stop with it
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	switch {
	case err == nil:
		return took, nil
	case ctx.Err() != nil:
		return took, fmt.Errorf("build of %s: %w", spec.Source, ctx.Err())
	case bctx.Err() != nil:
		err = fmt.Errorf("timed out after %s", spec.Timeout)
	}
	return took, &BuildError{Source: spec.Source, Err: err, Output: tail.lines(tailLines)}
}

// tail keeps the last bytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailBytes = 16 << 10

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - 2*tailBytes; over > 0 {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

// lines returns the last n lines that are not blank.
func (t *tail) lines(n int) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, line := range strings.Split(string(t.buf), "\n") {
		if line = strings.TrimRight(line, " \t\r"); line != "" {
			out = append(out, line)
		}
	}
	return out[max(0, len(out)-n):]
}

// usesBin reports whether a command has a {bin} placeholder that Fill
// would fill (not one in a comment).
func usesBin(command string) bool {
	_, env := shellcmd.Fill(command, map[string]string{"bin": "x"})
	return len(env) > 0
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

func isFolder(path, rel string, src Source) error {
	fi, err := os.Stat(path)
	if err == nil && fi.IsDir() {
		return nil
	}
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("folder %s is not in %s: run hotbench from a folder that exists in both versions", rel, src)
	}
	return fmt.Errorf("checkout %s: %w", src, err)
}

// shortHash is 12 hexadecimal digits of s's SHA-256.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}
