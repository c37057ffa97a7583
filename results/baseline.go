package results

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hotbench/hotbench/internal/safefile"
)

const baselinesFile = "baselines.json"

// Baseline names cannot contain '@' or '/', so they never read as the other
// forms of a run reference.
var baselineNameRE = regexp.MustCompile(`^[a-z0-9._-]+$`)

// baselinesJSON is baselines.json. Paths are relative to the store and use
// forward slashes, so a results folder can be moved, archived or checked out
// on another system.
type baselinesJSON struct {
	FormatVersion int                 `json:"format_version"`
	Baselines     map[string][]string `json:"baselines"`
}

// SetBaseline names a set of stored runs, for `compare NAME CAND` and the
// gate. Setting an existing name replaces it. Every run must be a run folder
// inside the store. It holds the folder's lock while it reads and rewrites
// baselines.json, so baselines set at once by several processes are all
// kept; it fails with ErrLocked after LockTimeout.
func (s *Store) SetBaseline(name string, runDirs []string) error {
	if !baselineNameRE.MatchString(name) || strings.Trim(name, ".") == "" {
		return fmt.Errorf("baseline name %q is not valid: use lower-case letters, digits, '.', '_' and '-'", name)
	}
	if len(runDirs) == 0 {
		return fmt.Errorf("set baseline %s: name at least one run", name)
	}
	root, err := filepath.Abs(s.Dir)
	if err != nil {
		return fmt.Errorf("set baseline %s: %w", name, err)
	}
	var rels []string
	seen := map[string]bool{}
	for _, d := range runDirs {
		dir, ok := runFolder(d)
		if !ok {
			return fmt.Errorf("set baseline %s: %s is not a run folder (it has no %s)", name, d, runFile)
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("set baseline %s: %w", name, err)
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || !filepath.IsLocal(rel) {
			return fmt.Errorf("set baseline %s: run %s is outside the results folder %s; a baseline can only name stored runs", name, d, s.Dir)
		}
		if rel = filepath.ToSlash(rel); !seen[rel] {
			seen[rel] = true
			rels = append(rels, rel)
		}
	}
	unlock, err := s.lock()
	if err != nil {
		return fmt.Errorf("set baseline %s: %w", name, err)
	}
	defer unlock()
	all, err := s.readBaselines()
	if err != nil {
		return err
	}
	all[name] = rels
	return s.writeBaselines(all)
}

// Baselines returns every baseline with its run folders (joined to Dir, so
// they can be loaded as they are).
func (s *Store) Baselines() (map[string][]string, error) {
	all, err := s.readBaselines()
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(all))
	for name, rels := range all {
		for _, rel := range rels {
			out[name] = append(out[name], filepath.Join(s.Dir, filepath.FromSlash(rel)))
		}
	}
	return out, nil
}

// RemoveBaseline deletes a baseline name; its runs stay.
func (s *Store) RemoveBaseline(name string) error {
	if _, err := os.Stat(filepath.Join(s.Dir, baselinesFile)); errors.Is(err, fs.ErrNotExist) {
		// Nothing to remove, and no reason to create the folder to lock it.
		return fmt.Errorf("no baseline named %q; %s", name, listOrNone("baselines", nil))
	}
	unlock, err := s.lock()
	if err != nil {
		return fmt.Errorf("remove baseline %s: %w", name, err)
	}
	defer unlock()
	all, err := s.readBaselines()
	if err != nil {
		return err
	}
	if _, ok := all[name]; !ok {
		return fmt.Errorf("no baseline named %q; %s", name, listOrNone("baselines", sortedKeys(all)))
	}
	delete(all, name)
	return s.writeBaselines(all)
}

func (s *Store) readBaselines() (map[string][]string, error) {
	path := filepath.Join(s.Dir, baselinesFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string][]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read baselines: %w", err)
	}
	var b baselinesJSON
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s is corrupt (%w); fix or delete it and set the baselines again", path, err)
	}
	if b.FormatVersion > FormatVersion {
		return nil, fmt.Errorf("%s was written by a newer hotbench (format %d): upgrade hotbench", path, b.FormatVersion)
	}
	if b.Baselines == nil {
		b.Baselines = map[string][]string{}
	}
	for name, rels := range b.Baselines {
		for _, rel := range rels {
			// A stored path must stay inside the store, whoever edited the file.
			if !filepath.IsLocal(filepath.FromSlash(rel)) {
				return nil, fmt.Errorf("%s is corrupt (baseline %s names %q, outside the results folder); fix or delete it", path, name, rel)
			}
		}
	}
	return b.Baselines, nil
}

// writeBaselines replaces baselines.json; the caller holds the lock.
func (s *Store) writeBaselines(all map[string][]string) error {
	b, err := json.MarshalIndent(baselinesJSON{FormatVersion: FormatVersion, Baselines: all}, "", "\t")
	if err != nil {
		return fmt.Errorf("write baselines: %w", err)
	}
	if err := safefile.WriteFile(filepath.Join(s.Dir, baselinesFile), append(b, '\n'), 0o644, safefile.RegularOnly()); err != nil {
		return fmt.Errorf("write baselines: %w", err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
