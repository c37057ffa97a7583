package compare

import (
	"slices"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/scenarios"
)

// around is n values spread ±1 % around center: two such samples with
// different centers are completely separated (p ≈ 1e-5 at 10+10).
func around(center float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = center * (0.99 + 0.02*float64(i)/float64(max(n-1, 1)))
	}
	return v
}

func rowOf(endpoint, metric string, base, cand []float64) Row {
	return compareSamples(endpoint, metric, base, cand, DefaultAlpha, DefaultConfidence)
}

// countRow is an error_rate row from pooled counts: e1 of n1 base requests
// failed, e2 of n2 candidate requests.
func countRow(endpoint string, e1, n1, e2, n2 int64) Row {
	return compareCounts(endpoint, metric.ErrorRate, errorCounts{e1, n1, 10}, errorCounts{e2, n2, 10}, DefaultAlpha, DefaultConfidence)
}

// inputRow is an open-model rps row with the given target.
func inputRow(endpoint string, base, cand []float64, target float64) Row {
	r := rowOf(endpoint, metric.RPS, base, cand)
	untested(&r, inputWarning)
	r.Input, r.Target = true, target
	return r
}

// holmBase and holmCand differ with p ≈ 0.03 (Mann–Whitney U, 10+10):
// significant alone at 0.05, not in a family of two (0.05/2 = 0.025).
var holmBase, holmCand = []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []float64{4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5}

func comparisonOf(rows ...Row) *Comparison {
	return &Comparison{Alpha: DefaultAlpha, Confidence: DefaultConfidence, Rows: rows}
}

func TestGate(t *testing.T) {
	rel := func(f float64, text string) scenarios.Quantity {
		return scenarios.Quantity{Value: f, Relative: true, Text: text}
	}
	abs := func(f float64, text string) scenarios.Quantity { return scenarios.Quantity{Value: f, Text: text} }
	zeros := around(0, 10)
	cases := []struct {
		name         string
		rows         []Row
		policy       Policy
		pass         bool
		inconclusive bool
		failures     []string // "endpoint metric kind"
		reason       string   // substring of the first failure's reason
	}{
		{
			name:     "a significant +25% p99 regression beyond a 10% allowance fails",
			rows:     []Row{rowOf("search", "p99", around(0.050, 10), around(0.0625, 10))},
			policy:   DefaultPolicy(),
			failures: []string{"search p99 regression"},
			reason:   "regressed +25.0% (p=1.1e-05, n=10+10), allowed 10%",
		},
		{
			name:   "a significant +5% p99 regression within a 10% allowance passes",
			rows:   []Row{rowOf("search", "p99", around(0.050, 10), around(0.0525, 10))},
			policy: DefaultPolicy(),
			pass:   true,
		},
		{
			name:   "a -50% p99 improvement passes",
			rows:   []Row{rowOf("search", "p99", around(0.050, 10), around(0.025, 10))},
			policy: DefaultPolicy(),
			pass:   true,
		},
		{
			name:   "a regressed metric absent from max_regression is not gated",
			rows:   []Row{rowOf("search", "p90", around(0.010, 10), around(0.020, 10))},
			policy: DefaultPolicy(),
			pass:   true,
		},
		{
			name:     "allowance 0 fails any significant error-rate regression: 0 of 20000 → 20 of 20000 failed",
			rows:     []Row{countRow("search", 0, 20000, 20, 20000)},
			policy:   Policy{MaxRegression: DefaultPolicy().MaxRegression},
			failures: []string{"search error_rate regression"},
			reason:   "regressed 0% → 0.100% (0/20000 → 20/20000 requests failed, Fisher p=1.9e-06), allowed 0",
		},
		{
			name:   "a lone error against none is no error-rate regression: 0 of 2000 → 1 of 2000",
			rows:   []Row{countRow("search", 0, 2000, 1, 2000)},
			policy: DefaultPolicy(),
			pass:   true,
		},
		{
			name:     "an absolute error-rate allowance compares the pooled rates: +0.5 pp against 0.1% fails",
			rows:     []Row{countRow("search", 10, 10000, 60, 10000)},
			policy:   Policy{MaxRegression: map[string]scenarios.Quantity{"error_rate": abs(0.001, "0.1%")}},
			failures: []string{"search error_rate regression"},
		},
		{
			name:   "an absolute error-rate allowance compares the pooled rates: a significant +0.08 pp against 0.1% passes",
			rows:   []Row{countRow("search", 5000, 1000000, 5800, 1000000)},
			policy: Policy{MaxRegression: map[string]scenarios.Quantity{"error_rate": abs(0.001, "0.1%")}},
			pass:   true,
		},
		{
			name:     "a pooled error rate above the default 1% SLO fails without any regression",
			rows:     []Row{countRow("search", 300, 20000, 300, 20000)},
			policy:   Policy{},
			failures: []string{"search error_rate slo"},
			reason:   "candidate error_rate 1.50% (300 of 20000 requests failed) is above the SLO 1% (default)",
		},
		{
			name:   "error_rate none lifts the default SLO",
			rows:   []Row{countRow("search", 300, 20000, 300, 20000)},
			policy: Policy{SLO: map[string]scenarios.Quantity{"error_rate": {None: true, Text: "none"}}},
			pass:   true,
		},
		{
			name:     "an endpoint's error_rate none lifts its limit only",
			rows:     []Row{countRow("search", 300, 20000, 300, 20000), countRow("login", 300, 20000, 300, 20000)},
			policy:   Policy{SLO: map[string]scenarios.Quantity{"search.error_rate": {None: true, Text: "none"}, "error_rate": abs(0.05, "5%"), "login.error_rate": abs(0.01, "1%")}},
			failures: []string{"login error_rate slo"},
		},
		{
			name:     "a relative allowance is exceeded by any regression from a zero base",
			rows:     []Row{rowOf("search", "p99", zeros, around(0.001, 10))},
			policy:   Policy{Alpha: 0.05, MaxRegression: map[string]scenarios.Quantity{"p99": rel(0.10, "10%")}},
			failures: []string{"search p99 regression"},
			reason:   "regressed from 0",
		},
		{
			name:     "an absolute allowance of 5ms fails a +12.5ms regression",
			rows:     []Row{rowOf("search", "p99", around(0.050, 10), around(0.0625, 10))},
			policy:   Policy{MaxRegression: map[string]scenarios.Quantity{"p99": abs(0.005, "5ms")}},
			failures: []string{"search p99 regression"},
			reason:   "regressed 50.0ms → 62.5ms",
		},
		{
			name:   "an absolute allowance of 5ms passes a +2.5ms regression",
			rows:   []Row{rowOf("search", "p99", around(0.050, 10), around(0.0525, 10))},
			policy: Policy{MaxRegression: map[string]scenarios.Quantity{"p99": abs(0.005, "5ms")}},
			pass:   true,
		},
		{
			name: "an endpoint.metric allowance takes precedence over the metric's",
			rows: []Row{
				rowOf("search", "p99", around(0.050, 10), around(0.0625, 10)),
				rowOf("login", "p99", around(0.050, 10), around(0.0625, 10)),
			},
			policy:   Policy{MaxRegression: map[string]scenarios.Quantity{"p99": rel(0.10, "10%"), "search.p99": rel(0.50, "50%")}},
			failures: []string{"login p99 regression"},
		},
		{
			name:     "a closed-model rps drop is a regression",
			rows:     []Row{rowOf("search", "rps", around(200, 10), around(150, 10))},
			policy:   Policy{MaxRegression: map[string]scenarios.Quantity{"rps": rel(0.10, "10%")}},
			failures: []string{"search rps regression"},
		},
		{
			name:     "a candidate p99 above its SLO fails without any regression",
			rows:     []Row{rowOf("search", "p99", around(0.600, 10), around(0.600, 10))},
			policy:   Policy{SLO: map[string]scenarios.Quantity{"p99": abs(0.5, "500ms")}},
			failures: []string{"search p99 slo"},
			reason:   "candidate p99 600ms is above the SLO 500ms",
		},
		{
			name:   "open-model rps is an input: an allowance of 0 on a 25% drop checks nothing, and says why",
			rows:   []Row{inputRow("search", around(200, 10), around(150, 10), 200)},
			policy: Policy{MaxRegression: map[string]scenarios.Quantity{"rps": {Value: 0, Text: "0"}}, SLO: map[string]scenarios.Quantity{"rps": abs(190, "190/s")}},
			pass:   true,
		},
		{
			name:     "a closed-model candidate rps below its SLO fails",
			rows:     []Row{rowOf("search", "rps", around(180, 10), around(180, 10))},
			policy:   Policy{SLO: map[string]scenarios.Quantity{"rps": abs(200, "200/s")}},
			failures: []string{"search rps slo"},
			reason:   "is below the SLO 200/s",
		},
		{
			name:   "an error rate at its SLO passes",
			rows:   []Row{rowOf("search", "error_rate", around(0.001, 10), around(0.001, 10))},
			policy: Policy{SLO: map[string]scenarios.Quantity{"error_rate": abs(0.00101, "0.101%")}},
			pass:   true,
		},
		{
			name:         "with 3+3 runs a fivefold regression cannot be seen: inconclusive, not a pass",
			rows:         []Row{rowOf("search", "p99", around(0.050, 3), around(0.250, 3))},
			policy:       DefaultPolicy(),
			inconclusive: true,
		},
		{
			name:         "with 3+3 runs SLOs are still checked, and a breach fails an inconclusive gate",
			rows:         []Row{rowOf("search", "p99", around(0.050, 3), around(0.750, 3))},
			policy:       Policy{MaxRegression: map[string]scenarios.Quantity{"p99": rel(0.1, "10%")}, SLO: map[string]scenarios.Quantity{"p99": abs(0.5, "500ms")}},
			inconclusive: true,
			failures:     []string{"search p99 slo"},
		},
		{
			name:   "5+5 runs decide one gated row (the smallest p, 0.0079, is below 0.05)",
			rows:   []Row{rowOf("search", "p99", around(0.050, 5), around(0.050, 5))},
			policy: Policy{MaxRegression: map[string]scenarios.Quantity{"p99": rel(0.1, "10%")}},
			pass:   true,
		},
		{
			name: "5+5 runs cannot decide nine gated rows: Holm's first step needs p ≤ 0.05/9 = 0.0056",
			rows: []Row{
				rowOf("a", "p50", around(1, 5), around(1, 5)), rowOf("a", "p99", around(1, 5), around(1, 5)), countRow("a", 0, 1000, 0, 1000),
				rowOf("b", "p50", around(1, 5), around(1, 5)), rowOf("b", "p99", around(1, 5), around(1, 5)), countRow("b", 0, 1000, 0, 1000),
				rowOf("c", "p50", around(1, 5), around(1, 5)), rowOf("c", "p99", around(1, 5), around(1, 5)), countRow("c", 0, 1000, 0, 1000),
			},
			policy:       DefaultPolicy(),
			inconclusive: true,
			reason:       "",
		},
		{
			name: "Holm: two rows at p≈0.03 are each significant alone, but not as a family of two",
			rows: []Row{
				rowOf("search", "p50", holmBase, holmCand),
				rowOf("search", "p99", holmBase, holmCand),
			},
			policy: Policy{MaxRegression: map[string]scenarios.Quantity{"p50": abs(0, "0"), "p99": abs(0, "0")}},
			pass:   true,
		},
		{
			name:     "Holm: a row at p≈0.03 fails alone",
			rows:     []Row{rowOf("search", "p50", holmBase, holmCand)},
			policy:   Policy{MaxRegression: map[string]scenarios.Quantity{"p50": abs(0, "0")}},
			failures: []string{"search p50 regression"},
		},
		{
			name: "Holm steps down: p=1.1e-05 is rejected at 0.05/2, then p≈0.03 at 0.05/1",
			rows: []Row{
				rowOf("search", "p50", holmBase, holmCand),
				rowOf("search", "p99", around(0.050, 10), around(0.0625, 10)),
			},
			policy:   Policy{MaxRegression: map[string]scenarios.Quantity{"p50": abs(0, "0"), "p99": abs(0, "0")}},
			failures: []string{"search p99 regression", "search p50 regression"},
			reason:   "Holm-adjusted p=2.2e-05 over 2 gated rows",
		},
		{
			name:     "the policy's alpha decides significance: p≈0.0011 fails at 0.05",
			rows:     []Row{rowOf("search", "p99", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []float64{6, 7, 8, 9, 10, 11, 12, 13, 14, 15})},
			policy:   Policy{Alpha: 0.05, MaxRegression: map[string]scenarios.Quantity{"p99": abs(0, "0")}},
			failures: []string{"search p99 regression"},
		},
		{
			name:   "the policy's alpha decides significance: p≈0.0011 passes at 0.001",
			rows:   []Row{rowOf("search", "p99", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []float64{6, 7, 8, 9, 10, 11, 12, 13, 14, 15})},
			policy: Policy{Alpha: 0.001, MaxRegression: map[string]scenarios.Quantity{"p99": abs(0, "0")}},
			pass:   true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := Gate(comparisonOf(tc.rows...), tc.policy)
			if g.Pass != tc.pass {
				t.Errorf("Pass = %v, want %v; failures %+v", g.Pass, tc.pass, g.Failures)
			}
			if g.Inconclusive != tc.inconclusive {
				t.Errorf("Inconclusive = %v, want %v (%s)", g.Inconclusive, tc.inconclusive, g.InconclusiveReason)
			}
			if tc.inconclusive && !strings.HasPrefix(g.InconclusiveReason, "inconclusive: ") {
				t.Errorf("an inconclusive gate must say why: %q", g.InconclusiveReason)
			}
			if g.Correction != CorrectionHolm {
				t.Errorf("Correction = %q", g.Correction)
			}
			var got []string
			for _, f := range g.Failures {
				got = append(got, f.Endpoint+" "+f.Metric+" "+f.Kind)
			}
			if strings.Join(got, "; ") != strings.Join(tc.failures, "; ") {
				t.Errorf("failures %q, want %q", got, tc.failures)
			}
			if tc.reason != "" && (len(g.Failures) == 0 || !strings.Contains(g.Failures[0].Reason, tc.reason)) {
				t.Errorf("first failure %+v, want a reason containing %q", g.Failures, tc.reason)
			}
		})
	}
}

func TestGateWarnsAboutPolicyKeysThatMatchNothing(t *testing.T) {
	p := DefaultPolicy()
	p.SLO = map[string]scenarios.Quantity{"cpu_per_req": {Value: 0.002, Text: "2ms"}}
	g := Gate(comparisonOf(rowOf("search", "p99", around(0.05, 10), around(0.05, 10))), p)
	joined := strings.Join(g.Warnings, "\n")
	for _, k := range []string{"cpu_per_req", "p50", "error_rate"} {
		if !strings.Contains(joined, "gate: "+k+" matches no compared metric") {
			t.Errorf("no warning for unused key %s: %q", k, g.Warnings)
		}
	}
}

func TestGateWarnsWhenItsAlphaDiffersFromTheTable(t *testing.T) {
	c := comparisonOf(rowOf("search", "p99", around(0.05, 10), around(0.05, 10)))
	g := Gate(c, Policy{Alpha: 0.01, MaxRegression: DefaultPolicy().MaxRegression})
	if !strings.Contains(strings.Join(g.Warnings, "\n"), "the gate tests at alpha 0.01 but the table marks changes at alpha 0.05") {
		t.Errorf("warnings %q", g.Warnings)
	}
}

func TestPolicyFromScenario(t *testing.T) {
	t.Run("a scenario without a gate gets the default policy", func(t *testing.T) {
		p := PolicyFromScenario(scenarios.Gate{})
		if p.Alpha != 0.05 || len(p.MaxRegression) != 3 || p.MaxRegression["p99"].Value != 0.10 || !p.MaxRegression["p99"].Relative {
			t.Errorf("policy %+v", p)
		}
	})
	t.Run("a scenario's gate is copied, not shared", func(t *testing.T) {
		g := scenarios.Gate{Alpha: 0.01, MaxRegression: map[string]scenarios.Quantity{"p99": {Value: 0.2, Relative: true}}}
		p := PolicyFromScenario(g)
		p.MaxRegression["p50"] = scenarios.Quantity{}
		if p.Alpha != 0.01 || len(g.MaxRegression) != 1 || len(p.MaxRegression) != 2 {
			t.Errorf("policy %+v, gate %+v", p, g)
		}
	})
	t.Run("an explicit empty max_regression gates no regressions", func(t *testing.T) {
		p := PolicyFromScenario(scenarios.Gate{MaxRegression: map[string]scenarios.Quantity{}})
		if len(p.MaxRegression) != 0 {
			t.Errorf("MaxRegression %+v, want empty", p.MaxRegression)
		}
	})
}

func TestParseOverrides(t *testing.T) {
	endpoints := []string{"search", "login"}
	cases := []struct {
		name          string
		mr, slo       string
		alpha         float64
		wantErr       string
		check         func(t *testing.T, p Policy)
		startsDefault bool
	}{
		{
			name: "metric allowances are relative percentages or absolute amounts",
			mr:   "p99=10%, error_rate=0 ,p50=5ms",
			check: func(t *testing.T, p Policy) {
				if q := p.MaxRegression["p99"]; q.Value != 0.10 || !q.Relative {
					t.Errorf("p99 = %+v", q)
				}
				if q := p.MaxRegression["error_rate"]; q.Value != 0 || q.Relative {
					t.Errorf("error_rate = %+v", q)
				}
				if q := p.MaxRegression["p50"]; q.Value != 0.005 || q.Relative {
					t.Errorf("p50 = %+v", q)
				}
			},
		},
		{
			name: "SLOs take metric and endpoint.metric keys",
			slo:  "p99=500ms,search.p99=200ms,error_rate=0.1%",
			check: func(t *testing.T, p Policy) {
				if p.SLO["p99"].Value != 0.5 || p.SLO["search.p99"].Value != 0.2 || p.SLO["error_rate"].Value != 0.001 {
					t.Errorf("SLO = %+v", p.SLO)
				}
			},
		},
		{
			name:          "overrides merge over the scenario's policy key by key",
			mr:            "p99=20%",
			alpha:         0.01,
			startsDefault: true,
			check: func(t *testing.T, p Policy) {
				if p.Alpha != 0.01 || p.MaxRegression["p99"].Value != 0.20 || p.MaxRegression["p50"].Value != 0.10 {
					t.Errorf("policy %+v", p)
				}
			},
		},
		{
			name:          "an SLO of none lifts a limit, the default error-rate SLO included",
			slo:           "error_rate=none,search.p99=NONE",
			startsDefault: true,
			check: func(t *testing.T, p Policy) {
				if !p.SLO["error_rate"].None || !p.SLO["search.p99"].None {
					t.Errorf("SLO = %+v", p.SLO)
				}
			},
		},
		{name: "none is no allowance", mr: "p99=none", wantErr: "--max-regression p99:"},
		{name: "empty flags change nothing", check: func(t *testing.T, p Policy) {
			if len(p.MaxRegression)+len(p.SLO) != 0 || p.Alpha != 0 {
				t.Errorf("policy %+v", p)
			}
		}},
		{name: "any percentile is a metric, p99.9 is p999, and a key splits before its metric", mr: "p95=10%", slo: "search.p99.9=200ms,p75=100ms,login.p99.99=1s",
			check: func(t *testing.T, p Policy) {
				if p.MaxRegression["p95"].Value != 0.10 || p.SLO["search.p999"].Value != 0.2 || p.SLO["p75"].Value != 0.1 || p.SLO["login.p99.99"].Value != 1 {
					t.Errorf("policy %+v", p)
				}
				if got := p.Metrics(); !slices.Equal(got, []string{"p75", "p95", "p999", "p99.99"}) {
					t.Errorf("Metrics() = %q", got)
				}
			},
		},
		{name: "an unknown metric is an error with a suggestion", mr: "eror_rate=0", wantErr: `unknown metric "eror_rate" (did you mean "error_rate"?)`},
		{name: "p100 is no percentile", slo: "p100=1s", wantErr: `--slo: "p100" is not a percentile`},
		{name: "nor is p99.999999", slo: "search.p99.999999=1s", wantErr: `--slo: "p99.999999" has more than 3 decimals`},
		{name: "p99.9 and p999 are one key", mr: "p99.9=10%,p999=20%", wantErr: "p99.9 and p999 are the same metric"},
		{name: "a profile share is not gated", mr: "cpu_share:f=10%", wantErr: "profile share"},
		{name: "an unknown metric in an SLO is an error", slo: "latency=1s", wantErr: `--slo: unknown metric "latency"`},
		{name: "an unknown endpoint is an error with a suggestion", slo: "serch.p99=200ms", wantErr: `unknown endpoint "serch" (did you mean "search"?)`},
		{name: "an unknown endpoint far from any name lists the endpoints", mr: "checkout.p99=10%", wantErr: `unknown endpoint "checkout": the runs have search, login`},
		{name: "an entry without a value is an error", mr: "p99", wantErr: `"p99" is not metric=value`},
		{name: "an unparsable value is an error", mr: "p99=fast", wantErr: "--max-regression p99:"},
		{name: "a percentage is not a latency SLO", slo: "p99=10%", wantErr: "--slo p99:"},
		{name: "a key given twice is an error", mr: "p99=10%,p99=20%", wantErr: "p99 is given twice"},
		{name: "alpha must be between 0 and 1", alpha: 1.5, wantErr: "alpha 1.5 is out of range"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p Policy
			if tc.startsDefault {
				p = DefaultPolicy()
			}
			err := ParseOverrides(tc.mr, tc.slo, tc.alpha, &p, endpoints)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, p)
		})
	}
}

func FuzzParseOverrides(f *testing.F) {
	for _, s := range [][2]string{
		{"p99=10%,error_rate=0", "p99=500ms,search.p99=200ms"},
		{"search.rps=5%", "rps=100/s"},
		{"alloc_per_req=64KiB", "cpu_per_req=2ms"},
		{"p99", "=,=="},
		{"a.b.p99=1", "error_rate=101%"},
		{"p99.9=10%", "search.p99.99=1s,p95=300ms"},
	} {
		f.Add(s[0], s[1])
	}
	endpoints := []string{"search", "a.b"}
	f.Fuzz(func(t *testing.T, mr, slo string) {
		var p Policy
		if err := ParseOverrides(mr, slo, 0, &p, endpoints); err != nil {
			return
		}
		for _, m := range []map[string]scenarios.Quantity{p.MaxRegression, p.SLO} {
			for k, q := range m {
				e, name := metric.SplitKey(k)
				if m, ok := metric.Lookup(name); !ok || m.IsShare() || m.Name != name || (e != "" && e != "search" && e != "a.b") {
					t.Errorf("accepted key %q", k)
				}
				if e != "" && serverWide(name) {
					t.Errorf("accepted endpoint-qualified server-wide key %q", k)
				}
				if q.Value < 0 {
					t.Errorf("accepted negative %s=%v", k, q.Value)
				}
			}
		}
	})
}
