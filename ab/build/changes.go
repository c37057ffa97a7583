package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// diffArgs make `git diff COMMIT` print the same bytes for the same working
// tree whatever the user's configuration: full object names (an
// abbreviation grows with the repository), binary patches, fixed prefixes,
// no renames, the default algorithm, context and order, and no external diff, text conversion
// or color. Submodules are left out: a worktree never checks them out.
var diffArgs = []string{
	"diff", "--binary", "--full-index", "--no-color", "--no-ext-diff", "--no-textconv",
	"--no-renames", "--diff-algorithm=myers", "--indent-heuristic", "-U3",
	"--inter-hunk-context=0", "-O/dev/null", "--src-prefix=a/", "--dst-prefix=b/",
	"--ignore-submodules=all",
}

// changes are a working tree's changes against a commit: the tracked
// files' patch, and the untracked files that are not ignored.
type changes struct {
	patch     []byte
	untracked []string // slash-separated, relative to the top level, sorted
}

func (c changes) empty() bool { return len(c.patch) == 0 && len(c.untracked) == 0 }

// readChanges reads the working tree at root's changes against commit.
func readChanges(ctx context.Context, root, commit string) (changes, error) {
	patch, err := git(ctx, root, nil, append(diffArgs, commit, "--")...)
	if err != nil {
		return changes{}, fmt.Errorf("read the working tree's changes: %w", err)
	}
	out, err := git(ctx, root, nil, "ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return changes{}, fmt.Errorf("list the untracked files: %w", err)
	}
	var untracked []string
	for _, name := range bytes.Split(out, []byte{0}) {
		// A folder ("sub/") is a nested repository, which git does not
		// look into, and neither do we.
		if len(name) > 0 && name[len(name)-1] != '/' {
			untracked = append(untracked, string(name))
		}
	}
	return changes{patch: patch, untracked: untracked}, nil
}

// hash returns the DiffHash of the changes, reading the untracked files
// under root; with copyTo set it also copies each file to the same place
// under copyTo, so that what is hashed is exactly what was copied.
//
// The hash covers the patch and, per untracked file, its name, its kind
// (file, executable, link) and the SHA-256 of its content or link target.
// A file that is gone by the time it is read is left out; a FIFO, socket
// or device is left out too (reading a FIFO would wait for ever).
func (c changes) hash(root, copyTo string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "hotbench working tree v1\npatch %d\n", len(c.patch))
	h.Write(c.patch)
	for _, name := range c.untracked {
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return "", fmt.Errorf("untracked file %q is outside the repository", name)
		}
		if err := hashFile(h, root, name, copyTo); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func hashFile(h hash.Hash, root, name, copyTo string) error {
	src := filepath.Join(root, filepath.FromSlash(name))
	fi, err := os.Lstat(src)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read untracked file: %w", err)
	}
	var dst string
	if copyTo != "" {
		dst = filepath.Join(copyTo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("copy untracked file: %w", err)
		}
	}
	switch mode := fi.Mode(); {
	case mode&fs.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return fmt.Errorf("read untracked link: %w", err)
		}
		fmt.Fprintf(h, "link %q %x\n", name, sha256.Sum256([]byte(target)))
		if dst != "" {
			os.Remove(dst)
			if err := os.Symlink(target, dst); err != nil {
				return fmt.Errorf("copy untracked link: %w", err)
			}
		}
	case mode.IsRegular():
		kind := "file"
		if mode.Perm()&0o111 != 0 {
			kind = "exec"
		}
		sum, err := copyFile(src, dst, mode.Perm())
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %q %x\n", kind, name, sum)
	}
	return nil
}

// copyFile returns the SHA-256 of src's content, and copies it to dst
// (with perm) unless dst is "".
func copyFile(src, dst string, perm fs.FileMode) ([]byte, error) {
	in, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	sum := sha256.New()
	if dst == "" {
		if _, err := io.Copy(sum, in); err != nil {
			return nil, fmt.Errorf("read untracked file: %w", err)
		}
		return sum.Sum(nil), nil
	}
	os.Remove(dst)
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return nil, fmt.Errorf("copy untracked file: %w", err)
	}
	_, err = io.Copy(io.MultiWriter(out, sum), in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(dst, perm) // past the umask, as the user's file is
	}
	if err != nil {
		return nil, fmt.Errorf("copy untracked file: %w", err)
	}
	return sum.Sum(nil), nil
}
