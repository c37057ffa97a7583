package compare

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// The simulations below run the comparison and the gate on thousands of
// synthetic pairs. They build each side from per-repetition values, as
// side.read would from runs (reading real runs' HDR histograms, 180 KB
// each, would make them minutes long); everything after reading — rows,
// Fisher's test, Holm, allowances, SLOs — is the code Compare and Gate run.

// simEndpoints are the simulated service's endpoints: median and p99 in
// seconds, and the share of a 300/s schedule.
var simEndpoints = []struct {
	name      string
	p50, p99  float64
	weight    int
	perWindow int64 // requests in one 10 s window
}{
	{"search", 0.0012, 0.050, 3, 1500},
	{"login", 0.0030, 0.020, 1, 500},
	{"checkout", 0.0080, 0.120, 2, 1000},
}

func simScenario() scenarios.Scenario {
	sc := scenarios.Scenario{Name: "sim", Runs: 10}
	sc.Load.Rate = scenarios.Rate{PerSecond: 300}
	for _, e := range simEndpoints {
		sc.Endpoints = append(sc.Endpoints, scenarios.Endpoint{Name: e.name, Method: "GET", Path: "/" + e.name, Weight: e.weight})
	}
	return sc
}

// simShape is the noise of one simulated service.
type simShape struct {
	// machine is the CV of a factor every latency of a repetition shares
	// (a noisy neighbour, CPU frequency); own the CV of each value's own
	// noise. Together about 5 % for p50.
	machine, own float64
	// outlier is the chance that a repetition's tail is slower by
	// outlierBy (a GC cycle or a compaction landing in the window).
	outlier, outlierBy float64
	// lone is the mean number of error events per endpoint and repetition,
	// burst the mean number of failed requests in one event (1: lone
	// errors).
	lone, burst float64
}

// defaultShape is the realistic noisy shape: per-repetition p50 CV ≈ 5 %,
// p99 CV ≈ 7 % with one repetition in ten 20 % slower, and a lone failed
// request every twentieth repetition of an endpoint.
var defaultShape = simShape{machine: 0.03, own: 0.04, outlier: 0.1, outlierBy: 1.2, lone: 0.05, burst: 1}

// simSide draws n repetitions; scale multiplies one endpoint's metric.
func simSide(rng *rand.Rand, role string, n int, shape simShape, scale map[[2]string]float64) *side {
	sc := simScenario()
	s := &side{
		role:   role,
		runs:   []*results.Run{{FormatVersion: results.FormatVersion, Scenario: sc, ScenarioHash: "sim", Label: role, Complete: true}},
		n:      n,
		vals:   map[[2]string][]float64{},
		counts: map[string]errorCounts{},
	}
	for range n {
		machine := lognormal(rng, 1, shape.machine)
		slow := 1.0
		if rng.Float64() < shape.outlier {
			slow = shape.outlierBy
		}
		for _, e := range simEndpoints {
			for _, m := range []struct {
				metric string
				v      float64
			}{
				{metric.P50, e.p50 * machine * lognormal(rng, 1, shape.own)},
				{metric.P99, e.p99 * machine * slow * lognormal(rng, 1, shape.own)},
			} {
				v := m.v
				if f, ok := scale[[2]string{e.name, m.metric}]; ok {
					v *= f
				}
				k := [2]string{e.name, m.metric}
				s.vals[k] = append(s.vals[k], hdrRound(v))
			}
			req := e.perWindow
			s.vals[[2]string{e.name, metric.RPS}] = append(s.vals[[2]string{e.name, metric.RPS}], float64(req)/10)
			var errs int64
			for range poisson(rng, shape.lone) {
				errs += 1 + geometric(rng, shape.burst-1)
			}
			ec := s.counts[e.name]
			ec.errors, ec.requests, ec.reps = ec.errors+min(errs, req), ec.requests+req, ec.reps+1
			s.counts[e.name] = ec
		}
	}
	return s
}

// hdrRound keeps what an HDR histogram with three significant digits
// keeps of a latency in microseconds, so simulated values tie as real
// ones do.
func hdrRound(v float64) float64 {
	us := math.Max(math.Round(v*1e6), 1)
	q := math.Exp2(math.Floor(math.Log2(us))) / 1024
	if q < 1 {
		q = 1
	}
	return math.Ceil(us/q) * q / 1e6
}

// poisson draws a Poisson count by Knuth's method (small means only).
func poisson(rng *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// geometric draws the number of failures before a success with the given
// mean (0: always 0).
func geometric(rng *rand.Rand, mean float64) int64 {
	if mean <= 0 {
		return 0
	}
	p := 1 / (1 + mean)
	return int64(math.Floor(math.Log(rng.Float64()) / math.Log(1-p)))
}

// simPair compares two simulated sides; it fails the test on an error.
func simPair(t *testing.T, b, c *side) *Comparison {
	t.Helper()
	cmp, err := compareSides(b, c, Options{Alpha: DefaultAlpha, Confidence: DefaultConfidence})
	if err != nil {
		t.Fatal(err)
	}
	return cmp
}

// zeroAllowance gates the same rows as DefaultPolicy with no allowance at
// all: every significant regression fails. It is the worst case for false
// alarms, where only the statistics stand between noise and a red build.
func zeroAllowance() Policy {
	zero := scenarios.Quantity{Text: "0"}
	return Policy{Alpha: DefaultAlpha, MaxRegression: map[string]scenarios.Quantity{
		metric.P50: zero, metric.P99: zero, metric.ErrorRate: zero,
	}}
}

// uncorrectedFails is what the allowance-0 gate did before Holm: fail on
// any gated row benchstat's per-row test calls regressed.
func uncorrectedFails(c *Comparison) bool {
	for _, r := range c.Rows {
		switch r.Metric {
		case metric.P50, metric.P99, metric.ErrorRate:
			if r.Change == Regressed {
				return true
			}
		}
	}
	return false
}

// binomialTolerance is three standard errors of a rate alpha measured over
// n trials: a correct gate exceeds alpha by more only once in ~700 runs.
func binomialTolerance(alpha float64, n int) float64 {
	return 3 * math.Sqrt(alpha*(1-alpha)/float64(n))
}

// TestSimulatedAAFalseAlarms (issue 8, item a and d): 2000 A/A pairs of 10
// runs a side, 3 endpoints, 9 gated rows (p50, p99, error_rate each), from
// the realistic noisy shape with occasional lone errors. The default gate
// and the allowance-0 gate (Holm) must fail at most alpha of them, plus a
// binomial tolerance; the uncorrected per-row rule must fail more than
// alpha of the same pairs, or the correction is not what holds the rate.
func TestSimulatedAAFalseAlarms(t *testing.T) {
	const n, alpha = 10, DefaultAlpha
	// tolerant allows a pooled error rate 0.1 percentage points above the
	// base's: the remedy doc.go gives for bursty errors.
	tolerant := DefaultPolicy()
	tolerant.MaxRegression[metric.ErrorRate] = scenarios.Quantity{Value: 0.001, Text: "0.1%"}
	shapes := []struct {
		name  string
		pairs int
		shape simShape
		// assert is false for a shape Fisher's test is not exact for
		// (failures that are not independent), measured and logged only.
		assert bool
	}{
		{"lone errors", 2000, defaultShape, true},
		{"errors in bursts of 3 on average", 600, simShape{machine: 0.03, own: 0.04, outlier: 0.1, outlierBy: 1.2, lone: 0.05, burst: 3}, false},
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			rng := newRNG(8)
			pairs := sh.pairs
			var def, zero, uncorrected, tol01, gated, inconclusive int
			for range pairs {
				c := simPair(t, simSide(rng, "base", n, sh.shape, nil), simSide(rng, "candidate", n, sh.shape, nil))
				g := Gate(c, DefaultPolicy())
				gated = g.Gated
				if !g.Pass {
					def++
				}
				if g.Inconclusive {
					inconclusive++
				}
				if !Gate(c, zeroAllowance()).Pass {
					zero++
				}
				if uncorrectedFails(c) {
					uncorrected++
				}
				if !Gate(c, tolerant).Pass {
					tol01++
				}
			}
			rate := func(k int) float64 { return float64(k) / float64(pairs) }
			tol := binomialTolerance(alpha, pairs)
			t.Logf("A/A, %s, %d pairs of %d+%d runs, %d gated rows, alpha %g: default gate fails %.4f, allowance-0 gate (Holm) %.4f, allowance-0 uncorrected %.4f; with max_regression error_rate=0.1%% %.4f (tolerance %.4f)",
				sh.name, pairs, n, n, gated, alpha, rate(def), rate(zero), rate(uncorrected), rate(tol01), tol)
			if gated < 8 {
				t.Errorf("the default gate gated %d rows, want ≥ 8", gated)
			}
			if inconclusive > 0 {
				t.Errorf("%d gates were inconclusive with %d+%d runs", inconclusive, n, n)
			}
			if !sh.assert {
				return
			}
			if rate(def) > alpha+tol {
				t.Errorf("default gate failed %.4f of A/A pairs, more than alpha %g + %.4f", rate(def), alpha, tol)
			}
			if rate(zero) > alpha+tol {
				t.Errorf("allowance-0 gate failed %.4f of A/A pairs, more than alpha %g + %.4f", rate(zero), alpha, tol)
			}
			if rate(uncorrected) <= alpha {
				t.Errorf("uncorrected rule failed only %.4f of A/A pairs: the simulation cannot tell Holm from no correction", rate(uncorrected))
			}
		})
	}
}

// TestSimulatedPower (issue 8, item b): one latency 10 % slower, 10 runs a
// side, under the default gate's 9 rows. search p50 has the ~5 % CV of
// the brief; search p99 the realistic tail (≈7 % CV, one repetition in ten
// 20 % slower). Detection power is the chance that the allowance-0 gate
// (Holm) fails the shifted row; the default gate fails only beyond its 10 %
// allowance, so a shift of exactly 10 % fails it about half the time, by
// design.
func TestSimulatedPower(t *testing.T) {
	const trials, n = 600, 10
	for _, tc := range []struct {
		metric string
		floor  float64
	}{{metric.P50, 0.70}, {metric.P99, 0.40}} {
		t.Run("search "+tc.metric+" +10%", func(t *testing.T) {
			rng := newRNG(9)
			scale := map[[2]string]float64{{"search", tc.metric}: 1.10}
			var holmHits, rawHits, defHits int
			for range trials {
				c := simPair(t, simSide(rng, "base", n, defaultShape, nil), simSide(rng, "candidate", n, defaultShape, scale))
				if r := c.Row("search", tc.metric); r.Change == Regressed {
					rawHits++
				}
				for _, f := range Gate(c, zeroAllowance()).Failures {
					if f.Endpoint == "search" && f.Metric == tc.metric {
						holmHits++
					}
				}
				for _, f := range Gate(c, DefaultPolicy()).Failures {
					if f.Endpoint == "search" && f.Metric == tc.metric {
						defHits++
					}
				}
			}
			rate := func(k int) float64 { return float64(k) / trials }
			t.Logf("+10%% search %s, %d trials of %d+%d runs: detected by the gate (Holm over 9 rows) %.4f, per row uncorrected %.4f; default gate (10%% allowance) fails %.4f",
				tc.metric, trials, n, n, rate(holmHits), rate(rawHits), rate(defHits))
			if rate(holmHits) < tc.floor {
				t.Errorf("power %.4f for a 10%% shift of %s at %d runs, want ≥ %.2f", rate(holmHits), tc.metric, n, tc.floor)
			}
		})
	}
}
