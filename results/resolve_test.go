package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// resolveStore holds manual-search runs labelled before (twice), after and
// one without a label, and a login run.
func resolveStore(t *testing.T) (*Store, map[string]string) {
	t.Helper()
	s := Open(t.TempDir())
	dirs := map[string]string{}
	for _, c := range []struct {
		key, scenario, label string
		at                   time.Duration
	}{
		{"before-old", "manual-search", "before", 0},
		{"before", "manual-search", "before", time.Hour},
		{"after", "manual-search", "After Fix", 2 * time.Hour},
		{"unlabelled", "manual-search", "", 3 * time.Hour},
		{"login", "login", "base", 4 * time.Hour},
	} {
		r := &Run{Scenario: testScenario(1), Label: c.label, Start: testStart.Add(c.at), FormatVersion: FormatVersion}
		r.Scenario.Name = c.scenario
		mustCreate(t, s, r)
		dirs[c.key] = r.Dir
	}
	if err := s.SetBaseline("main", []string{dirs["before-old"], dirs["before"]}); err != nil {
		t.Fatal(err)
	}
	return s, dirs
}

func TestResolve(t *testing.T) {
	s, dirs := resolveStore(t)
	for _, tc := range []struct {
		name string
		ref  string
		want []string // keys of dirs
		err  string   // substring of the error, when one is expected
	}{
		{name: "a run folder resolves to itself", ref: dirs["after"], want: []string{"after"}},
		{name: "a run.json resolves to its folder", ref: filepath.Join(dirs["after"], "run.json"), want: []string{"after"}},
		{name: "scenario@latest is the newest run, labelled or not", ref: "manual-search@latest", want: []string{"unlabelled"}},
		{name: "scenario@LABEL is the newest run with that label", ref: "manual-search@before", want: []string{"before"}},
		{name: "a label matches as typed", ref: "manual-search@After Fix", want: []string{"after"}},
		{name: "a label matches as its folder spells it", ref: "manual-search@after-fix", want: []string{"after"}},
		{name: "scenario@FOLDER is exactly that run", ref: "manual-search@" + filepath.Base(dirs["before-old"]), want: []string{"before-old"}},
		{name: "a baseline resolves to all of its runs", ref: "main", want: []string{"before-old", "before"}},
		{name: "an unknown label lists the labels", ref: "manual-search@fixed",
			err: "no run matches manual-search@fixed; labels of manual-search: After Fix, before"},
		{name: "an unknown scenario lists the scenarios", ref: "checkout@latest",
			err: `no runs of scenario "checkout" in ` + s.Dir + "; scenarios with runs: login, manual-search"},
		{name: "a scenario part cannot climb out of the store", ref: "../manual-search@latest",
			err: `no runs of scenario "../manual-search"`},
		{name: "an unknown name lists scenarios and baselines", ref: "nightly",
			err: `no run folder, scenario@label or baseline is named "nightly"; scenarios: login, manual-search (use scenario@latest or scenario@LABEL); baselines: main`},
		{name: "a folder that holds no run says so", ref: filepath.Dir(dirs["after"]), err: "is not a run folder (it has no run.json)"},
		{name: "an empty reference says what a reference is", ref: " ", err: "empty run reference"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Resolve(tc.ref)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, k := range tc.want {
				want = append(want, dirs[k])
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("Resolve(%q) = %v, want %v", tc.ref, got, want)
			}
		})
	}
}

func TestResolveDoesNotSkipAnUnreadableNewerRun(t *testing.T) {
	s, dirs := resolveStore(t)
	writeRunJSON(t, filepath.Join(s.Dir, "manual-search", "20261230T000000Z-before"), `{"format_version": 1, "lab`)

	// @latest and @before could mean the broken run: say so.
	for _, ref := range []string{"manual-search@latest", "manual-search@before"} {
		if _, err := s.Resolve(ref); err == nil || !strings.Contains(err.Error(), "20261230T000000Z-before") {
			t.Errorf("Resolve(%s): error %v, want one naming the unreadable run", ref, err)
		}
	}
	// @after-fix cannot: it still resolves.
	got, err := s.Resolve("manual-search@after-fix")
	if err != nil || len(got) != 1 || got[0] != dirs["after"] {
		t.Errorf("Resolve(manual-search@after-fix) = %v, %v", got, err)
	}
}

func TestResolveBaselineWhoseRunWasDeleted(t *testing.T) {
	s, dirs := resolveStore(t)
	os.RemoveAll(dirs["before-old"])
	_, err := s.Resolve("main")
	if err == nil || !strings.Contains(err.Error(), "set the baseline again") {
		t.Errorf("error %v", err)
	}
}

// A name that is both a run folder in the working directory and a baseline
// is refused with both meanings; ./NAME and baseline:NAME say which.
func TestResolveRefusesAnAmbiguousName(t *testing.T) {
	s, dirs := resolveStore(t)
	wd := t.TempDir()
	if err := os.CopyFS(filepath.Join(wd, "main"), os.DirFS(dirs["after"])); err != nil {
		t.Fatal(err)
	}
	t.Chdir(wd)
	_, err := s.Resolve("main")
	if err == nil || !strings.Contains(err.Error(), "both the run folder") || !strings.Contains(err.Error(), "baseline:main") {
		t.Fatalf("Resolve(main) error %v, want both meanings named", err)
	}
	if got, err := s.Resolve("./main"); err != nil || len(got) != 1 || got[0] != "main" {
		t.Errorf("Resolve(./main) = %v, %v; want the folder", got, err)
	}
	if got, err := s.Resolve("baseline:main"); err != nil || len(got) != 2 {
		t.Errorf("Resolve(baseline:main) = %v, %v; want the baseline's two runs", got, err)
	}
}

// LoadRuns reads what the command's arguments name: references in order,
// each of which may list several runs with commas.
func TestLoadRuns(t *testing.T) {
	s, dirs := resolveStore(t)
	for _, tc := range []struct {
		name string
		refs []string
		want []string // keys of dirs
		err  string   // substring of the error, when one is expected
	}{
		{name: "one reference is its runs", refs: []string{"manual-search@after-fix"}, want: []string{"after"}},
		{name: "a baseline is all of its runs", refs: []string{"main"}, want: []string{"before-old", "before"}},
		{name: "commas list several runs, blanks skipped", refs: []string{"login@base, ,manual-search@after-fix"}, want: []string{"login", "after"}},
		{name: "several references keep their order", refs: []string{"manual-search@latest", "main"}, want: []string{"unlabelled", "before-old", "before"}},
		{name: "an unknown reference is Resolve's error", refs: []string{"login@base,manual-search@fixed"}, err: "no run matches manual-search@fixed"},
		{name: "no run named says what to name", refs: []string{" , "}, err: "no runs named: give a run folder"},
		{name: "no reference at all is no run", refs: nil, err: "no runs named"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs, err := s.LoadRuns(tc.refs...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, r := range runs {
				got = append(got, r.Dir)
			}
			for _, k := range tc.want {
				want = append(want, dirs[k])
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("LoadRuns(%q) = %v, want %v", tc.refs, got, want)
			}
		})
	}
}

// Two sides that name the same folders, in any order or repeated, are the
// same runs; a relative and an absolute path to one folder are too.
func TestSameRuns(t *testing.T) {
	s, dirs := resolveStore(t)
	load := func(refs ...string) []*Run {
		t.Helper()
		runs, err := s.LoadRuns(refs...)
		if err != nil {
			t.Fatal(err)
		}
		return runs
	}
	rel, err := filepath.Rel(mustGetwd(t), dirs["after"])
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a, b []*Run
		want bool
	}{
		{"a baseline and its runs listed the other way round", load("main"), load("manual-search@before," + dirs["before-old"]), true},
		{"repeats do not count", load("login@base,login@base"), load("login@base"), true},
		{"a relative path is its absolute folder", load(rel), load(dirs["after"]), true},
		{"one run more is other runs", load("main"), load("main,login@base"), false},
		{"different runs", load("login@base"), load("manual-search@latest"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SameRuns(tc.a, tc.b); got != tc.want {
				t.Errorf("SameRuns = %v, want %v", got, tc.want)
			}
		})
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// scenario@latest names a sharded run's merged run, never one of its parts,
// which stay reachable by their folders; the month leaves parts out too.
func TestLatestSkipsShardParts(t *testing.T) {
	s := Open(t.TempDir())
	merged := &Run{Scenario: testScenario(1), Label: "after", Start: testStart, FormatVersion: FormatVersion}
	mustCreate(t, s, merged)
	part := &Run{Scenario: testScenario(1), Label: "after-shard-1-of-2", Start: testStart.Add(time.Second), FormatVersion: FormatVersion,
		Shard: &ShardPart{Index: 1, Count: 2, RunID: "r1"}}
	mustCreate(t, s, part)
	got, err := s.Resolve(merged.Scenario.Name + "@latest")
	if err != nil || len(got) != 1 || got[0] != merged.Dir {
		t.Errorf("@latest = %v, %v; want the merged run %s", got, err, merged.Dir)
	}
	if got, err := s.Resolve(merged.Scenario.Name + "@" + filepath.Base(part.Dir)); err != nil || got[0] != part.Dir {
		t.Errorf("the part by its folder = %v, %v", got, err)
	}
	infos, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	parts := 0
	for _, i := range infos {
		if i.Part {
			parts++
		}
	}
	if parts != 1 {
		t.Errorf("List marks %d parts, want 1", parts)
	}
}
