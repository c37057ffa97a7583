package results

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBaselines(t *testing.T) {
	s, dirs := resolveStore(t) // already holds baseline "main"

	if err := s.SetBaseline("release-1.2", []string{dirs["after"], dirs["after"]}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Baselines()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"main":        {dirs["before-old"], dirs["before"]},
		"release-1.2": {dirs["after"]}, // a run named twice is stored once
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Baselines() = %v, want %v", got, want)
	}

	t.Run("paths are stored relative to the results folder, with slashes", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(s.Dir, "baselines.json"))
		if err != nil {
			t.Fatal(err)
		}
		var f baselinesJSON
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		if r := f.Baselines["release-1.2"]; len(r) != 1 || r[0] != "manual-search/"+filepath.Base(dirs["after"]) {
			t.Errorf("stored %v", r)
		}
	})

	t.Run("a moved results folder keeps its baselines", func(t *testing.T) {
		moved := filepath.Join(t.TempDir(), "archive")
		if err := os.Rename(s.Dir, moved); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(moved, s.Dir)
		got, err := Open(moved).Resolve("release-1.2")
		if err != nil || len(got) != 1 || got[0] != filepath.Join(moved, "manual-search", filepath.Base(dirs["after"])) {
			t.Errorf("Resolve after move = %v, %v", got, err)
		}
	})

	t.Run("setting a name again replaces it", func(t *testing.T) {
		if err := s.SetBaseline("main", []string{dirs["unlabelled"]}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Resolve("main")
		if len(got) != 1 || got[0] != dirs["unlabelled"] {
			t.Errorf("main = %v", got)
		}
	})

	t.Run("remove deletes the name, not the runs", func(t *testing.T) {
		if err := s.RemoveBaseline("release-1.2"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Baselines()
		if _, ok := got["release-1.2"]; ok || len(got) != 1 {
			t.Errorf("after remove: %v", got)
		}
		if _, err := os.Stat(filepath.Join(dirs["after"], runFile)); err != nil {
			t.Errorf("the run went too: %v", err)
		}
		err := s.RemoveBaseline("release-1.2")
		if err == nil || !strings.Contains(err.Error(), `no baseline named "release-1.2"; baselines: main`) {
			t.Errorf("second remove: %v", err)
		}
	})

	t.Run("invalid names and runs are refused", func(t *testing.T) {
		outside := &Run{Scenario: testScenario(1), Start: testStart}
		mustCreate(t, Open(t.TempDir()), outside)
		for _, tc := range []struct {
			name string
			runs []string
			err  string
		}{
			{"a@b", []string{dirs["after"]}, "not valid"},
			{"a/b", []string{dirs["after"]}, "not valid"},
			{"Main", []string{dirs["after"]}, "not valid"},
			{"..", []string{dirs["after"]}, "not valid"},
			{"", []string{dirs["after"]}, "not valid"},
			{"empty", nil, "at least one run"},
			{"nothing", []string{s.Dir}, "is not a run folder"},
			{"elsewhere", []string{outside.Dir}, "outside the results folder"},
		} {
			err := s.SetBaseline(tc.name, tc.runs)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("SetBaseline(%q, %v): %v, want an error containing %q", tc.name, tc.runs, err, tc.err)
			}
		}
	})

	t.Run("a store without baselines has none", func(t *testing.T) {
		got, err := Open(t.TempDir()).Baselines()
		if err != nil || len(got) != 0 {
			t.Errorf("got %v, %v", got, err)
		}
	})

	t.Run("a corrupt or escaping baselines.json is named", func(t *testing.T) {
		for _, content := range []string{`{"baselines": {"x": [`, `{"baselines": {"x": ["../../etc"]}}`, `{"baselines": {"x": ["/etc"]}}`} {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "baselines.json"), []byte(content), 0o644)
			_, err := Open(dir).Baselines()
			if err == nil || !strings.Contains(err.Error(), "baselines.json is corrupt") {
				t.Errorf("%s: %v", content, err)
			}
		}
	})
}

func TestVerdicts(t *testing.T) {
	s := Open(t.TempDir())
	save := func(kind, scenario string, at time.Time, data string) string {
		t.Helper()
		path, err := s.SaveVerdict(kind, scenario, at, []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	oct := time.Date(2026, 10, 31, 23, 59, 59, 0, time.UTC)
	nov1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	nov15 := time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)
	dec := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	save(VerdictCompare, "manual-search", oct, `{"n": "oct"}`)
	first := save(VerdictCompare, "manual-search", nov1, `{"n": "nov1"}`)
	second := save(VerdictCompare, "manual-search", nov1, `{"n": "nov1 again"}`)
	save(VerdictGate, "manual-search", nov15.In(time.FixedZone("CET", 3600)), `{"n": "nov15"}`)
	save(VerdictGate, "login", nov15, `{"n": "login"}`)
	save(VerdictGate, "manual-search", dec, `{"n": "dec"}`)

	if filepath.Base(first) != "20261101T000000Z-compare.json" || filepath.Base(second) != "20261101T000000Z-compare-2.json" {
		t.Errorf("paths %s, %s", first, second)
	}
	if filepath.Dir(first) != filepath.Join(s.Dir, "manual-search", "verdicts") {
		t.Errorf("verdict saved in %s", filepath.Dir(first))
	}

	summarise := func(vs []SavedVerdict) string {
		var out []string
		for _, v := range vs {
			var d struct{ N string }
			json.Unmarshal(v.Data, &d)
			out = append(out, v.Scenario+" "+v.Kind+" "+v.At.Format(time.DateOnly)+" "+d.N)
		}
		return strings.Join(out, " | ")
	}
	for _, tc := range []struct {
		name     string
		scenario string
		from, to time.Time
		want     string
	}{
		{"November of one scenario, start included, end excluded", "manual-search", nov1, dec,
			"manual-search compare 2026-11-01 nov1 | manual-search compare 2026-11-01 nov1 again | manual-search gate 2026-11-15 nov15"},
		{"November of every scenario", "", nov1, dec,
			"manual-search compare 2026-11-01 nov1 | manual-search compare 2026-11-01 nov1 again | login gate 2026-11-15 login | manual-search gate 2026-11-15 nov15"},
		{"open ends", "manual-search", time.Time{}, nov1,
			"manual-search compare 2026-10-31 oct"},
		{"a scenario without verdicts", "checkout", time.Time{}, time.Time{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Verdicts(tc.scenario, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if summarise(got) != tc.want {
				t.Errorf("got  %s\nwant %s", summarise(got), tc.want)
			}
		})
	}

	t.Run("bad input is refused", func(t *testing.T) {
		for _, tc := range []struct{ kind, scenario, data string }{
			{"report", "manual-search", `{}`},
			{VerdictGate, "../x", `{}`},
			{VerdictGate, "manual-search", `{not json`},
		} {
			if _, err := s.SaveVerdict(tc.kind, tc.scenario, nov1, []byte(tc.data)); err == nil {
				t.Errorf("SaveVerdict(%q, %q, %q): no error", tc.kind, tc.scenario, tc.data)
			}
		}
	})

	t.Run("unreadable verdicts are reported beside the good ones", func(t *testing.T) {
		folder := filepath.Join(s.Dir, "login", "verdicts")
		os.WriteFile(filepath.Join(folder, "20261120T000000Z-gate.json"), []byte(`{"trunc`), 0o644)
		os.WriteFile(filepath.Join(folder, "stray.json"), []byte(`{}`), 0o644)
		os.WriteFile(filepath.Join(folder, ".20261120T000000Z-gate.json.123.tmp"), []byte(`{`), 0o644)
		got, err := s.Verdicts("login", nov1, dec)
		if len(got) != 1 || err == nil {
			t.Fatalf("got %d verdicts, error %v; want 1 and an error", len(got), err)
		}
		for _, w := range []string{"20261120T000000Z-gate.json is not valid JSON", "stray.json is not named like a saved verdict"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not contain %q", err, w)
			}
		}
	})

	t.Run("scenarios with runs or verdicts are listed", func(t *testing.T) {
		mustCreate(t, s, &Run{Scenario: testScenario(1), Start: testStart})
		os.MkdirAll(filepath.Join(s.Dir, "empty-folder"), 0o755)
		got, err := s.Scenarios()
		if err != nil || strings.Join(got, ",") != "login,manual-search" {
			t.Errorf("Scenarios() = %v, %v", got, err)
		}
	})
}

// Jobs saving verdicts in the same second never overwrite each other.
func TestVerdictsSavedAtOnceAreAllKept(t *testing.T) {
	s := Open(t.TempDir())
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	paths := make([]string, 16)
	for i := range paths {
		wg.Go(func() {
			p, err := s.SaveVerdict(VerdictGate, "svc", at, []byte(fmt.Sprintf(`{"job": %d}`, i)))
			if err != nil {
				t.Error(err)
			}
			paths[i] = p
		})
	}
	wg.Wait()
	got, err := s.Verdicts("svc", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(paths) {
		t.Errorf("kept %d verdicts of %d saved at once", len(got), len(paths))
	}
}
