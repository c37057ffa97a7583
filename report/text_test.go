package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	goldenfile "github.com/hotbench/hotbench/internal/golden"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// textSummary is a run's summary as results.Summarize makes it: two
// endpoints, one with failures, a p95 the scenario names, an invalid
// repetition and a warning.
func textSummary(label string, scale float64) results.Summary {
	lat := func(ms float64) results.LatencySummary {
		s := func(f float64) float64 { return ms * f * scale / 1000 }
		return results.LatencySummary{Mean: s(1.1), P50: s(1), P75: s(1.2), P90: s(1.5), P95: s(1.8), P99: s(3), P999: s(4), Max: s(5)}
	}
	return results.Summary{
		Scenario: "manual-search", Label: label, Path: "hotbench-results/manual-search/20261127T010203Z-" + label,
		Complete: label != "partial", Runs: 2,
		Repetitions: []results.RepetitionSummary{{Index: 1, Valid: true}, {Index: 2, Valid: true}, {Index: 3, Reasons: []string{"the generator fell behind"}}},
		Percentiles: []string{metric.P95},
		Warnings:    []string{"repetition 3: the generator fell behind (send lag p99 12ms)"},
		Endpoints: []results.EndpointSummary{
			{Name: "search", Requests: 20000, RPS: 200, Latency: lat(12), SendLag: results.SendLagSummary{P99: 0.0002},
				Status: map[string]int64{"200": 20000}},
			{Name: "login", Requests: 5000, Errors: 10, ErrorRate: 0.002, RPS: 50 * scale, Latency: lat(40),
				Status: map[string]int64{"200": 4990, "503": 7, "500": 3}, ErrorClasses: map[string]int64{"status 503": 7, "status 500": 3}},
		},
	}
}

// The terminal's summary of `show` and `run`: one aligned table with the
// scenario's percentiles in quantile order, then statuses most frequent
// first, then warnings.
func TestWriteSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSummary(&buf, textSummary("before", 1)); err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, filepath.Join("testdata", "summary.txt"), buf.Bytes())
	for _, want := range []string{"p95", "p99.9", "status 200×4990 503×7 500×3; errors status 503×7 status 500×3", "WARNING: repetition 3"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, buf.String())
		}
	}
	if i, j := strings.Index(buf.String(), "p90"), strings.Index(buf.String(), "p95"); i > j {
		t.Errorf("p95 is not between p90 and p99:\n%s", buf.String())
	}
}

// `ls`: one line a run in the order given, the commit cut to 10 digits
// and marked when the tree was dirty.
func TestWriteRunList(t *testing.T) {
	start := time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)
	runs := []results.RunInfo{
		{Scenario: "manual-search", Label: "after", Start: start.Add(time.Hour), Complete: true, Repetitions: 10,
			Git: results.Git{Commit: "0123456789abcdef", Dirty: true}, Dir: "res/manual-search/20261127T020203Z-after"},
		{Scenario: "manual-search", Label: "before", Start: start, Repetitions: 4, Dir: "res/manual-search/20261127T010203Z-before"},
	}
	var buf bytes.Buffer
	if err := WriteRunList(&buf, runs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "RUN ") {
		t.Fatalf("want a header and two runs:\n%s", buf.String())
	}
	for i, want := range [][]string{
		{"manual-search@after", start.Add(time.Hour).Local().Format(time.DateTime), " 10 ", "complete", "0123456789+dirty", runs[0].Dir},
		{"manual-search@before", start.Local().Format(time.DateTime), " 4 ", "incomplete", runs[1].Dir},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("line %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}
}

// The demo's two runs side by side, and where each hotspot function ranks
// in their profiles: near the top before the fix, out of the top after.
func TestWriteSideBySideAndProfileEvidence(t *testing.T) {
	before, after := textSummary("unfixed", 1), textSummary("fixed", 0.1)
	after.Endpoints = after.Endpoints[:1] // login only before: no row
	var buf bytes.Buffer
	if err := WriteSideBySide(&buf, before, after); err != nil {
		t.Fatal(err)
	}
	sc := scenarios.Scenario{Name: "manual-search", Hotspots: []scenarios.Hotspot{
		{Name: "search-regexp", Endpoint: "search", Metric: metric.P99, Functions: []string{"regexp.Compile", "/never.*called/"}},
	}}
	dir := t.TempDir()
	unfixed := runWithCPU(t, filepath.Join(dir, "unfixed"), sc, "unfixed", map[string]int64{
		"main.serve;manuals.search;regexp.Compile": 60, "main.serve;manuals.search": 30, "main.serve": 10})
	fixed := runWithCPU(t, filepath.Join(dir, "fixed"), sc, "fixed", topless(25, "main.serve;manuals.search;regexp.Compile", 1))
	if err := WriteProfileEvidence(&buf, unfixed, fixed); err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, filepath.Join("testdata", "side-by-side.txt"), buf.Bytes())
	out := buf.String()
	for _, want := range []string{
		"manual-search: unfixed (2 runs) vs fixed (2 runs)",
		"#3 of top 20, 60.0% cum  not in top 20 (0.990%)",
		// A function in neither profile ranks nowhere on both sides.
		"/never.*called/  not in top 20 (0%)       not in top 20 (0%)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "login") {
		t.Errorf("an endpoint of one side only has a row:\n%s", out)
	}

	// Runs without profiles say so instead of an empty table.
	buf.Reset()
	bare := &results.Run{Scenario: sc, Label: "x", Repetitions: []results.Repetition{{Index: 1, Complete: true}}}
	if err := WriteProfileEvidence(&buf, bare, bare); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "no profiles were captured") {
		t.Errorf("no profiles, and no word of it:\n%s", buf.String())
	}
}

// topless is a CPU profile of n busy functions with 4 samples each, and
// stack with few: stack ranks below the top 20.
func topless(n int, stack string, few int64) map[string]int64 {
	m := map[string]int64{stack: few}
	for i := range n {
		m[fmt.Sprintf("main.serve;work.f%02d", i)] = 4
	}
	return m
}

// runWithCPU stores one valid repetition's CPU profile of the given folded
// stacks ("a;b;c" → samples) in dir and returns the run that names it.
func runWithCPU(t *testing.T, dir string, sc scenarios.Scenario, label string, stacks map[string]int64) *results.Run {
	t.Helper()
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     10_000_000,
	}
	funcs := map[string]*profile.Location{}
	loc := func(name string) *profile.Location {
		if l, ok := funcs[name]; ok {
			return l
		}
		fn := &profile.Function{ID: uint64(len(p.Function) + 1), Name: name}
		l := &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: fn}}}
		p.Function, p.Location = append(p.Function, fn), append(p.Location, l)
		funcs[name] = l
		return l
	}
	for stack, n := range stacks {
		frames := strings.Split(stack, ";")
		s := &profile.Sample{Value: []int64{n, n * p.Period}}
		for i := len(frames) - 1; i >= 0; i-- { // leaf first
			s.Location = append(s.Location, loc(frames[i]))
		}
		p.Sample = append(p.Sample, s)
	}
	if err := os.MkdirAll(filepath.Join(dir, "profiles"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "profiles", "rep-01-cpu.pb.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := p.Write(f); err != nil {
		t.Fatal(err)
	}
	return &results.Run{Scenario: sc, Label: label, Dir: dir, Repetitions: []results.Repetition{{
		Index: 1, Complete: true, Profiles: []results.Profile{{Kind: "cpu", File: "profiles/rep-01-cpu.pb.gz"}},
	}}}
}

// A renderer whose writer fails says so, once, at its end.
func TestTextRenderersReportTheWriterError(t *testing.T) {
	s := textSummary("before", 1)
	run := &results.Run{Label: "x"}
	for name, write := range map[string]func(*failingWriter) error{
		"WriteSummary":         func(w *failingWriter) error { return WriteSummary(w, s) },
		"WriteRunList":         func(w *failingWriter) error { return WriteRunList(w, []results.RunInfo{{Scenario: "s"}}) },
		"WriteSideBySide":      func(w *failingWriter) error { return WriteSideBySide(w, s, s) },
		"WriteProfileEvidence": func(w *failingWriter) error { return WriteProfileEvidence(w, run, run) },
	} {
		w := &failingWriter{}
		if err := write(w); !errors.Is(err, errDiskFull) {
			t.Errorf("%s: error %v, want the writer's", name, err)
		}
		if w.calls != 1 {
			t.Errorf("%s: wrote %d times after the first failure, want no more", name, w.calls-1)
		}
	}
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{ calls int }

func (w *failingWriter) Write([]byte) (int, error) { w.calls++; return 0, errDiskFull }
