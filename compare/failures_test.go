package compare

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// failuresOfGate is "endpoint metric kind" per failure.
func failureKeys(fs []Failure) []string {
	var keys []string
	for _, f := range fs {
		keys = append(keys, f.Endpoint+" "+f.Metric+" "+f.Kind)
	}
	return keys
}

// withErrors sets an endpoint's requests per window and its failures by
// repetition (numbered from 1).
func withErrors(o synth.Options, endpoint int, requests int64, errs map[int]int64) synth.Options {
	return each(o, func(r *synth.Rep) {
		e := &r.Endpoints[endpoint]
		e.Rate = float64(requests) / 10
		e.Errors = errs[r.Index]
	})
}

// TestErrorRateIsComparedOnWhatTheRepetitionsLost (issue 8, item c): the
// error rate is pooled over the valid repetitions and tested exactly.
func TestErrorRateIsComparedOnWhatTheRepetitionsLost(t *testing.T) {
	sc := testScenario()
	none := scenarios.Quantity{None: true, Text: "none"}
	noSLO := DefaultPolicy()
	noSLO.SLO = map[string]scenarios.Quantity{metric.ErrorRate: none}
	cases := []struct {
		name       string
		n          int
		base, cand map[int]int64 // failed requests of search by repetition (from 1), of 200
		policy     Policy
		failures   []string
		reason     string
	}{
		{
			name:     "an outage in one repetition of five (96 of 200 failed) fails the default gate, as a regression and an SLO breach",
			n:        5,
			cand:     map[int]int64{2: 96},
			policy:   DefaultPolicy(),
			failures: []string{"search error_rate regression", "search error_rate slo"},
			reason:   "regressed 0% → 9.60% (0/1000 → 96/1000 requests failed, Fisher p=2.3e-30; Holm-adjusted p=1.4e-29 over 6 gated rows), allowed 0",
		},
		{
			name:     "with error_rate: none the outage still fails as a regression",
			n:        5,
			cand:     map[int]int64{2: 96},
			policy:   noSLO,
			failures: []string{"search error_rate regression"},
		},
		{
			name:   "an A/A pair with a lone error (1 of 2000 against 0) passes",
			n:      10,
			cand:   map[int]int64{7: 1},
			policy: DefaultPolicy(),
		},
		{
			name:   "lone errors on both sides pass",
			n:      10,
			base:   map[int]int64{1: 1, 6: 1},
			cand:   map[int]int64{3: 1},
			policy: DefaultPolicy(),
		},
		{
			name:     "a steady 1.5% error rate on both sides breaks the default SLO, without a regression",
			n:        10,
			base:     map[int]int64{1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3, 8: 3, 9: 3, 10: 3},
			cand:     map[int]int64{1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3, 8: 3, 9: 3, 10: 3},
			policy:   DefaultPolicy(),
			failures: []string{"search error_rate slo"},
			reason:   "candidate error_rate 1.50% (30 of 2000 requests failed) is above the SLO 1%",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := synthRun(sc, "before", tc.n, withErrors(noisy(200, 0.05, 0.4), 0, 200, tc.base))
			cand := synthRun(sc, "after", tc.n, withErrors(noisy(201, 0.05, 0.4), 0, 200, tc.cand))
			c, err := Compare(runs(base), runs(cand), Options{})
			if err != nil {
				t.Fatal(err)
			}
			g := Gate(c, tc.policy)
			if got := failureKeys(g.Failures); strings.Join(got, "; ") != strings.Join(tc.failures, "; ") {
				t.Errorf("failures %q, want %q; all: %+v", got, tc.failures, g.Failures)
			}
			if g.Pass != (len(tc.failures) == 0) || g.Inconclusive {
				t.Errorf("pass %v, inconclusive %v (%s)", g.Pass, g.Inconclusive, g.InconclusiveReason)
			}
			if tc.reason != "" && (len(g.Failures) == 0 || g.Failures[0].Reason != tc.reason) {
				t.Errorf("first failure %+v, want the reason %q", g.Failures, tc.reason)
			}
			r := c.Row("search", metric.ErrorRate)
			var e int64
			for _, x := range tc.cand {
				e += x
			}
			if r.Test != TestFisher || r.Candidate.Errors != e || r.Candidate.Requests != int64(200*tc.n) || r.Candidate.Center != float64(e)/float64(200*tc.n) {
				t.Errorf("error_rate row %+v, want the pooled %d of %d", r.Candidate, e, 200*tc.n)
			}
		})
	}
	t.Run("a median of per-repetition rates would not have seen the outage", func(t *testing.T) {
		r := rowOf("search", metric.ErrorRate, []float64{0, 0, 0, 0, 0}, []float64{0, 0, 0.48, 0, 0})
		if r.Significant || r.Base.Center != 0 || r.Candidate.Center != 0 {
			t.Errorf("per-repetition U test: p=%v, centers %v → %v", r.P, r.Base.Center, r.Candidate.Center)
		}
		t.Logf("per-repetition rates, median and U test: %v → %v, p=%.2f", r.Base.Center, r.Candidate.Center, r.P)
	})
}

// TestAnEndpointThatNeverSucceedsIsABreach (issue 8): a repetition in which
// an endpoint had requests but no successful response breaks the SLO,
// whatever the SLOs say, and even when the base failed alike.
func TestAnEndpointThatNeverSucceedsIsABreach(t *testing.T) {
	sc := testScenario()
	// notFound makes every login request of the given repetitions (all
	// with -1) answer 404 (a renamed route, an expired token).
	notFound := func(o synth.Options, reps ...int) synth.Options {
		return each(o, func(r *synth.Rep) {
			for _, i := range reps {
				if i == r.Index || i < 0 {
					login := &r.Endpoints[1]
					login.Requests, login.Errors, login.FailStatus = 500, 500, "404"
				}
			}
		})
	}
	lifted := DefaultPolicy()
	lifted.SLO = map[string]scenarios.Quantity{metric.ErrorRate: {None: true, Text: "none"}}
	cases := []struct {
		name       string
		base, cand *results.Run
		policy     Policy
		reason     string
	}{
		{
			name:   "one repetition of ten without a success fails the gate",
			base:   synthRun(sc, "before", 10, noisy(210, 0.05, 0.4)),
			cand:   synthRun(sc, "after", 10, notFound(noisy(211, 0.05, 0.4), 3)),
			policy: DefaultPolicy(),
			reason: "no successful response in repetition manual-search@after #3 (500 requests, all failed: status 404 ×500): an endpoint that never succeeds breaks every SLO",
		},
		{
			name:   "error_rate: none does not lift it",
			base:   synthRun(sc, "before", 10, noisy(212, 0.05, 0.4)),
			cand:   synthRun(sc, "after", 10, notFound(noisy(213, 0.05, 0.4), 3)),
			policy: lifted,
			reason: "no successful response in repetition manual-search@after #3",
		},
		{
			name:   "a 404-only endpoint on both sides fails the gate (it passed before issue 8)",
			base:   synthRun(sc, "before", 5, notFound(noisy(214, 0.05, 0.4), -1)),
			cand:   synthRun(sc, "after", 5, notFound(noisy(215, 0.05, 0.4), -1)),
			policy: lifted,
			reason: "no successful response in repetitions manual-search@after #1, manual-search@after #2, manual-search@after #3, manual-search@after #4, manual-search@after #5 (2500 requests, all failed: status 404 ×2500)",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compare(runs(tc.base), runs(tc.cand), Options{})
			if err != nil {
				t.Fatal(err)
			}
			g := Gate(c, tc.policy)
			found := false
			for _, f := range g.Failures {
				if f.Endpoint == "login" && f.Kind == FailSLO && strings.Contains(f.Reason, tc.reason) {
					found = true
				}
			}
			if !found || g.Pass {
				t.Errorf("pass %v, failures %+v; want a login SLO failure %q", g.Pass, g.Failures, tc.reason)
			}
			if !strings.Contains(strings.Join(c.Warnings, "\n"), "candidate login: no successful response in") {
				t.Errorf("the comparison does not warn: %q", c.Warnings)
			}
		})
	}
}

// TestCheckRun (issue 8, item 7): a run checks its own SLOs, like k6
// thresholds, on its valid repetitions.
func TestCheckRun(t *testing.T) {
	sc := testScenario()
	sc.Load.Rate = scenarios.Rate{PerSecond: 200}
	closed := testScenario()
	closed.Load.Rate, closed.Load.Workers = scenarios.Rate{Max: true}, 8
	abs := func(v float64, text string) scenarios.Quantity { return scenarios.Quantity{Value: v, Text: text} }
	slowInvalid := func(o synth.Options) synth.Options {
		return each(o, func(r *synth.Rep) {
			if r.Index == 1 {
				r.Invalid = []string{"generator fell behind"}
				r.Endpoints[0].P99, r.Endpoints[0].Errors = 5, 1000
			}
		})
	}
	cases := []struct {
		name     string
		run      *results.Run
		policy   Policy
		failures []string
		reason   string
	}{
		{
			name:   "a healthy run meets the default SLO",
			run:    synthRun(sc, "x", 5, noisy(220, 0.05, 0.4)),
			policy: PolicyFromScenario(sc.Gate),
		},
		{
			name:     "a pooled error rate of 2% breaks the default 1% SLO",
			run:      synthRun(sc, "x", 5, withErrors(noisy(221, 0.05, 0.4), 0, 200, map[int]int64{1: 20})),
			policy:   PolicyFromScenario(sc.Gate),
			failures: []string{"search error_rate slo"},
			reason:   "error_rate 2.00% (20 of 1000 requests failed) is above the SLO 1% (default)",
		},
		{
			name:   "error_rate: none lifts it",
			run:    synthRun(sc, "x", 5, withErrors(noisy(222, 0.05, 0.4), 0, 200, map[int]int64{1: 20})),
			policy: Policy{SLO: map[string]scenarios.Quantity{"error_rate": {None: true, Text: "none"}}},
		},
		{
			name:     "a repetition without one success is a breach",
			run:      synthRun(sc, "x", 5, withErrors(noisy(223, 0.05, 0.4), 1, 100, map[int]int64{4: 100})),
			policy:   Policy{SLO: map[string]scenarios.Quantity{"error_rate": {None: true, Text: "none"}}},
			failures: []string{"login error_rate slo"},
		},
		{
			name:     "p99 is held to its SLO on the median of the repetitions",
			run:      synthRun(sc, "x", 5, noisy(224, 0.600, 0.4)),
			policy:   Policy{SLO: map[string]scenarios.Quantity{"search.p99": abs(0.5, "500ms")}},
			failures: []string{"search p99 slo"},
			reason:   "is above the SLO 500ms",
		},
		{
			name:   "an invalid repetition's stall and errors are not held against the run",
			run:    synthRun(sc, "x", 6, slowInvalid(noisy(225, 0.05, 0.4))),
			policy: Policy{SLO: map[string]scenarios.Quantity{"p99": abs(0.5, "500ms")}},
		},
		{
			name:   "open-model rps is not held to an SLO: the schedule sets it",
			run:    synthRun(sc, "x", 5, noisy(226, 0.05, 0.4)),
			policy: Policy{SLO: map[string]scenarios.Quantity{"rps": abs(1000, "1000/s")}},
		},
		{
			name:     "closed-model rps is",
			run:      synthRun(closed, "x", 5, noisy(227, 0.05, 0.4)),
			policy:   Policy{SLO: map[string]scenarios.Quantity{"search.rps": abs(1000, "1000/s")}},
			failures: []string{"search rps slo"},
		},
		{
			name: "a run without a valid repetition cannot pass",
			run: synthRun(sc, "x", 2, each(noisy(228, 0.05, 0.4), func(r *synth.Rep) {
				r.Invalid = []string{"lost requests"}
			})),
			policy:   DefaultPolicy(),
			failures: []string{"  invalid"},
			reason:   "inconclusive: the run has no valid repetition (2 left out: lost requests): run the scenario again",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := CheckRun(tc.run, tc.policy)
			if got := failureKeys(fs); strings.Join(got, "; ") != strings.Join(tc.failures, "; ") {
				t.Errorf("failures %q, want %q: %+v", got, tc.failures, fs)
			}
			if tc.reason != "" && (len(fs) == 0 || !strings.Contains(fs[0].Reason, tc.reason)) {
				t.Errorf("failures %+v, want a reason containing %q", fs, tc.reason)
			}
		})
	}
}

// TestOpenModelThroughputIsAnInput (issue 8, item 4).
func TestOpenModelThroughputIsAnInput(t *testing.T) {
	sc := testScenario()
	sc.Load.Rate = scenarios.Rate{PerSecond: 200} // search 150/s, login 50/s
	// behind is a generator that sent 10 % fewer search requests than due.
	behind := func(o synth.Options) synth.Options {
		return each(o, func(r *synth.Rep) { r.Endpoints[0].Requests = 1350 })
	}
	base := synthRun(sc, "before", 10, noisy(230, 0.05, 0.4))
	cand := synthRun(sc, "after", 10, behind(noisy(231, 0.05, 0.4)))
	c, err := Compare(runs(base), runs(cand), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := c.Row("search", metric.RPS)
	if !r.Input || r.Significant || r.Change != NoChange || r.Target != 150 || r.Test != "" {
		t.Errorf("search rps row: input %v, significant %v, change %q, target %v, test %q", r.Input, r.Significant, r.Change, r.Target, r.Test)
	}
	const shortfall = "candidate search achieved 135 req/s of its 150 req/s target (-10"
	if !strings.Contains(strings.Join(c.Warnings, "\n"), shortfall) {
		t.Errorf("warnings %q lack %q", c.Warnings, shortfall)
	}
	p := DefaultPolicy()
	p.MaxRegression["rps"] = scenarios.Quantity{Text: "0"}
	p.SLO["search.rps"] = scenarios.Quantity{Value: 149, Text: "149/s"}
	g := Gate(c, p)
	if !g.Pass || g.Gated != 6 {
		t.Errorf("gate pass %v with %d gated rows, failures %+v; want a pass over the 6 rows that are not rps", g.Pass, g.Gated, g.Failures)
	}
	const why = "rps is an input in the open model (the schedule sets it, so a change says how the generator kept up, not how the server did): max_regression rps=0, slo search.rps=149/s not checked"
	if !strings.Contains(strings.Join(g.Warnings, "\n"), why) {
		t.Errorf("gate warnings %q lack %q", g.Warnings, why)
	}
	var text bytes.Buffer
	if err := Write(&text, c, &g, "text"); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(text.String(), "\n") {
		if strings.HasPrefix(line, "rps ") && (!strings.Contains(line, "input  (target 1") && !strings.Contains(line, "input  (target 5") || strings.Contains(line, "regressed")) {
			t.Errorf("text rps line %q", line)
		}
	}
}

// TestProfileEvidenceNeedsSamples (issue 8, item 6).
func TestProfileEvidenceNeedsSamples(t *testing.T) {
	sc := testScenario()
	// shares sets the hotspot share and its profile's sample count.
	shares := func(o synth.Options, share float64, samples func(rep int) int64) synth.Options {
		return each(o, func(r *synth.Rep) {
			r.Shares = map[string]float64{stepsFor: share * (0.976 + 0.004*float64(r.Index))}
			r.Samples = samples(r.Index)
		})
	}
	few := func(rep int) int64 { return int64(11 + rep) }
	many := func(int) int64 { return 480 }
	oneThin := func(rep int) int64 {
		if rep == 5 {
			return 99
		}
		return 480
	}
	cases := []struct {
		name       string
		sc         func() scenarios.Scenario
		bs, cs     func(int) int64
		tooFew     bool
		minSamples int64
		verdict    Verdict
		note       string
	}{
		// A thin share does not feed the verdict: the metric decides alone.
		{name: "12 to 21 samples a repetition are too few: shown, not tested, no evidence", sc: testScenario,
			bs: few, cs: few, tooFew: true, minSamples: 12, verdict: VerdictImproved, note: "too few samples (12)"},
		{name: "one repetition under 100 is enough to withhold the test", sc: testScenario,
			bs: many, cs: oneThin, tooFew: true, minSamples: 99, verdict: VerdictImproved, note: "too few samples (99)"},
		{name: "unknown counts (old runs) are too few", sc: testScenario,
			bs: func(int) int64 { return 0 }, cs: many, tooFew: true, minSamples: 0, verdict: VerdictImproved, note: "too few samples (0)"},
		{name: "480 a repetition are tested", sc: testScenario,
			bs: many, cs: many, minSamples: 480, verdict: VerdictImproved},
		{name: "profiles.min_samples: 10 lets 12 through", sc: func() scenarios.Scenario { s := testScenario(); s.Profiles.MinSamples = 10; return s },
			bs: few, cs: few, minSamples: 12, verdict: VerdictImproved},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc = tc.sc()
			// p99 falls and the function's share with it, 75.00 % → 70.83 %
			// of CPU (-4.2 points): confirmation, if the profiles can carry
			// it.
			base := synthRun(sc, "before", 10, shares(noisy(240, 0.050, -1), 0.7500, tc.bs))
			cand := synthRun(sc, "after", 10, shares(noisy(241, 0.030, -1), 0.7083, tc.cs))
			c, err := Compare(runs(base), runs(cand), Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := c.Row("search", CPUSharePrefix+stepsFor)
			if r.TooFewSamples != tc.tooFew || r.MinSamples != tc.minSamples {
				t.Errorf("row too few %v, min samples %d; want %v, %d", r.TooFewSamples, r.MinSamples, tc.tooFew, tc.minSamples)
			}
			if tc.tooFew && (r.Significant || r.Change != NoChange || r.Test != "") {
				t.Errorf("a thin share was tested: significant %v, change %q", r.Significant, r.Change)
			}
			if !tc.tooFew && r.Change != Improved {
				t.Errorf("share 75%% → 70.8%% with enough samples: change %q, want improved (it shrank)", r.Change)
			}
			h := c.Hotspots[0]
			f := h.Functions[0]
			if h.Verdict != tc.verdict || f.Note != tc.note || f.MinSamples != tc.minSamples {
				t.Errorf("verdict %q, note %q, min samples %d; want %q, %q, %d\n%s", h.Verdict, f.Note, f.MinSamples, tc.verdict, tc.note, tc.minSamples, h.Evidence)
			}
			if tc.tooFew && !strings.Contains(h.Reason, "too few profile samples for "+stepsFor) {
				t.Errorf("reason %q", h.Reason)
			}
			var buf bytes.Buffer
			g := Gate(c, DefaultPolicy())
			if err := Write(&buf, c, &g, "json"); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Hotspots []struct {
					Functions []struct {
						MinSamples int64   `json:"min_samples"`
						DeltaPP    float64 `json:"delta_pp"`
					} `json:"functions"`
				} `json:"hotspots"`
			}
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if jf := doc.Hotspots[0].Functions[0]; jf.MinSamples != tc.minSamples || jf.DeltaPP < -6 || jf.DeltaPP > -3 {
				t.Errorf("JSON function min_samples %d, delta_pp %v; want %d and ≈ -4.2", jf.MinSamples, jf.DeltaPP, tc.minSamples)
			}
		})
	}
}

// TestShareChangesAreInPercentagePoints: 70.83 % → 75.00 % is +4.17 pp in
// every output, never +5.9 % (or the +41.67 % issue 8 saw).
func TestShareChangesAreInPercentagePoints(t *testing.T) {
	base, cand := around(0.7083, 10), around(0.75, 10)
	c := &Comparison{Alpha: DefaultAlpha, Confidence: DefaultConfidence}
	r := c.addRow("search", CPUSharePrefix+stepsFor, base, cand)
	if !closeRel(r.DeltaPP, 4.17, 1e-3) {
		t.Fatalf("DeltaPP %v, want 4.17", r.DeltaPP)
	}
	c.Hotspots = []HotspotVerdict{judge(c, scenarios.Hotspot{Name: "h", Endpoint: "search", Metric: metric.P99, Functions: []string{stepsFor}})}
	for _, format := range []string{"text", "markdown", "json", "junit"} {
		var buf bytes.Buffer
		if err := Write(&buf, c, nil, format); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if format == "json" {
			if !strings.Contains(out, `"delta_pp": 4.17`) {
				t.Errorf("json lacks delta_pp 4.17:\n%s", out)
			}
			continue
		}
		if !strings.Contains(out, "+4.17 pp") || strings.Contains(out, "5.88%") || strings.Contains(out, "+5.9%") {
			t.Errorf("%s does not show +4.17 pp:\n%s", format, out)
		}
		if format != "junit" && !strings.Contains(out, "(+4.17 pp)") {
			t.Errorf("%s evidence does not say +4.17 pp:\n%s", format, out)
		}
	}
}
