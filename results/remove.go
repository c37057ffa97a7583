package results

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ResolveRun turns a reference to one stored run into its folder, as
// Resolve does, but refuses a baseline (a bare baseline name or
// baseline:NAME): it names a set of runs, not one run to act on. A bare
// name that is both a folder and a baseline is refused as Resolve refuses
// it.
func (s *Store) ResolveRun(ref string) (string, error) {
	if name, ok := strings.CutPrefix(ref, "baseline:"); ok {
		return "", notARun(name)
	}
	dirs, err := s.Resolve(ref)
	if err != nil {
		return "", err
	}
	if _, folder := runFolder(ref); !folder && !strings.Contains(ref, "@") {
		return "", notARun(ref)
	}
	return dirs[0], nil
}

func notARun(baseline string) error {
	return fmt.Errorf("%s is a baseline, a set of runs: name its runs (hotbench baseline ls shows them), or remove the baseline itself with 'hotbench baseline rm %s' (its runs stay)", baseline, baseline)
}

// BaselineUseError is Remove's refusal to remove runs that baselines name.
type BaselineUseError struct {
	// Uses maps each baseline to the runs it names that were to be removed.
	Uses map[string][]string
}

func (e *BaselineUseError) Error() string {
	names := sortedKeys(e.Uses)
	var runs []string
	for _, n := range names {
		for _, d := range e.Uses[n] {
			runs = append(runs, fmt.Sprintf("baseline %s names %s", n, d))
		}
	}
	return fmt.Sprintf("%s: remove the baseline first with 'hotbench baseline rm %s' (or set it again without the run), or remove the run anyway with --force",
		strings.Join(runs, "; "), strings.Join(names, " "))
}

// Remove deletes stored runs, each a run folder inside the store, with its
// profiles and raw results. It holds the folder's lock while it checks the
// baselines and removes, so a baseline set meanwhile cannot come to name a
// removed run unseen. A run that a baseline names is refused, and nothing
// is removed, with a *BaselineUseError, unless force is set: then it is
// removed and dangling maps each baseline to the removed runs it still
// names (Resolve refuses such a baseline until it is set again or removed).
//
// Each folder is first renamed to a hidden name beside it, which List and
// Resolve skip, and then deleted: an interruption leaves no half-removed
// run that still lists. A scenario folder left empty is removed too.
func (s *Store) Remove(dirs []string, force bool) (dangling map[string][]string, err error) {
	root, err := filepath.Abs(s.Dir)
	if err != nil {
		return nil, fmt.Errorf("remove runs: %w", err)
	}
	var abs []string
	seen := map[string]bool{}
	for _, d := range dirs {
		a, err := s.storedRun(root, d)
		if err != nil {
			return nil, err
		}
		if !seen[a] {
			seen[a] = true
			abs = append(abs, a)
		}
	}
	if len(abs) == 0 {
		return nil, errors.New("remove runs: name at least one run")
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, fmt.Errorf("remove runs: %w", err)
	}
	defer unlock()
	baselines, err := s.Baselines()
	if err != nil {
		return nil, err
	}
	uses := map[string][]string{}
	for name, bdirs := range baselines {
		for _, d := range bdirs {
			if a, err := filepath.Abs(d); err == nil && seen[a] {
				uses[name] = append(uses[name], d)
			}
		}
	}
	for _, d := range uses {
		sort.Strings(d)
	}
	if len(uses) > 0 && !force {
		return nil, &BaselineUseError{Uses: uses}
	}
	for _, a := range abs {
		if err := removeRun(a); err != nil {
			return uses, err
		}
	}
	if len(uses) == 0 {
		uses = nil
	}
	return uses, nil
}

// storedRun checks that d is a run folder of the store rooted at root, one
// level below a scenario folder, and returns its absolute path.
func (s *Store) storedRun(root, d string) (string, error) {
	dir, ok := runFolder(d)
	if !ok {
		return "", fmt.Errorf("%s is not a run folder (it has no %s)", d, runFile)
	}
	a, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("remove %s: %w", d, err)
	}
	rel, err := filepath.Rel(root, a)
	if err != nil || !filepath.IsLocal(rel) || len(strings.Split(filepath.ToSlash(rel), "/")) != 2 {
		return "", fmt.Errorf("%s is not a run stored in the results folder %s: only stored runs are removed (--results names the folder)", d, s.Dir)
	}
	return a, nil
}

// removeRun hides the run folder under a name List skips, then deletes it,
// and removes its scenario folder when nothing is left in it.
func removeRun(dir string) error {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	hidden := filepath.Join(filepath.Dir(dir), ".removing-"+filepath.Base(dir)+"-"+hex.EncodeToString(b[:]))
	if err := os.Rename(dir, hidden); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	if err := os.RemoveAll(hidden); err != nil {
		return fmt.Errorf("remove %s: the run no longer lists, but deleting it failed (delete %s by hand): %w", dir, hidden, err)
	}
	os.Remove(filepath.Dir(dir)) // only if empty: verdicts and other runs stay
	return nil
}
