package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustCreate(t testing.TB, s *Store, r *Run) *Run {
	t.Helper()
	if err := s.Create(r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCreate(t *testing.T) {
	s := Open(t.TempDir())
	r := mustCreate(t, s, &Run{Scenario: testScenario(1), Label: "Before Fix!", Start: testStart})
	wantDir := filepath.Join(s.Dir, "manual-search", "20261127T010203Z-before-fix")
	if r.Dir != wantDir {
		t.Errorf("Dir %s, want %s", r.Dir, wantDir)
	}
	if fi, err := os.Stat(filepath.Join(r.Dir, "profiles")); err != nil || !fi.IsDir() {
		t.Errorf("no profiles folder: %v", err)
	}
	// run.json exists at once and says the run is not complete yet.
	got, err := Load(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Complete || got.FormatVersion != FormatVersion {
		t.Errorf("fresh run: complete %v, format %d; want incomplete, format %d", got.Complete, got.FormatVersion, FormatVersion)
	}

	t.Run("runs that start in the same second get distinct folders", func(t *testing.T) {
		var names []string
		for i := 0; i < 3; i++ {
			r := mustCreate(t, s, &Run{Scenario: testScenario(1), Label: "same", Start: testStart})
			names = append(names, r.Name())
		}
		want := []string{"20261127T010203Z-same", "20261127T010203Z-same-2", "20261127T010203Z-same-3"}
		if strings.Join(names, " ") != strings.Join(want, " ") {
			t.Errorf("folders %v, want %v", names, want)
		}
	})
	t.Run("a zero start is set to now, in UTC", func(t *testing.T) {
		r := mustCreate(t, s, &Run{Scenario: testScenario(1)})
		if r.Start.IsZero() || !strings.HasSuffix(r.Name(), "Z-run") {
			t.Errorf("start %v, folder %s", r.Start, r.Name())
		}
	})
	t.Run("a scenario name that cannot be a folder is refused", func(t *testing.T) {
		for _, name := range []string{"", "../up", "a/b", "Upper", ".hidden"} {
			sc := testScenario(1)
			sc.Name = name
			if err := s.Create(&Run{Scenario: sc}); err == nil {
				t.Errorf("scenario %q: no error", name)
			}
		}
	})
}

func TestFolderLabel(t *testing.T) {
	for _, tc := range []struct{ label, want string }{
		{"before", "before"},
		{"", "run"},
		{"Before Fix", "before-fix"},
		{"  spaces  and / slashes ", "spaces-and-slashes"},
		{"v1.2_rc", "v1.2_rc"},
		{"--dashes--", "dashes"},
		{"../../etc", "etc"},
		{"ümlaut", "mlaut"},
		{"!!!", "run"},
		{strings.Repeat("x", 100), strings.Repeat("x", 64)},
	} {
		if got := folderLabel(tc.label); got != tc.want {
			t.Errorf("folderLabel(%q) = %q, want %q", tc.label, got, tc.want)
		}
	}
}

func writeRunJSON(t *testing.T, dir, content string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, runFile), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadWithMissingHistogramsDoesNotPanic(t *testing.T) {
	// A run.json whose histograms are null still summarises: latencies are
	// simply not there.
	dir := writeRunJSON(t, t.TempDir(), `{"format_version": 1, "scenario": {"name": "s"},
		"repetitions": [{"start": "2026-11-27T01:00:00Z", "end": "2026-11-27T01:00:10Z",
		"endpoints": [{"name": "a", "requests": 10, "latency": null}]}]}`)
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum := Summarize(r)
	if sum.Endpoints[0].Requests != 10 || sum.Endpoints[0].RPS != 1 {
		t.Errorf("summary %+v", sum.Endpoints[0])
	}
	if _, ok := r.Repetitions[0].Value("a", "p99"); ok {
		t.Error("p99 of a repetition without latencies reported as a value")
	}
	if v, ok := r.Repetitions[0].Value("a", "rps"); !ok || v != 1 {
		t.Errorf("rps %v %v, want 1", v, ok)
	}
}
