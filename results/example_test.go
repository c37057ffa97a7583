package results_test

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

func ExampleStore() {
	dir, err := os.MkdirTemp("", "hotbench-results")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store := results.Open(dir)

	// The runner creates the run first, so an interrupted run leaves a
	// folder marked incomplete, then saves it as repetitions finish.
	run := &results.Run{
		Scenario: scenarios.Scenario{Name: "manual-search"},
		Label:    "before",
		Start:    time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC),
	}
	if err := store.Create(run); err != nil {
		log.Fatal(err)
	}
	lat := results.NewHistogram()
	for _, ms := range []int{12, 15, 11, 90} {
		lat.Record(time.Duration(ms) * time.Millisecond)
	}
	run.Repetitions = append(run.Repetitions, results.Repetition{
		Index: 1, Start: run.Start, End: run.Start.Add(2 * time.Second), Complete: true,
		Endpoints: []results.EndpointRun{{Name: "search", Requests: 4, Latency: lat}},
	})
	run.End, run.Complete = run.Start.Add(2*time.Second), true
	if err := results.Save(run); err != nil {
		log.Fatal(err)
	}

	// Later: find it by reference, load it, summarise it.
	dirs, err := store.Resolve("manual-search@before")
	if err != nil {
		log.Fatal(err)
	}
	loaded, err := results.Load(dirs[0])
	if err != nil {
		log.Fatal(err)
	}
	s := results.Summarize(loaded)
	fmt.Println(loaded.Ref(), loaded.Name())
	fmt.Printf("%s: %d requests, %.0f/s, p50 %.4fs, max %.4fs\n",
		s.Endpoints[0].Name, s.Endpoints[0].Requests, s.Endpoints[0].RPS, s.Endpoints[0].Latency.P50, s.Endpoints[0].Latency.Max)

	runs, err := store.List()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(runs), "run stored, complete:", runs[0].Complete)
	// Output:
	// manual-search@before 20261127T010203Z-before
	// search: 4 requests, 2/s, p50 0.0120s, max 0.0900s
	// 1 run stored, complete: true
}
