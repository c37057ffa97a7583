package ab

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// MDERuns are the numbers of repetitions a side at which calibrate gives
// the gate's minimum detectable effect.
var MDERuns = []int{5, 10, 20}

// Simulation sizes of a calibration: enough that a power of 80 % and a
// false-alarm rate near alpha are estimated within a few points.
const (
	powerTrials      = 300
	falseAlarmTrials = 2000
	// mdePower is the chance of detecting an effect that "detectable" means.
	mdePower = 0.8
)

// Noise is one metric's noise as an A/A session measured it.
type Noise struct {
	Endpoint, Metric string
	// N is the number of valid repetitions a side; Mean the mean value.
	N    int
	Mean float64
	// CV is the coefficient of variation of one repetition's value over
	// both sides.
	CV float64
	// BetweenRuns is the share of the variance that lies between the two
	// server processes (one-way analysis of variance): noise that more
	// repetitions of one run never average away.
	BetweenRuns float64
	// Drift is the relative change from the session's start to its end
	// along a least-squares line through the log values against time, and
	// DriftPerHour the same line's change per hour (an extrapolation for a
	// session shorter than an hour, which the scenario's record keeps).
	Drift, DriftPerHour float64
	// MDE maps repetitions a side (MDERuns) to the smallest relative
	// regression the gate detects with mdePower: NaN above +200 %.
	MDE map[int]float64
	// Allowance is the gate's max_regression entry for the metric, if any.
	Allowance *scenarios.Quantity
}

// Calibration is what calibrate measured and recommends.
type Calibration struct {
	Noise []Noise
	// Runs is the scenario's runs, at which FalseAlarm was estimated: the
	// share of resampled A/A pairs of Runs repetitions a side that fail the
	// current gate on a regression (error-rate rows, tested on counts, are
	// left out of the resampling). Gated counts the family's rows.
	Runs, Trials, Gated int
	FalseAlarm          float64
	// Alpha is the gate's significance level the simulations used.
	Alpha float64
	// RecommendedRuns and RecommendedMaxRegression make the gate not blind:
	// every relative allowance at least the MDE at RecommendedRuns.
	// RecommendedMaxRegression holds only the entries that change.
	RecommendedRuns          int
	RecommendedMaxRegression map[string]string
	// Blind lists metrics whose MDE exceeds their allowance at the
	// scenario's runs today.
	Blind []string
}

// Calibrate derives the noise of each gated or hotspot metric (and p50,
// p99 and the server's costs) from an A/A session's two runs, simulates
// the gate's power and false-alarm rate on them, and recommends runs and
// allowances. seed makes the simulation repeatable.
func Calibrate(res *Result, sc *scenarios.Scenario, policy compare.Policy, seed int64) (*Calibration, error) {
	a, _ := res.Base.ValidRepetitions()
	b, _ := res.Candidate.ValidRepetitions()
	if len(a) < 3 || len(b) < 3 {
		return nil, fmt.Errorf("calibrate needs at least 3 valid repetitions a side, it has %d and %d: see the runs' warnings and run it again", len(a), len(b))
	}
	alpha := policy.Alpha
	if alpha == 0 {
		alpha = compare.DefaultAlpha
	}
	keys := noiseKeys(res, sc, policy)
	gated := 0
	for _, k := range keys {
		if _, ok := policy.Allowance(k[0], k[1]); ok {
			gated++
		}
	}
	// The gate's family also holds each endpoint's error-rate row, which
	// calibrate does not resample (it is tested on counts).
	for _, e := range res.Base.EndpointNames() {
		if _, ok := policy.Allowance(e, metric.ErrorRate); ok {
			gated++
		}
	}
	famAlpha := alpha / float64(max(gated, 1)) // Holm's first step
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	cal := &Calibration{Runs: sc.Runs, Trials: falseAlarmTrials, Gated: gated, Alpha: alpha}
	for _, k := range keys {
		va, ta := values(a, k)
		vb, tb := values(b, k)
		if len(va) < 3 || len(vb) < 3 {
			continue
		}
		n := Noise{Endpoint: k[0], Metric: k[1], N: min(len(va), len(vb)), MDE: map[int]float64{}}
		all := append(slices.Clone(va), vb...)
		n.Mean = mean(all)
		if n.Mean > 0 {
			n.CV = stddev(all) / n.Mean
		}
		n.BetweenRuns = betweenShare(va, vb)
		n.Drift, n.DriftPerHour = drift(append(slices.Clone(va), vb...), append(slices.Clone(ta), tb...))
		for _, runs := range MDERuns {
			n.MDE[runs] = minimumDetectable(k, va, vb, runs, famAlpha, rng)
		}
		if q, ok := policy.Allowance(k[0], k[1]); ok {
			n.Allowance = &q
		}
		cal.Noise = append(cal.Noise, n)
	}
	cal.FalseAlarm = falseAlarm(cal.Noise, a, b, sc.Runs, policy, rng)
	recommend(cal, sc.Runs)
	return cal, nil
}

// noiseKeys are the (endpoint, metric) pairs calibrate reports: p50 and
// p99 of each endpoint, every gated or hotspot metric, and the server's
// cpu_per_req and rss_peak; never rps (an input) or error_rate (counts).
func noiseKeys(res *Result, sc *scenarios.Scenario, policy compare.Policy) [][2]string {
	var keys [][2]string
	seen := map[[2]string]bool{}
	add := func(e, m string) {
		if m == metric.RPS || m == metric.ErrorRate || metric.IsShare(m) {
			return
		}
		if metric.IsServerWide(m) {
			e = compare.ServerEndpoint
		}
		k := [2]string{e, metric.Canonical(m)}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	endpoints := res.Base.EndpointNames()
	for _, e := range endpoints {
		add(e, metric.P50)
		add(e, metric.P99)
		for k := range policy.MaxRegression {
			ke, m := metric.SplitKey(k)
			if ke == "" || ke == e {
				add(e, m)
			}
		}
	}
	for _, h := range sc.Hotspots {
		add(h.Endpoint, h.Metric)
	}
	for _, m := range metric.ServerMetrics {
		add(compare.ServerEndpoint, m)
	}
	return keys
}

// values are the repetitions' values of one key, with each repetition's
// start in hours since the earliest.
func values(reps []*results.Repetition, k [2]string) (v, hours []float64) {
	for _, rep := range reps {
		x, ok := value(rep, k[0], k[1])
		if !ok || math.IsNaN(x) {
			continue
		}
		v = append(v, x)
		hours = append(hours, float64(rep.Start.UnixNano())/float64(time.Hour))
	}
	return v, hours
}

// betweenShare is the between-group variance component's share of the
// total in a one-way analysis of variance of two groups (0 when the
// groups differ less than their spread predicts).
func betweenShare(a, b []float64) float64 {
	na, nb := float64(len(a)), float64(len(b))
	ma, mb := mean(a), mean(b)
	grand := (ma*na + mb*nb) / (na + nb)
	msb := na*(ma-grand)*(ma-grand) + nb*(mb-grand)*(mb-grand) // 1 degree of freedom
	ssw := 0.0
	for _, x := range a {
		ssw += (x - ma) * (x - ma)
	}
	for _, x := range b {
		ssw += (x - mb) * (x - mb)
	}
	msw := ssw / (na + nb - 2)
	n0 := (na + nb - (na*na+nb*nb)/(na+nb)) // the groups' effective size
	between := max(0, (msb-msw)/n0)
	if between+msw == 0 {
		return 0
	}
	return between / (between + msw)
}

// drift is the least-squares slope of log values against hours, as the
// relative change over the span of the hours and per hour.
func drift(v, hours []float64) (overSpan, perHour float64) {
	var xs, ys []float64
	for i, x := range v {
		if x > 0 {
			xs, ys = append(xs, hours[i]), append(ys, math.Log(x))
		}
	}
	if len(xs) < 3 {
		return 0, 0
	}
	mx, my := mean(xs), mean(ys)
	var sxy, sxx float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	// A session shorter than a minute says nothing per hour.
	if sxx == 0 || slicesSpan(xs) < 1.0/60 {
		return 0, 0
	}
	slope := sxy / sxx
	finite := func(x float64) float64 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0
		}
		return x
	}
	return finite(math.Expm1(slope * slicesSpan(xs))), finite(math.Expm1(slope))
}

// minimumDetectable is the smallest relative regression that the gate's
// test (benchstat's U test at the family's first Holm level) finds in
// mdePower of simulated pairs of runs repetitions a side, drawn from the
// A/A values with the candidate's side made worse by the effect. NaN when
// even +200 % is not detected that often.
func minimumDetectable(k [2]string, a, b []float64, runs int, alpha float64, rng *rand.Rand) float64 {
	higher := false
	if m, err := metric.Parse(k[1]); err == nil {
		higher = m.HigherIsBetter()
	}
	power := func(effect float64) float64 {
		hits := 0
		base, cand := make([]float64, runs), make([]float64, runs)
		for range powerTrials {
			for i := range runs {
				base[i] = a[rng.IntN(len(a))]
				cand[i] = b[rng.IntN(len(b))]
				if higher {
					cand[i] /= 1 + effect
				} else {
					cand[i] *= 1 + effect
				}
			}
			r := compare.CompareSamples(k[0], k[1], base, cand, alpha)
			if r.Change == compare.Regressed {
				hits++
			}
		}
		return float64(hits) / powerTrials
	}
	const most = 2.0
	if power(most) < mdePower {
		return math.NaN()
	}
	lo, hi := 0.0, most
	for hi-lo > 0.005 { // half a percent: finer than the simulation's own spread
		mid := (lo + hi) / 2
		if power(mid) >= mdePower {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// falseAlarm is the share of resampled A/A pairs (runs repetitions a
// side, whole repetitions drawn so the metrics keep their correlation)
// that the gate fails on a regression.
func falseAlarm(noise []Noise, a, b []*results.Repetition, runs int, policy compare.Policy, rng *rand.Rand) float64 {
	var gated []Noise
	for _, n := range noise {
		if n.Allowance != nil {
			gated = append(gated, n)
		}
	}
	if len(gated) == 0 || runs < 1 {
		return 0
	}
	gatePolicy := compare.Policy{Alpha: policy.Alpha, MaxRegression: policy.MaxRegression,
		SLO: map[string]scenarios.Quantity{metric.ErrorRate: {None: true}}}
	fails := 0
	ra, rb := make([]*results.Repetition, runs), make([]*results.Repetition, runs)
	for range falseAlarmTrials {
		for i := range runs {
			ra[i], rb[i] = a[rng.IntN(len(a))], b[rng.IntN(len(b))]
		}
		c := &compare.Comparison{Alpha: policy.Alpha}
		for _, n := range gated {
			k := [2]string{n.Endpoint, n.Metric}
			va, _ := values(ra, k)
			vb, _ := values(rb, k)
			c.Rows = append(c.Rows, compare.CompareSamples(n.Endpoint, n.Metric, va, vb, policy.Alpha))
		}
		g := compare.Gate(c, gatePolicy)
		for _, f := range g.Failures {
			if f.Kind == compare.FailRegression {
				fails++
				break
			}
		}
	}
	return float64(fails) / falseAlarmTrials
}

// recommend picks the fewest repetitions in MDERuns (not below 5) at which
// every relative allowance covers its metric's MDE; where even the most
// do not, it raises that allowance to the MDE, rounded up to a whole
// percent.
func recommend(cal *Calibration, current int) {
	blindAt := func(runs int) []Noise {
		var out []Noise
		for _, n := range cal.Noise {
			if n.Allowance == nil || !n.Allowance.Relative || n.Allowance.Value == 0 {
				continue
			}
			if mde := n.MDE[runs]; math.IsNaN(mde) || mde > n.Allowance.Value {
				out = append(out, n)
			}
		}
		return out
	}
	cal.RecommendedMaxRegression = map[string]string{}
	for _, n := range blindAt(closestRuns(current)) {
		cal.Blind = append(cal.Blind, n.Endpoint+" "+n.Metric)
	}
	for _, runs := range MDERuns {
		if len(blindAt(runs)) == 0 {
			cal.RecommendedRuns = runs
			return
		}
	}
	last := MDERuns[len(MDERuns)-1]
	cal.RecommendedRuns = last
	for _, n := range blindAt(last) {
		mde := n.MDE[last]
		text := "100%"
		if !math.IsNaN(mde) {
			text = fmt.Sprintf("%d%%", int(math.Ceil(mde*100)))
		}
		cal.RecommendedMaxRegression[allowanceKey(n)] = text
	}
}

// closestRuns is the entry of MDERuns nearest to runs (the larger on a
// tie), where the scenario's own runs are judged.
func closestRuns(runs int) int {
	best := MDERuns[0]
	for _, r := range MDERuns {
		if abs(r-runs) <= abs(best-runs) {
			best = r
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// allowanceKey is the max_regression key to write for a metric: the
// metric alone for server-wide ones, else endpoint.metric.
func allowanceKey(n Noise) string {
	if n.Endpoint == compare.ServerEndpoint {
		return n.Metric
	}
	return n.Endpoint + "." + n.Metric
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func stddev(v []float64) float64 {
	m, s := mean(v), 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(v)-1))
}

// CalibrationEdit is what `calibrate --write` writes into the scenario:
// the recommended runs and allowances, and the calibration: record.
func CalibrationEdit(r *Result, c *Calibration, host string, at time.Time) scenarios.Edit {
	rec := &scenarios.Calibration{Date: at.UTC().Truncate(time.Second), Host: host, Blocks: r.Blocks,
		Alpha: c.Alpha, Metrics: map[string]scenarios.CalibratedMetric{}}
	if r.Base.AB != nil {
		rec.Commit = r.Base.AB.Commit
		if len(rec.Commit) > 12 {
			rec.Commit = rec.Commit[:12]
		}
	}
	for _, n := range c.Noise {
		rec.Metrics[n.Endpoint+"."+n.Metric] = scenarios.CalibratedMetric{
			CV: n.CV, BetweenRuns: n.BetweenRuns, DriftPerHour: n.DriftPerHour,
			MDE5: inf(n.MDE[5]), MDE10: inf(n.MDE[10]), MDE20: inf(n.MDE[20]),
		}
	}
	return scenarios.Edit{Runs: c.RecommendedRuns, MaxRegression: c.RecommendedMaxRegression, Calibration: rec}
}

// inf writes "not detectable" as scenarios.CalibratedMetric does.
func inf(mde float64) float64 {
	if math.IsNaN(mde) {
		return math.Inf(1)
	}
	return mde
}

// slicesSpan is the range of xs.
func slicesSpan(xs []float64) float64 {
	return slices.Max(xs) - slices.Min(xs)
}
