package compare

import (
	"fmt"
	"os"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/results"
)

// Compare ten runs before a fix with ten after it, judge the hotspot and
// apply the default gate.
func ExampleCompare() {
	sc := testScenario() // search's p99 is a hotspot, in manuals.(*Store).StepsFor
	before := synthRun(sc, "before", 10, noisy(90, 0.050, 0.41))
	after := synthRun(sc, "after", 10, noisy(91, 0.012, 0.03))

	c, err := Compare([]*results.Run{before}, []*results.Run{after}, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for _, h := range c.Hotspots {
		fmt.Printf("%s: %s\n", h.Name, h.Verdict)
	}
	r := c.Row("search", "p99")
	fmt.Printf("search p99 %s, significant: %v\n", r.Change, r.Significant)
	g := Gate(c, DefaultPolicy())
	fmt.Println("gate passes:", g.Pass)
	// Output:
	// search-steps-n-plus-one: improved
	// search p99 improved, significant: true
	// gate passes: true
}

// Gate a candidate whose login p50 is 30 % slower: the gate tests the rows
// its policy names, corrects them with Holm's method, and says so.
func ExampleGate() {
	sc := testScenario()
	slowerLogin := each(noisy(93, 0.050, 0.41), func(r *synth.Rep) { r.Endpoints[1].Median *= 1.3 })
	before := synthRun(sc, "before", 10, noisy(92, 0.050, 0.41))
	after := synthRun(sc, "after", 10, slowerLogin)

	c, err := Compare([]*results.Run{before}, []*results.Run{after}, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	g := Gate(c, DefaultPolicy())
	fmt.Printf("pass: %v, inconclusive: %v, %d rows gated (%s)\n", g.Pass, g.Inconclusive, g.Gated, g.Correction)
	for _, f := range g.Failures {
		fmt.Printf("%s %s %s\n", f.Endpoint, f.Metric, f.Kind)
	}
	// Output:
	// pass: false, inconclusive: false, 6 rows gated (holm)
	// login p50 regression
}

// A run checks its own SLOs at its end: here 20 of search's 1000 requests
// failed, above the default error-rate SLO of 1 %.
func ExampleCheckRun() {
	sc := testScenario()
	run := synthRun(sc, "nightly", 5, each(noisy(94, 0.050, 0.41), func(r *synth.Rep) {
		r.Endpoints[0].Rate = 20 // 200 requests a window
		if r.Index == 3 {
			r.Endpoints[0].Errors = 20
		}
	}))
	for _, f := range CheckRun(run, PolicyFromScenario(sc.Gate)) {
		fmt.Printf("%s %s: %s\n", f.Endpoint, f.Metric, f.Reason)
	}
	// Output:
	// search error_rate: error_rate 2.00% (20 of 1000 requests failed) is above the SLO 1% (default)
}
