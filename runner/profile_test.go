package runner

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// cpuProfile is a CPU profile as Go writes it: hot samples in main.hot,
// cold ones in main.cold, one sample per 10 ms tick.
func cpuProfile(hot, cold int64) []byte {
	fn := []*profile.Function{{ID: 1, Name: "main.hot"}, {ID: 2, Name: "main.cold"}}
	loc := []*profile.Location{{ID: 1, Line: []profile.Line{{Function: fn[0]}}}, {ID: 2, Line: []profile.Line{{Function: fn[1]}}}}
	p := &profile.Profile{
		SampleType:    []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType:    &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:        10e6,
		DurationNanos: 1e9,
		Function:      fn,
		Location:      loc,
		Sample: []*profile.Sample{
			{Location: loc[:1], Value: []int64{hot, hot * 10e6}},
			{Location: loc[1:], Value: []int64{cold, cold * 10e6}},
		},
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// pprofServer is a service with a net/http/pprof-like endpoint whose CPU
// profile holds 30 samples, 12 of them in main.hot.
func pprofServer() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("/debug/pprof/", func(w http.ResponseWriter, r *http.Request) {})
	data := cpuProfile(12, 18)
	mux.HandleFunc("/debug/pprof/profile", func(w http.ResponseWriter, r *http.Request) { w.Write(data) })
	return httptest.NewServer(mux)
}

func profiledScenario(target, pprof string) *scenarios.Scenario {
	sc := scenario(target, 20, 300*time.Millisecond)
	sc.Profiles = scenarios.Profiles{Pprof: pprof, Kinds: []string{"cpu"}}
	sc.Hotspots = []scenarios.Hotspot{{Name: "hot-path", Endpoint: "get", Metric: metric.P99, Functions: []string{"main.hot"}}}
	return sc
}

// A share carries the number of samples it was computed from, and each
// stored profile its own count: 12 of 30 samples is 40 %, and says so.
func TestProfilesCarryTheirSampleCounts(t *testing.T) {
	srv := pprofServer()
	defer srv.Close()
	run := runOnce(t, profiledScenario(srv.URL, srv.URL+"/debug/pprof"))
	rep := run.Repetitions[0]
	if len(rep.Profiles) != 1 || rep.Profiles[0].Samples != 30 {
		t.Fatalf("profiles %+v, want one cpu profile of 30 samples", rep.Profiles)
	}
	if len(rep.Functions) != 1 {
		t.Fatalf("function shares %+v, want one", rep.Functions)
	}
	if f := rep.Functions[0]; f.Samples != 30 || f.Share != 0.4 {
		t.Errorf("share %+v, want 0.4 of 30 samples", f)
	}
	if hasWarning(run, "profile") {
		t.Errorf("warnings %q, want none about profiles from a reachable endpoint", run.Warnings)
	}
}

// The profile endpoint is checked once before any load. Unreachable, it is
// a warning stored in the run (a missing profile is not a lost run); with
// profiles.required it is an error, and no run is stored.
func TestProfileEndpointIsCheckedBeforeTheLoad(t *testing.T) {
	srv := pprofServer()
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/debug/pprof"
	ln.Close()
	tests := []struct {
		name  string
		pprof string
		why   string
	}{
		{"nothing listens", closed, "connection refused"},
		{"the service has no pprof", srv.URL + "/nothing/here", "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name+": a warning", func(t *testing.T) {
			run := runOnce(t, profiledScenario(srv.URL, tt.pprof))
			if len(run.ProfileWarnings) == 0 || !strings.Contains(run.ProfileWarnings[0], "profile endpoint "+tt.pprof+" is unreachable") || !strings.Contains(run.ProfileWarnings[0], tt.why) {
				t.Errorf("profile warnings %q, want the unreachable profile endpoint first, because of %s", run.ProfileWarnings, tt.why)
			}
			if len(run.Repetitions) != 1 || run.Repetitions[0].Endpoints[0].Requests == 0 {
				t.Errorf("the load did not run")
			}
		})
		t.Run(tt.name+": an error when required", func(t *testing.T) {
			sc := profiledScenario(srv.URL, tt.pprof)
			sc.Profiles.Required = true
			dir := t.TempDir()
			began := time.Now()
			run, err := Run(context.Background(), sc, Options{Store: results.Open(dir)})
			if err == nil || run != nil || !strings.Contains(err.Error(), "profiles.required") || !strings.Contains(err.Error(), tt.why) {
				t.Fatalf("run %v, err %v; want no run and an error naming profiles.required and %s", run != nil, err, tt.why)
			}
			if errors.Is(err, ErrInterrupted) || time.Since(began) > profileCheckTimeout {
				t.Errorf("err %v after %v, want a prompt refusal", err, time.Since(began))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a run folder was created: %v", entries)
			}
		})
	}
}

// A profile problem is a profile warning: it weakens the profile evidence,
// not the numbers, and the reports do not mark the run for it.
func TestProfileWarningsAreKeptApart(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	sc := scenario(srv.URL, 20, 200*time.Millisecond)
	sc.Profiles = scenarios.Profiles{Pprof: "http://127.0.0.1:1/debug/pprof", Kinds: []string{"cpu"}}
	run := runOnce(t, sc)
	if len(run.ProfileWarnings) == 0 || containsAny(run.Warnings, "profile") {
		t.Errorf("warnings %q, profile warnings %q: want the profile's apart", run.Warnings, run.ProfileWarnings)
	}
}
