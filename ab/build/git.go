package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
)

// Errors that say why a repository or a ref could not be used; test them
// with errors.Is. Each comes wrapped in a one-line message that says what to
// do, and each is the user's to fix (a usage error).
var (
	// ErrNoGit: git is not installed, or not on PATH.
	ErrNoGit = errors.New("git not found")
	// ErrNotRepository: the folder is not inside a git working tree.
	ErrNotRepository = errors.New("not a git repository")
	// ErrUnknownRef: the ref names no commit of the repository.
	ErrUnknownRef = errors.New("unknown ref")
)

// userError is a message for the user that errors.Is matches to kind.
type userError struct {
	msg  string
	kind error
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &userError{msg: fmt.Sprintf(format, args...), kind: kind}
}

// localGitVars are the variables that tie a git command to one repository
// (git rev-parse --local-env-vars). hotbench may itself run under git (from
// a hook, with GIT_DIR set): the commands it runs in a worktree must find
// that worktree, not the repository of the hook.
var localGitVars = []string{
	"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS",
	"GIT_CONFIG_COUNT", "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE",
	"GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE", "GIT_INDEX_FILE",
	"GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
	"GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR",
}

// cleanEnv is os.Environ without localGitVars (and the GIT_CONFIG_KEY_n,
// GIT_CONFIG_VALUE_n pairs that GIT_CONFIG_COUNT counts).
func cleanEnv() []string {
	env := os.Environ()
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GIT_CONFIG_KEY_") || strings.HasPrefix(name, "GIT_CONFIG_VALUE_") {
			continue
		}
		drop := false
		for _, v := range localGitVars {
			if name == v {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// gitEnv is the environment of the git commands hotbench runs: messages in
// English (they are matched), no prompt for credentials, and no optional
// lock on the user's index, so a git command of the user's running at the
// same moment never fails on index.lock because of us.
func gitEnv() []string {
	return append(cleanEnv(), "LC_ALL=C", "LANGUAGE=", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
}

// gitError is a failed git command: its arguments and what it said.
type gitError struct {
	args   []string
	stderr string
	err    error
}

func (e *gitError) Error() string {
	msg := firstLine(e.stderr)
	if msg == "" {
		msg = e.err.Error()
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.args, " "), msg)
}

func (e *gitError) Unwrap() error { return e.err }

// git runs git -C dir args and returns its standard output. stdin, when not
// nil, is its input.
func git(ctx context.Context, dir string, stdin []byte, args ...string) ([]byte, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errorf(ErrNoGit, "git not found on PATH: install git (hotbench ab builds base and candidate from a git repository)")
	}
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	cmd.Env = gitEnv()
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return stdout.Bytes(), &gitError{args: args, stderr: stderr.String(), err: err}
	}
	return stdout.Bytes(), nil
}

// firstLine is the first line of git's message that says something, without
// git's "fatal: " or "error: ".
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		for _, p := range []string{"fatal: ", "error: "} {
			line = strings.TrimPrefix(line, p)
		}
		if line != "" && !strings.HasPrefix(line, "hint: ") && !strings.HasPrefix(line, "warning: ") {
			return line
		}
	}
	return ""
}

// Root returns the top level of the git working tree around dir, as git
// names it (symbolic links resolved), and dir's place in it: a
// slash-separated path relative to root, "" for the root itself (for
// Spec.Dir, so that a build runs where hotbench would have run it).
func Root(ctx context.Context, dir string) (root, sub string, err error) {
	if fi, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return "", "", errorf(ErrNotRepository, "repository %s does not exist: give the repository's folder with --repo DIR", dir)
	} else if err != nil {
		return "", "", fmt.Errorf("repository %s: %w", dir, err)
	} else if !fi.IsDir() {
		return "", "", errorf(ErrNotRepository, "repository %s is not a folder: give the folder of the git repository with --repo DIR", dir)
	}
	out, err := git(ctx, dir, nil, "rev-parse", "--show-toplevel", "--show-prefix")
	if err != nil {
		var ge *gitError
		switch {
		case !errors.As(err, &ge):
			return "", "", err
		case strings.Contains(ge.stderr, "not a git repository"):
			return "", "", errorf(ErrNotRepository, "%s is not inside a git repository: give the repository with --repo DIR", dir)
		case strings.Contains(ge.stderr, "must be run in a work tree"):
			return "", "", errorf(ErrNotRepository, "%s is a bare git repository: give a clone with a working tree with --repo DIR", dir)
		}
		return "", "", fmt.Errorf("repository %s: %w", dir, err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	root = lines[0]
	if len(lines) > 1 {
		sub = strings.TrimSuffix(lines[1], "/")
	}
	return root, sub, nil
}
