package results_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

func TestSummarizeMergesRepetitions(t *testing.T) {
	r := manualSearch(2, 50, synth.Options{Reps: 2, Window: 4 * time.Second, Each: func(r *synth.Rep) {
		r.Endpoints[1].Errors = 3 // step-list fails more
	}})
	r.Dir = "hotbench-results/manual-search/x"
	// Make the second repetition shorter, as an interrupted one is.
	r.Repetitions[1].End = r.Repetitions[1].Start.Add(2 * time.Second)
	r.Repetitions[1].Window = 2
	s := results.Summarize(r)
	if s.Scenario != "manual-search" || s.Runs != 2 || s.Path != r.Dir || !s.Complete {
		t.Errorf("header %+v", s)
	}
	if len(s.Endpoints) != 2 || s.Endpoints[0].Name != "search" || s.Endpoints[1].Name != "step-list" {
		t.Fatalf("endpoints %+v", s.Endpoints)
	}
	for _, es := range s.Endpoints {
		a, b := r.Repetitions[0].Endpoint(es.Name), r.Repetitions[1].Endpoint(es.Name)
		if es.Requests != a.Requests+b.Requests || es.Errors != a.Errors+b.Errors {
			t.Errorf("%s: requests %d errors %d, want the sums", es.Name, es.Requests, es.Errors)
		}
		if want := float64(a.Requests+b.Requests) / 6; es.RPS != want {
			t.Errorf("%s: rps %v, want requests / measured seconds = %v", es.Name, es.RPS, want)
		}
		if want := float64(es.Errors) / float64(es.Requests); es.ErrorRate != want {
			t.Errorf("%s: error rate %v, want %v", es.Name, es.ErrorRate, want)
		}
		var statuses int64
		for _, n := range es.Status {
			statuses += n
		}
		if statuses != es.Requests {
			t.Errorf("%s: statuses sum to %d, want %d", es.Name, statuses, es.Requests)
		}
		merged, failed := results.NewHistogram(), results.NewHistogram()
		merged.Merge(a.Latency)
		merged.Merge(b.Latency)
		failed.Merge(a.ErrorLatency)
		failed.Merge(b.ErrorLatency)
		if merged.Count() != es.Requests-es.Errors || failed.Count() != es.Errors || es.Errors == 0 {
			t.Errorf("%s: merged latency count %d and error latency count %d, want the %d successes and %d failures",
				es.Name, merged.Count(), failed.Count(), es.Requests-es.Errors, es.Errors)
		}
		want := results.LatencySummary{Mean: merged.Mean(), P50: merged.Quantile(0.5), P75: merged.Quantile(0.75), P90: merged.Quantile(0.9),
			P95: merged.Quantile(0.95), P99: merged.Quantile(0.99), P999: merged.Quantile(0.999), Max: merged.Max()}
		if !reflect.DeepEqual(es.Latency, want) {
			t.Errorf("%s: latency %+v, want %+v", es.Name, es.Latency, want)
		}
		if es.Latency.P50 <= 0 || es.Latency.P50 > es.Latency.P99 || es.Latency.P99 > es.Latency.Max {
			t.Errorf("%s: implausible latency %+v", es.Name, es.Latency)
		}
	}
}

func TestSummarizeIgnoresAWindowWithoutEnd(t *testing.T) {
	r := manualSearch(1, 50, synth.Options{Reps: 2, Window: 2 * time.Second})
	for i := range r.Repetitions {
		r.Repetitions[i].Window = 0 // a version 1 run: windows are End - Start
	}
	r.Repetitions[1].End = time.Time{} // interrupted before its end was recorded
	s := results.Summarize(r)
	if want := float64(s.Endpoints[0].Requests) / 2; s.Endpoints[0].RPS != want {
		t.Errorf("rps %v, want %v (requests over the windows that have an end)", s.Endpoints[0].RPS, want)
	}
}

func TestRepetitionValue(t *testing.T) {
	rep := manualSearch(2, 30, synth.Options{Reps: 1, Window: 2 * time.Second}).Repetitions[0]
	e := rep.Endpoint("search")
	total := float64(rep.Endpoints[0].Requests + rep.Endpoints[1].Requests)
	for _, tc := range []struct {
		name, endpoint, metric string
		want                   float64
		ok                     bool
	}{
		{"p99 is the histogram's", "search", metric.P99, e.Latency.Quantile(0.99), true},
		{"rps is requests over the window", "search", metric.RPS, 30, true},
		{"error rate is a fraction", "search", metric.ErrorRate, float64(e.Errors) / float64(e.Requests), true},
		{"cpu per request spreads server CPU over all endpoints", "search", metric.CPUPerReq, rep.Server.CPUSeconds / total, true},
		{"allocations per request likewise", "step-list", metric.AllocPerReq, float64(rep.Server.AllocBytes) / total, true},
		{"any percentile is the histogram's", "search", "p95", e.Latency.Quantile(0.95), true},
		{"p99.9 is p999", "search", "p99.9", e.Latency.Quantile(0.999), true},
		{"p99.99 too", "search", "p99.99", e.Latency.Quantile(0.9999), true},
		{"an unknown endpoint has no value", "nope", metric.P50, 0, false},
		{"an unknown metric has no value", "search", "p42x", 0, false},
		{"a percentile that is none has no value", "search", "p100", 0, false},
		{"a profile share is not the endpoint's", "search", "cpu_share:main.f", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, ok := rep.Value(tc.endpoint, tc.metric)
			if v != tc.want || ok != tc.ok {
				t.Errorf("Value(%s, %s) = %v, %v; want %v, %v", tc.endpoint, tc.metric, v, ok, tc.want, tc.ok)
			}
		})
	}
	rep.Server = nil
	if _, ok := rep.Value("search", metric.CPUPerReq); ok {
		t.Error("cpu_per_req without server statistics reported as a value")
	}
}

// The summary is evidence: it merges valid repetitions only, lists every
// repetition's validity, and keeps failed requests' latency apart.
func TestSummarizeUsesValidRepetitionsAndKeepsErrorsApart(t *testing.T) {
	r := manualSearch(1, 50, synth.Options{Reps: 3, Window: 2 * time.Second, Each: func(r *synth.Rep) {
		r.Endpoints[0].Errors = 0 // the only failure is the one recorded below
	}})
	r.Repetitions[1].Invalid = []string{"generator fell behind"}
	bad := r.Repetitions[1].Endpoint("search")
	bad.Latency.Record(time.Minute) // would be the max if it were merged
	good := r.Repetitions[2].Endpoint("search")
	good.ErrorLatency = results.NewHistogram()
	good.ErrorLatency.Record(400 * time.Microsecond)

	s := results.Summarize(r)
	if len(s.Repetitions) != 3 || !s.Repetitions[0].Valid || s.Repetitions[1].Valid || s.Repetitions[1].Reasons[0] != "generator fell behind" {
		t.Errorf("repetitions %+v, want the second marked invalid with its reason", s.Repetitions)
	}
	es := s.Endpoints[0]
	want := r.Repetitions[0].Endpoint("search").Requests + good.Requests
	if es.Requests != want {
		t.Errorf("requests %d, want %d (valid repetitions only)", es.Requests, want)
	}
	if es.Latency.Max >= 60 {
		t.Errorf("max %v includes the invalid repetition", es.Latency.Max)
	}
	if es.ErrorLatency == nil || es.ErrorLatency.Max < 0.0003 || es.ErrorLatency.Max > 0.0005 {
		t.Errorf("error latency %+v, want the failed request's 400µs", es.ErrorLatency)
	}

	// With no valid repetition the numbers are still shown, with a warning.
	for i := range r.Repetitions {
		r.Repetitions[i].Invalid = []string{"x"}
	}
	if s := results.Summarize(r); s.Endpoints[0].Requests == 0 || len(s.Warnings) == 0 {
		t.Errorf("all invalid: requests %d, warnings %q", s.Endpoints[0].Requests, s.Warnings)
	}
}

// rps is requests over the scheduled window, not over the time until the
// last response: one slow response must not move it.
func TestRPSIsOverTheScheduledWindow(t *testing.T) {
	rep := results.Repetition{Start: synth.Epoch, End: synth.Epoch.Add(9990 * time.Millisecond), Window: 10, Complete: true,
		Endpoints: []results.EndpointRun{{Name: "a", Requests: 2000, Latency: results.NewHistogram()}}}
	rep.Endpoints[0].Latency.Record(time.Millisecond)
	if v, ok := rep.Value("a", metric.RPS); !ok || v != 200 {
		t.Errorf("rps %v, %v; want 200 over the 10 s window", v, ok)
	}
}

// run --json carries p50 p75 p90 p95 p99 p999 always, and any percentile the
// scenario names (hotspots, gate keys) as keys of their own, for successes
// and failures alike.
func TestSummaryCarriesTheScenariosPercentiles(t *testing.T) {
	r := manualSearch(1, 50, synth.Options{Reps: 2, Window: 2 * time.Second})
	r.Repetitions[0].Endpoints[0].ErrorLatency = results.NewHistogram()
	r.Repetitions[0].Endpoints[0].ErrorLatency.Record(2 * time.Millisecond)
	r.Scenario.Hotspots = []scenarios.Hotspot{{Name: "h", Endpoint: "search", Metric: "p97"}}
	r.Scenario.Gate.SLO = map[string]scenarios.Quantity{"search.p99.99": {Value: 1}, "p95": {Value: 1}}
	es := results.Summarize(r).Endpoints[0]
	merged := results.NewHistogram()
	for _, rep := range r.Repetitions {
		merged.Merge(rep.Endpoints[0].Latency)
	}
	for name, q := range map[string]float64{"p50": 0.5, "p75": 0.75, "p95": 0.95, "p97": 0.97, "p99.9": 0.999, "p99.99": 0.9999} {
		if v, ok := es.Latency.Percentile(name); !ok || v != merged.Quantile(q) {
			t.Errorf("latency %s = %v, %v; want %v", name, v, ok, merged.Quantile(q))
		}
	}
	if _, ok := es.Latency.Percentile("p98"); ok {
		t.Error("p98, which nothing names, has a value")
	}
	if es.ErrorLatency == nil || len(es.ErrorLatency.Extra) != 2 {
		t.Fatalf("error_latency %+v, want p97 and p99.99 too", es.ErrorLatency)
	}

	b, err := json.Marshal(es.Latency)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var v float64
		dec.Decode(&v)
	}
	want := []string{"mean", "p50", "p75", "p90", "p95", "p97", "p99", "p999", "p99.99", "max"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("latency JSON keys %q, want %q: %s", keys, want, b)
	}
	var back results.LatencySummary
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, es.Latency) {
		t.Errorf("read back %+v, %v; want %+v", back, err, es.Latency)
	}
}
