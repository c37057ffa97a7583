package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// storedRun is a stored run with two endpoints, errors on one, CPU
// profiles, and a warning that the generator fell behind.
func storedRun(tb testing.TB, seconds int) *results.Run {
	tb.Helper()
	store := results.Open(tb.TempDir())
	sc := manualSearch()
	sc.Load.Duration, sc.Load.Warmup = scenarios.Duration(time.Duration(seconds)*time.Second), scenarios.Duration(5*time.Second)
	r := synth.Save(tb, store, synth.Options{
		Scenario: sc, Label: "before", Start: day(2, 10), Seed: 7,
		Endpoints: []synth.Endpoint{{Name: "search", P99: 0.048, Rate: 80, FailOneIn: 150}, {Name: "step-list", P99: 0.019, Rate: 40}},
		Shares:    map[string]float64{"regexp.Compile": 0.55},
		Stacks:    stacksBefore,
	})
	r.Warnings = []string{"the load generator fell behind: p99 send lag 12ms exceeds 5ms; this run measures the generator, not only the server"}
	if err := results.Save(r); err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestRunReport(t *testing.T) {
	page := fullRunPage(t)
	// 2 endpoints × (latency over time, percentiles, throughput and errors).
	if n := checkSelfContained(t, page); n != 6 {
		t.Errorf("the page has %d charts, want 6", n)
	}
	for _, want := range []string{
		"<title>manual-search@before — hotbench run report</title>",
		"2026-11-02 10:00 UTC",                       // date
		"bench-1 (linux/amd64, 8 CPUs)",              // host
		"Repetitions</dt><dd>6 valid<",               // repetitions
		`<span class="badge ok">complete</span>`,     // complete
		"the load generator fell behind",             // warning box
		"search: p50 and p99 latency per second",     // chart alt text
		"search: latency at each percentile",         // HDR chart
		`<td class="bad">500</td>`,                   // unexpected status marked
		"regexp/syntax.Parse",                        // top CPU function
		"120/s (open model), measured 20s, after 5s", // load
		"generated 2026-12-01 09:00 UTC",             // Options.Now
		"<h3>Failed requests</h3>",                   // error latency, apart
		"Repetitions: 6 valid</summary>",             // validity table
		"6 profiles, ",                               // what the CPU table merged
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the run report lacks %q", want)
		}
	}
	if dir := os.Getenv("REPORT_SAMPLE_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "run.html"), page, 0o644)
	}
}

func TestRunReportStates(t *testing.T) {
	tests := []struct {
		name   string
		change func(*results.Run)
		want   []string
		absent []string
	}{
		{"an incomplete run says so and why", func(r *results.Run) {
			r.Complete, r.IncompleteReason = false, "interrupted by Ctrl-C"
		}, []string{"This run is incomplete.", "interrupted by Ctrl-C", "badge bad"}, nil},
		{"a run without CPU profiles says none were captured", func(r *results.Run) {
			for i := range r.Repetitions {
				r.Repetitions[i].Profiles = nil
			}
		}, []string{"No CPU profiles were captured in this run."}, []string{"regexp/syntax.Parse"}},
		{"a missing profile file is named, not skipped", func(r *results.Run) {
			os.Remove(filepath.Join(r.Dir, r.Repetitions[1].Profiles[0].File))
		}, []string{"The CPU profiles could not be read", "rep-02-cpu.pb.gz"}, []string{"regexp/syntax.Parse"}},
		{"a run without warnings shows no warning box", func(r *results.Run) { r.Warnings = nil },
			nil, []string{"Warnings: read these"}},
		{"invalid repetitions are counted, listed with their reasons and left out", func(r *results.Run) {
			r.Repetitions[1].Invalid = []string{"the load generator fell behind: send lag p99 62ms exceeds 10ms"}
		}, []string{"Repetitions</dt><dd>5 of 6 valid, 1 left out<", "<details open><summary>Repetitions: 5 of 6 valid, 1 left out of every value",
			`<span class="badge bad">invalid</span></td><td>the load generator fell behind: send lag p99 62ms exceeds 10ms`,
			"over the valid repetitions merged (1 invalid left out)", "5 profiles, "}, nil},
		{"a run without a valid repetition says its numbers are not evidence", func(r *results.Run) {
			for i := range r.Repetitions {
				r.Repetitions[i].Invalid = []string{"interrupted"}
			}
		}, []string{"0 of 6 valid, 6 left out", "no repetition is valid"}, nil},
		{"a run without failures has no failed-requests table", func(r *results.Run) {
			for i := range r.Repetitions {
				for j := range r.Repetitions[i].Endpoints {
					r.Repetitions[i].Endpoints[j].ErrorLatency = nil
					r.Repetitions[i].Endpoints[j].Errors = 0
				}
			}
		}, nil, []string{"Failed requests"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := storedRun(t, 5)
			tt.change(r)
			var buf bytes.Buffer
			if err := RunReport(&buf, r, quick); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(buf.String(), a) {
					t.Errorf("has %q", a)
				}
			}
		})
	}
}

func TestRunReportOfAnEmptyRun(t *testing.T) {
	// A run interrupted before anything was measured still renders.
	r := &results.Run{Scenario: manualSearch(), Label: "empty", Start: day(3, 9)}
	var buf bytes.Buffer
	if err := RunReport(&buf, r, quick); err != nil {
		t.Fatal(err)
	}
	checkSelfContained(t, buf.Bytes())
	if !strings.Contains(buf.String(), "This run is incomplete.") {
		t.Error("an empty, incomplete run does not say it is incomplete")
	}
}

func TestRunMarkdown(t *testing.T) {
	r := storedRun(t, 5)
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := RunMarkdown(&buf, r, filepath.Join(dir, "charts"), "charts", quick); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{"# manual-search @ before", "| **search** |", "## Top CPU functions", "`regexp/syntax.Parse`",
		"### Failed requests", "### Repetitions", "| 1 | yes |  |  |",
		"![search: p50 and p99 latency per second](charts/manual-search-search-latency.png)"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q", want)
		}
	}
	checkLinkedCharts(t, md, dir)
	if dir := os.Getenv("REPORT_SAMPLE_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "run.md"), buf.Bytes(), 0o644)
	}
}
