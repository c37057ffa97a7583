package runner

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// An endpoint that only ever answers 404 (a renamed route, an expired
// token) has no latency at all: every request is an error and is timed in
// the error histogram, so nothing can look fast.
func TestNotFoundOnlyEndpointIsNeverTimed(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	run := runOnce(t, scenario(srv.URL, 100, time.Second))
	e := run.Repetitions[0].Endpoints[0]
	if e.Requests != 100 || e.Errors != e.Requests {
		t.Fatalf("requests %d errors %d, want 100 and all of them errors", e.Requests, e.Errors)
	}
	if n := e.Latency.Count(); n != 0 {
		t.Errorf("latency histogram holds %d values, want none: no response met expect", n)
	}
	if n := e.ErrorLatency.Count(); n != e.Requests {
		t.Errorf("error latency holds %d values, want all %d requests", n, e.Requests)
	}
	if _, ok := run.Repetitions[0].Value(e.Name, metric.P99); ok {
		t.Errorf("p99 of a repetition without a success has a value; want none")
	}
	for _, sec := range e.Series {
		if sec.Requests > 0 && (sec.Errors != sec.Requests || sec.P50 != 0 || sec.P99 != 0) {
			t.Errorf("second %d: %d requests %d errors p50 %g p99 %g; want all errors and no latency", sec.T, sec.Requests, sec.Errors, sec.P50, sec.P99)
		}
	}
}

// A server that is down for 60 consecutive requests in the middle of the
// second of three repetitions, answering 500 at once while its successes
// take 2 ms. The outage shows in that repetition's errors, and its p50 is
// still the successes' p50: were the quick failures timed with them (60 %
// of the repetition), the median would drop to a fraction of a millisecond.
func TestOutageInOneRepetitionDoesNotSpeedItUp(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if i := n.Add(1); i > 130 && i <= 190 {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		time.Sleep(2 * time.Millisecond)
	}))
	defer srv.Close()
	sc := scenario(srv.URL, 100, time.Second)
	sc.Runs = 3
	run := runOnce(t, sc)
	if len(run.Repetitions) != 3 {
		t.Fatalf("%d repetitions, want 3", len(run.Repetitions))
	}
	var p50 [3]float64
	for i, rep := range run.Repetitions {
		e := rep.Endpoints[0]
		p50[i] = e.Latency.Quantile(0.5)
		t.Logf("repetition %d: requests %d errors %d p50 %.4fs error p50 %.4fs", rep.Index, e.Requests, e.Errors, p50[i], e.ErrorLatency.Quantile(0.5))
		wantErrors := int64(0)
		if i == 1 {
			wantErrors = 60
		}
		if e.Requests != 100 || e.Errors != wantErrors || e.ErrorLatency.Count() != wantErrors || e.Latency.Count() != 100-wantErrors {
			t.Errorf("repetition %d: requests %d errors %d (timed %d) successes timed %d; want 100, %d errors, all timed apart",
				rep.Index, e.Requests, e.Errors, e.ErrorLatency.Count(), e.Latency.Count(), wantErrors)
		}
	}
	// Every success takes at least 2 ms; the outage's p50 is among the
	// others' (5 % allows for scheduling noise between repetitions).
	if low := min(p50[0], p50[2]); p50[1] < 0.002 || p50[1] < 0.95*low {
		t.Errorf("p50 of the repetition with the outage = %.4fs, others %.4fs and %.4fs: failures made it look faster", p50[1], p50[0], p50[2])
	}
	if e := run.Repetitions[1].Endpoints[0]; e.ErrorClasses["status 500"] != 60 {
		t.Errorf("error classes %v, want 60 × status 500", e.ErrorClasses)
	}
}

// A load generator paused for half a second in the middle of a repetition
// sends the requests due meanwhile late: the repetition measured hotbench,
// not the server. It is kept and marked invalid with its send lag, redone
// once, and the run still ends with its two valid repetitions.
func TestGeneratorPauseInvalidatesAndRedoes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	sc := scenario(srv.URL, 200, time.Second)
	sc.Runs, sc.Load.Retries = 2, 2
	// Far below the pause, far above what a busy test machine adds.
	sc.Load.MaxSendLag = dur(100 * time.Millisecond)
	var paused atomic.Bool
	var out syncBuffer
	run, err := Run(context.Background(), sc, Options{
		Store:    results.Open(t.TempDir()),
		Progress: &out,
		// Hit 100 is due half-way through the first window.
		pauseHook: func(rep int, n uint64) {
			if rep == 1 && n == 100 && !paused.Swap(true) {
				time.Sleep(500 * time.Millisecond)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	first := run.Repetitions[0]
	lag := first.Endpoints[0].SendLag
	t.Logf("paused repetition: send lag p99 %.4fs max %.4fs; reasons %q", lag.Quantile(0.99), lag.Max(), first.Invalid)
	if first.Valid() || !containsAny(first.Invalid, "send lag p99") || !containsAny(first.Invalid, "> 100ms (load.max_send_lag)") {
		t.Errorf("paused repetition valid=%v reasons %q, want invalid for its send lag", first.Valid(), first.Invalid)
	}
	if lag.Quantile(0.99) < 0.4 {
		t.Errorf("send lag p99 %.3fs, want the half-second pause to show", lag.Quantile(0.99))
	}
	if len(run.Repetitions) < 3 || !run.Repetitions[1].Retry || run.Repetitions[1].Index != 2 {
		t.Fatalf("repetitions %d, second retry=%v: want the paused one redone at once as index 2", len(run.Repetitions), len(run.Repetitions) > 1 && run.Repetitions[1].Retry)
	}
	if valid, leftOut := run.ValidRepetitions(); len(valid) != sc.Runs || leftOut < 1 {
		for _, rep := range run.Repetitions {
			t.Logf("repetition %d retry=%v: %q", rep.Index, rep.Retry, rep.Invalid)
		}
		t.Errorf("%d valid and %d left out, want %d valid and the paused one left out", len(valid), leftOut, sc.Runs)
	}
	if !strings.Contains(out.String(), "repetition 1 invalid (generator fell behind") || !strings.Contains(out.String(), "redoing it, 1 of 2 retries") {
		t.Errorf("progress does not say the repetition is redone:\n%s", out.String())
	}
	if hasWarning(run, "fell behind") || hasWarning(run, "valid") {
		t.Errorf("warnings %q: the lagging repetition was redone, the run's numbers are clean", run.Warnings)
	}
	stored, err := results.Load(run.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Repetitions) != len(run.Repetitions) || stored.Repetitions[0].Valid() {
		t.Errorf("stored run lost the invalid repetition or its mark")
	}
}

// When every attempt is invalid, the retries run out, every repetition is
// kept and the run says how many are valid.
func TestRetriesRunOutWarns(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	sc := scenario(srv.URL, 100, 500*time.Millisecond)
	sc.Runs, sc.Load.Retries = 1, 1
	sc.Load.MaxSendLag = dur(100 * time.Millisecond)
	var out syncBuffer
	run, err := Run(context.Background(), sc, Options{
		Store:    results.Open(t.TempDir()),
		Progress: &out,
		pauseHook: func(rep int, n uint64) {
			if n == 20 {
				time.Sleep(300 * time.Millisecond)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Repetitions) != 2 || run.Repetitions[0].Valid() || run.Repetitions[1].Valid() || !run.Repetitions[1].Retry {
		t.Fatalf("%d repetitions; want 2, both invalid, the second a retry", len(run.Repetitions))
	}
	if !hasWarning(run, "only 0 of 1 repetitions are valid") || !hasWarning(run, "fell behind") {
		t.Errorf("warnings %q, want how many are valid and the generator's lag", run.Warnings)
	}
	if !strings.Contains(out.String(), "not redone, all 1 retries used") {
		t.Errorf("progress does not say the retries ran out:\n%s", out.String())
	}
}

// rps is the requests of the window over the window's scheduled length: an
// input that equals the rate, however long the last response takes.
func TestRPSIsOverTheScheduledWindow(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// 40 warm-up requests, then 300 in the window: the last few are slow.
		if n.Add(1) > 335 {
			time.Sleep(400 * time.Millisecond)
		}
	}))
	defer srv.Close()
	sc := scenario(srv.URL, 300, time.Second)
	sc.Load.Warmup = dur(200 * time.Millisecond)
	sc.Endpoints = []scenarios.Endpoint{
		{Name: "two-thirds", Method: "GET", Path: "/", Weight: 2},
		{Name: "one-third", Method: "GET", Path: "/", Weight: 1},
	}
	run := runOnce(t, sc)
	rep := run.Repetitions[0]
	if rep.Window != 1 || rep.Seconds() != 1 {
		t.Errorf("window %gs (seconds %g), want the scheduled 1s", rep.Window, rep.Seconds())
	}
	want := map[string]float64{"two-thirds": 200, "one-third": 100}
	for _, e := range results.Summarize(run).Endpoints {
		er := rep.Endpoint(e.Name)
		t.Logf("%s: scheduled %d requests %d rps %.3f target %.3f; wall window %.3fs", e.Name, er.Scheduled, er.Requests, e.RPS, e.TargetRPS, rep.End.Sub(rep.Start).Seconds())
		if er.Scheduled != int64(want[e.Name]) || er.Requests != er.Scheduled {
			t.Errorf("%s: scheduled %d requests %d, want %g of each", e.Name, er.Scheduled, er.Requests, want[e.Name])
		}
		if math.Abs(e.RPS/want[e.Name]-1) > 0.005 || e.TargetRPS != want[e.Name] {
			t.Errorf("%s: rps %.3f target %.3f, want %g within 0.5%%", e.Name, e.RPS, e.TargetRPS, want[e.Name])
		}
	}
	// The slow last responses neither stretch the window nor make the
	// rate look short (validity is not asserted: a busy machine may lag).
	if hasWarning(run, "achieved") {
		t.Errorf("warnings %q, want no rate shortfall", run.Warnings)
	}
}

// In the closed model nothing is scheduled: Scheduled stays 0, and rps,
// a real metric there, is still over the window's length.
func TestClosedModelSchedulesNothing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(time.Millisecond) }))
	defer srv.Close()
	sc := scenario(srv.URL, 0, 500*time.Millisecond)
	sc.Load.Rate, sc.Load.Workers = scenarios.Rate{Max: true}, 2
	run := runOnce(t, sc)
	rep := run.Repetitions[0]
	if e := rep.Endpoints[0]; e.Scheduled != 0 || e.Requests == 0 || rep.Window != 0.5 || !rep.Valid() {
		t.Errorf("scheduled %d requests %d window %g valid %v, want 0, some, 0.5 and valid", e.Scheduled, e.Requests, rep.Window, rep.Valid())
	}
}

// syncBuffer is a bytes.Buffer safe for the progress writer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lagged returns a send-lag histogram of n values: fast ones and slow ones.
func lagged(fast, slow int, slowLag time.Duration) *results.Histogram {
	h := results.NewHistogram()
	for range fast {
		h.Record(100 * time.Microsecond)
	}
	for range slow {
		h.Record(slowLag)
	}
	return h
}

func TestInvalidReasons(t *testing.T) {
	// Quantities print as every hotbench message prints them.
	fs := func(v float64) string { return metric.Format(v, metric.Seconds) }
	open := scenarios.LoadSpec{Rate: scenarios.Rate{PerSecond: 100}, MaxSendLag: dur(10 * time.Millisecond)}
	closed := scenarios.LoadSpec{Rate: scenarios.Rate{Max: true}, Workers: 4}
	ep := func(lag *results.Histogram, requests, scheduled int64) results.Repetition {
		return results.Repetition{Complete: true, Endpoints: []results.EndpointRun{{Name: "get", Requests: requests, Scheduled: scheduled, SendLag: lag}}}
	}
	tests := []struct {
		name string
		load scenarios.LoadSpec
		rep  results.Repetition
		want []string // substrings, one per reason; nil: valid
	}{
		{"a generator on schedule is valid", open, ep(lagged(1000, 0, 0), 1000, 1000), nil},
		{"2 % of hits 50ms late: p99 past max_send_lag", open, ep(lagged(980, 20, 50*time.Millisecond), 1000, 1000),
			[]string{"generator fell behind on get: send lag p99 " + fs(0.050) + " > " + fs(0.010) + " (load.max_send_lag)"}},
		{"0.5 % of hits 50ms late: p99 and max within limits", open, ep(lagged(995, 5, 50*time.Millisecond), 1000, 1000), nil},
		{"one stall of 300ms: past 25 × max_send_lag", open, ep(lagged(999, 1, 300*time.Millisecond), 1000, 1000),
			[]string{"generator stalled on get: send lag max " + fs(0.300) + " > " + fs(0.250) + " (25 × load.max_send_lag)"}},
		{"one stall of 200ms: within 25 × max_send_lag", open, ep(lagged(999, 1, 200*time.Millisecond), 1000, 1000), nil},
		{"a zero max_send_lag is the default 10ms", scenarios.LoadSpec{Rate: scenarios.Rate{PerSecond: 100}}, ep(lagged(980, 20, 20*time.Millisecond), 1000, 1000),
			[]string{"> " + fs(0.010) + " (load.max_send_lag)"}},
		{"20 of 1000 requests lost: more than 1 %", open, ep(lagged(980, 0, 0), 980, 1000),
			[]string{"requests lost on get: 20 of 1000 due in the window were not recorded (2.0% > 1%)"}},
		{"10 of 1000 requests lost: within 1 %", open, ep(lagged(990, 0, 0), 990, 1000), nil},
		{"1 of 50 lost: more than 1 % and a whole request", open, ep(lagged(49, 0, 0), 49, 50), []string{"1 of 50"}},
		{"an interrupted window is interrupted, whatever else", open, results.Repetition{Endpoints: ep(lagged(1, 1, time.Second), 2, 100).Endpoints},
			[]string{results.ReasonInterrupted}},
		{"the closed model has no schedule to fall behind", closed, ep(lagged(0, 1000, time.Second), 1000, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := invalidReasons(tt.load, tt.rep)
			if len(got) != len(tt.want) {
				t.Fatalf("reasons %q, want %d like %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("reason %q, want it to contain %q", got[i], w)
				}
			}
		})
	}
}

func TestRateWarnings(t *testing.T) {
	sc := scenario("http://127.0.0.1:1", 100, time.Second)
	runWith := func(requests ...int64) *results.Run {
		r := &results.Run{Scenario: *sc}
		for i, n := range requests {
			r.Repetitions = append(r.Repetitions, results.Repetition{Index: i + 1, Complete: true, Window: 1,
				Endpoints: []results.EndpointRun{{Name: "get", Requests: n, Scheduled: 100, SendLag: results.NewHistogram()}}})
		}
		return r
	}
	if w := rateWarnings(runWith(100, 100, 100)); len(w) != 0 {
		t.Errorf("on target: warnings %q", w)
	}
	// One hit short per window is the schedule's rounding, not a shortfall.
	if w := rateWarnings(runWith(99, 99, 99)); len(w) != 0 {
		t.Errorf("1 %% short by rounding: warnings %q", w)
	}
	if w := rateWarnings(runWith(95, 96, 97)); len(w) != 1 || !strings.Contains(w[0], "get achieved 96.0/s of a target 100.0/s (4.0% short)") {
		t.Errorf("4 %% short: warnings %q, want one saying so", w)
	}
}
