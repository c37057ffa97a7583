package build

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Source is one version of the user's service: a commit, or the working
// tree with its uncommitted changes.
type Source struct {
	// Root is the top level of the repository (as Root returns it).
	Root string
	// Ref is the ref as given; "" is the working tree.
	Ref string
	// Commit is the full hash of the commit; the working tree's is HEAD's.
	Commit string
	// Dirty is set for a working tree with changes to tracked files (staged
	// or not) or untracked files that are not ignored. A commit is never
	// dirty.
	Dirty bool
	// DiffHash identifies a dirty working tree's changes: a short hash of
	// `git diff HEAD --binary --full-index` and the untracked files' names,
	// modes and contents. Two different dirty states never share it and
	// the same state always has the same one. "" unless Dirty.
	DiffHash string
}

// String names the source for messages: "origin/main (3a53ee4)",
// "working tree (3a53ee4)", or "working tree (3a53ee4 with uncommitted
// changes)".
func (s Source) String() string {
	short := s.Commit
	if len(short) > 7 {
		short = short[:7]
	}
	switch {
	case s.Ref != "":
		return fmt.Sprintf("%s (%s)", s.Ref, short)
	case s.Dirty:
		return fmt.Sprintf("working tree (%s with uncommitted changes)", short)
	}
	return fmt.Sprintf("working tree (%s)", short)
}

// key is the source's folder in the cache: the commit, and for a dirty
// working tree "-dirty-" and its DiffHash.
func (s Source) key() string {
	if s.Dirty {
		return s.Commit + "-dirty-" + s.DiffHash
	}
	return s.Commit
}

// Resolve finds what ref names in the git repository around repoDir: ""
// is the working tree, with its uncommitted changes (see Source.Dirty);
// anything else is a commit, branch, tag or expression git understands
// (HEAD, v1.2, origin/main, HEAD~3), resolved with
// `git rev-parse --verify REF^{commit}`.
//
// Its errors are one line that says what to do, and match ErrNoGit,
// ErrNotRepository or ErrUnknownRef with errors.Is.
func Resolve(ctx context.Context, repoDir, ref string) (Source, error) {
	if strings.HasPrefix(ref, "-") {
		return Source{}, errorf(ErrUnknownRef, "ref %q starts with '-': give a commit, branch or tag", ref)
	}
	root, _, err := Root(ctx, repoDir)
	if err != nil {
		return Source{}, err
	}
	if ref == "" {
		commit, err := head(ctx, root)
		if err != nil {
			return Source{}, err
		}
		ch, err := readChanges(ctx, root, commit)
		if err != nil {
			return Source{}, err
		}
		hash, err := ch.hash(root, "")
		if err != nil {
			return Source{}, err
		}
		src := Source{Root: root, Commit: commit}
		if !ch.empty() {
			src.Dirty, src.DiffHash = true, hash
		}
		return src, nil
	}
	out, err := git(ctx, root, nil, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	if err != nil {
		var ge *gitError
		if !errors.As(err, &ge) || ctx.Err() != nil {
			return Source{}, err
		}
		return Source{}, unknownRef(ctx, root, ref)
	}
	return Source{Root: root, Ref: ref, Commit: strings.TrimSpace(string(out))}, nil
}

// head is the commit HEAD names.
func head(ctx context.Context, root string) (string, error) {
	out, err := git(ctx, root, nil, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		return "", errorf(ErrUnknownRef, "the repository %s has no commit yet: commit the service first", root)
	}
	return strings.TrimSpace(string(out)), nil
}

// unknownRef explains why ref names no commit: a remote's branch that was
// not fetched, a remote that does not exist, or a name that is not there.
func unknownRef(ctx context.Context, root, ref string) error {
	if exists, err := git(ctx, root, nil, "rev-parse", "--verify", "--quiet", ref); err == nil && len(exists) > 0 {
		return errorf(ErrUnknownRef, "ref %q names no commit (it is a tree or a file): give a commit, branch or tag", ref)
	}
	if remote, branch, ok := strings.Cut(ref, "/"); ok && remote != "" && branch != "" {
		out, err := git(ctx, root, nil, "remote")
		if err != nil {
			return err
		}
		remotes := strings.Fields(string(out))
		for _, r := range remotes {
			if r == remote {
				return errorf(ErrUnknownRef, "unknown ref %q: remote %s has no branch %s here yet: run git fetch %s, then try again", ref, remote, branch, remote)
			}
		}
		if remote == "origin" || remote == "upstream" || len(remotes) == 0 {
			return errorf(ErrUnknownRef, "unknown ref %q: the repository has no remote named %s: add it (git remote add %s URL), git fetch %s, then try again", ref, remote, remote, remote)
		}
	}
	return errorf(ErrUnknownRef, "unknown ref %q: no commit, branch or tag has that name in %s: check it (git branch -a, git tag), or git fetch if it is on a remote", ref, root)
}
