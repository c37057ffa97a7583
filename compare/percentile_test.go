package compare

import (
	"slices"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/scenarios"
)

// Any percentile is a metric: the ones a scenario names (a hotspot's
// metric, a gate key) and the ones a policy from the command line names
// (Options.Metrics) get rows in their place among the others, a hotspot on
// one gets a verdict, and the gate checks them; p99.9 is p999.
func TestAnyPercentileIsCompared(t *testing.T) {
	sc := testScenario()
	sc.Hotspots = append(sc.Hotspots, scenarios.Hotspot{Name: "search-body", Endpoint: "search", Metric: "p95",
		Objective: scenarios.Quantity{Value: 0.015, Text: "15ms"}})
	sc.Gate.SLO = map[string]scenarios.Quantity{"search.p99.99": {Value: 1, Text: "1s"}}
	faster := func(o synth.Options) synth.Options {
		return each(o, func(r *synth.Rep) { r.Endpoints[0].Median /= 2 })
	}
	base := synthRun(sc, "before", 10, noisy(90, 0.050, 0.41))
	cand := synthRun(sc, "after", 10, faster(noisy(91, 0.050, 0.41)))
	c, err := Compare(runs(base), runs(cand), Options{Metrics: []string{"p75"}})
	if err != nil {
		t.Fatal(err)
	}

	var search []string
	for _, r := range rowsOf(c, "search") {
		if !strings.Contains(r.Metric, ":") {
			search = append(search, r.Metric)
		}
	}
	want := []string{"p50", "p75", "p90", "p95", "p99", "p999", "p99.99", "mean", "max", "rps", "error_rate"}
	if !slices.Equal(search, want) {
		t.Errorf("search rows %q, want %q: p75 from the options, p95 from the hotspot, p99.99 from the gate", search, want)
	}
	if r := c.Row("search", "p95"); r == nil || r.Change != Improved {
		t.Errorf("p95 row %+v, want improved (the median halved, the p99 held)", r)
	}
	if c.Row("search", "p99.9") != c.Row("search", "p999") || c.Row("search", "p99.9") == nil {
		t.Error("Row(p99.9) is not the p999 row")
	}
	var verdict *HotspotVerdict
	for i := range c.Hotspots {
		if c.Hotspots[i].Name == "search-body" {
			verdict = &c.Hotspots[i]
		}
	}
	if verdict == nil || verdict.Verdict != VerdictImproved || !strings.HasPrefix(verdict.Evidence, "p95 ") || verdict.ObjectiveMet == nil || !*verdict.ObjectiveMet {
		t.Fatalf("hotspot on p95: %+v, want improved with p95 evidence, objective 15ms met (by ≈ 13.5ms, not by the base's 17ms)", verdict)
	}

	// The gate: --slo p95=300ms passes, search.p99.9=10ms fails (the tail
	// is 50ms), and the scenario's search.p99.99 is checked.
	p := PolicyFromScenario(sc.Gate)
	if err := ParseOverrides("p95=50%", "p95=300ms,search.p99.9=10ms", 0, &p, []string{"search", "login"}); err != nil {
		t.Fatal(err)
	}
	g := Gate(c, p)
	var slo []string
	for _, f := range g.Failures {
		slo = append(slo, f.Endpoint+" "+f.Metric+" "+f.Kind)
	}
	if !slices.Equal(slo, []string{"search p999 slo"}) {
		t.Errorf("failures %q, want only search p999 slo: %+v", slo, g.Failures)
	}
	for _, w := range g.Warnings {
		if strings.Contains(w, "matches no compared metric") {
			t.Errorf("a policy key matched no row: %s", w)
		}
	}
	if !strings.Contains(g.Failures[0].Reason, "candidate p999 ") || !strings.Contains(g.Failures[0].Reason, "above the SLO 10ms") {
		t.Errorf("reason %q", g.Failures[0].Reason)
	}

	if _, err := Compare(runs(base), runs(cand), Options{Metrics: []string{"p100"}}); err == nil || !strings.Contains(err.Error(), "below p100") {
		t.Errorf("Options.Metrics p100: error %v, want one saying what a percentile is", err)
	}
}

// A run's own check holds any percentile its policy names.
func TestCheckRunAnyPercentile(t *testing.T) {
	run := synthRun(testScenario(), "after", 5, noisy(92, 0.050, 0.41))
	p := Policy{SLO: map[string]scenarios.Quantity{"p95": {Value: 0.1, Text: "100ms"}, "search.p99.9": {Value: 0.01, Text: "10ms"}}}
	var got []string
	for _, f := range CheckRun(run, p) {
		got = append(got, f.Endpoint+" "+f.Metric)
	}
	if !slices.Equal(got, []string{"search p999"}) {
		t.Errorf("failures %q, want search p999 (its tail is 50ms)", got)
	}
}
