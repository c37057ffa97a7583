package results

import (
	"encoding/json"
	"testing"
	"time"
)

// groupedRun is a run of one endpoint, manual, grouped by size: small
// answers in 1ms, large in 40ms.
func groupedRun() *Run {
	hist := func(d time.Duration, n int) *Histogram {
		h := NewHistogram()
		for i := 0; i < n; i++ {
			h.Record(d)
		}
		return h
	}
	rep := Repetition{Index: 1, Complete: true, Window: 1, Endpoints: []EndpointRun{{
		Name: "manual", Requests: 30, Latency: hist(time.Millisecond, 30), SendLag: NewHistogram(),
		GroupBy: "size",
		Groups: []GroupRun{
			{Name: "small", Requests: 20, Latency: hist(time.Millisecond, 20)},
			{Name: "large", Requests: 10, Errors: 1, Latency: hist(40*time.Millisecond, 9), ErrorLatency: hist(time.Second, 1)},
		},
	}}}
	return &Run{FormatVersion: FormatVersion, Repetitions: []Repetition{rep, rep}}
}

// A group reads as an endpoint of its own, named manual[size=large], in
// a repetition's values, in the run's names and in its summary; and its
// results survive run.json.
func TestGroupsReadAsEndpoints(t *testing.T) {
	r := groupedRun()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Run
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	rep := &back.Repetitions[0]
	if v, ok := rep.Value("manual[size=large]", "p50"); !ok || v < 0.039 || v > 0.041 {
		t.Errorf("manual[size=large] p50 = %v (%v), want 40ms", v, ok)
	}
	if v, ok := rep.Value("manual[size=large]", "error_rate"); !ok || v != 0.1 {
		t.Errorf("manual[size=large] error_rate = %v (%v), want 0.1", v, ok)
	}
	for _, missing := range []string{"manual[size=huge]", "manual[id=large]", "search[size=large]"} {
		if rep.Endpoint(missing) != nil {
			t.Errorf("%s: found, want nil", missing)
		}
	}
	names := back.EndpointAndGroupNames()
	if want := []string{"manual", "manual[size=small]", "manual[size=large]"}; len(names) != 3 || names[1] != want[1] || names[2] != want[2] {
		t.Errorf("names %v, want %v", names, want)
	}
	s := Summarize(&back)
	g := s.Endpoints[0].Groups
	if len(g) != 2 || g[1].Endpoint != "manual[size=large]" || g[1].Requests != 20 || g[1].ErrorRate != 0.1 || g[1].ErrorLatency == nil || g[1].RPS != 10 {
		t.Errorf("summary groups %+v: want small then large, large with 20 requests over 2 s, 2 errors", g)
	}
}

// Two parts of a measurement (shards) merge their groups exactly.
func TestMergeGroups(t *testing.T) {
	a, b := groupedRun().Repetitions[0].Endpoints[0], groupedRun().Repetitions[0].Endpoints[0]
	b.Groups = append(b.Groups[:1:1], GroupRun{Name: "medium", Requests: 5, Latency: NewHistogram()})
	var dst EndpointRun
	MergeGroups(&dst, a)
	MergeGroups(&dst, b)
	if dst.GroupBy != "size" || len(dst.Groups) != 3 {
		t.Fatalf("merged %+v: want small, large and medium", dst.Groups)
	}
	if s := dst.Group("small"); s.Requests != 40 || s.Latency.Count() != 40 {
		t.Errorf("small: %d requests, %d latencies; want 40 of each", s.Requests, s.Latency.Count())
	}
	if l := dst.Group("large"); l.Requests != 10 || l.ErrorLatency.Count() != 1 {
		t.Errorf("large: %d requests, %d failures timed; want 10 and 1", l.Requests, l.ErrorLatency.Count())
	}
}
