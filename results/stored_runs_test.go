package results_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/results"
)

// Runs stored, loaded and listed: the store's tests that read synthetic runs.

var (
	mustCreate   = results.MustCreate
	writeRunJSON = results.WriteRunJSON
)

func TestStoreRoundTrip(t *testing.T) {
	s := results.Open(t.TempDir())
	r := manualSearch(3, 50, synth.Options{Label: "before", Reps: 3, Window: 3 * time.Second})
	mustCreate(t, s, r)
	if err := results.Save(r); err != nil {
		t.Fatal(err)
	}
	got, err := results.Load(r.Dir)
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
			if !ge.ErrorLatency.HDR().Equals(e.ErrorLatency.HDR()) {
				t.Fatalf("repetition %d endpoint %s: error latency changed", i+1, e.Name)
			}
			if ge.Latency.Count()+ge.ErrorLatency.Count() != e.Requests {
				t.Errorf("latency counts %d + %d, want %d requests", ge.Latency.Count(), ge.ErrorLatency.Count(), e.Requests)
			}
			for _, q := range results.Quantiles {
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

func TestSaveIsAtomic(t *testing.T) {
	s := results.Open(t.TempDir())
	r := mustCreate(t, s, manualSearch(2, 50, synth.Options{Label: "x", Reps: 2, Window: 3 * time.Second}))
	for i := 0; i < 3; i++ {
		r.Warnings = append(r.Warnings, "save again")
		if err := results.Save(r); err != nil {
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
	fi, _ := os.Stat(filepath.Join(r.Dir, results.RunFile))
	if perm := fi.Mode().Perm(); perm&^0o644 != 0 || perm&0o600 != 0o600 {
		t.Errorf("run.json mode %v, want 0644 less the umask", perm)
	}

	t.Run("a failed write keeps the old file and leaves no temporary file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores folder permissions")
		}
		os.Chmod(r.Dir, 0o555)
		defer os.Chmod(r.Dir, 0o755)
		if err := results.Save(r); err == nil {
			t.Fatal("save into a read-only folder succeeded")
		}
		if _, err := results.Load(r.Dir); err != nil {
			t.Errorf("old run.json no longer loads: %v", err)
		}
	})
	t.Run("a run without a folder cannot be saved", func(t *testing.T) {
		if err := results.Save(&results.Run{}); err == nil {
			t.Error("no error")
		}
	})
}

func TestRunJSONOfARealisticRunIsSmall(t *testing.T) {
	// 10 repetitions × 3 endpoints × 30 s at 200 requests/s each.
	r := manualSearch(3, 200, synth.Options{Reps: 10, Window: 30 * time.Second})
	r.Dir = t.TempDir()
	if err := results.Save(r); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(r.Dir, results.RunFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run.json of 10 × 3 × 30 s: %d bytes", fi.Size())
	if fi.Size() > 400<<10 {
		t.Errorf("run.json is %d bytes, want well under 1 MB (at most 400 KiB)", fi.Size())
	}
}

func TestLoadErrors(t *testing.T) {
	valid, _ := json.Marshal(manualSearch(2, 50, synth.Options{Reps: 2, Window: 3 * time.Second}))
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
			_, err := results.Load(dir)
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

func TestList(t *testing.T) {
	s := results.Open(t.TempDir())
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
		r := manualSearch(2, 50, synth.Options{Label: c.label, Start: synth.Epoch.Add(c.at), Reps: 2, Window: 3 * time.Second})
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
		runs, err := results.Open(filepath.Join(s.Dir, "nope")).List()
		if err != nil || len(runs) != 0 {
			t.Errorf("got %v, %v", runs, err)
		}
	})
}

func FuzzLoad(f *testing.F) {
	valid, _ := json.Marshal(manualSearch(1, 20, synth.Options{Reps: 1, Window: time.Second}))
	f.Add(valid)
	f.Add(valid[:len(valid)/3])
	f.Add([]byte(`{"format_version": 1}`))
	f.Add([]byte(`{"format_version": 1, "repetitions": [{"endpoints": [{"requests": 3, "latency": "HISTFAAAAAAA"}]}]}`))
	f.Add([]byte(`{"format_version": 1, "repetitions": [{"endpoints": [{"requests": 3, "latency": "!!"}]}]}`))
	f.Add([]byte(`{"format_version": 1, "scenario": {"load": {"rate": "1/0s", "duration": 5}}}`))
	f.Add([]byte(`{"format_version": 2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := results.DecodeRun("run.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "run.json ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		// Whatever loads must summarise and export without panicking.
		results.Summarize(r)
		for i := range r.Repetitions {
			for _, name := range r.EndpointNames() {
				for _, m := range []string{"p50", "p99", "mean", "max", "rps", "error_rate", "cpu_per_req", "alloc_per_req"} {
					r.Repetitions[i].Value(name, m)
				}
			}
		}
		if err := results.ExportBenchfmt(&bytes.Buffer{}, r); err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("a loaded run does not save again: %v", err)
		}
	})
}

func BenchmarkList300Runs(b *testing.B) {
	s := results.Open(b.TempDir())
	for i := 0; i < 300; i++ {
		r := manualSearch(3, 20, synth.Options{Reps: 10, Window: 30 * time.Second, Seed: uint64(i), Start: synth.Epoch.Add(time.Duration(i) * time.Minute)})
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
	s := results.Open(b.TempDir())
	r := mustCreate(b, s, manualSearch(3, 200, synth.Options{Reps: 10, Window: 30 * time.Second}))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := results.Load(r.Dir); err != nil {
			b.Fatal(err)
		}
	}
}

// A run saved again and again (as the runner does after each repetition)
// and killed at any moment leaves a run.json that loads.
func TestAKilledSaveLeavesARunThatLoads(t *testing.T) {
	if dir, _, ok := results.Child(); ok {
		r := manualSearch(3, 200, synth.Options{Reps: 10, Window: 30 * time.Second})
		r.Dir = dir
		for {
			r.Warnings = append(r.Warnings, "saved again")
			if err := results.Save(r); err != nil {
				results.ChildDone(err)
			}
		}
	}
	if testing.Short() {
		t.Skip("starts processes")
	}
	s := results.Open(t.TempDir())
	r := mustCreate(t, s, manualSearch(2, 50, synth.Options{Reps: 2, Window: 3 * time.Second}))
	for round := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAKilledSaveLeavesARunThatLoads$")
		cmd.Env = append(os.Environ(), results.ChildEnv+"="+r.Dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(100+round*53) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		if _, err := results.Load(r.Dir); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}
