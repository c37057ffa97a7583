package compare

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// withGroups gives search's repetitions two groups of size, small at 1 ms
// and large at large, with 5 % noise; groups lists the groups to give.
func withGroups(r *results.Run, seed uint64, large time.Duration, groups ...string) *results.Run {
	rng := rand.New(rand.NewPCG(seed, 1))
	at := map[string]time.Duration{"small": time.Millisecond, "large": large}
	for i := range r.Repetitions {
		e := r.Repetitions[i].Endpoint("search")
		e.GroupBy = "size"
		for _, name := range groups {
			h := results.NewHistogram()
			d := time.Duration(float64(at[name]) * (1 + 0.05*rng.NormFloat64()))
			for j := 0; j < 100; j++ {
				h.Record(d)
			}
			e.Groups = append(e.Groups, results.GroupRun{Name: name, Requests: 100, Latency: h})
		}
	}
	return r
}

// A group is compared as an endpoint of its own, in a row named
// search[size=large], and a hotspot may be on it; a group only one side
// measured is no mismatch of the scenario.
func TestGroupsGetRowsAndHotspots(t *testing.T) {
	sc := testScenario()
	sc.Endpoints[0].GroupBy, sc.Endpoints[0].Data = "size", "manuals.csv"
	sc.Hotspots = []scenarios.Hotspot{{Name: "large-manuals", Endpoint: "search[size=large]", Metric: metric.P50,
		Objective: scenarios.Quantity{Value: 0.015, Text: "15ms"}}}
	base := withGroups(synthRun(sc, "before", 8, noisy(1, 0.05, -1)), 1, 40*time.Millisecond, "small", "large")
	cand := withGroups(synthRun(sc, "after", 8, noisy(2, 0.05, -1)), 2, 10*time.Millisecond, "small", "large")
	c, err := Compare([]*results.Run{base}, []*results.Run{cand}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	large := c.Row("search[size=large]", metric.P50)
	small := c.Row("search[size=small]", metric.P50)
	if large == nil || small == nil {
		t.Fatalf("rows for %v: want search[size=small] and search[size=large]", c.Endpoints())
	}
	if large.Change != Improved || small.Change != NoChange {
		t.Errorf("large p50 %v (%.4f → %.4f), small %v: want large improved and small unchanged", large.Change, large.Base.Center, large.Candidate.Center, small.Change)
	}
	if got := c.Endpoints(); len(got) < 4 || got[0] != "search" || got[1] != "search[size=small]" || got[2] != "search[size=large]" {
		t.Errorf("endpoints %v: want each group after its endpoint", got)
	}
	if len(c.Hotspots) != 1 || c.Hotspots[0].Verdict != VerdictImproved {
		t.Errorf("hotspot verdicts %+v: want large-manuals improved", c.Hotspots)
	}

	// The candidate's large manuals never came up: no row, no refusal.
	cand = withGroups(synthRun(sc, "after", 8, noisy(2, 0.05, -1)), 2, 10*time.Millisecond, "small")
	c, err = Compare([]*results.Run{base}, []*results.Run{cand}, Options{})
	if err != nil {
		t.Fatalf("a group on one side only: %v", err)
	}
	if c.Row("search[size=large]", metric.P50) != nil {
		t.Error("a row for a group the candidate never measured")
	}
}
