package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

func TestShardOfASchedule(t *testing.T) {
	constant := scenarios.LoadSpec{Rate: rate(100), Duration: scenarios.Duration(2 * time.Second)}
	tests := []struct {
		name         string
		index, count int
		hit          uint64
		want         time.Duration
		ok           bool
	}{
		{"shard 0 of 4 at 100/s: its hit 0 is the schedule's hit 0, due at once", 0, 4, 0, 0, true},
		{"shard 1 of 4 at 100/s: its hit 0 is the schedule's hit 1, due at 10ms", 1, 4, 0, 10 * time.Millisecond, true},
		{"shard 3 of 4 at 100/s: its hit 2 is the schedule's hit 11, due at 110ms", 3, 4, 2, 110 * time.Millisecond, true},
		{"shard 3 of 4 at 100/s for 2s: its hit 49 is the schedule's last (199)", 3, 4, 49, 1990 * time.Millisecond, true},
		{"shard 3 of 4 at 100/s for 2s: its hit 50 is past the end", 3, 4, 50, 0, false},
		{"one shard of one is the whole schedule", 0, 1, 7, 70 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NewSchedule(constant, 1).Shard(tt.index, tt.count).At(tt.hit)
			if ok != tt.ok {
				t.Fatalf("At(%d) ok = %v, want %v", tt.hit, ok, tt.ok)
			}
			if d := got - tt.want; ok && (d > time.Microsecond || d < -time.Microsecond) {
				t.Errorf("At(%d) = %v, want %v", tt.hit, got, tt.want)
			}
		})
	}
}

// The shards of a schedule are the schedule: every hit of the whole
// schedule is sent by exactly one shard at its own time, each shard's Due
// counts its own hits of any window and the shards' counts sum to the
// whole schedule's, and their rates sum to its rate. Checked on warm-up
// and ramps up and down, with shard counts that divide the hits and ones
// that do not.
func TestShardsPartitionTheSchedule(t *testing.T) {
	l := scenarios.LoadSpec{Rate: rate(50), Warmup: scenarios.Duration(time.Second), Stages: []scenarios.Stage{
		{Duration: scenarios.Duration(2 * time.Second), Rate: rate(200)},
		{Duration: scenarios.Duration(time.Second), Rate: rate(200)},
		{Duration: scenarios.Duration(2 * time.Second), Rate: rate(10)},
	}}
	whole := NewSchedule(l, 0.7)
	total := whole.total()
	for _, count := range []int{2, 3, 4, 7} {
		seen := make([]int, total)
		var dueSum int64
		for i := range count {
			sh := whole.Shard(i, count)
			var n uint64
			for ; ; n++ {
				at, ok := sh.At(n)
				if !ok {
					break
				}
				g := uint64(i) + n*uint64(count)
				if want, _ := whole.At(g); at != want {
					t.Fatalf("%d shards: shard %d's hit %d is due at %v, the schedule's hit %d at %v", count, i, n, at, g, want)
				}
				seen[g]++
			}
			if n != sh.total() {
				t.Errorf("%d shards: shard %d has %d hits, total() says %d", count, i, n, sh.total())
			}
			dueSum += sh.Due(l.Warmup.D(), sh.End())
			for _, at := range []time.Duration{500 * time.Millisecond, 2 * time.Second, 4500 * time.Millisecond} {
				var sum float64
				for j := range count {
					sum += whole.Shard(j, count).RateAt(at)
				}
				if d := sum - whole.RateAt(at); d > 1e-9 || d < -1e-9 {
					t.Errorf("%d shards: rates at %v sum to %g, the schedule's is %g", count, at, sum, whole.RateAt(at))
				}
			}
		}
		for g, c := range seen {
			if c != 1 {
				t.Fatalf("%d shards: the schedule's hit %d is sent %d times", count, g, c)
			}
		}
		if want := whole.Due(l.Warmup.D(), whole.End()); dueSum != want {
			t.Errorf("%d shards: windows due %d hits together, the schedule %d", count, dueSum, want)
		}
	}
}

func TestShardCheck(t *testing.T) {
	open := scenario("http://127.0.0.1:1", 100, time.Second)
	closed := scenario("http://127.0.0.1:1", 100, time.Second)
	closed.Load.Rate = scenarios.Rate{Max: true}
	closed.Load.Workers = 4
	managed := scenario("http://127.0.0.1:1", 100, time.Second)
	managed.Server = &scenarios.Server{Command: "{bin}"}
	tests := []struct {
		name  string
		shard Shard
		sc    *scenarios.Scenario
		want  string
	}{
		{"no shard is the whole schedule", Shard{}, open, ""},
		{"shard 3 of 4 of an open model", Shard{3, 4}, open, ""},
		{"shard 4 of 4 does not exist", Shard{4, 4}, open, "index must be from 0 to 3"},
		{"the closed model is not sharded", Shard{1, 2}, closed, "closed model"},
		{"a managed server would start once per shard", Shard{1, 2}, managed, "server section"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.shard.Check(tt.sc)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Check = %v, want %q", err, tt.want)
			}
		})
	}
}

// A shard sends its share of the schedule, waits for StartAt, and records
// the hits its own share had due: shard 1 of 2 at 100/s of two endpoints
// (weights 1 and 3, 200 ms of warm-up) over a second sends the odd hits
// of each stream in the window: 13 of a's 25 (hits 5 to 29) and 38 of b's
// 75 (hits 15 to 89), 51 of the window's 100; shard 0 has the other 49.
func TestShardSendsItsShareFromTheCommonStart(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1) }))
	defer srv.Close()
	sc := scenario(srv.URL, 100, time.Second)
	sc.Load.Warmup = dur(200 * time.Millisecond)
	sc.Load.MaxSendLag = dur(250 * time.Millisecond)
	sc.Endpoints = []scenarios.Endpoint{
		{Name: "a", Method: "GET", Path: "/a", Weight: 1},
		{Name: "b", Method: "GET", Path: "/b", Weight: 3},
	}
	at := time.Now().Add(300 * time.Millisecond)
	run, err := Run(context.Background(), sc, Options{
		Store: results.Open(t.TempDir()), Shard: Shard{1, 2},
		StartAt: func(int) time.Time { return at },
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := run.Repetitions[0]
	if began := rep.Start.Add(-200 * time.Millisecond); began.Before(at) || began.Sub(at) > 50*time.Millisecond {
		t.Errorf("the repetition began %v after StartAt, want at it", began.Sub(at))
	}
	var requests int64
	for _, e := range rep.Endpoints {
		whole := NewSchedule(sc.Load, map[string]float64{"a": 0.25, "b": 0.75}[e.Name])
		want := whole.Shard(1, 2).Due(sc.Load.Warmup.D(), whole.End())
		if e.Scheduled != want || e.Requests != want {
			t.Errorf("%s: %d requests of %d scheduled, want %d of the %d the whole schedule has due", e.Name, e.Requests, e.Scheduled, want, whole.Due(sc.Load.Warmup.D(), whole.End()))
		}
		requests += e.Requests
	}
	if requests != 51 {
		t.Errorf("shard 1 of 2 recorded %d requests in the window, want 51 of 100", requests)
	}
}
