package scenarios

import (
	"slices"

	"github.com/hotbench/hotbench/metric"
)

// Percentiles lists the latency percentiles the scenario names, in its
// hotspots and its gate's max_regression and slo, by canonical name (p99.9
// is p999), each once, smallest quantile first. Runs summarise them and
// comparisons have rows for them, beside the ones they always have.
func (s *Scenario) Percentiles() []string {
	var names []string
	add := func(name string) {
		if m, ok := metric.Lookup(name); ok && m.IsPercentile() && !slices.Contains(names, m.Name) {
			names = append(names, m.Name)
		}
	}
	for _, h := range s.Hotspots {
		add(h.Metric)
	}
	for _, limits := range []map[string]Quantity{s.Gate.MaxRegression, s.Gate.SLO} {
		for key := range limits {
			_, name := metric.SplitKey(key)
			add(name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		qa, _ := metric.Lookup(a)
		qb, _ := metric.Lookup(b)
		switch {
		case qa.Quantile < qb.Quantile:
			return -1
		case qa.Quantile > qb.Quantile:
			return 1
		}
		return 0
	})
	return names
}
