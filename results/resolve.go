package results

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Resolve turns a run reference into run folders. In order of precedence a
// reference is:
//
//   - a path to a run folder, or to its run.json;
//   - scenario@latest: the scenario's newest run, complete or not;
//   - scenario@FOLDER: the run in that folder (scenario@20261127T010203Z-before);
//   - scenario@LABEL: the scenario's newest run with that label (as given to
//     --label, or as its folder spells it). A label used for several runs
//     names the newest; "latest" always means the newest run;
//   - a baseline name (see SetBaseline), or baseline:NAME: all of its runs.
//
// A bare name that is both a run folder in the working directory and a
// baseline is ambiguous and refused, naming both ways to say which.
//
// Several references per side are the caller's business. An unknown
// reference is an error that lists what exists.
func (s *Store) Resolve(ref string) ([]string, error) {
	if strings.TrimSpace(ref) == "" {
		return nil, errors.New("empty run reference: name a run folder, scenario@latest, scenario@LABEL or a baseline")
	}
	if name, ok := strings.CutPrefix(ref, "baseline:"); ok {
		return s.resolveBaseline(name, nil)
	}
	if dir, ok := runFolder(ref); ok {
		// A bare name that is both a folder here and a baseline is refused:
		// silently preferring one would compare the wrong runs.
		if !strings.ContainsAny(ref, `/\`) {
			if baselines, err := s.Baselines(); err == nil {
				if _, both := baselines[ref]; both {
					return nil, fmt.Errorf("%q names both the run folder %s and the baseline %s: write ./%s for the folder or baseline:%s for the baseline", ref, dir, ref, ref, ref)
				}
			}
		}
		return []string{dir}, nil
	}
	if scenario, sel, ok := strings.Cut(ref, "@"); ok {
		dir, err := s.resolveAt(scenario, sel)
		if err != nil {
			return nil, err
		}
		return []string{dir}, nil
	}
	baselines, err := s.Baselines()
	if err != nil {
		return nil, err
	}
	if _, ok := baselines[ref]; ok {
		return s.resolveBaseline(ref, baselines)
	}
	if fi, err := os.Stat(ref); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is not a run folder (it has no %s): name a run folder, scenario@latest, scenario@LABEL or a baseline", ref, runFile)
	}
	return nil, fmt.Errorf("no run folder, scenario@label or baseline is named %q; %s", ref, s.whatExists(baselines))
}

// LoadRuns resolves references and loads the runs they name, in order.
// Each reference may hold several, comma-separated ("svc@before,svc@b2");
// blank ones are skipped. An unknown reference, an unreadable run, or no
// run named at all is an error; every one of them is the caller's input to
// correct.
func (s *Store) LoadRuns(refs ...string) ([]*Run, error) {
	var runs []*Run
	for _, arg := range refs {
		for _, ref := range strings.Split(arg, ",") {
			if ref = strings.TrimSpace(ref); ref == "" {
				continue
			}
			dirs, err := s.Resolve(ref)
			if err != nil {
				return nil, err
			}
			for _, d := range dirs {
				r, err := Load(d)
				if err != nil {
					return nil, err
				}
				runs = append(runs, r)
			}
		}
	}
	if len(runs) == 0 {
		return nil, errors.New("no runs named: give a run folder, scenario@latest, scenario@LABEL or a baseline")
	}
	return runs, nil
}

// SameRuns reports whether a and b are exactly the same run folders, in
// any order and whatever the repeats: comparing them compares nothing.
func SameRuns(a, b []*Run) bool {
	return slices.Equal(runDirs(a), runDirs(b))
}

// runDirs is the runs' absolute folders, sorted, without repeats.
func runDirs(runs []*Run) []string {
	var d []string
	for _, r := range runs {
		abs, err := filepath.Abs(r.Dir)
		if err != nil {
			abs = r.Dir
		}
		d = append(d, abs)
	}
	slices.Sort(d)
	return slices.Compact(d)
}

// resolveBaseline returns the run folders of the named baseline.
func (s *Store) resolveBaseline(name string, baselines map[string][]string) ([]string, error) {
	if baselines == nil {
		var err error
		if baselines, err = s.Baselines(); err != nil {
			return nil, err
		}
	}
	dirs, ok := baselines[name]
	if !ok {
		return nil, fmt.Errorf("no baseline is named %q; %s", name, s.whatExists(baselines))
	}
	for _, d := range dirs {
		if _, ok := runFolder(d); !ok {
			return nil, fmt.Errorf("baseline %s names %s, which holds no run any more: set the baseline again", name, d)
		}
	}
	return dirs, nil
}

// runFolder reports whether ref is a run folder or a run.json in one.
func runFolder(ref string) (string, bool) {
	dir := ref
	if filepath.Base(ref) == runFile {
		dir = filepath.Dir(ref)
	}
	fi, err := os.Stat(filepath.Join(dir, runFile))
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	return filepath.Clean(dir), true
}

func (s *Store) resolveAt(scenario, sel string) (string, error) {
	var runs []RunInfo
	var problems []problem
	if scenarioNameRE.MatchString(scenario) { // and so never a path outside the store
		runs, problems = s.listScenario(scenario)
	}
	if len(runs) == 0 && len(problems) == 0 {
		names, _ := s.scenarioFolders()
		return "", fmt.Errorf("no runs of scenario %q in %s; %s", scenario, s.Dir, listOrNone("scenarios with runs", names))
	}
	sortNewestFirst(runs)
	if !runFolderRE.MatchString(sel) {
		runs = slices.DeleteFunc(runs, func(r RunInfo) bool { return r.Part })
	}
	var match *RunInfo
	switch {
	case sel == "latest":
		if len(runs) > 0 {
			match = &runs[0]
		}
	case runFolderRE.MatchString(sel):
		for i := range runs {
			if runs[i].Name() == sel {
				match = &runs[i]
				break
			}
		}
	default:
		for i := range runs {
			if runs[i].Label == sel || folderLabel(runs[i].Label) == sel {
				match = &runs[i]
				break
			}
		}
	}
	// An unreadable run that may be the one meant is an error, rather than a
	// silent fall back to an older run.
	for _, p := range problems {
		if mayBeMeant(filepath.Base(p.dir), sel, match) {
			return "", fmt.Errorf("cannot resolve %s@%s: %w", scenario, sel, p.err)
		}
	}
	if match == nil {
		return "", fmt.Errorf("no run matches %s@%s; %s", scenario, sel, listOrNone("labels of "+scenario, labels(runs)))
	}
	return match.Dir, nil
}

// mayBeMeant reports whether the unreadable run folder named folder could be
// what scenario@sel means, given the readable match (nil if none). Folder
// names begin with the UTC start time, so they sort like start times.
func mayBeMeant(folder, sel string, match *RunInfo) bool {
	newer := match == nil || folder > match.Name()
	switch {
	case sel == "latest":
		return newer
	case runFolderRE.MatchString(sel):
		return folder == sel
	}
	label := folderLabel(sel)
	rest := folder[min(len(folder), len(timeLayout)+1):]
	return newer && (rest == label || strings.HasPrefix(rest, label+"-"))
}

func labels(runs []RunInfo) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range runs {
		if r.Label != "" && !seen[r.Label] {
			seen[r.Label] = true
			out = append(out, r.Label)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Store) whatExists(baselines map[string][]string) string {
	names, _ := s.scenarioFolders()
	var bl []string
	for name := range baselines {
		bl = append(bl, name)
	}
	sort.Strings(bl)
	if len(names) == 0 && len(bl) == 0 {
		return fmt.Sprintf("the results folder %s holds no runs yet", s.Dir)
	}
	return listOrNone("scenarios", names) + " (use scenario@latest or scenario@LABEL); " + listOrNone("baselines", bl)
}

func listOrNone(what string, names []string) string {
	if len(names) == 0 {
		return what + ": none"
	}
	return what + ": " + strings.Join(names, ", ")
}
