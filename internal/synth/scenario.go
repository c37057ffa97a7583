package synth

import (
	"time"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/scenarios"
)

// StepsFor is the function of Scenario's hotspot.
const StepsFor = "manuals.(*Store).StepsFor"

// Scenario is the scenario synthetic runs measure unless told otherwise:
// manual-search at 200/s for 10 s after a 2 s warm-up, 10 runs, CPU and allocation profiles, one hotspot on
// search's p99 (150 ms by 2026-12-31, in StepsFor) and a gate allowing p99
// 10 %. Its endpoints are search (GET /api/search?q=kitchen, weight 3) and
// login (POST /api/login), or, when named, GET /api/NAME each with weight 1
// (the hotspot still names search).
func Scenario(endpoints ...string) scenarios.Scenario {
	sc := scenarios.Scenario{
		Name:        "manual-search",
		Description: "search is slow when a manual has many steps",
		Target:      "http://127.0.0.1:8080",
		Runs:        10,
		Profiles:    scenarios.Profiles{Pprof: "http://127.0.0.1:8080/debug/pprof", Kinds: []string{"cpu", "allocs"}},
		Hotspots: []scenarios.Hotspot{{
			Name: "search-steps-n-plus-one", Endpoint: "search", Metric: metric.P99,
			Objective: scenarios.Quantity{Value: 0.15, Text: "150ms"},
			Due:       scenarios.Date{Time: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)},
			Functions: []string{StepsFor},
		}},
		Gate: scenarios.Gate{Alpha: 0.05, MaxRegression: map[string]scenarios.Quantity{
			metric.P99: {Value: 0.1, Relative: true, Text: "10%"},
		}},
	}
	// Field by field: the load section's type name is the scenarios package's.
	sc.Load.Rate = scenarios.Rate{PerSecond: 200}
	sc.Load.Duration = scenarios.Duration(10 * time.Second)
	sc.Load.Warmup = scenarios.Duration(2 * time.Second)
	sc.Load.Timeout = scenarios.Duration(10 * time.Second)
	expect := scenarios.Expect{Status: []int{200}}
	if len(endpoints) == 0 {
		sc.Endpoints = []scenarios.Endpoint{
			{Name: "search", Method: "GET", Path: "/api/search?q=kitchen", Weight: 3, Expect: expect},
			{Name: "login", Method: "POST", Path: "/api/login", Weight: 1, Expect: expect},
		}
		return sc
	}
	for _, name := range endpoints {
		sc.Endpoints = append(sc.Endpoints, scenarios.Endpoint{Name: name, Method: "GET", Path: "/api/" + name, Weight: 1, Expect: expect})
	}
	return sc
}
