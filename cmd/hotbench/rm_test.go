package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/results"
)

// smallStore is a results folder with runs of two scenarios, an hour
// apart: search@before, search@after (3 repetitions, 1 invalid), login@base;
// and the baseline main naming search@before.
func smallStore(t *testing.T) (dir string, runs map[string]*results.Run) {
	t.Helper()
	store := results.Open(t.TempDir())
	runs = map[string]*results.Run{}
	for i, c := range []struct{ scenario, label string }{{"search", "before"}, {"search", "after"}, {"login", "base"}} {
		sc := synth.Scenario("home")
		sc.Name = c.scenario
		runs[c.scenario+"@"+c.label] = synth.Save(t, store, synth.Options{
			Scenario: sc, Label: c.label, Reps: 3, Seed: uint64(i + 1),
			Start: synth.Epoch.Add(time.Duration(i) * time.Hour),
			Each: func(r *synth.Rep) {
				if c.label == "after" && r.Index == 2 {
					r.Invalid = []string{"the load generator fell behind"}
				}
			},
		})
	}
	if err := store.SetBaseline("main", []string{runs["search@before"].Dir}); err != nil {
		t.Fatal(err)
	}
	return store.Dir, runs
}

func TestRm(t *testing.T) {
	t.Run("removes runs named any way and says what it removed", func(t *testing.T) {
		dir, runs := smallStore(t)
		code, out, errOut := hotbench(t, "rm", "search@after", runs["login@base"].Dir, "--results", dir)
		if code != 0 || out != "" {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
		for _, want := range []string{"removed search@after (" + runs["search@after"].Dir + ")", "removed login@base"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("stderr does not say %q:\n%s", want, errOut)
			}
		}
		_, out, _ = hotbench(t, "ls", "--results", dir)
		if strings.Contains(out, "search@after") || strings.Contains(out, "login") || !strings.Contains(out, "search@before") {
			t.Errorf("ls after rm:\n%s", out)
		}
	})
	t.Run("a run a baseline names stays, unless --force", func(t *testing.T) {
		dir, runs := smallStore(t)
		code, _, errOut := hotbench(t, "rm", "search@latest", "search@before", "--results", dir)
		if code != 2 || !strings.Contains(errOut, "baseline main names") || !strings.Contains(errOut, "hotbench baseline rm main") {
			t.Errorf("exit %d, stderr: %s", code, errOut)
		}
		if _, err := os.Stat(runs["search@after"].Dir); err != nil {
			t.Errorf("a refused rm removed another run: %v", err)
		}
		code, _, errOut = hotbench(t, "rm", "search@before", "--force", "--results", dir)
		if code != 0 || !strings.Contains(errOut, "WARNING: baseline main still names 1 removed run(s)") {
			t.Errorf("--force: exit %d, stderr: %s", code, errOut)
		}
		code, _, errOut = hotbench(t, "show", "main", "--results", dir)
		if code != 2 || !strings.Contains(errOut, "set the baseline again") {
			t.Errorf("show of the dangling baseline: exit %d, stderr: %s", code, errOut)
		}
	})
	_, elsewhere := smallStore(t)
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"a run of another results folder is refused", []string{"rm", elsewhere["login@base"].Dir}, "not a run stored in the results folder"},
		{"a baseline is not a run", []string{"rm", "main"}, "main is a baseline"},
		{"an unknown run is named", []string{"rm", "search@nothing"}, "no run matches search@nothing"},
		{"a folder outside the results folder is refused", []string{"rm", "."}, "not a run folder"},
		{"one run is needed", []string{"rm"}, "needs one or more runs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := smallStore(t)
			code, _, errOut := hotbench(t, append(tc.args, "--results", dir)...)
			if code != 2 || !strings.Contains(errOut, tc.says) {
				t.Errorf("exit %d, stderr %q; want 2 saying %q", code, errOut, tc.says)
			}
		})
	}
}

func TestLsScenarioAndJSON(t *testing.T) {
	dir, runs := smallStore(t)
	code, out, errOut := hotbench(t, "ls", "--scenario", "search", "--json", "--results", dir)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	if len(list) != 2 {
		t.Fatalf("%d runs listed, want search's 2:\n%s", len(list), out)
	}
	after := list[0] // newest first
	want := map[string]any{
		"scenario": "search", "label": "after", "ref": "search@after", "path": runs["search@after"].Dir,
		"start": synth.Epoch.Add(time.Hour).Format(time.RFC3339), "complete": true,
		"runs": 2.0, "repetitions": 3.0,
	}
	for k, v := range want {
		if after[k] != v {
			t.Errorf("%s = %v, want %v", k, after[k], v)
		}
	}
	if _, ok := after["git"].(map[string]any); !ok {
		t.Errorf("no git object: %v", after)
	}

	// Text output filters too; a scenario without runs says which have some.
	_, out, _ = hotbench(t, "ls", "--scenario", "login", "--results", dir)
	if !strings.Contains(out, "login@base") || strings.Contains(out, "search@") {
		t.Errorf("ls --scenario login:\n%s", out)
	}
	code, out, errOut = hotbench(t, "ls", "--scenario", "checkout", "--json", "--results", dir)
	if code != 0 || strings.TrimSpace(out) != "[]" || !strings.Contains(errOut, "scenarios with runs: login, search") {
		t.Errorf("an unknown scenario: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// An empty results folder is an empty array.
	code, out, _ = hotbench(t, "ls", "--json", "--results", filepath.Join(t.TempDir(), "none"))
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("no runs: exit %d, stdout %q", code, out)
	}
}
