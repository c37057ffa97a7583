package compare

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// withCPU sets the server's CPU seconds per window: with 2000 requests a
// window, cpu_per_req is cpu/2000.
func withCPU(cpu float64, o synth.Options) synth.Options {
	return each(o, func(r *synth.Rep) { r.Server = &results.ServerStats{CPUSeconds: cpu} })
}

func slo(metric string, v float64, text string) map[string]scenarios.Quantity {
	return map[string]scenarios.Quantity{metric: {Value: v, Text: text}}
}

func TestGateChecksSLOsOfMetricsOnlyTheCandidateMeasured(t *testing.T) {
	sc := testScenario()
	searchOnly := testScenario()
	searchOnly.Endpoints = searchOnly.Endpoints[:1]
	cases := []struct {
		name     string
		base     *results.Run
		cand     *results.Run
		force    bool
		policy   Policy
		failures []string // "endpoint metric kind"
	}{
		{
			name:     "a candidate cpu_per_req of 25ms breaks a 1ms SLO although the base has no server statistics",
			base:     synthRun(sc, "before", 10, noisy(80, 0.05, 0.4)),
			cand:     synthRun(sc, "after", 10, withCPU(50, noisy(81, 0.05, 0.4))),
			policy:   Policy{SLO: slo(metric.CPUPerReq, 0.001, "1ms")},
			failures: []string{"server cpu_per_req slo"},
		},
		{
			name:   "a candidate cpu_per_req within its SLO passes although the base has no server statistics",
			base:   synthRun(sc, "before", 10, noisy(82, 0.05, 0.4)),
			cand:   synthRun(sc, "after", 10, withCPU(1, noisy(83, 0.05, 0.4))),
			policy: Policy{SLO: slo(metric.CPUPerReq, 0.001, "1ms")},
		},
		{
			name:     "a forced comparison checks the SLOs of an endpoint only the candidate has",
			base:     synthRun(searchOnly, "before", 10, noisy(84, 0.05, 0.4)),
			cand:     synthRun(sc, "after", 10, noisy(85, 0.05, 0.4)),
			force:    true,
			policy:   Policy{SLO: slo("login.p99", 0.010, "10ms")},
			failures: []string{"login p99 slo"},
		},
		{
			name:   "an endpoint only the candidate has is never a regression, there is nothing to regress from",
			base:   synthRun(searchOnly, "before", 10, noisy(86, 0.05, 0.4)),
			cand:   synthRun(sc, "after", 10, noisy(87, 0.05, 0.4)),
			force:  true,
			policy: Policy{MaxRegression: map[string]scenarios.Quantity{"login.p99": {Value: 0, Text: "0"}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compare(runs(tc.base), runs(tc.cand), Options{Force: tc.force})
			if err != nil {
				t.Fatal(err)
			}
			g := Gate(c, tc.policy)
			var got []string
			for _, f := range g.Failures {
				got = append(got, f.Endpoint+" "+f.Metric+" "+f.Kind)
			}
			if strings.Join(got, "; ") != strings.Join(tc.failures, "; ") || g.Pass != (len(tc.failures) == 0) {
				t.Fatalf("pass %v, failures %q, want %q", g.Pass, got, tc.failures)
			}
			if len(tc.failures) == 0 {
				return
			}
			// A failure without a row must still fail the JUnit report.
			var buf bytes.Buffer
			if err := Write(&buf, c, &g, "junit"); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), `<failure message="`+g.Failures[0].Reason) {
				t.Errorf("JUnit report lacks the failure %q:\n%s", g.Failures[0].Reason, buf.String())
			}
		})
	}
}

func TestClosedModelRunsGetNoLatencyVerdicts(t *testing.T) {
	closed := testScenario()
	closed.Load.Rate = scenarios.Rate{Max: true}
	closed.Load.Workers = 8
	open := testScenario()
	slowerSearch := func(o synth.Options) synth.Options {
		return each(o, func(r *synth.Rep) { r.Endpoints[0].Rate /= 2 })
	}
	cases := []struct {
		name     string
		base     *results.Run
		cand     *results.Run
		policy   Policy
		failures []string // "endpoint metric kind"
		gateWarn string   // substring of a gate warning
	}{
		{
			name:     "a closed-model p99 regression does not fail the gate, which says why",
			base:     synthRun(closed, "before", 10, noisy(90, 0.050, 0.41)),
			cand:     synthRun(closed, "after", 10, noisy(91, 0.080, 0.41)),
			policy:   DefaultPolicy(),
			gateWarn: "latency regressions in search p50, search p99, login p50, login p99 were not gated; SLOs were checked",
		},
		{
			name:     "a closed-model base alone is enough to withhold latency verdicts",
			base:     synthRun(closed, "before", 10, noisy(92, 0.050, 0.41)),
			cand:     synthRun(open, "after", 10, noisy(93, 0.080, 0.41)),
			policy:   DefaultPolicy(),
			gateWarn: "closed-model runs (rate: max) measure capacity, not latency",
		},
		{
			name:     "a closed-model rps drop still fails the gate",
			base:     synthRun(closed, "before", 10, noisy(94, 0.050, 0.41)),
			cand:     synthRun(closed, "after", 10, slowerSearch(noisy(95, 0.050, 0.41))),
			policy:   Policy{MaxRegression: map[string]scenarios.Quantity{"rps": {Value: 0.10, Relative: true, Text: "10%"}}},
			failures: []string{"search rps regression"},
		},
		{
			name:     "a closed-model latency SLO still applies",
			base:     synthRun(closed, "before", 10, noisy(96, 0.050, 0.41)),
			cand:     synthRun(closed, "after", 10, noisy(97, 0.080, 0.41)),
			policy:   Policy{SLO: slo("search.p99", 0.060, "60ms")},
			failures: []string{"search p99 slo"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compare(runs(tc.base), runs(tc.cand), Options{Force: true})
			if err != nil {
				t.Fatal(err)
			}
			if !containsString(c.Warnings, closedModelWarning) {
				t.Errorf("warnings %q lack %q", c.Warnings, closedModelWarning)
			}
			if h := c.Hotspots[0]; h.Verdict != VerdictInconclusive || h.Reason != closedModelWarning || h.ObjectiveMet != nil {
				t.Errorf("hotspot on p99: %q (%s), objective met %v; want inconclusive for a closed model", h.Verdict, h.Reason, h.ObjectiveMet)
			}
			g := Gate(c, tc.policy)
			var got []string
			for _, f := range g.Failures {
				got = append(got, f.Endpoint+" "+f.Metric+" "+f.Kind)
			}
			if strings.Join(got, "; ") != strings.Join(tc.failures, "; ") || g.Pass != (len(tc.failures) == 0) {
				t.Errorf("pass %v, failures %q, want %q", g.Pass, got, tc.failures)
			}
			if tc.gateWarn != "" && !strings.Contains(strings.Join(g.Warnings, "\n"), tc.gateWarn) {
				t.Errorf("gate warnings %q lack %q", g.Warnings, tc.gateWarn)
			}
		})
	}
	t.Run("open-model runs keep their latency verdicts", func(t *testing.T) {
		c, err := Compare(runs(synthRun(open, "before", 10, noisy(98, 0.050, 0.41))),
			runs(synthRun(open, "after", 10, noisy(98, 0.080, 0.41))), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if containsString(c.Warnings, closedModelWarning) || c.Hotspots[0].Verdict != VerdictRegressed {
			t.Errorf("warnings %q, verdict %q", c.Warnings, c.Hotspots[0].Verdict)
		}
		if g := Gate(c, DefaultPolicy()); g.Pass {
			t.Errorf("an open-model +60%% p99 regression passed the gate")
		}
	})
}

func TestParseOverridesRejectsEndpointsOnServerWideMetrics(t *testing.T) {
	endpoints := []string{"search", "login"}
	cases := []struct {
		name, mr, slo string
		wantErr       string
	}{
		{name: "an SLO on search.cpu_per_req says to drop the endpoint", slo: "search.cpu_per_req=2ms",
			wantErr: "--slo search.cpu_per_req: cpu_per_req is measured over all endpoints, not per endpoint: write it without an endpoint, like cpu_per_req=2ms"},
		{name: "an allowance on login.alloc_per_req says to drop the endpoint", mr: "login.alloc_per_req=10%",
			wantErr: "write it without an endpoint, like alloc_per_req=10%"},
		{name: "a server-wide SLO without an endpoint is accepted", slo: "cpu_per_req=2ms"},
		{name: "a server-wide allowance without an endpoint is accepted", mr: "alloc_per_req=10%"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p Policy
			err := ParseOverrides(tc.mr, tc.slo, 0, &p, endpoints)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestCompareLeavesOutInvalidRepetitions(t *testing.T) {
	sc := testScenario()
	// interrupt marks the last k repetitions incomplete and makes them
	// wildly slow, so that counting them would show.
	interrupt := func(r *results.Run, k int) *results.Run {
		for i := len(r.Repetitions) - k; i < len(r.Repetitions); i++ {
			r.Repetitions[i].Complete = false
			r.Repetitions[i].End = r.Repetitions[i].Start.Add(300 * 1e6)
		}
		return r
	}
	const lag = "generator fell behind: send lag p99 62ms > 10ms"
	// behind marks repetition i invalid because the generator fell behind
	// and makes its search latencies ten times larger, as a stalled
	// generator does (issue 8: one repetition's p50 19.3ms against 1.7ms).
	behind := func(o synth.Options, reps ...int) synth.Options {
		return each(o, func(r *synth.Rep) {
			if slices.Contains(reps, r.Index) {
				r.Invalid = []string{lag}
				r.Endpoints[0].Median *= 10
				r.Endpoints[0].P99 *= 10
			}
		})
	}
	cases := []struct {
		name             string
		base, cand       *results.Run
		baseN, candN     int
		leftOut          LeftOut
		warning, wantErr string
	}{
		{
			name:    "an interrupted run's partial last repetition is left out with a warning",
			base:    synthRun(sc, "before", 10, noisy(100, 0.05, 0.4)),
			cand:    interrupt(synthRun(sc, "after", 10, noisy(101, 0.05, 0.4)), 1),
			baseN:   10,
			candN:   9,
			leftOut: LeftOut{Candidate: 1},
			warning: "candidate: left out 1 invalid repetition of 10 (interrupted: the window did not run to its end)",
		},
		{
			name:    "several incomplete repetitions of the base are counted in the warning",
			base:    interrupt(synthRun(sc, "before", 10, noisy(102, 0.05, 0.4)), 3),
			cand:    synthRun(sc, "after", 10, noisy(103, 0.05, 0.4)),
			baseN:   7,
			candN:   10,
			leftOut: LeftOut{Base: 3},
			warning: "base: left out 3 invalid repetitions of 10 (interrupted: the window did not run to its end)",
		},
		{
			name:    "repetitions where the generator fell behind are left out, however slow they look",
			base:    synthRun(sc, "before", 12, behind(noisy(106, 0.05, 0.4), 3, 7)),
			cand:    synthRun(sc, "after", 10, noisy(107, 0.05, 0.4)),
			baseN:   10,
			candN:   10,
			leftOut: LeftOut{Base: 2},
			warning: "base: left out 2 invalid repetitions of 12 (" + lag + ")",
		},
		{
			name:    "a side left without valid repetitions is inconclusive",
			base:    interrupt(synthRun(sc, "before", 2, noisy(104, 0.05, 0.4)), 2),
			cand:    synthRun(sc, "after", 10, noisy(105, 0.05, 0.4)),
			wantErr: "inconclusive: the base has no valid repetition (2 left out: interrupted: the window did not run to its end): run the scenario again",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compare(runs(tc.base), runs(tc.cand), Options{})
			if tc.wantErr != "" {
				var ie *InconclusiveError
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.As(err, &ie) {
					t.Fatalf("error %v, want an *InconclusiveError %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseRuns != tc.baseN || c.CandidateRuns != tc.candN || c.LeftOut != tc.leftOut {
				t.Errorf("runs %d+%d, left out %+v; want %d+%d, %+v", c.BaseRuns, c.CandidateRuns, c.LeftOut, tc.baseN, tc.candN, tc.leftOut)
			}
			if r := c.Row("search", "rps"); r == nil || r.Base.N != tc.baseN || r.Candidate.N != tc.candN || r.Change != NoChange {
				t.Errorf("search rps row %+v: partial windows were counted", r)
			}
			if r := c.Row("search", "p50"); r == nil || r.Change != NoChange {
				t.Errorf("search p50 row %+v: invalid repetitions were counted", r)
			}
			if !containsString(c.Warnings, tc.warning) {
				t.Errorf("warnings %q lack %q", c.Warnings, tc.warning)
			}
			var buf bytes.Buffer
			if err := Write(&buf, c, nil, "json"); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Base int `json:"base_left_out"`
				Cand int `json:"candidate_left_out"`
			}
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || doc.Base != tc.leftOut.Base || doc.Cand != tc.leftOut.Candidate {
				t.Errorf("JSON base_left_out %d, candidate_left_out %d (%v); want %+v", doc.Base, doc.Cand, err, tc.leftOut)
			}
		})
	}
}

func TestPolicyFromScenarioTellsNilFromEmpty(t *testing.T) {
	cases := []struct {
		name    string
		mr      map[string]scenarios.Quantity
		want    int  // len(MaxRegression)
		failsUp bool // whether a +60% p99 regression fails
	}{
		{name: "a nil max_regression means the default allowances", mr: nil, want: 3, failsUp: true},
		{name: "an explicit empty max_regression gates no regressions", mr: map[string]scenarios.Quantity{}, want: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := PolicyFromScenario(scenarios.Gate{MaxRegression: tc.mr})
			if len(p.MaxRegression) != tc.want || p.MaxRegression == nil {
				t.Fatalf("MaxRegression %+v, want %d entries, non-nil", p.MaxRegression, tc.want)
			}
			g := Gate(comparisonOf(rowOf("search", "p99", around(0.050, 10), around(0.080, 10))), p)
			if g.Pass == tc.failsUp {
				t.Errorf("pass %v; failures %+v", g.Pass, g.Failures)
			}
		})
	}
}
