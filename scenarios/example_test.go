package scenarios_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hotbench/hotbench/scenarios"
)

func ExampleLoad() {
	dir, err := os.MkdirTemp("", "scenario")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "search.yaml")
	err = os.WriteFile(path, []byte(`name: manual-search
target: http://127.0.0.1:8080
load: {rate: 200/s, duration: 20s}
endpoints:
  - {name: search, path: "/api/search?q=kitchen", weight: 3}
  - {name: manual, path: /api/manuals/1}
gate:
  slo: {p99: 500ms}
`), 0o644)
	if err != nil {
		panic(err)
	}

	// The command passes its flags as overrides; they win over the file.
	s, err := scenarios.Load(path, map[string]string{"runs": "4"})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Name, s.Load.Rate, s.Load.Window(), s.Runs, "runs")
	for _, e := range s.Endpoints {
		fmt.Println(e.Method, e.Path, "weight", e.Weight)
	}
	fmt.Println("p99 SLO:", s.Gate.SLO["p99"].Value, "s")

	// A bad file reports every problem, positioned.
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: search\nload: {rate: 200/s, duration: 20s}\nlod: {}\n"), 0o644); err != nil {
		panic(err)
	}
	_, err = scenarios.Load(bad, nil)
	var list scenarios.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			e.File = filepath.Base(e.File) // the temporary folder varies
			fmt.Println(e)
		}
	}
	// Output:
	// manual-search 200/s 20s 4 runs
	// GET /api/search?q=kitchen weight 3
	// GET /api/manuals/1 weight 1
	// p99 SLO: 0.5 s
	// bad.yaml: target: is required: the base URL of the service under test, like http://127.0.0.1:8080
	// bad.yaml: endpoints: at least one endpoint is required: add one with a name and a path
	// bad.yaml:3: lod: unknown key; did you mean load?
}

// calibrate --write edits the scenario file's text: the values it sets
// change, the lines it adds appear, and every comment stays.
func ExampleEditYAML() {
	before := []byte(`name: manual-search
target: http://127.0.0.1:8080
load: {rate: 200/s, duration: 20s}
runs: 10          # statistics need >= 4 a side
endpoints:
  - {name: search, path: /api/search}
gate:
  max_regression: {p50: 5%, p99: 10%, error_rate: 0}   # relative to the base
`)
	after, err := scenarios.EditYAML("search.yaml", before, scenarios.Edit{
		Runs:          20,
		MaxRegression: map[string]string{"p99": "14%"},
		Calibration: &scenarios.Calibration{
			Date: time.Date(2026, 12, 1, 16, 40, 0, 0, time.UTC), Host: "ci-runner-3", Commit: "3a53ee4", Blocks: 10, Alpha: 0.05,
			Metrics: map[string]scenarios.CalibratedMetric{
				"search.p99": {CV: 0.041, BetweenRuns: 0.12, DriftPerHour: 0.008, MDE5: 0.14, MDE10: 0.082, MDE20: 0.056},
			},
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(after))
	// Output:
	// name: manual-search
	// target: http://127.0.0.1:8080
	// load: {rate: 200/s, duration: 20s}
	// runs: 20          # statistics need >= 4 a side
	// endpoints:
	//   - {name: search, path: /api/search}
	// gate:
	//   max_regression: {p50: 5%, p99: 14%, error_rate: 0}   # relative to the base
	// calibration:                  # written by `hotbench calibrate --write`: a record, not a setting
	//   date: 2026-12-01T16:40:00Z
	//   host: ci-runner-3
	//   commit: 3a53ee4
	//   blocks: 10
	//   alpha: 0.05
	//   metrics:
	//     search.p99: {cv: 4.10%, between_runs: 12.0%, drift: +0.800%/h, mde_5: 14.0%, mde_10: 8.20%, mde_20: 5.60%}
}
