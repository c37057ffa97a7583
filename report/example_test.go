package report_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/report"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// weeklyRuns stores three runs of a search scenario in November 2026, a
// week apart, whose p99 falls from 48 ms to 3 ms.
func weeklyRuns(store *results.Store) error {
	sc := scenarios.Scenario{
		Name:      "search",
		Endpoints: []scenarios.Endpoint{{Name: "search", Method: "GET", Path: "/api/search"}},
		Hotspots: []scenarios.Hotspot{{Name: "search-regexp", Endpoint: "search", Metric: metric.P99,
			Objective: scenarios.Quantity{Value: 0.010, Text: "10ms"}}},
	}
	for i, p99 := range []time.Duration{48 * time.Millisecond, 20 * time.Millisecond, 3 * time.Millisecond} {
		start := time.Date(2026, 11, 2+7*i, 10, 0, 0, 0, time.UTC)
		r := &results.Run{Scenario: sc, Label: fmt.Sprintf("week-%d", i+1), Start: start, Complete: true}
		for rep := 1; rep <= 6; rep++ {
			h := results.NewHistogram()
			for k := 1; k <= 100; k++ {
				h.Record(p99 * time.Duration(k+rep) / 100) // the 99th of 100 values is ≈ p99
			}
			r.Repetitions = append(r.Repetitions, results.Repetition{Index: rep, Start: start, End: start.Add(10 * time.Second), Complete: true,
				Endpoints: []results.EndpointRun{{Name: "search", Requests: 100, Status: map[string]int64{"200": 100}, Latency: h}}})
		}
		if err := store.Create(r); err != nil {
			return err
		}
	}
	return nil
}

// Build November's report from a results store and print the summary a
// team lead pastes into the meeting notes; WriteHTML and WriteMarkdown
// render the whole report.
func ExampleBuildMonth() {
	dir, err := os.MkdirTemp("", "hotbench-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	store := results.Open(dir)
	if err := weeklyRuns(store); err != nil {
		fmt.Println(err)
		return
	}
	m, err := report.BuildMonth(context.Background(), store, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), report.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Headline())
	for _, h := range m.Scenarios[0].Hotspots {
		fmt.Println(h.Line())
	}
	// Output:
	// November 2026: 1 hotspot in 1 scenario, 3 runs. Status: 1 met, 0 on track, 0 off track. Since the month's first run: 1 improved, 0 regressed, 0 unchanged.
	// search-regexp: p99 49.2ms → 3.08ms, improved (objective 10.0ms, met)
}

// Render one run as a self-contained HTML page.
func ExampleRunReport() {
	dir, err := os.MkdirTemp("", "hotbench-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	store := results.Open(dir)
	if err := weeklyRuns(store); err != nil {
		fmt.Println(err)
		return
	}
	runs, _ := store.List()
	run, err := results.Load(runs[0].Dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	var page bytes.Buffer
	if err := report.RunReport(&page, run, report.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(page.String(), "<title>search@week-3 — hotbench run report</title>"))
	fmt.Println(strings.Count(page.String(), `<img src="data:image/png;base64,`), "chart (no per-second series was recorded)")
	// Output:
	// true
	// 1 chart (no per-second series was recorded)
}
