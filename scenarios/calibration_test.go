package scenarios

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

const calibrated = two + `calibration:                 # written by hotbench calibrate --write
  date: 2026-12-01T16:40:00Z
  host: ci-runner-3
  commit: 3a53ee4
  blocks: 10
  alpha: 0.05
  metrics:
    search.p99: {cv: 4.1%, between_runs: 12%, drift: +0.8%/h, mde_5: 14%, mde_10: 8.2%, mde_20: 5.6%}
    manual.p50: {cv: 2%, between_runs: 0%, drift: -0.3%/h, mde_5: undetectable, mde_10: 30%, mde_20: 0}
    server.cpu_per_req:
      cv: 1.5%
      drift: 0
`

func TestLoadCalibration(t *testing.T) {
	s := mustLoad(t, "s.yaml", calibrated, nil)
	c := s.Calibration
	if c == nil {
		t.Fatal("no calibration")
	}
	want := &Calibration{
		Date: time.Date(2026, 12, 1, 16, 40, 0, 0, time.UTC), Host: "ci-runner-3", Commit: "3a53ee4", Blocks: 10, Alpha: 0.05,
		Metrics: map[string]CalibratedMetric{
			"search.p99":         {CV: 0.041, BetweenRuns: 0.12, DriftPerHour: 0.008, MDE5: 0.14, MDE10: 0.082, MDE20: 0.056},
			"manual.p50":         {CV: 0.02, DriftPerHour: -0.003, MDE5: math.Inf(1), MDE10: 0.30},
			"server.cpu_per_req": {CV: 0.015},
		},
	}
	if !c.Date.Equal(want.Date) || c.Host != want.Host || c.Commit != want.Commit || c.Blocks != want.Blocks || c.Alpha != want.Alpha {
		t.Errorf("calibration %+v, want %+v", c, want)
	}
	for k, w := range want.Metrics {
		g := c.Metrics[k]
		for i, pair := range [][2]float64{{g.CV, w.CV}, {g.BetweenRuns, w.BetweenRuns}, {g.DriftPerHour, w.DriftPerHour}, {g.MDE5, w.MDE5}, {g.MDE10, w.MDE10}, {g.MDE20, w.MDE20}} {
			if pair[0] != pair[1] && math.Abs(pair[0]-pair[1]) > 1e-12 {
				t.Errorf("%s field %d = %v, want %v", k, i, pair[0], pair[1])
			}
		}
	}
	if len(c.Metrics) != len(want.Metrics) {
		t.Errorf("metrics %v, want %v", c.Metrics, want.Metrics)
	}
}

// A calibration is a record of noise, not a setting: it does not make a
// new version of the scenario. runs and max_regression do.
func TestHashLeavesOutTheCalibration(t *testing.T) {
	plain := mustLoad(t, "s.yaml", two, nil)
	cal := mustLoad(t, "s.yaml", calibrated, nil)
	if Hash(plain) != Hash(cal) {
		t.Error("a calibration changed the hash")
	}
	if cal.Calibration == nil {
		t.Error("Hash dropped the scenario's own calibration")
	}
	for _, more := range []string{"runs: 20\n", "gate: {max_regression: {p99: 15%}}\n"} {
		if Hash(mustLoad(t, "s.yaml", calibrated+more, nil)) == Hash(cal) {
			t.Errorf("%q did not change the hash", more)
		}
	}
}

// A scenario is stored in run.json: an undetectable effect, which JSON
// cannot write as a number, round-trips as "undetectable".
func TestCalibrationJSONRoundTrip(t *testing.T) {
	s := mustLoad(t, "s.yaml", calibrated, nil)
	s.Calibration.Metrics["search.p99"] = CalibratedMetric{CV: 0.04, MDE5: math.NaN(), MDE10: 0.2}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"search.p99":{"cv":0.04,"between_runs":0,"drift_per_hour":0,"mde_5":"undetectable","mde_10":0.2,"mde_20":0}`) {
		t.Errorf("JSON %s", b)
	}
	var back Scenario
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	got := back.Calibration.Metrics["manual.p50"]
	if !math.IsInf(got.MDE5, 1) || got.MDE10 != 0.3 {
		t.Errorf("read back %+v", got)
	}
	if !reflect.DeepEqual(back.Calibration.Date.UTC(), s.Calibration.Date.UTC()) || Hash(&back) != Hash(s) {
		t.Errorf("read back %+v", back.Calibration)
	}
}

func TestLoadRefusesBadCalibrations(t *testing.T) {
	for _, tt := range []struct {
		name, block, field, msg string
	}{
		{"no date", "calibration: {blocks: 3}", "calibration.date", "is required"},
		{"a date without a time", "calibration: {date: 2026-12-01, blocks: 3}", "calibration.date", "is not an RFC 3339 time"},
		{"a time without a zone", "calibration: {date: 2026-12-01T16:40:00, blocks: 3}", "calibration.date", "with its time zone"},
		{"no blocks", "calibration: {date: 2026-12-01T16:40:00Z}", "calibration.blocks", "0 is too few"},
		{"an alpha out of range", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, alpha: 5}", "calibration.alpha", "out of range"},
		{"a misspelt key", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, hots: x}", "calibration.hots", "did you mean host?"},
		{"a misspelt key of a metric", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {search.p99: {cv: 1%, mde5: 3%}}}", "calibration.metrics.search.p99.mde5", "did you mean mde_5?"},
		{"a negative share", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {search.p99: {cv: -1%}}}", "calibration.metrics.search.p99.cv", "is negative"},
		{"a share above all", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {search.p99: {between_runs: 120%}}}", "calibration.metrics.search.p99.between_runs", "at most 100%"},
		{"a fraction for a percentage", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {search.p99: {cv: 0.04}}}", "calibration.metrics.search.p99.cv", "is not a percentage"},
		{"a drift without its unit", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {search.p99: {drift: 1%}}}", "calibration.metrics.search.p99.drift", "per hour"},
		{"a negative effect", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {search.p99: {mde_5: -3%}}}", "calibration.metrics.search.p99.mde_5", "is negative"},
		{"an empty metric", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {search.p99: }}", "calibration.metrics.search.p99", "is empty"},
		{"a metric without an endpoint", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {p99: {cv: 1%}}}", "calibration.metrics.p99", "names no endpoint"},
		{"an unknown endpoint", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {serch.p99: {cv: 1%}}}", "calibration.metrics.serch.p99", "did you mean search?"},
		{"an unknown metric", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {search.p99x: {cv: 1%}}}", "calibration.metrics.search.p99x", "p99x"},
		{"a server metric of an endpoint", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {search.rss_peak: {cv: 1%}}}", "calibration.metrics.search.rss_peak", "write server.rss_peak"},
		{"an endpoint metric of the server", "calibration: {date: 2026-12-01T16:40:00Z, blocks: 3, metrics: {server.p99: {cv: 1%}}}", "calibration.metrics.server.p99", "is measured per endpoint"},
		{"not a mapping", "calibration: 2026-12-01", "calibration", "not a mapping"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list := loadErrors(t, two+tt.block+"\n", nil)
			if len(list) != 1 || list[0].Field != tt.field || list[0].Line != 7 || !strings.Contains(list[0].Msg, tt.msg) {
				t.Errorf("errors:\n%v\nwant one on line 7 at %s saying %q", list, tt.field, tt.msg)
			}
		})
	}
}

// An endpoint may be named server; server.p99 is then its p99.
func TestCalibrationOfAnEndpointNamedServer(t *testing.T) {
	text := strings.Replace(two, "name: manual", "name: server", 1) +
		"calibration: {date: 2026-12-01T16:40:00+01:00, blocks: 3, metrics: {server.p99: {cv: 1%}, server.rss_peak: {cv: 2%}}}\n"
	s := mustLoad(t, "s.yaml", text, nil)
	if len(s.Calibration.Metrics) != 2 {
		t.Errorf("metrics %v", s.Calibration.Metrics)
	}
}

func TestLoadCalibrationInTOMLAndJSON(t *testing.T) {
	toml := `name = "search"
target = "http://127.0.0.1:8080"
load = {rate = "100/s", duration = "10s"}
endpoints = [{name = "search", path = "/api/search"}]
[calibration]
date = 2026-12-01T00:00:00Z
blocks = 4
[calibration.metrics."search.p99"]
cv = "4.1%"
mde_5 = "undetectable"
`
	json := `{"name": "search", "target": "http://127.0.0.1:8080", "load": {"rate": "100/s", "duration": "10s"},
 "endpoints": [{"name": "search", "path": "/api/search"}],
 "calibration": {"date": "2026-12-01T00:00:00Z", "blocks": 4, "metrics": {"search.p99": {"cv": "4.1%", "mde_5": "undetectable"}}}}`
	for name, text := range map[string]string{"s.toml": toml, "s.json": json} {
		s := mustLoad(t, name, text, nil)
		c := s.Calibration
		if !c.Date.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) || c.Blocks != 4 || !math.IsInf(c.Metrics["search.p99"].MDE5, 1) {
			t.Errorf("%s: calibration %+v", name, c)
		}
	}
}

func TestValidateCalibrationBuiltInCode(t *testing.T) {
	s := valid()
	s.Calibration = &Calibration{Date: time.Now(), Blocks: 2, Metrics: map[string]CalibratedMetric{
		"search.p99": {CV: 0.1, MDE5: math.NaN()}, "server.alloc_per_req": {DriftPerHour: -0.5},
	}}
	if errs := s.Validate(); len(errs) != 0 {
		t.Fatalf("valid: %v", ErrorList(errs))
	}
	s.Calibration.Host = "a\nb"
	s.Calibration.Metrics["manual.p50"] = CalibratedMetric{DriftPerHour: math.Inf(1)}
	errs := s.Validate()
	if len(errs) != 2 || errs[0].Field != "calibration.host" || errs[1].Field != "calibration.metrics.manual.p50.drift" {
		t.Errorf("errors %v", ErrorList(errs))
	}
}

func TestCalibrationFormats(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{FormatPercent(0.041), "4.10%"},
		{FormatPercent(0.12), "12.0%"},
		{FormatPercent(0), "0%"},
		{FormatDrift(0.008), "+0.800%/h"},
		{FormatDrift(-0.003), "-0.300%/h"},
		{FormatDrift(0), "0%/h"},
		{FormatMDE(math.NaN()), "undetectable"},
		{FormatMDE(math.Inf(1)), "undetectable"},
		{FormatMDE(0.082), "8.20%"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
	// What is written reads back.
	for _, s := range []string{"4.10%", "12.0%", "0%", "1.00e-03%"} {
		if _, err := ParsePercent(s); err != nil {
			t.Error(err)
		}
	}
	for _, s := range []string{"+0.800%/h", "-0.300%/h", "0%/h", "0"} {
		if _, err := parseDrift(s); err != nil {
			t.Error(err)
		}
	}
}
