package compare

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

const stepsFor = synth.StepsFor

// testScenario has two endpoints and one hotspot on search's p99.
func testScenario() scenarios.Scenario {
	return scenarios.Scenario{
		Name: "manual-search",
		Runs: 10,
		Endpoints: []scenarios.Endpoint{
			{Name: "search", Method: "GET", Path: "/api/search?q=kitchen", Weight: 3},
			{Name: "login", Method: "POST", Path: "/api/login", Weight: 1},
		},
		Hotspots: []scenarios.Hotspot{{
			Name:      "search-steps-n-plus-one",
			Endpoint:  "search",
			Metric:    metric.P99,
			Objective: scenarios.Quantity{Value: 0.150, Text: "150ms"},
			Functions: []string{stepsFor},
		}},
	}
}

// noisy is the synthetic service the tests compare (internal/synth, from
// seed): search's median is 1.2 ms and its p99 searchTail, login's 3 ms and
// 20 ms, at 150/s and 50/s over 10 s windows; the hotspot function takes
// share of CPU profiles of 500 samples (no profile shares when share < 0).
// Latencies sit at exact quantiles, so each repetition's p50 and p99 are
// its shape's, and the shapes vary by 5 % (CV) from one repetition to the
// next: two runs of one seed have the same noise.
func noisy(seed uint64, searchTail, share float64) synth.Options {
	o := synth.Options{Seed: seed, Exact: true, Noise: 0.05, Endpoints: []synth.Endpoint{
		{Name: "search", Median: 0.0012, P99: searchTail, Rate: 150},
		{Name: "login", Median: 0.003, P99: 0.020, Rate: 50},
	}}
	if share >= 0 {
		o.Shares = map[string]float64{stepsFor: share}
	}
	return o
}

// each adds a change to every repetition of o, after the ones o has.
func each(o synth.Options, change func(r *synth.Rep)) synth.Options {
	before := o.Each
	o.Each = func(r *synth.Rep) {
		if before != nil {
			before(r)
		}
		change(r)
	}
	return o
}

// synthRun is a run of sc with reps repetitions of o; it measures the
// endpoints of o that sc has.
func synthRun(sc scenarios.Scenario, label string, reps int, o synth.Options) *results.Run {
	o.Scenario, o.Label, o.Reps = sc, label, reps
	o.Endpoints = slices.DeleteFunc(slices.Clone(o.Endpoints), func(e synth.Endpoint) bool {
		return !slices.ContainsFunc(sc.Endpoints, func(se scenarios.Endpoint) bool { return se.Name == e.Name })
	})
	return synth.New(o)
}

// lognormal draws from a lognormal distribution with the given median and
// coefficient of variation.
func lognormal(rng *rand.Rand, median, cv float64) float64 {
	sigma := math.Sqrt(math.Log1p(cv * cv))
	return median * math.Exp(sigma*rng.NormFloat64())
}

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }
