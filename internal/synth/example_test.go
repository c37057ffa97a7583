package synth_test

import (
	"fmt"

	"github.com/hotbench/hotbench/internal/synth"
)

// Ten repetitions of a search whose p99 is 50 ms, with 5 % noise from one
// repetition to the next, and its third repetition invalid.
func ExampleNew() {
	run := synth.New(synth.Options{
		Label: "before", Reps: 10, Seed: 1, Exact: true, Noise: 0.05,
		Endpoints: []synth.Endpoint{{Name: "search", Median: 0.0012, P99: 0.050, Rate: 150, Errors: 2}},
		Shares:    map[string]float64{synth.StepsFor: 0.41},
		Each: func(r *synth.Rep) {
			if r.Index == 3 {
				r.Invalid = []string{"the load generator fell behind"}
			}
		},
	})
	valid, leftOut := run.ValidRepetitions()
	e := run.Repetitions[0].Endpoints[0]
	fmt.Println(run.Ref(), len(valid), "valid,", leftOut, "left out")
	fmt.Printf("%s: %d requests of %d scheduled, %d failed, %d timed successes\n", e.Name, e.Requests, e.Scheduled, e.Errors, e.Latency.Count())
	// Output:
	// manual-search@before 9 valid, 1 left out
	// search: 1500 requests of 1500 scheduled, 2 failed, 1498 timed successes
}
