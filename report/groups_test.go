package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/results"
)

// show lists an endpoint's groups under it, named as compare and hotspots
// name them, and says when values were pooled as other.
func TestSummaryShowsGroups(t *testing.T) {
	s := results.Summary{Scenario: "demo", Label: "x", Complete: true, Runs: 1, Endpoints: []results.EndpointSummary{{
		Name: "manual", Requests: 300, RPS: 100, Latency: results.LatencySummary{P50: 0.002},
		Status: map[string]int64{"200": 300}, GroupsPooled: 3,
		Groups: []results.GroupSummary{
			{Name: "small", Endpoint: "manual[size=small]", Requests: 200, RPS: 66.7, Latency: results.LatencySummary{P50: 0.001}},
			{Name: "large", Endpoint: "manual[size=large]", Requests: 100, RPS: 33.3, Latency: results.LatencySummary{P50: 0.040}},
		},
	}}}
	var b bytes.Buffer
	if err := WriteSummary(&b, s); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Split(out, "\n")
	var at []int
	for i, l := range lines {
		for _, name := range []string{" manual ", "manual[size=small]", "manual[size=large]"} {
			if strings.Contains(l+" ", name) && strings.HasPrefix(strings.TrimSpace(l), strings.TrimSpace(name)) {
				at = append(at, i)
			}
		}
	}
	if len(at) != 3 || at[1] != at[0]+1 || at[2] != at[1]+1 || !strings.Contains(lines[at[2]], "40.0ms") {
		t.Errorf("summary:\n%s\nwant manual's row, then its groups small and large (p50 40.0ms)", out)
	}
	if !strings.Contains(out, "manual: 3 values of group_by are pooled as other") {
		t.Errorf("summary:\n%s\nwant the pooled values said", out)
	}
}
