package shard

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/runner"
	"github.com/hotbench/hotbench/scenarios"
)

func dur(d time.Duration) scenarios.Duration { return scenarios.Duration(d) }

func testScenario(target string, perSecond float64) *scenarios.Scenario {
	return &scenarios.Scenario{
		Name:   "sharded",
		Target: target,
		Runs:   2,
		Load: scenarios.LoadSpec{
			Rate:       scenarios.Rate{PerSecond: perSecond},
			Duration:   dur(time.Second),
			Warmup:     dur(200 * time.Millisecond),
			Timeout:    dur(2 * time.Second),
			MaxSendLag: dur(250 * time.Millisecond),
		},
		Endpoints: []scenarios.Endpoint{
			{Name: "a", Method: "GET", Path: "/a", Weight: 1},
			{Name: "b", Method: "GET", Path: "/b", Weight: 2},
		},
		Gate: scenarios.Gate{Alpha: 0.05},
	}
}

// runShards runs shards 0..n-1 of sc (those in skip excepted) in this
// process, over the real coordination on loopback, sharing one results
// folder; shard 0 merges.
func runShards(t *testing.T, sc *scenarios.Scenario, n int, register time.Duration, skip ...int) ([]*Result, []error) {
	t.Helper()
	dir := t.TempDir()
	addr := freeAddr(t)
	res, errs := make([]*Result, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		if contains(skip, i) {
			continue
		}
		wg.Go(func() {
			res[i], errs[i] = Run(context.Background(), sc, Options{
				Runner:      runner.Options{Label: "t", Store: results.Open(dir)},
				Shard:       runner.Shard{Index: i, Count: n},
				Coordinator: addr, RegisterTimeout: register, FirstLead: 300 * time.Millisecond,
				Merge: true,
			})
		})
	}
	wg.Wait()
	return res, errs
}

func contains(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	c, err := Listen("127.0.0.1:0", CoordinatorConfig{Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	addr := c.Addr()
	c.ln.Close()
	return addr
}

// Three shards of one schedule send its hits once each, start every
// repetition together, and merge into one run that holds exactly the
// schedule's requests per endpoint, repetition by repetition.
func TestShardsRunOneScheduleAndMerge(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1) }))
	defer srv.Close()
	sc := testScenario(srv.URL, 150)
	res, errs := runShards(t, sc, 3, 10*time.Second)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	if res[0].MergeErr != nil {
		t.Fatal(res[0].MergeErr)
	}
	m := res[0].Merged
	if m == nil || !m.Complete || len(m.Repetitions) != 2 || m.Label != "t" {
		t.Fatalf("merged run %+v, want a complete run of 2 repetitions labelled t", m)
	}
	if m.Shards == nil || m.Shards.Count != 3 || len(m.Shards.Parts) != 3 || m.Shards.RunID != res[0].Outcome.RunID {
		t.Fatalf("merged run's shards %+v", m.Shards)
	}
	for _, rep := range m.Repetitions {
		var total int64
		for _, e := range rep.Endpoints {
			share := map[string]float64{"a": 1.0 / 3, "b": 2.0 / 3}[e.Name]
			whole := runner.NewSchedule(sc.Load, share)
			want := whole.Due(sc.Load.Warmup.D(), whole.End())
			if e.Scheduled != want || e.Requests != want || e.Latency.Count() != want {
				t.Errorf("repetition %d, %s: %d requests (%d timed) of %d scheduled, want the whole schedule's %d", rep.Index, e.Name, e.Requests, e.Latency.Count(), e.Scheduled, want)
			}
			total += e.Requests
		}
		if total != 150 {
			t.Errorf("repetition %d holds %d requests, want 150", rep.Index, total)
		}
	}
	for i, skew := range m.Shards.StartSkew {
		t.Logf("repetition %d: start skew %.3f ms", i+1, skew*1e3)
		if skew > 0.05 {
			t.Errorf("repetition %d: the shards started %.1f ms apart, want together", i+1, skew*1e3)
		}
	}
	// 2 repetitions of 150 requests, and of the warm-up's 30.
	if got := served.Load(); got != 2*(150+30) {
		t.Errorf("the server saw %d requests, want %d", got, 2*(150+30))
	}
	stored, err := results.Load(m.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if results.Summarize(stored).Endpoints[1].Requests != 200 {
		t.Errorf("the stored merged run's summary: %+v", results.Summarize(stored).Endpoints)
	}
	for _, r := range res {
		if r.Part == nil || r.Part.Shard == nil || r.Part.Shard.RunID != m.Shards.RunID || !strings.Contains(filepath.Base(r.Part.Dir), "t-shard-") {
			t.Errorf("part %+v", r.Part)
		}
	}
}

// A shard that never registers aborts the run on every shard that did,
// with a message that names it, and the merged run is incomplete.
func TestAShardThatDoesNotRegisterAbortsEveryShard(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	res, errs := runShards(t, testScenario(srv.URL, 100), 3, time.Second, 2)
	for i := range 2 {
		if !errors.Is(errs[i], ErrAborted) || !strings.Contains(errs[i].Error(), "shard(s) 2 of 3 did not register") {
			t.Errorf("shard %d: %v, want the run aborted because shard 2 did not register", i, errs[i])
		}
	}
	m := res[0].Merged
	if m == nil {
		t.Fatalf("no merged run: %v", res[0].MergeErr)
	}
	if m.Complete || !strings.Contains(m.IncompleteReason, "shard 2 of 3: did not register") {
		t.Errorf("merged run complete %v, reason %q", m.Complete, m.IncompleteReason)
	}
}

// A shard started with another count is refused with the reason.
func TestCoordinatorRefusesAShardOfAnotherRun(t *testing.T) {
	c, err := Listen("127.0.0.1:0", CoordinatorConfig{Count: 2, Hash: "h", RegisterTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Outcome, 1)
	go func() { done <- c.Serve(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for _, tt := range []struct {
		index, count int
		hash, want   string
	}{
		{1, 3, "h", "says there are 3 shards, the coordinator 2"},
		{1, 2, "other", "runs another scenario"},
		{2, 2, "h", "does not exist"},
	} {
		if _, err := Dial(ctx, c.Addr(), tt.index, tt.count, tt.hash, "", deadline); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("shard %d/%d hash %s: %v, want %q", tt.index, tt.count, tt.hash, err, tt.want)
		}
	}
	cl, err := Dial(ctx, c.Addr(), 0, 2, "h", "", deadline)
	if err != nil {
		t.Fatal(err)
	}
	if cl.RTT <= 0 || cl.Offset > 5*time.Millisecond || cl.Offset < -5*time.Millisecond {
		t.Errorf("clock offset %v over %v on one machine, want about 0", cl.Offset, cl.RTT)
	}
	if _, err := Dial(ctx, c.Addr(), 0, 2, "h", "", deadline); err == nil || !strings.Contains(err.Error(), "registered twice") {
		t.Errorf("shard 0 again: %v", err)
	}
	cancel()
	cl.Close()
	o := <-done
	if !strings.Contains(o.Aborted, "interrupted") {
		t.Errorf("outcome %+v", o)
	}
}
