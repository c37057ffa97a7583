package ab

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

func TestBetweenShare(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(n int, mean float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = mean + rng.NormFloat64()
		}
		return v
	}
	// Two processes alike: the groups differ by chance only.
	if s := betweenShare(draw(40, 10), draw(40, 10)); s > 0.1 {
		t.Errorf("alike groups: between share %.3f, want near 0", s)
	}
	// Two processes 3 sd apart: most of the variance is between them.
	if s := betweenShare(draw(40, 10), draw(40, 13)); s < 0.6 {
		t.Errorf("groups 3 sd apart: between share %.3f, want most of it", s)
	}
}

func TestDriftIsTheFittedChange(t *testing.T) {
	// +20 % per hour, exactly, sampled over half an hour.
	var v, hours []float64
	for i := range 31 {
		h := float64(i) / 60
		v = append(v, 2e-3*math.Pow(1.2, h))
		hours = append(hours, 1000+h)
	}
	span, perHour := drift(v, hours)
	if math.Abs(perHour-0.2) > 1e-9 || math.Abs(span-(math.Sqrt(1.2)-1)) > 1e-9 {
		t.Errorf("drift %.6f over the span, %.6f per hour; want %.6f and 0.2", span, perHour, math.Sqrt(1.2)-1)
	}
	// Shorter than a minute: no drift is claimed.
	if span, perHour := drift([]float64{1, 2, 3}, []float64{0, 0.001, 0.002}); span != 0 || perHour != 0 {
		t.Errorf("a 7 s session claims drift %v, %v", span, perHour)
	}
}

// The gate's minimum detectable effect shrinks with runs and sits where
// the noise puts it: with a CV of 5 %, 20 runs a side see a few percent.
func TestMinimumDetectableEffectShrinksWithRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a, b := make([]float64, 40), make([]float64, 40)
	for i := range a {
		a[i] = 0.002 * math.Exp(0.05*rng.NormFloat64())
		b[i] = 0.002 * math.Exp(0.05*rng.NormFloat64())
	}
	k := [2]string{"item", metric.P50}
	m5 := minimumDetectable(k, a, b, 5, 0.025, rng)
	m10 := minimumDetectable(k, a, b, 10, 0.025, rng)
	m20 := minimumDetectable(k, a, b, 20, 0.025, rng)
	t.Logf("MDE at 5, 10, 20 runs: %.1f%%, %.1f%%, %.1f%%", m5*100, m10*100, m20*100)
	if !(m5 > m10 && m10 > m20) {
		t.Errorf("MDE does not shrink with runs: %v %v %v", m5, m10, m20)
	}
	if m20 < 0.01 || m20 > 0.10 || m5 > 0.3 {
		t.Errorf("MDE at 20 runs %.3f, at 5 runs %.3f: not where a 5 %% CV puts them", m20, m5)
	}
}

// Calibrate on two synthetic A/A runs: every reported metric has its
// noise, the resampled gate fails at most about alpha of A/A pairs, and a
// metric whose allowance is below its MDE is called blind.
func TestCalibrateOnAnAAPair(t *testing.T) {
	sc := synth.Scenario("item")
	sc.Runs = 10
	opts := func(seed int64) synth.Options {
		return synth.Options{Scenario: sc, Reps: 20, Noise: 0.05, Start: synth.Epoch.Add(time.Duration(seed) * time.Hour),
			Server: results.ServerStats{CPUSeconds: 1, CPUSource: results.CPUFromProc, RSSPeakBytes: 10 << 20, RSSSamples: 10}}
	}
	res := &Result{Base: synth.New(opts(0)), Candidate: synth.New(opts(1)), Blocks: 10}
	policy := compare.PolicyFromScenario(sc.Gate)
	cal, err := Calibrate(res, &sc, policy, 1)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, n := range cal.Noise {
		seen[n.Endpoint+" "+n.Metric] = true
		if math.IsNaN(n.CV) || n.N != 20 {
			t.Errorf("%s %s: cv %v over %d repetitions", n.Endpoint, n.Metric, n.CV, n.N)
		}
	}
	for _, want := range []string{"item p50", "item p99"} {
		if !seen[want] {
			t.Errorf("no noise for %s: %v", want, seen)
		}
	}
	// 2,000 resampled A/A pairs at alpha 0.05: 3 binomial sd above alpha.
	if limit := 0.05 + 3*math.Sqrt(0.05*0.95/float64(cal.Trials)); cal.FalseAlarm > limit {
		t.Errorf("resampled A/A false-alarm rate %.4f > %.4f", cal.FalseAlarm, limit)
	}
	t.Logf("resampled A/A false-alarm rate of the default gate at 10 runs: %.4f over %d", cal.FalseAlarm, cal.Trials)
	// Without an allowance the gate fails whatever is significant: the
	// resampled rate then shows the test itself, near alpha (resampling two
	// finite pools adds their chance difference, so it reads a little high).
	strict := compare.Policy{Alpha: 0.05, MaxRegression: map[string]scenarios.Quantity{metric.P50: {Relative: true}}}
	a, _ := res.Base.ValidRepetitions()
	b, _ := res.Candidate.ValidRepetitions()
	q := strict.MaxRegression[metric.P50]
	rate := falseAlarm([]Noise{{Endpoint: "item", Metric: metric.P50, Allowance: &q}}, a, b, 10, strict, rand.New(rand.NewPCG(5, 6)))
	if rate > 0.15 {
		t.Errorf("allowance 0: resampled A/A false-alarm rate %.4f, want near alpha", rate)
	}
	t.Logf("resampled A/A false-alarm rate with no allowance: %.4f", rate)
	if cal.RecommendedRuns == 0 {
		t.Error("no recommended runs")
	}
}
