package shard

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/runner"
)

// part makes shard index's part of a run of count shards: each
// repetition's endpoint "e" records the given latencies (µs).
func part(index, count int, runID string, reps ...[]int64) *results.Run {
	r := &results.Run{
		Scenario:     *testScenario("http://x", 100),
		ScenarioHash: "h",
		Label:        PartLabel("l", runner.Shard{Index: index, Count: count}),
		Complete:     true,
		Start:        time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC),
		Shard:        &results.ShardPart{Index: index, Count: count, RunID: runID, Label: "l", ClockOffset: float64(index) * 1e-3},
	}
	for k, lat := range reps {
		e := results.EndpointRun{Name: "e", Status: map[string]int64{"200": int64(len(lat))}, Latency: results.NewHistogram(), SendLag: results.NewHistogram(), Scheduled: int64(len(lat))}
		for _, us := range lat {
			e.Latency.Record(time.Duration(us) * time.Microsecond)
			e.SendLag.Record(0)
			e.Requests++
		}
		e.Series = []results.Second{{T: 0, Requests: e.Requests, P50: 0.001 * float64(index+1), P99: 0.002}}
		start := r.Start.Add(time.Duration(k) * 10 * time.Second).Add(-time.Duration(index) * time.Millisecond)
		r.Repetitions = append(r.Repetitions, results.Repetition{Index: k + 1, Complete: true, Window: 1, Start: start, End: start.Add(time.Second), Endpoints: []results.EndpointRun{e}})
	}
	return r
}

// The merged histogram is the histogram of every latency the shards
// recorded, to the count at every value: HDR histograms of one geometry
// merge without error, whatever the shards' shares.
func TestMergeIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var all []int64
	shards := make([][]int64, 3)
	for i := range 3000 {
		us := int64(800 + rng.IntN(400))
		if rng.IntN(20) == 0 {
			us = 50_000 + int64(rng.IntN(5000))
		}
		all = append(all, us)
		shards[i%3] = append(shards[i%3], us)
	}
	var parts []*results.Run
	for i := range 3 {
		parts = append(parts, part(i, 3, "run", shards[i]))
	}
	m, err := Merge(parts, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	whole := results.NewHistogram()
	for _, us := range all {
		whole.Record(time.Duration(us) * time.Microsecond)
	}
	got := m.Repetitions[0].Endpoints[0]
	if !got.Latency.HDR().Equals(whole.HDR()) {
		t.Errorf("merged histogram differs from the histogram of all latencies: p50 %g/%g p99 %g/%g count %d/%d",
			got.Latency.Quantile(0.5), whole.Quantile(0.5), got.Latency.Quantile(0.99), whole.Quantile(0.99), got.Latency.Count(), whole.Count())
	}
	if got.Requests != 3000 || got.Scheduled != 3000 || got.Status["200"] != 3000 {
		t.Errorf("merged counts %d requests, %d scheduled, status %v", got.Requests, got.Scheduled, got.Status)
	}
	if s := got.Series; len(s) != 1 || s[0].Requests != 3000 || s[0].P50 != 0.002 {
		t.Errorf("merged second %+v, want 3000 requests and the shards' p50 weighted by their requests (2 ms)", s)
	}
	if !m.Complete || m.Label != "l" || m.Shards.Count != 3 || !m.Repetitions[0].Valid() {
		t.Errorf("merged run complete %v label %q shards %+v", m.Complete, m.Label, m.Shards)
	}
	// Shard i's clock is i ms behind the coordinator's and its start i ms
	// earlier on its own clock: on the coordinator's they coincide.
	if skew := m.Shards.StartSkew[0]; skew != 0 {
		t.Errorf("start skew %v, want 0 after the clock offsets", skew)
	}
}

func TestMergeOfAnIncompleteRun(t *testing.T) {
	tests := []struct {
		name     string
		parts    []*results.Run
		failures map[int]string
		want     string
	}{
		{"a shard without a part", []*results.Run{part(0, 3, "r", []int64{1000}), part(1, 3, "r", []int64{1000})}, nil,
			"shard 2 of 3: its part was not found"},
		{"a shard the coordinator saw disconnect", []*results.Run{part(0, 2, "r", []int64{1000}), part(1, 2, "r", []int64{1000})}, map[int]string{1: "disconnected during repetition 1"},
			"shard 1 of 2: disconnected during repetition 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Merge(tt.parts, MergeOptions{Failures: tt.failures})
			if err != nil {
				t.Fatal(err)
			}
			if m.Complete || !strings.Contains(m.IncompleteReason, tt.want) {
				t.Errorf("complete %v, reason %q, want %q", m.Complete, m.IncompleteReason, tt.want)
			}
		})
	}
	// A repetition one shard never ran is not a sample.
	short := part(1, 2, "r")
	short.Complete, short.IncompleteReason = false, "killed"
	m, err := Merge([]*results.Run{part(0, 2, "r", []int64{1000}), short}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Repetitions[0].Valid() || !strings.Contains(strings.Join(m.Repetitions[0].Invalid, ";"), "shard 1 of 2 did not run this repetition") {
		t.Errorf("repetition %+v is a sample", m.Repetitions[0])
	}
}

func TestMergeRefusesPartsOfAnotherRun(t *testing.T) {
	other := part(1, 2, "other", []int64{1000})
	plain := part(1, 2, "r", []int64{1000})
	plain.Shard = nil
	twice := part(0, 2, "r", []int64{1000})
	for _, tt := range []struct {
		parts []*results.Run
		want  string
	}{
		{[]*results.Run{part(0, 2, "r", []int64{1}), other}, "merge the parts of one run"},
		{[]*results.Run{part(0, 2, "r", []int64{1}), plain}, "not a shard's part"},
		{[]*results.Run{part(0, 2, "r", []int64{1}), twice}, "both shard 0"},
		{[]*results.Run{part(0, 2, "r", []int64{1}), part(1, 3, "r", []int64{1})}, "part of 3 shards"},
	} {
		if _, err := Merge(tt.parts, MergeOptions{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("err %v, want %q", err, tt.want)
		}
	}
}

// group_by's groups merge like their endpoint: counts summed and
// histograms merged exactly, a group only one shard saw kept.
func TestMergeKeepsGroups(t *testing.T) {
	group := func(name string, us ...int64) results.GroupRun {
		g := results.GroupRun{Name: name, Latency: results.NewHistogram()}
		for _, u := range us {
			g.Latency.Record(time.Duration(u) * time.Microsecond)
			g.Requests++
		}
		return g
	}
	a, b := part(0, 2, "run", []int64{100, 200, 300}), part(1, 2, "run", []int64{400, 500})
	a.Repetitions[0].Endpoints[0].GroupBy = "size"
	a.Repetitions[0].Endpoints[0].Groups = []results.GroupRun{group("small", 100, 200), group("large", 300)}
	b.Repetitions[0].Endpoints[0].GroupBy = "size"
	b.Repetitions[0].Endpoints[0].Groups = []results.GroupRun{group("large", 400, 500)}
	m, err := Merge([]*results.Run{a, b}, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e := m.Repetitions[0].Endpoints[0]
	large, small := e.Group("large"), e.Group("small")
	if e.GroupBy != "size" || large == nil || small == nil || large.Requests != 3 || small.Requests != 2 || large.Latency.Count() != 3 {
		t.Fatalf("merged groups %+v", e.Groups)
	}
}
