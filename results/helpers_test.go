package results

import (
	"time"

	"github.com/hotbench/hotbench/scenarios"
)

// Tests that need synthetic runs are in package results_test, where they can
// import internal/synth (which imports this package). The tests here store
// empty runs, of which the store reads the scenario's name.

var testStart = time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)

// testScenario is manual-search with the first of a few endpoints.
func testScenario(endpoints int) scenarios.Scenario {
	sc := scenarios.Scenario{Name: "manual-search", Target: "http://127.0.0.1:8080", Runs: 10}
	for _, name := range []string{"search", "step-list", "manual-2", "login", "export"}[:endpoints] {
		sc.Endpoints = append(sc.Endpoints, scenarios.Endpoint{Name: name, Method: "GET", Path: "/api/" + name, Weight: 1})
	}
	return sc
}
