package compare

import (
	"fmt"
	"os"

	"github.com/hotbench/hotbench/results"
)

// Compare ten runs before a fix with ten after it, judge the hotspot and
// apply the default gate.
func ExampleCompare() {
	sc := testScenario() // search's p99 is a hotspot, in manuals.(*Store).StepsFor
	before := synthRun(sc, "before", 10, noisy(newRNG(90), 0.050, 0.41))
	after := synthRun(sc, "after", 10, noisy(newRNG(91), 0.012, 0.03))

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
