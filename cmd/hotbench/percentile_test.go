package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Any percentile is a metric end to end (issue 10): a hotspot on p95 gets a
// verdict, run --json carries p75, p95 and what the scenario names, and
// --slo p95=… and --slo search.p99.9=… are gated (search.p99.9 splits
// before the metric, whose dot is its own).
func TestAnyPercentileEndToEnd(t *testing.T) {
	var slow atomic.Bool
	slow.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow.Load() {
			time.Sleep(20 * time.Millisecond)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	sc := filepath.Join(dir, "pct.yaml")
	body := "name: pct\ntarget: " + srv.URL + "\n" +
		"load: {rate: 100/s, duration: 1s, timeout: 2s, max_send_lag: 250ms}\nruns: 5\n" +
		"endpoints:\n  - {name: search, path: /search}\n" +
		"hotspots:\n  - {name: slow-search, endpoint: search, metric: p95, objective: 10ms}\n" +
		"gate:\n  slo: {p99.99: 2s}\n"
	if err := os.WriteFile(sc, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	res := filepath.Join(dir, "results")

	code, out, errOut := hotbench(t, "run", sc, "--label", "slow", "--results", res, "--json")
	if code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errOut)
	}
	var s struct {
		Percentiles []string `json:"percentiles"`
		Endpoints   []struct {
			Latency map[string]float64 `json:"latency"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || len(s.Endpoints) != 1 {
		t.Fatalf("run --json: %v\n%s", err, out)
	}
	for _, k := range []string{"mean", "p50", "p75", "p90", "p95", "p99", "p999", "p99.99", "max"} {
		if _, ok := s.Endpoints[0].Latency[k]; !ok {
			t.Errorf("run --json latency has no %s: %v", k, s.Endpoints[0].Latency)
		}
	}
	if lat := s.Endpoints[0].Latency; lat["p95"] < 0.015 || lat["p95"] > lat["p99.99"] {
		t.Errorf("latency %v: want p95 of the 20ms handler, below p99.99", lat)
	}
	if strings.Join(s.Percentiles, " ") != "p50 p95 p99 p99.99" { // p50 and p99 from the default gate
		t.Errorf("percentiles %q, want the hotspot's p95, the gate's p99.99 and the default gate's p50 and p99", s.Percentiles)
	}
	slow.Store(false)
	if code, _, errOut := hotbench(t, "run", sc, "--label", "fast", "--results", res); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errOut)
	}
	code, out, _ = hotbench(t, "show", "pct@fast", "--results", res)
	if code != 0 || !strings.Contains(out, " p95 ") || !strings.Contains(out, "p99.99") {
		t.Errorf("show: exit %d, want the scenario's p95 and p99.99 columns:\n%s", code, out)
	}

	code, out, errOut = hotbench(t, "compare", "pct@slow", "pct@fast", "--results", res)
	if code != 0 || !strings.Contains(out, "slow-search (search p95): improved") || !strings.Contains(out, "objective p95 10ms: met") {
		t.Errorf("compare: exit %d, want the p95 hotspot improved and its objective met:\n%s%s", code, out, errOut)
	}
	code, out, errOut = hotbench(t, "gate", "pct@slow", "pct@fast", "--results", res, "--slo", "p95=300ms", "--max-regression", "p95=10%")
	if code != 0 || strings.Contains(out+errOut, "matches no compared metric") {
		t.Errorf("gate --slo p95=300ms: exit %d, want a pass that checked p95:\n%s%s", code, out, errOut)
	}
	code, out, errOut = hotbench(t, "gate", "pct@slow", "pct@fast", "--results", res, "--slo", "search.p99.9=1us")
	if code != exitFail || !strings.Contains(out, "search p999: candidate p999 ") || !strings.Contains(out, "above the SLO 1us") {
		t.Errorf("gate --slo search.p99.9=1us: exit %d, want 1 naming the p999 breach:\n%s%s", code, out, errOut)
	}
	code, _, errOut = hotbench(t, "gate", "pct@slow", "pct@fast", "--results", res, "--slo", "search.p100=1s")
	if code != exitUsage || !strings.Contains(errOut, `"p100" is not a percentile`) {
		t.Errorf("gate --slo search.p100: exit %d, want 2 saying what a percentile is:\n%s", code, errOut)
	}
}
