package results_test

import (
	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/results"
)

// The tests of this package that read synthetic runs are in package
// results_test: internal/synth, which builds them, imports results.

// manualSearch is a synthetic run (internal/synth) of manual-search with the
// first n of the endpoints search, step-list and manual-2 (medians 2, 4 and
// 6 ms), each at rate requests per second, search failing once in each
// window, with the hotspot function's CPU share and the server's CPU and
// memory; o says the rest (label, repetitions, window, seed, changes).
func manualSearch(n int, rate float64, o synth.Options) *results.Run {
	names := []string{"search", "step-list", "manual-2"}[:n]
	o.Scenario = synth.Scenario(names...)
	o.Endpoints = nil
	for i, name := range names {
		e := synth.Endpoint{Name: name, Median: 0.002 * float64(i+1), Rate: rate}
		if i == 0 {
			e.Errors = 1
		}
		o.Endpoints = append(o.Endpoints, e)
	}
	o.Shares = map[string]float64{synth.StepsFor: 0.35}
	o.Server = results.ServerStats{CPUSeconds: 2, RSSBytes: 80 << 20, AllocBytes: 200 << 20}
	return synth.New(o)
}
