package compare

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

func runs(r ...*results.Run) []*results.Run { return r }

func TestCompareRefusesMismatchedRunsUnlessForced(t *testing.T) {
	sc := testScenario()
	other := testScenario()
	other.Name = "checkout"
	fewer := testScenario()
	fewer.Endpoints = fewer.Endpoints[:1]
	cases := []struct {
		name       string
		base, cand []*results.Run
		what       string
	}{
		{
			name: "runs of different scenarios are refused",
			base: runs(synthRun(sc, "before", 5, noisy(40, 0.05, 0.4))),
			cand: runs(synthRun(other, "after", 5, noisy(41, 0.05, 0.4))),
			what: "scenarios",
		},
		{
			name: "a side pooling runs of two scenarios is refused",
			base: runs(synthRun(sc, "before", 5, noisy(42, 0.05, 0.4)), synthRun(other, "before", 5, noisy(43, 0.05, 0.4))),
			cand: runs(synthRun(sc, "after", 5, noisy(44, 0.05, 0.4))),
			what: "scenarios",
		},
		{
			name: "runs with different endpoints are refused",
			base: runs(synthRun(sc, "before", 5, noisy(45, 0.05, 0.4))),
			cand: runs(synthRun(fewer, "after", 5, noisy(46, 0.05, 0.4))),
			what: "endpoints",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(tc.base, tc.cand, Options{})
			var mm *MismatchError
			if !errors.As(err, &mm) || mm.What != tc.what {
				t.Fatalf("error %v, want a *MismatchError about %s", err, tc.what)
			}
			if !strings.Contains(err.Error(), "--force") {
				t.Errorf("error %q does not say how to go on", err)
			}
			c, err := Compare(tc.base, tc.cand, Options{Force: true})
			if err != nil {
				t.Fatalf("forced: %v", err)
			}
			if !strings.Contains(strings.Join(c.Warnings, "\n"), "forced: comparing runs with different "+tc.what) {
				t.Errorf("forced comparison does not warn: %q", c.Warnings)
			}
			if c.Row("search", "p99") == nil {
				t.Errorf("forced comparison has no search p99 row")
			}
			if tc.what == "endpoints" && len(c.Endpoints()) != 1 {
				t.Errorf("forced comparison of different endpoint sets compares %v, want only the shared search", c.Endpoints())
			}
		})
	}
}

func TestCompareWarnsAboutProvenance(t *testing.T) {
	sc := testScenario()
	cases := []struct {
		name   string
		change func(r *results.Run)
		want   string
	}{
		{"a different scenario version warns", func(r *results.Run) { r.ScenarioHash = "fedcba9876543210" }, "runs differ in scenario version (base: " + scenarios.Hash(&sc)[:12] + "; candidate: fedcba987654)"},
		{"a different hotbench version warns", func(r *results.Run) { r.HotbenchVersion = "v0.2.0" }, "runs differ in hotbench version (base: v0.1.0; candidate: v0.2.0)"},
		{"a different host warns", func(r *results.Run) { r.Host.Name = "laptop" }, "runs differ in host (base: bench-1; candidate: laptop)"},
		{"an incomplete run warns", func(r *results.Run) { r.Complete, r.IncompleteReason = false, "interrupted" }, "candidate run manual-search@after is incomplete: interrupted"},
		{"a run's own warnings are passed on", func(r *results.Run) { r.Warnings = []string{"load generator fell behind"} }, "candidate run manual-search@after: load generator fell behind"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := synthRun(sc, "before", 10, noisy(50, 0.05, 0.4))
			cand := synthRun(sc, "after", 10, noisy(51, 0.05, 0.4))
			tc.change(cand)
			c, err := Compare(runs(base), runs(cand), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(c.Warnings, "\n"), tc.want) {
				t.Errorf("warnings %q lack %q", c.Warnings, tc.want)
			}
		})
	}
	t.Run("runs alike do not warn", func(t *testing.T) {
		c, err := Compare(runs(synthRun(sc, "before", 10, noisy(52, 0.05, 0.4))), runs(synthRun(sc, "after", 10, noisy(53, 0.05, 0.4))), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Warnings) != 0 {
			t.Errorf("warnings %q, want none", c.Warnings)
		}
	})
}

func TestComparePoolsRepetitionsAndOrdersRows(t *testing.T) {
	sc := testScenario()
	base := runs(synthRun(sc, "before", 4, noisy(60, 0.05, 0.4)), synthRun(sc, "before", 6, noisy(61, 0.05, 0.4)))
	cand := runs(synthRun(sc, "after", 7, noisy(62, 0.05, 0.4)))
	c, err := Compare(base, cand, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseRuns != 10 || c.CandidateRuns != 7 || c.Base != "manual-search@before" || c.Candidate != "manual-search@after" {
		t.Errorf("sides %q %d, %q %d", c.Base, c.BaseRuns, c.Candidate, c.CandidateRuns)
	}
	var got []string
	for _, r := range c.Rows {
		got = append(got, r.Endpoint+" "+r.Metric)
		if r.Base.N != 10 || r.Candidate.N != 7 {
			t.Errorf("%s %s: n=%d+%d, want 10+7", r.Endpoint, r.Metric, r.Base.N, r.Candidate.N)
		}
	}
	want := "search p50, search p90, search p99, search p999, search mean, search max, search rps, search error_rate, " +
		"login p50, login p90, login p99, login p999, login mean, login max, login rps, login error_rate, " +
		"search cpu_share:" + stepsFor
	if strings.Join(got, ", ") != want {
		t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, ", "), want)
	}
	if !strings.Contains(strings.Join(c.Warnings, "\n"), "only 10+7 runs") {
		t.Errorf("7 candidate runs should warn that small changes may go unseen: %q", c.Warnings)
	}
}

func TestCompareMetricOnOneSideWarns(t *testing.T) {
	sc := testScenario()
	withCPU := func(o synth.Options) synth.Options {
		return each(o, func(r *synth.Rep) { r.Server = &results.ServerStats{CPUSeconds: 1.5} })
	}
	c, err := Compare(
		runs(synthRun(sc, "before", 10, noisy(61, 0.05, 0.4))),
		runs(synthRun(sc, "after", 10, withCPU(noisy(62, 0.05, 0.4)))), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Row("search", metric.CPUPerReq) != nil {
		t.Errorf("cpu_per_req compared although the base has none")
	}
	if !containsString(c.Warnings, "server cpu_per_req: the base has no values, so it is not compared") {
		t.Errorf("warnings %q", c.Warnings)
	}
}

func TestCompareDeltaAgainstZero(t *testing.T) {
	cases := []struct {
		name       string
		base, cand []float64
		delta      float64 // NaN for undefined
		change     Change
	}{
		{"equal zero centers have delta 0", around(0, 10), around(0, 10), 0, NoChange},
		{"a rise from zero has no relative delta", around(0, 10), around(0.01, 10), math.NaN(), Regressed},
		{"a fall to zero is -100%", around(0.01, 10), around(0, 10), -1, Improved},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rowOf("search", metric.ErrorRate, tc.base, tc.cand)
			if math.IsNaN(tc.delta) != math.IsNaN(r.Delta) || (!math.IsNaN(tc.delta) && r.Delta != tc.delta) {
				t.Errorf("delta %v, want %v", r.Delta, tc.delta)
			}
			if r.Change != tc.change {
				t.Errorf("change %q, want %q", r.Change, tc.change)
			}
		})
	}
}

func TestCompareRejectsBadInput(t *testing.T) {
	sc := testScenario()
	r := synthRun(sc, "x", 5, noisy(63, 0.05, 0.4))
	empty := synthRun(sc, "y", 1, noisy(64, 0.05, 0.4))
	empty.Repetitions = nil
	cases := []struct {
		name       string
		base, cand []*results.Run
		opts       Options
		want       string
	}{
		{"no base runs", nil, runs(r), Options{}, "the base has no runs"},
		{"no candidate runs", runs(r), runs(nil), Options{}, "the candidate has no runs"},
		{"runs without repetitions", runs(r), runs(empty), Options{}, "the candidate runs have no repetitions"},
		{"alpha above 1", runs(r), runs(r), Options{Alpha: 2}, "alpha 2 is out of range"},
		{"negative confidence", runs(r), runs(r), Options{Confidence: -0.5}, "confidence -0.5 is out of range"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(tc.base, tc.cand, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
