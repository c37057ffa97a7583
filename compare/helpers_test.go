package compare

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

const stepsFor = "manuals.(*Store).StepsFor"

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

// epRep shapes one endpoint in one synthetic repetition: 98 latencies
// spread ±10 % around body and 2 at tail, so p50 ≈ body and p99 = tail
// (to HDR's three digits); requests over a 10 s window give rps.
type epRep struct {
	name             string
	body, tail       float64 // seconds
	requests, errors int64
	// failStatus is the status of the failed requests; "503" when empty.
	failStatus string
}

// repSpec is one synthetic repetition.
type repSpec struct {
	eps    []epRep
	shares []results.FunctionShare
	cpu    float64 // server CPU seconds in the window; 0 = unknown
	// invalid are the reasons the repetition is not a sample.
	invalid []string
}

var epoch = time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)

// synthRun builds a run of n repetitions from spec(i).
func synthRun(sc scenarios.Scenario, label string, n int, spec func(i int) repSpec) *results.Run {
	r := &results.Run{
		FormatVersion:   results.FormatVersion,
		Scenario:        sc,
		ScenarioHash:    "0123456789abcdef0123",
		Label:           label,
		Complete:        true,
		Host:            results.Host{Name: "bench-1", OS: "linux", Arch: "amd64", CPUs: 8},
		GoVersion:       "go1.26.8",
		HotbenchVersion: "v0.1.0",
	}
	for i := range n {
		s := spec(i)
		start := epoch.Add(time.Duration(i) * 15 * time.Second)
		rep := results.Repetition{Index: i, Start: start, End: start.Add(10 * time.Second), Complete: true, Functions: s.shares, Invalid: s.invalid}
		if s.cpu > 0 {
			rep.Server = &results.ServerStats{CPUSeconds: s.cpu}
		}
		for _, e := range s.eps {
			req := e.requests
			if req == 0 {
				req = 2000
			}
			// Latencies are of successes only: an endpoint whose every
			// request failed has none.
			h := results.NewHistogram()
			if e.errors < req {
				for k := range 98 {
					h.Record(seconds(e.body * (0.9 + 0.2*float64(k)/97)))
				}
				h.Record(seconds(e.tail))
				h.Record(seconds(e.tail))
			}
			status := map[string]int64{}
			if e.errors < req {
				status["200"] = req - e.errors
			}
			if e.errors > 0 {
				code := e.failStatus
				if code == "" {
					code = "503"
				}
				status[code] = e.errors
			}
			rep.Endpoints = append(rep.Endpoints, results.EndpointRun{
				Name: e.name, Requests: req, Errors: e.errors, Latency: h, Status: status,
			})
		}
		r.Repetitions = append(r.Repetitions, rep)
	}
	return r
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// lognormal draws from a lognormal distribution with the given median and
// coefficient of variation.
func lognormal(rng *rand.Rand, median, cv float64) float64 {
	sigma := math.Sqrt(math.Log1p(cv * cv))
	return median * math.Exp(sigma*rng.NormFloat64())
}

// noisy is a spec with 5 % CV noise around the given search/login shapes:
// search body 1.2 ms, tail searchTail; login body 3 ms, tail 20 ms; the
// hotspot function's share around share (omitted when share < 0), from CPU
// profiles of 500 samples.
func noisy(rng *rand.Rand, searchTail, share float64) func(int) repSpec {
	return func(int) repSpec {
		s := repSpec{eps: []epRep{
			{name: "search", body: lognormal(rng, 0.0012, 0.05), tail: lognormal(rng, searchTail, 0.05), requests: int64(lognormal(rng, 1500, 0.02))},
			{name: "login", body: lognormal(rng, 0.003, 0.05), tail: lognormal(rng, 0.020, 0.05), requests: int64(lognormal(rng, 500, 0.02))},
		}}
		if share >= 0 {
			s.shares = []results.FunctionShare{{Hotspot: "search-steps-n-plus-one", Function: stepsFor, Kind: "cpu", Share: min(lognormal(rng, share, 0.05), 1), Samples: 500}}
		}
		return s
	}
}

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }
