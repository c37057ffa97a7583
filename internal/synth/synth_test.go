package synth_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

func TestTheSameSeedBuildsTheSameRun(t *testing.T) {
	for _, exact := range []bool{false, true} {
		o := synth.Options{Label: "before", Seed: 7, Reps: 3, Exact: exact, Noise: 0.05,
			Shares: map[string]float64{synth.StepsFor: 0.4}, Stacks: map[string]int64{"main;f": 10}}
		a, _ := json.Marshal(synth.New(o))
		b, _ := json.Marshal(synth.New(o))
		if !bytes.Equal(a, b) {
			t.Errorf("exact %v: two runs of one seed differ", exact)
		}
		o.Seed = 8
		if c, _ := json.Marshal(synth.New(o)); bytes.Equal(a, c) {
			t.Errorf("exact %v: runs of seeds 7 and 8 are the same", exact)
		}
	}
}

// A synthetic run is shaped like what the runner writes (format version 2).
func TestARunIsShapedLikeTheRunnersRuns(t *testing.T) {
	sc := synth.Scenario()
	for _, exact := range []bool{false, true} {
		r := synth.New(synth.Options{Label: "before", Exact: exact, Reps: 4, Server: results.ServerStats{CPUSeconds: 1.5},
			Shares: map[string]float64{synth.StepsFor: 0.4, "not.a.hotspot": 0.1},
			Endpoints: []synth.Endpoint{
				{Name: "search", Median: 0.0012, P99: 0.050, FailOneIn: 100},
				{Name: "login", Median: 0.003, Errors: 7, FailStatus: "503"},
			},
			Each: func(r *synth.Rep) {
				if r.Index == 2 {
					r.Invalid = []string{"the generator fell behind"}
				}
			}})
		if r.FormatVersion != results.FormatVersion || r.ScenarioHash != scenarios.Hash(&sc) || !r.Complete ||
			r.Start != synth.Epoch || r.Git.Commit == "" || r.Host.Name == "" || r.End != r.Repetitions[3].End {
			t.Errorf("exact %v: header %+v", exact, r)
		}
		if v, left := r.ValidRepetitions(); len(v) != 3 || left != 1 || r.Repetitions[1].Index != 2 || r.Repetitions[1].Valid() {
			t.Errorf("exact %v: the second of four repetitions is not the invalid one", exact)
		}
		for _, rep := range r.Repetitions {
			// 10 s windows after 2 s of warm-up each, as the scenario says.
			if rep.Window != 10 || rep.End.Sub(rep.Start) != 10*time.Second || rep.Start != synth.Epoch.Add(time.Duration(rep.Index*12-10)*time.Second) {
				t.Errorf("exact %v: repetition %d runs from %v to %v, window %v", exact, rep.Index, rep.Start, rep.End, rep.Window)
			}
			if rep.Server == nil || rep.Server.CPUSeconds != 1.5 {
				t.Errorf("exact %v: server %+v", exact, rep.Server)
			}
			if len(rep.Functions) != 1 || rep.Functions[0].Hotspot != "search-steps-n-plus-one" || rep.Functions[0].Samples != 500 ||
				math.Abs(rep.Functions[0].Share-0.4) > 0.02 {
				t.Errorf("exact %v: functions %+v, want the hotspot's only, ≈ 40%% of 500 samples", exact, rep.Functions)
			}
			for _, e := range rep.Endpoints {
				checkEndpoint(t, e, rep.Window)
			}
			// search is 3/4 of 200/s, login 1/4.
			if s, l := rep.Endpoints[0], rep.Endpoints[1]; s.Requests != 1500 || s.Scheduled != 1500 || l.Requests != 500 || l.Errors != 7 ||
				l.Status["503"] != 7 || l.ErrorClasses["status 503"] != 7 || l.ErrorSamples[0] != "503 Service Unavailable" {
				t.Errorf("exact %v: search %d of %d requests, login %d requests, %d errors %v %v %q", exact, s.Requests, s.Scheduled,
					l.Requests, l.Errors, l.Status, l.ErrorClasses, l.ErrorSamples)
			}
		}
	}
}

// checkEndpoint checks what must hold of every endpoint the runner records.
func checkEndpoint(t *testing.T, e results.EndpointRun, window float64) {
	t.Helper()
	if e.Latency.Count() != e.Requests-e.Errors || e.ErrorLatency.Count() != e.Errors {
		t.Errorf("%s: %d timed successes and %d timed failures of %d requests with %d errors",
			e.Name, e.Latency.Count(), e.ErrorLatency.Count(), e.Requests, e.Errors)
	}
	var statuses, classes int64
	for _, n := range e.Status {
		statuses += n
	}
	for _, n := range e.ErrorClasses {
		classes += n
	}
	if statuses != e.Requests || classes != e.Errors || e.SendLag.Count() != e.Requests {
		t.Errorf("%s: statuses %v, error classes %v, %d send lags for %d requests", e.Name, e.Status, e.ErrorClasses, e.SendLag.Count(), e.Requests)
	}
	var reqs, errs int64
	var warm, measured int
	for _, s := range e.Series {
		if s.Warmup != (s.T < 0) {
			t.Errorf("%s: second %d warm-up %v", e.Name, s.T, s.Warmup)
		}
		if s.T < 0 {
			warm++
			continue
		}
		measured++
		reqs, errs = reqs+s.Requests, errs+s.Errors
		if s.P50 <= 0 || s.P50 > s.P99 {
			t.Errorf("%s: second %d has p50 %v and p99 %v", e.Name, s.T, s.P50, s.P99)
		}
	}
	if warm != 2 || float64(measured) != window || reqs != e.Requests || errs != e.Errors {
		t.Errorf("%s: %d warm-up and %d measured seconds with %d requests and %d errors; want 2 and %v, %d and %d",
			e.Name, warm, measured, reqs, errs, window, e.Requests, e.Errors)
	}
}

// With Exact every repetition's quantiles are its shape's.
func TestExactLatenciesAreTheShapes(t *testing.T) {
	r := synth.New(synth.Options{Exact: true, Reps: 2, Endpoints: []synth.Endpoint{
		{Name: "search", Median: 0.0012, P99: 0.050, Errors: 20},
		{Name: "login", P99: 0.020, Requests: 200},
	}})
	for _, rep := range r.Repetitions {
		for _, tc := range []struct {
			endpoint string
			q, want  float64
		}{
			{"search", 0.5, 0.0012}, {"search", 0.99, 0.050},
			{"login", 0.5, 0.020 / 2.26}, {"login", 0.99, 0.020},
		} {
			got := rep.Endpoint(tc.endpoint).Latency.Quantile(tc.q)
			if math.Abs(got-tc.want) > 0.01*tc.want {
				t.Errorf("repetition %d: %s quantile %v is %v, want %v", rep.Index, tc.endpoint, tc.q, got, tc.want)
			}
		}
	}
}

// Noise varies the shapes from one repetition to the next, before Each.
func TestNoiseVariesTheRepetitions(t *testing.T) {
	var seen []float64
	r := synth.New(synth.Options{Exact: true, Noise: 0.05, Reps: 10, Each: func(r *synth.Rep) {
		seen = append(seen, r.Endpoints[0].Median)
	}})
	distinct := map[float64]bool{}
	for i, rep := range r.Repetitions {
		p50 := rep.Endpoints[0].Latency.Quantile(0.5)
		distinct[p50] = true
		if math.Abs(p50-seen[i]) > 0.01*seen[i] || math.Abs(seen[i]-0.002) > 0.002*0.25 {
			t.Errorf("repetition %d: p50 %v, Each saw a median of %v, want ≈ 2ms", rep.Index, p50, seen[i])
		}
	}
	if len(distinct) < 8 {
		t.Errorf("only %d distinct medians in 10 noisy repetitions", len(distinct))
	}
}

// Save stores the run as the runner does: a folder in the store, the CPU
// profiles beside run.json, and a run that loads back unchanged.
func TestSaveWritesTheProfiles(t *testing.T) {
	store := results.Open(t.TempDir())
	r := synth.Save(t, store, synth.Options{Label: "after", Reps: 2, Stacks: map[string]int64{"main;serve;" + synth.StepsFor: 300, "main;serve;json.Marshal": 100}})
	if r.Dir != filepath.Join(store.Dir, "manual-search", "20261127T010203Z-after") {
		t.Errorf("folder %s", r.Dir)
	}
	loaded, err := results.Load(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(r)
	got, _ := json.Marshal(loaded)
	if !bytes.Equal(want, got) {
		t.Error("the run does not load back as saved")
	}
	files, _ := loaded.ProfileFiles("cpu")
	if len(files) != 2 {
		t.Fatalf("profiles %v, want one per repetition", files)
	}
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := profile.ParseData(b)
		if err != nil {
			t.Fatal(err)
		}
		var samples int64
		for _, s := range p.Sample {
			samples += s.Value[0]
		}
		if pr := loaded.Repetitions[i].Profiles[0]; pr.Samples != samples || samples < 400 || samples > 404 || pr.Bytes != int64(len(b)) {
			t.Errorf("%s: %d samples, listed as %d samples and %d bytes", f, samples, pr.Samples, pr.Bytes)
		}
	}
}
