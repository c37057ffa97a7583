package scenarios_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
