package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

func quantity(tb testing.TB, name, text string, relative bool) scenarios.Quantity {
	tb.Helper()
	q, err := scenarios.ParseQuantity(name, text, relative)
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

// hotspotRun is a run of manual-search after the regexp fix, with more
// hotspots than the scenario ships: one met, one not, one on an endpoint
// the run did not measure, one relative, one on the error rate.
func hotspotRun(tb testing.TB) *results.Run {
	tb.Helper()
	sc := manualSearch()
	sc.Hotspots = append(sc.Hotspots,
		scenarios.Hotspot{Name: "login-errors", Endpoint: "login", Metric: metric.P99, Objective: quantity(tb, metric.P99, "20ms", false)},
		scenarios.Hotspot{Name: "search-halved", Endpoint: "search", Metric: metric.P50, Objective: quantity(tb, metric.P50, "50%", true)},
		scenarios.Hotspot{Name: "step-list-errors", Endpoint: "step-list", Metric: metric.ErrorRate, Objective: quantity(tb, metric.ErrorRate, "0.1%", false)},
	)
	return synth.Save(tb, results.Open(tb.TempDir()), synth.Options{
		Scenario: sc, Label: "after", Start: day(16, 10), Seed: 5,
		Endpoints: []synth.Endpoint{{Name: "search", P99: 0.0032, Rate: 60}, {Name: "step-list", P99: 0.019, Rate: 60, FailOneIn: 100}},
	})
}

// A run judges each hotspot by the median of its valid repetitions: met
// or not met against an absolute objective, no value where it measured
// nothing, and never a relative objective, which needs a base.
func TestRunHotspots(t *testing.T) {
	got := map[string]RunHotspot{}
	for _, h := range RunHotspots(hotspotRun(t), quick) {
		got[h.Name] = h
	}
	for name, want := range map[string]RunStatus{
		"search-regexp":    RunMet,      // p99 ~3 ms against 10 ms
		"steps-n-plus-one": RunNotMet,   // p50 ~8 ms against 5 ms
		"login-errors":     RunNoValue,  // no endpoint login in the run
		"search-halved":    RunRelative, // 50% (of what?): needs a base
		"step-list-errors": RunNotMet,   // ~1% of requests fail, 0.1% allowed
	} {
		if got[name].Status != want {
			t.Errorf("%s: %q (value %s), want %q", name, got[name].Status, got[name].ValueText(), want)
		}
	}
	if h := got["step-list-errors"]; h.N != 6 || h.Center < 0.005 || h.Center > 0.02 || !(h.Lo < h.Center && h.Center < h.Hi) {
		t.Errorf("the error rate is pooled over 6 repetitions with its interval: got %+v", h)
	}
	if v := got["login-errors"].ValueText(); v != "–" {
		t.Errorf("a hotspot without a value shows %q", v)
	}
}

func TestWriteRunSummary(t *testing.T) {
	var buf bytes.Buffer
	r := hotspotRun(t)
	if err := WriteRunSummary(&buf, r); err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(buf.String(), r.Dir, "$RUN")
	golden(t, "run-summary.txt", []byte(got))
	if !strings.Contains(got, "search-regexp     p99 of search") || !strings.Contains(got, "NOT MET") {
		t.Errorf("the summary does not list the hotspots with their status:\n%s", got)
	}
}

func TestRunReportShowsHotspotsFirst(t *testing.T) {
	page := string(fullRunPage(t))
	hot, summary := strings.Index(page, "<h2>Hotspots</h2>"), strings.Index(page, "<h2>Summary</h2>")
	if hot < 0 || hot > summary {
		t.Fatalf("the run report does not show its hotspots before the summary")
	}
	for _, want := range []string{"<strong>search-regexp</strong>", "p99 of search", "10.0ms", "2026-12-15", `<span class="badge off-track">not met</span>`,
		"<td>ada</td><td>search</td><td class=\"mono nowrap\">PERF-12</td>"} {
		if !strings.Contains(page[hot:summary], want) {
			t.Errorf("the hotspots section lacks %q", want)
		}
	}
	var md bytes.Buffer
	if err := RunMarkdown(&md, storedRun(t, 5), filepath.Join(t.TempDir(), "charts"), "charts", quick); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| **search-regexp** | p99 of search | 10.0ms | 2026-12-15 |") {
		t.Errorf("the Markdown run report lacks the hotspot table:\n%.1500s", md.String())
	}
}
