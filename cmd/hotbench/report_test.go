package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// The report command's transcripts, on the transcripts' results folder
// (transcriptResults): what it prints, and its exit code, as golden files
// under testdata/transcripts.
var reportTranscripts = []transcript{
	{"report-before-after", []string{"report", "manual-search@before", "manual-search@after", "--results", "$RESULTS"}},
	{"report-before-after-unknown-run", []string{"report", "manual-search@before", "manual-search@nothing", "--results", "$RESULTS"}},
	{"report-before-after-no-valid-repetition", []string{"report", "manual-search@after", "manual-search@stalled", "--results", "$RESULTS"}},
	{"report-three-runs", []string{"report", "manual-search@before", "manual-search@after", "manual-search@slower", "--results", "$RESULTS"}},
}

func TestReportTranscripts(t *testing.T) {
	dir := runTranscripts(t, reportTranscripts)
	t.Run("the before/after report is written where it says, with its Markdown and charts", func(t *testing.T) {
		html := filepath.Join(dir, "reports", "manual-search-before-vs-manual-search-after.html")
		page, err := os.ReadFile(html)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"hotbench before/after report", "search-steps-n-plus-one", "data:image/png;base64,"} {
			if !strings.Contains(string(page), want) {
				t.Errorf("%s lacks %q", html, want)
			}
		}
		out := t.TempDir()
		md := filepath.Join(out, "fix.md")
		code, _, stderr := hotbench(t, "report", "manual-search@before", "manual-search@after", "--alpha", "0.01",
			"--out", filepath.Join(out, "fix.html"), "--markdown", md, "--results", dir)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		text, err := os.ReadFile(md)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), "changes need p ≤ 0.01") {
			t.Errorf("--alpha 0.01 did not reach the comparison:\n%.600s", text)
		}
		charts, _ := filepath.Glob(filepath.Join(out, "fix-charts", "*.png"))
		if len(charts) != 2 {
			t.Errorf("%d charts beside the Markdown, want one per endpoint (2): %v", len(charts), charts)
		}
	})
}

// The meeting's month, end to end through the command: runs on several
// days of October and November, an incident spanning one November run, a
// release, and a saved verdict with its ticket, pull request and note.
// The HTML and the Markdown must show the annotations, the greyed run,
// the fix log with the ticket and the comparison with October.
func TestReportMonthForTheMeeting(t *testing.T) {
	sc, err := scenarios.Load("testdata/transcripts/manual-search.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	store := results.Open(t.TempDir())
	run := func(at time.Time, label string, p99, share float64) *results.Run {
		return synth.Save(t, store, synth.Options{Scenario: *sc, Label: label, Start: at, Seed: uint64(at.Unix()), Reps: 6, Exact: true, Noise: 0.05,
			Endpoints: []synth.Endpoint{{Name: "search", Median: 0.0012, P99: p99}, {Name: "login", Median: 0.003, P99: 0.020}},
			Shares:    map[string]float64{synth.StepsFor: share}})
	}
	nov := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	run(time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC), "october", 0.050, 0.41)
	before := run(nov(3), "before", 0.050, 0.41)
	run(nov(10), "during-failover", 0.090, 0.41)
	after := run(nov(17), "after", 0.012, 0.03)
	run(nov(24), "later", 0.012, 0.03)
	end := nov(10).Add(2 * time.Hour)
	for _, an := range []results.Annotation{
		{Kind: results.AnnotationIncident, Time: nov(10).Add(-time.Hour), End: &end, Title: "database failover"},
		{Kind: results.AnnotationRelease, Time: nov(15), Title: "v2.4.0"},
	} {
		if _, err := store.AddAnnotation(an); err != nil {
			t.Fatal(err)
		}
	}
	c, err := compare.Compare([]*results.Run{before}, []*results.Run{after}, compare.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := compare.WithFixLog(mustJSON(t, c), compare.FixLog{Ticket: "PERF-7", PR: "#88", Note: "one query for all steps",
		Commits: compare.RunCommits([]*results.Run{before}, []*results.Run{after})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SaveVerdict(results.VerdictCompare, sc.Name, nov(17).Add(time.Hour), data); err != nil {
		t.Fatal(err)
	}

	out := t.TempDir()
	html, md := filepath.Join(out, "month.html"), filepath.Join(out, "month.md")
	code, stdout, stderr := hotbench(t, "report", "--month", "2026-11", "--out", html, "--markdown", md, "--results", store.Dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.TrimSpace(stdout) != html {
		t.Errorf("stdout %q, want the HTML's path", stdout)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<tr class="incident">`, "incident: database failover", // the greyed run
		`<span class="badge ann-release">release</span>`, "<strong>v2.4.0</strong>", // the release on the charts' list
		"<h3>Fixed this month</h3>", "PERF-7, PR #88", "one query for all steps", // the fix log
		"<h2>Since October 2026</h2>", "For the minutes", // month over month
	} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the month's HTML lacks %q", want)
		}
	}
	for _, want := range []string{
		"## For the minutes", "Closed since October 2026: search-steps-n-plus-one.",
		"Fixed this month, by saved verdicts: search-steps-n-plus-one (PERF-7, PR #88).",
		`manual-search@during-failover (2026-11-10 10:00 UTC): greyed on the charts and left out of the trends; inside incident "database failover"`,
		"| 2026-11-15 10:00 UTC | release | **v2.4.0** |",
		"- **search-steps-n-plus-one** (2026-11-17 11:00 UTC, compare), PERF-7, PR #88: p99 ",
		"  - Learned: one query for all steps",
		"## Since October 2026",
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the month's Markdown lacks %q", want)
		}
	}
	charts, _ := filepath.Glob(filepath.Join(out, "month-charts", "*.png"))
	if len(charts) != 3 {
		t.Errorf("%d charts beside the Markdown, want 3 (the hotspot, and both endpoints' trends): %v", len(charts), charts)
	}
}

func mustJSON(t *testing.T, c *compare.Comparison) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := compare.Write(&buf, c, nil, "json"); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
