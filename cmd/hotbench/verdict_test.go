package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// These are issue 8's situations on real loopback servers: verdicts that a
// 404, an outage or thin evidence must not fool.

// oneEndpointScenario writes a scenario with one endpoint at 200/s for one
// second per repetition. max_send_lag is generous: these tests are about
// verdicts, not about the generator on a shared machine.
func oneEndpointScenario(t *testing.T, dir, target string, runs int) string {
	t.Helper()
	path := filepath.Join(dir, "one.yaml")
	body := "name: one\ntarget: " + target + "\n" +
		"load: {rate: 200/s, duration: 1s, timeout: 2s, max_send_lag: 250ms}\n" +
		"runs: " + strconv.Itoa(runs) + "\nendpoints:\n  - {name: api, path: /api}\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// An expired token or a renamed route keeps no CI green: a run whose only
// endpoint answers 404 breaks its default SLO and exits 1, and the gate on
// two such runs fails.
func Test404OnlyEndpointFailsTheRunAndTheGate(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	dir := t.TempDir()
	sc := oneEndpointScenario(t, dir, srv.URL, 2)
	results := filepath.Join(dir, "results")
	for _, label := range []string{"base", "cand"} {
		code, _, errOut := hotbench(t, "run", sc, "--label", label, "--results", results)
		if code != exitFail {
			t.Fatalf("run of a 404-only endpoint: exit %d, want 1\n%s", code, errOut)
		}
		if !strings.Contains(errOut, "FAIL") || !strings.Contains(errOut, "kept") {
			t.Errorf("run does not print the breach and where the run is kept:\n%s", errOut)
		}
	}
	code, out, errOut := hotbench(t, "gate", "one@base", "one@cand", "--results", results, "--allow-inconclusive")
	if code != exitFail {
		t.Errorf("gate on two 404-only runs: exit %d, want 1\n%s%s", code, out, errOut)
	}
}

// An outage confined to one repetition of five (a contiguous block of 96
// failed requests) fails the gate, though the median error rate of the
// repetitions does not move; and the failed requests do not make that
// repetition look faster.
func TestOutageInOneRepetitionFailsTheGate(t *testing.T) {
	var n atomic.Int64
	var outage atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		if outage.Load() && i > 250 && i <= 346 { // inside the second repetition
			http.Error(w, "down", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	sc := oneEndpointScenario(t, dir, srv.URL, 5)
	results := filepath.Join(dir, "results")
	if code, _, errOut := hotbench(t, "run", sc, "--label", "base", "--results", results); code != 0 {
		t.Fatalf("base run: exit %d\n%s", code, errOut)
	}
	n.Store(0)
	outage.Store(true)
	// 96 of 1000 requests failed: 9.6 % breaks the default 1 % SLO, so run
	// exits 1 but keeps the run.
	if code, _, errOut := hotbench(t, "run", sc, "--label", "cand", "--results", results); code != exitFail {
		t.Fatalf("candidate run with an outage: exit %d, want 1\n%s", code, errOut)
	}
	// Without the SLO the regression test alone must catch it.
	code, out, errOut := hotbench(t, "gate", "one@base", "one@cand", "--results", results, "--slo", "error_rate=none")
	if code != exitFail {
		t.Errorf("gate passed an outage in one repetition: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "error_rate") {
		t.Errorf("the gate's output does not name error_rate:\n%s", out)
	}
}

// Undecidable is not a pass: with too few valid repetitions the gate exits
// 3 and says to rerun; --allow-inconclusive passes with a warning.
func TestTooFewRepetitionsIsInconclusive(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	sc := oneEndpointScenario(t, dir, srv.URL, 2)
	results := filepath.Join(dir, "results")
	for _, label := range []string{"base", "cand"} {
		if code, _, errOut := hotbench(t, "run", sc, "--label", label, "--results", results); code != 0 {
			t.Fatalf("run %s: exit %d\n%s", label, code, errOut)
		}
	}
	code, out, errOut := hotbench(t, "gate", "one@base", "one@cand", "--results", results)
	if code != exitInconclusive || !strings.Contains(errOut, "inconclusive") || !strings.Contains(errOut, "rerun") {
		t.Errorf("gate with 2 runs a side: exit %d, want 3 with a rerun hint\n%s%s", code, out, errOut)
	}
	code, _, errOut = hotbench(t, "gate", "one@base", "one@cand", "--results", results, "--allow-inconclusive")
	if code != 0 || !strings.Contains(errOut, "WARNING") {
		t.Errorf("--allow-inconclusive: exit %d, want 0 with a warning\n%s", code, errOut)
	}
}

// Issue 9 items 6 and 10: one set of limits for flags and files, and exit
// codes that follow the README's table everywhere.
func TestInputErrorsAreExit2Everywhere(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	res := filepath.Join(dir, "results")
	sc := oneEndpointScenario(t, dir, srv.URL, 1)
	if code, _, errOut := hotbench(t, "run", sc, "--label", "a", "--results", res); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errOut)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	corrupt := filepath.Join(dir, "corrupt", "one", "20261201T000000Z-x")
	os.MkdirAll(corrupt, 0o755)
	os.WriteFile(filepath.Join(corrupt, "run.json"), []byte("{"), 0o644)
	for _, tt := range []struct {
		name string
		args []string
		says string
	}{
		{"--alpha above the file's limit", []string{"compare", "one@a", "one@a", "--results", res, "--alpha", "0.9"}, "0.5"},
		{"--alpha too small to ever decide", []string{"compare", "one@a", "one@a", "--results", res, "--alpha", "1e-300"}, "out of range"},
		{"a gate of a run against itself", []string{"gate", "one@a", "one@a", "--results", res}, "same runs"},
		{"ls of a file", []string{"ls", "--results", file}, "not a results folder"},
		{"ls of unreadable runs, as show", []string{"ls", "--results", filepath.Join(dir, "corrupt")}, "not a hotbench run"},
		{"show of the same unreadable run", []string{"show", corrupt}, "not a hotbench run"},
		{"--runs too large", []string{"run", sc, "--runs", "100000", "--results", res}, "too large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := hotbench(t, tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.says) {
				t.Errorf("exit %d, want 2 saying %q\nstdout: %s\nstderr: %s", code, tt.says, out, errOut)
			}
			if strings.HasPrefix(tt.name, "ls") && out != "" {
				t.Errorf("ls printed %q before failing", out)
			}
		})
	}
	// Comparing a run with itself is allowed, but said.
	if code, _, errOut := hotbench(t, "compare", "one@a", "one@a", "--results", res); code != 0 || !strings.Contains(errOut, "same runs") {
		t.Errorf("compare of a run with itself: exit %d, stderr %s", code, errOut)
	}
}
