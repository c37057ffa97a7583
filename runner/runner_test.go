package runner

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

func dur(d time.Duration) scenarios.Duration { return scenarios.Duration(d) }

// scenario returns a one-endpoint open-model scenario against target.
func scenario(target string, perSecond float64, window time.Duration) *scenarios.Scenario {
	return &scenarios.Scenario{
		Name:   "test",
		Target: target,
		Runs:   1,
		Load: scenarios.LoadSpec{
			Rate:     scenarios.Rate{PerSecond: perSecond},
			Duration: dur(window),
			Timeout:  dur(5 * time.Second),
		},
		Endpoints: []scenarios.Endpoint{{Name: "get", Method: "GET", Path: "/", Weight: 1}},
		Gate:      scenarios.Gate{Alpha: 0.05},
	}
}

func runOnce(t *testing.T, sc *scenarios.Scenario) *results.Run {
	t.Helper()
	run, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir()), Label: "test"})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return run
}

// A server that answers 95 % of requests in 1 ms and 5 % in 50 ms: the
// median is the fast mode, p99 the slow one.
func TestBimodalServerQuantiles(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%20 == 0 {
			time.Sleep(50 * time.Millisecond)
		} else {
			time.Sleep(time.Millisecond)
		}
	}))
	defer srv.Close()

	run := runOnce(t, scenario(srv.URL, 200, 4*time.Second))
	s := results.Summarize(run)
	e := s.Endpoints[0]
	t.Logf("requests %d p50 %.4fs p99 %.4fs; send lag p50 %.4fs p99 %.4fs", e.Requests, e.Latency.P50, e.Latency.P99,
		run.Repetitions[0].Endpoints[0].SendLag.Quantile(0.5), e.SendLag.P99)
	if e.Requests < 700 || e.Errors != 0 {
		t.Fatalf("requests = %d, errors = %d; want about 800 and none", e.Requests, e.Errors)
	}
	maxP50 := 0.002
	if raceEnabled {
		maxP50 = 0.0025
	}
	if e.Latency.P50 < 0.001 || e.Latency.P50 > maxP50 {
		t.Errorf("p50 = %.4fs, want between 1 and %g ms", e.Latency.P50, maxP50*1e3)
	}
	if e.Latency.P99 < 0.050 || e.Latency.P99 > 0.060 {
		t.Errorf("p99 = %.4fs, want between 50 and 60 ms", e.Latency.P99)
	}
}

// freezingServer freezes for one second every five: requests that arrive
// during a freeze are answered when it ends.
func freezingServer() *httptest.Server {
	start := time.Now()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		phase := time.Since(start) % (5 * time.Second)
		if phase >= 4*time.Second {
			time.Sleep(5*time.Second - phase)
		}
	}))
}

// A server that freezes for 1 s every 5 s at 500 requests/s: a fifth of the
// requests wait up to a second, so p99 is about 0.95 s. With few workers
// vegeta's own latencies would hide the freeze (the requests queue in the
// generator); measured from the scheduled send time it shows either way.
func TestFreezeShowsInTheTail(t *testing.T) {
	for _, maxWorkers := range []int{0, 8} {
		t.Run("max_workers="+strconv.Itoa(maxWorkers), func(t *testing.T) {
			srv := freezingServer()
			defer srv.Close()
			sc := scenario(srv.URL, 500, 5*time.Second)
			sc.Load.MaxWorkers = maxWorkers
			// Well under the freeze, above what a busy test machine adds.
			sc.Load.MaxSendLag = dur(100 * time.Millisecond)
			if maxWorkers == 0 {
				// A busy test machine can stall the generator too; such a
				// repetition is invalid and redone, as in any run.
				sc.Load.Retries = 2
			}
			run := runOnce(t, sc)
			// With few workers the backlog of the freeze is sent after it,
			// so the tail honestly includes the time to drain it.
			maxP99 := 1.1
			if maxWorkers > 0 {
				maxP99 = 1.5
			}
			// The summary merges the valid repetitions, or all of them
			// (with a warning) when none is valid, as with 8 workers.
			e := results.Summarize(run).Endpoints[0]
			for _, rep := range run.Repetitions {
				t.Logf("repetition %d: invalid %q", rep.Index, rep.Invalid)
			}
			t.Logf("requests %d p50 %.4fs p99 %.4fs send lag p99 %.4fs max %.4fs", e.Requests, e.Latency.P50, e.Latency.P99,
				e.SendLag.P99, e.SendLag.Max)
			if e.Latency.P99 < 0.85 || e.Latency.P99 > maxP99 {
				t.Errorf("p99 = %.3fs, want about 0.95s", e.Latency.P99)
			}
			if valid, _ := run.ValidRepetitions(); maxWorkers == 0 && len(valid) != 1 {
				// Unbounded workers keep to the schedule through the freeze:
				// the stall is the server's, and the repetition a sample.
				t.Errorf("no valid repetition with unbounded workers: %q", run.Warnings)
			}
			rep := run.Repetitions[0]
			if maxWorkers > 0 {
				if e.SendLag.P99 < 0.5 {
					t.Errorf("send lag p99 = %.3fs, want the freeze to show as lag with %d workers", e.SendLag.P99, maxWorkers)
				}
				// 8 workers all wait on the frozen server, so the generator
				// cannot keep to the schedule: the repetition measured the
				// worker limit as much as the server and is no sample.
				if rep.Valid() || !containsAny(rep.Invalid, "send lag p99") || !containsAny(rep.Invalid, "> 100ms") {
					t.Errorf("repetition valid=%v reasons %q, want invalid for send lag", rep.Valid(), rep.Invalid)
				}
				if !hasWarning(run, "fell behind") || !hasWarning(run, "only 0 of 1 repetitions are valid") {
					t.Errorf("no generator or validity warning in %q", run.Warnings)
				}
			}
		})
	}
}

func hasWarning(run *results.Run, s string) bool { return containsAny(run.AllWarnings(), s) }

// containsAny reports whether any of list contains s.
func containsAny(list []string, s string) bool {
	for _, w := range list {
		if strings.Contains(w, s) {
			return true
		}
	}
	return false
}

func TestUnreachableTargetFailsBeforeAnyLoad(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	_, err = Run(context.Background(), scenario("http://"+addr, 10, time.Second), Options{Store: results.Open(dir)})
	if err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("err = %v, want an unreachable-target error", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a run folder was created for an unreachable target: %v", entries)
	}
}

func TestInterruptKeepsWhatWasMeasured(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	sc := scenario(srv.URL, 100, 30*time.Second)
	sc.Runs = 3
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(700*time.Millisecond, cancel)
	began := time.Now()
	run, err := Run(ctx, sc, Options{Store: results.Open(t.TempDir())})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	if time.Since(began) > 20*time.Second {
		t.Fatalf("an interrupted 30 s repetition took %v to stop", time.Since(began))
	}
	stored, err := results.Load(run.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Complete || stored.IncompleteReason == "" {
		t.Errorf("stored run complete=%v reason=%q, want incomplete with a reason", stored.Complete, stored.IncompleteReason)
	}
	if len(stored.Repetitions) != 1 || stored.Repetitions[0].Endpoints[0].Requests == 0 {
		t.Fatalf("stored %d repetitions, want the one interrupted with its requests", len(stored.Repetitions))
	}
}

func TestRawResultsAreVegetaFormat(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "a body that must not be kept")
	}))
	defer srv.Close()
	sc := scenario(srv.URL, 100, time.Second)
	sc.Load.Warmup = dur(200 * time.Millisecond)
	run, err := Run(context.Background(), sc, Options{Store: results.Open(t.TempDir()), Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(run.Dir, "raw", "repetitions", "rep-01-get.bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := vegeta.NewDecoder(f)
	var n int64
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode result %d: %v", n, err)
		}
		if len(r.Body) != 0 {
			t.Fatalf("result %d kept its body", n)
		}
		n++
	}
	if want := run.Repetitions[0].Endpoints[0].Requests; n != want {
		t.Errorf("raw file has %d results, run counted %d (warm-up excluded)", n, want)
	}
}

func TestWeightsSplitTheRateAndStatusesCount(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	sc := scenario(srv.URL, 200, 2*time.Second)
	sc.Endpoints = []scenarios.Endpoint{
		{Name: "heavy", Method: "GET", Path: "/", Weight: 3},
		{Name: "light", Method: "GET", Path: "/missing", Weight: 1},
		{Name: "notfound-ok", Method: "GET", Path: "/missing", Weight: 1, Expect: scenarios.Expect{Status: []int{404}}},
	}
	run := runOnce(t, sc)
	rep := run.Repetitions[0]
	heavy, light, ok404 := rep.Endpoint("heavy"), rep.Endpoint("light"), rep.Endpoint("notfound-ok")
	if heavy.Requests != 240 || light.Requests != 80 || ok404.Requests != 80 {
		t.Errorf("requests = %d/%d/%d, want 240/80/80 (3:1:1 of 200/s for 2 s)", heavy.Requests, light.Requests, ok404.Requests)
	}
	if light.Errors != light.Requests || light.ErrorClasses["status 404"] != light.Requests {
		t.Errorf("light: errors %d classes %v, want every 404 counted as an error", light.Errors, light.ErrorClasses)
	}
	if ok404.Errors != 0 || ok404.Status["404"] != ok404.Requests {
		t.Errorf("expected 404s: errors %d status %v, want none and all 404", ok404.Errors, ok404.Status)
	}
	if n := len(heavy.Series); n != 2 {
		t.Errorf("series has %d seconds, want 2", n)
	}
}

func TestErrorClass(t *testing.T) {
	tests := []struct {
		code int
		msg  string
		want string
	}{
		{500, "500 Internal Server Error", "status 500"},
		{0, `Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused`, "connection refused"},
		{0, `Get "http://x/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, "timeout"},
		{0, "read tcp 127.0.0.1:5->127.0.0.1:6: read: connection reset by peer", "connection reset"},
		{0, `Get "http://x/": EOF`, "eof"},
		{0, "something else entirely", "other"},
	}
	for _, tt := range tests {
		if got := errorClass(tt.code, tt.msg); got != tt.want {
			t.Errorf("errorClass(%d, %q) = %q, want %q", tt.code, tt.msg, got, tt.want)
		}
	}
}

func TestCredentialsAreNotStored(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	sc := scenario(srv.URL, 20, 200*time.Millisecond)
	sc.Endpoints[0].Headers = map[string]string{"Authorization": "Bearer s3cret", "Accept": "application/json"}
	run := runOnce(t, sc)
	if v, _ := got.Load().(string); v != "Bearer s3cret" {
		t.Errorf("server saw Authorization %q, want the real token", v)
	}
	data, err := os.ReadFile(filepath.Join(run.Dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "s3cret") || !strings.Contains(string(data), "application/json") {
		t.Errorf("run.json keeps the token or lost the other header")
	}
}

// Requests still in flight when Ctrl-C ends the drain are not silently
// dropped: the run says how many there were.
func TestInterruptNamesRequestsInFlight(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	sc := scenario(srv.URL, 50, 10*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	run, err := Run(ctx, sc, Options{Store: results.Open(t.TempDir())})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	if !hasWarning(run, "in flight") {
		t.Errorf("warnings %q do not mention the requests in flight", run.Warnings)
	}
	if rep := run.Repetitions[0]; rep.Seconds() > 1 {
		t.Errorf("the interrupted window lasted %.1fs, want it to end at the interruption (0.5s)", rep.Seconds())
	}
}

// max_workers: 1 at a rate one worker cannot serve ends by itself, and the
// hits it never sent make the repetition invalid.
func TestOneWorkerAtAnImpossibleRateEnds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond) // at most 100/s for one worker
	}))
	defer srv.Close()
	sc := scenario(srv.URL, 1000, 500*time.Millisecond)
	sc.Load.MaxWorkers = 1
	sc.Load.Timeout = scenarios.Duration(500 * time.Millisecond)
	run := runOnce(t, sc)
	rep := run.Repetitions[0]
	// ~100 of the 500 due can be served by the window's end plus the
	// timeout; sending the rest would have taken 5 s more.
	if e := rep.Endpoints[0]; e.Requests >= e.Scheduled {
		t.Errorf("%d of %d scheduled requests sent: the backlog was sent instead of given up", e.Requests, e.Scheduled)
	}
	if rep.Valid() || !containsAny(rep.Invalid, "requests lost") {
		t.Errorf("repetition valid %v, reasons %q: want it invalid for the requests it never sent", rep.Valid(), rep.Invalid)
	}
}
