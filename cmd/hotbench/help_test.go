package main

import (
	"strings"
	"testing"

	"github.com/hotbench/hotbench/scenarios"
)

// The binary carries the scenario reference: `hotbench help scenario`
// prints scenarios.Reference, which a test in package scenarios keeps
// equal to the package documentation.
func TestHelpScenarioPrintsTheReference(t *testing.T) {
	code, out, errOut := hotbench(t, "help", "scenario")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, strings.TrimRight(scenarios.Reference, "\n")) {
		t.Errorf("help scenario does not print the reference:\n%.400s", out)
	}
	for _, want := range []string{"# Keys", "max_send_lag", "${NAME:-default}"} {
		if !strings.Contains(out, want) {
			t.Errorf("help scenario does not mention %q", want)
		}
	}
	// The root's help lists it as a help topic.
	_, out, _ = hotbench(t, "--help")
	if !strings.Contains(out, "Additional help topics:") || !strings.Contains(out, "scenario") {
		t.Errorf("hotbench --help does not list the scenario topic:\n%s", out)
	}
}
