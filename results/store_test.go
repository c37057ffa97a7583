package results

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func mustCreate(t testing.TB, s *Store, r *Run) *Run {
	t.Helper()
	if err := s.Create(r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestStoreRoundTrip(t *testing.T) {
	s := Open(t.TempDir())
	r := syntheticRun(synth{label: "before", reps: 3, endpoints: 3})
	mustCreate(t, s, r)
	if err := Save(r); err != nil {
		t.Fatal(err)
	}
	got, err := Load(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Dir != r.Dir {
		t.Errorf("Dir %q, want %q", got.Dir, r.Dir)
	}
	// Equal in everything stored: the JSON of both is the same, byte for byte.
	want, _ := json.Marshal(r)
	have, _ := json.Marshal(got)
	if !bytes.Equal(want, have) {
		t.Errorf("loaded run differs from the saved one:\n got %.300s\nwant %.300s", have, want)
	}
	// Histograms keep exact counts and quantiles.
	for i, rep := range r.Repetitions {
		for j, e := range rep.Endpoints {
			ge := got.Repetitions[i].Endpoints[j]
			if !ge.Latency.HDR().Equals(e.Latency.HDR()) || !ge.SendLag.HDR().Equals(e.SendLag.HDR()) {
				t.Fatalf("repetition %d endpoint %s: histograms changed", i+1, e.Name)
			}
			if ge.Latency.Count() != e.Requests {
				t.Errorf("latency count %d, want %d requests", ge.Latency.Count(), e.Requests)
			}
			for _, q := range quantiles {
				if ge.Latency.Quantile(q) != e.Latency.Quantile(q) {
					t.Errorf("quantile %v changed", q)
				}
			}
		}
	}
	if got.Scenario.Hotspots[0].Objective.Value != 0.15 || got.Scenario.Load.Rate.PerSecond != 200 {
		t.Errorf("scenario did not survive: %+v", got.Scenario)
	}
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

func TestSaveIsAtomic(t *testing.T) {
	s := Open(t.TempDir())
	r := mustCreate(t, s, syntheticRun(synth{label: "x"}))
	for i := 0; i < 3; i++ {
		r.Warnings = append(r.Warnings, "save again")
		if err := Save(r); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "profiles run.json" {
		t.Errorf("run folder holds %v, want only profiles and run.json", names)
	}
	fi, _ := os.Stat(filepath.Join(r.Dir, runFile))
	if perm := fi.Mode().Perm(); perm&^0o644 != 0 || perm&0o600 != 0o600 {
		t.Errorf("run.json mode %v, want 0644 less the umask", perm)
	}

	t.Run("a failed write keeps the old file and leaves no temporary file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores folder permissions")
		}
		os.Chmod(r.Dir, 0o555)
		defer os.Chmod(r.Dir, 0o755)
		if err := Save(r); err == nil {
			t.Fatal("save into a read-only folder succeeded")
		}
		if _, err := Load(r.Dir); err != nil {
			t.Errorf("old run.json no longer loads: %v", err)
		}
	})
	t.Run("a run without a folder cannot be saved", func(t *testing.T) {
		if err := Save(&Run{}); err == nil {
			t.Error("no error")
		}
	})
}

func TestRunJSONOfARealisticRunIsSmall(t *testing.T) {
	// 10 repetitions × 3 endpoints × 30 s at 200 requests/s each.
	r := syntheticRun(synth{reps: 10, endpoints: 3, seconds: 30, rate: 200})
	r.Dir = t.TempDir()
	if err := Save(r); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(r.Dir, runFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run.json of 10 × 3 × 30 s: %d bytes", fi.Size())
	if fi.Size() > 400<<10 {
		t.Errorf("run.json is %d bytes, want well under 1 MB (at most 400 KiB)", fi.Size())
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

func TestLoadErrors(t *testing.T) {
	valid, _ := json.Marshal(syntheticRun(synth{}))
	for _, tc := range []struct {
		name    string
		content string // "" means no run.json at all
		want    []string
	}{
		{"a folder without run.json is named", "", []string{"has no run.json"}},
		{"a truncated run.json is named with what to do", string(valid[:len(valid)/2]),
			[]string{"run.json is not a hotbench run (unexpected end of JSON input)", "delete the folder or restore it"}},
		{"garbage says where", `{"format_version": 1, x}`, []string{"run.json is not a hotbench run", "at byte"}},
		{"JSON that is not a run is refused", `{"hello": "world"}`, []string{"run.json is not a hotbench run (no format_version)"}},
		{"a newer format asks for an upgrade", `{"format_version": 99}`, []string{"run.json was written by a newer hotbench", "upgrade hotbench"}},
		{"a negative format is corrupt", `{"format_version": -1}`, []string{"not a hotbench run"}},
		{"a wrong type names the field", `{"format_version": 1, "repetitions": [{"endpoints": [{"requests": "many"}]}]}`,
			[]string{"run.json is not a hotbench run", "requests"}},
		{"a broken histogram is refused", `{"format_version": 1, "repetitions": [{"endpoints": [{"latency": "bm90IGEgaGlzdG9ncmFt"}]}]}`,
			[]string{"run.json is not a hotbench run", "histogram"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "20261127T010203Z-x")
			if tc.content == "" {
				os.MkdirAll(dir, 0o755)
			} else {
				writeRunJSON(t, dir, tc.content)
			}
			_, err := Load(dir)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name %s", err, dir)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
		})
	}
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

func TestList(t *testing.T) {
	s := Open(t.TempDir())
	// Created out of order, in two scenarios.
	for _, c := range []struct {
		scenario, label string
		at              time.Duration
	}{
		{"manual-search", "before", 0},
		{"manual-search", "after", 2 * time.Hour},
		{"login", "base", time.Hour},
		{"manual-search", "after", 3 * time.Hour},
	} {
		r := syntheticRun(synth{label: c.label, start: testStart.Add(c.at), reps: 2})
		r.Scenario.Name = c.scenario
		mustCreate(t, s, r)
	}
	runs, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, r.Ref()+" "+r.Start.Format("15:04"))
		if r.Repetitions != 2 || !r.Complete || r.Git.Commit == "" || r.ScenarioHash == "" || r.Dir == "" {
			t.Errorf("header not read: %+v", r)
		}
	}
	want := "manual-search@after 04:02|manual-search@after 03:02|login@base 02:02|manual-search@before 01:02"
	if strings.Join(got, "|") != want {
		t.Errorf("List order\n got %s\nwant %s", strings.Join(got, "|"), want)
	}

	t.Run("corrupt runs are reported, not skipped, and the good ones still listed", func(t *testing.T) {
		writeRunJSON(t, filepath.Join(s.Dir, "manual-search", "20261201T000000Z-broken"), `{"format_version": 1, "label": "bro`)
		writeRunJSON(t, filepath.Join(s.Dir, "login", "20261201T000000Z-future"), `{"format_version": 7}`)
		os.MkdirAll(filepath.Join(s.Dir, "login", "20261202T000000Z-empty"), 0o755)
		// Not run folders: ignored.
		os.MkdirAll(filepath.Join(s.Dir, "login", "notes"), 0o755)
		os.MkdirAll(filepath.Join(s.Dir, "login", "verdicts"), 0o755)
		os.WriteFile(filepath.Join(s.Dir, "README"), []byte("hi"), 0o644)

		runs, err := s.List()
		if len(runs) != 4 {
			t.Errorf("%d runs listed, want the 4 good ones", len(runs))
		}
		if err == nil {
			t.Fatal("no error for the corrupt runs")
		}
		for _, w := range []string{"20261201T000000Z-broken/run.json is not a hotbench run", "newer hotbench", "20261202T000000Z-empty has no run.json"} {
			if !strings.Contains(filepath.ToSlash(err.Error()), w) {
				t.Errorf("error %q does not contain %q", err, w)
			}
		}
		if n := strings.Count(err.Error(), "\n") + 1; n != 3 {
			t.Errorf("%d problem lines, want 3: %q", n, err)
		}
	})

	t.Run("a results folder that does not exist holds no runs", func(t *testing.T) {
		runs, err := Open(filepath.Join(s.Dir, "nope")).List()
		if err != nil || len(runs) != 0 {
			t.Errorf("got %v, %v", runs, err)
		}
	})
}

func FuzzLoad(f *testing.F) {
	valid, _ := json.Marshal(syntheticRun(synth{reps: 1, endpoints: 1, seconds: 1, rate: 20}))
	f.Add(valid)
	f.Add(valid[:len(valid)/3])
	f.Add([]byte(`{"format_version": 1}`))
	f.Add([]byte(`{"format_version": 1, "repetitions": [{"endpoints": [{"requests": 3, "latency": "HISTFAAAAAAA"}]}]}`))
	f.Add([]byte(`{"format_version": 1, "repetitions": [{"endpoints": [{"requests": 3, "latency": "!!"}]}]}`))
	f.Add([]byte(`{"format_version": 1, "scenario": {"load": {"rate": "1/0s", "duration": 5}}}`))
	f.Add([]byte(`{"format_version": 2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decodeRun("run.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "run.json ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		// Whatever loads must summarise and export without panicking.
		Summarize(r)
		for i := range r.Repetitions {
			for _, name := range r.EndpointNames() {
				for _, m := range []string{"p50", "p99", "mean", "max", "rps", "error_rate", "cpu_per_req", "alloc_per_req"} {
					r.Repetitions[i].Value(name, m)
				}
			}
		}
		if err := ExportBenchfmt(&bytes.Buffer{}, r); err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("a loaded run does not save again: %v", err)
		}
	})
}

func BenchmarkList300Runs(b *testing.B) {
	s := Open(b.TempDir())
	for i := 0; i < 300; i++ {
		r := syntheticRun(synth{reps: 10, endpoints: 3, seconds: 30, rate: 20, seed: uint64(i), start: testStart.Add(time.Duration(i) * time.Minute)})
		mustCreate(b, s, r)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runs, err := s.List()
		if err != nil || len(runs) != 300 {
			b.Fatal(len(runs), err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	s := Open(b.TempDir())
	r := mustCreate(b, s, syntheticRun(synth{reps: 10, endpoints: 3, seconds: 30, rate: 200}))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Load(r.Dir); err != nil {
			b.Fatal(err)
		}
	}
}
