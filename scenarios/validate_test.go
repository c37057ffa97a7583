package scenarios

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/metric"
)

// valid returns a scenario that passes Validate; each case below breaks one
// rule of it.
func valid() *Scenario {
	s := &Scenario{
		Name:   "manual-search",
		Target: "http://127.0.0.1:8080",
		Load:   LoadSpec{Rate: Rate{PerSecond: 200}, Duration: Duration(20 * time.Second)},
		Endpoints: []Endpoint{
			{Name: "search", Path: "/api/search?q=kitchen", Headers: map[string]string{"Authorization": "Bearer x"}, Expect: Expect{Status: []int{200}}},
			{Name: "manual", Path: "/api/manuals/1", Weight: 3},
		},
		Profiles: Profiles{Pprof: "http://127.0.0.1:8080/debug/pprof"},
		Hotspots: []Hotspot{{
			Name: "search-steps", Endpoint: "search", Metric: metric.P99,
			Objective: Quantity{Value: 0.15, Text: "150ms"},
			Functions: []string{"manuals.(*Store).StepsFor", "/Steps(For)?/"},
		}},
		Server: &Server{Command: "{bin} -addr {addr}", Ready: "/healthz"},
		Gate:   Gate{SLO: map[string]Quantity{metric.P99: {Value: 0.5, Text: "500ms"}, metric.ErrorRate: {Value: 0.001, Text: "0.1%"}}},
	}
	s.ApplyDefaults()
	return s
}

func TestValidScenarioHasNoErrors(t *testing.T) {
	if errs := valid().Validate(); len(errs) != 0 {
		t.Fatalf("valid scenario: %v", ErrorList(errs))
	}
}

func TestApplyDefaultsFillsZeroFields(t *testing.T) {
	s := &Scenario{Endpoints: []Endpoint{{}}, Hotspots: []Hotspot{{}}, Profiles: Profiles{Command: "rbspy {out}"}}
	s.ApplyDefaults()
	e, h := s.Endpoints[0], s.Hotspots[0]
	if s.Runs != 10 || s.Load.Timeout != Duration(10*time.Second) || s.Gate.Alpha != 0.05 ||
		e.Method != "GET" || e.Weight != 1 || h.Metric != metric.P99 ||
		strings.Join(s.Profiles.Kinds, ",") != "cpu,allocs" || len(s.Gate.MaxRegression) != 3 ||
		s.Load.Retries != 2 || s.Load.MaxSendLag != Duration(10*time.Millisecond) || s.Profiles.MinSamples != 100 {
		t.Errorf("defaults not applied: %+v", s)
	}
	if s.Load.Warmup != 0 {
		t.Errorf("warmup defaults to nothing, got %v", s.Load.Warmup)
	}
	// The run checks its own SLOs: an error rate above 1 % breaks it unless
	// the scenario says otherwise.
	if !reflect.DeepEqual(s.Gate.SLO, DefaultSLO()) {
		t.Errorf("slo = %v, want the default %v", s.Gate.SLO, DefaultSLO())
	}
	// Explicit SLOs keep theirs and gain the default error_rate; an
	// explicit error_rate, none included, is kept.
	s = &Scenario{Gate: Gate{SLO: map[string]Quantity{metric.P99: {Value: 0.5, Text: "500ms"}}}}
	s.ApplyDefaults()
	if len(s.Gate.SLO) != 2 || s.Gate.SLO[metric.ErrorRate] != DefaultSLO()[metric.ErrorRate] {
		t.Errorf("slo = %v, want p99 and the default error_rate", s.Gate.SLO)
	}
	s = &Scenario{Gate: Gate{SLO: map[string]Quantity{metric.ErrorRate: {None: true, Text: "none"}}}}
	s.ApplyDefaults()
	if q := s.Gate.SLO[metric.ErrorRate]; !q.None || len(s.Gate.SLO) != 1 {
		t.Errorf("slo = %v, want error_rate none kept", s.Gate.SLO)
	}
}

func TestValidateRules(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(s *Scenario)
		field string // the field the one error names
		msg   string // a part of its message
	}{
		{"a missing name is required", func(s *Scenario) { s.Name = "" }, "name", "is required"},
		{"a name with capitals or spaces is refused", func(s *Scenario) { s.Name = "Manual Search" }, "name", "lower-case letters, digits and dashes"},
		{"a name with an underscore is refused", func(s *Scenario) { s.Name = "manual_search" }, "name", "not a valid name"},
		{"a name starting with a dash is refused (it could not be a folder)", func(s *Scenario) { s.Name = "-search" }, "name", "not a valid name"},
		{"a missing target is required", func(s *Scenario) { s.Target = "" }, "target", "is required"},
		{"a target without a scheme is refused", func(s *Scenario) { s.Target = "127.0.0.1:8080" }, "target", "absolute http or https URL"},
		{"a target with another scheme is refused", func(s *Scenario) { s.Target = "ftp://example.com" }, "target", "absolute http or https URL"},
		{"a target without a host is refused", func(s *Scenario) { s.Target = "http:///path" }, "target", "absolute http or https URL"},
		{"a zero rate is refused", func(s *Scenario) { s.Load.Rate = Rate{} }, "load.rate", "above 0"},
		{"a negative rate is refused", func(s *Scenario) { s.Load.Rate = Rate{PerSecond: -1} }, "load.rate", "above 0"},
		{"an infinite rate is refused", func(s *Scenario) { s.Load.Rate = Rate{PerSecond: math.Inf(1)} }, "load.rate", "finite"},
		{"rate max without workers is refused", func(s *Scenario) { s.Load.Rate = Rate{Max: true} }, "load.workers", "needs workers"},
		{"rate max refuses stages", func(s *Scenario) {
			s.Load.Rate, s.Load.Workers = Rate{Max: true}, 8
			s.Load.Stages = []Stage{{Duration: Duration(time.Second), Rate: Rate{PerSecond: 5}}}
			s.Load.Duration = 0
		}, "load.stages", "cannot ramp"},
		{"rate max refuses max_workers", func(s *Scenario) { s.Load.Rate, s.Load.Workers, s.Load.MaxWorkers = Rate{Max: true}, 8, 100 }, "load.max_workers", "set workers instead"},
		{"workers without rate max points to max_workers", func(s *Scenario) { s.Load.Workers = 10 }, "load.workers", "workers only applies to rate: max; use max_workers to cap the open model"},
		{"a zero duration without stages is refused", func(s *Scenario) { s.Load.Duration = 0 }, "load.duration", "above 0"},
		{"a negative duration is refused", func(s *Scenario) { s.Load.Duration = -1 }, "load.duration", "above 0"},
		{"a duration that differs from the sum of the stages is refused", func(s *Scenario) {
			s.Load.Stages = []Stage{{Duration: Duration(10 * time.Second), Rate: Rate{PerSecond: 5}}}
		}, "load.duration", "stages add up to 10s"},
		{"a stage without duration is refused", func(s *Scenario) {
			s.Load.Duration = 0
			s.Load.Stages = []Stage{{Rate: Rate{PerSecond: 5}}}
		}, "load.stages[0].duration", "above 0"},
		{"a stage at rate max is refused", func(s *Scenario) {
			s.Load.Duration = 0
			s.Load.Stages = []Stage{{Duration: Duration(time.Second), Rate: Rate{Max: true}}}
		}, "load.stages[0].rate", "cannot be max"},
		{"a stage with a negative rate is refused", func(s *Scenario) {
			s.Load.Duration = 0
			s.Load.Stages = []Stage{{Duration: Duration(time.Second), Rate: Rate{PerSecond: -2}}}
		}, "load.stages[0].rate", "negative"},
		{"a ramp starting from a negative rate is refused", func(s *Scenario) {
			s.Load.Duration, s.Load.Rate = 0, Rate{PerSecond: -1}
			s.Load.Stages = []Stage{{Duration: Duration(time.Second), Rate: Rate{PerSecond: 2}}}
		}, "load.rate", "negative"},
		{"a negative warmup is refused", func(s *Scenario) { s.Load.Warmup = -1 }, "load.warmup", "negative"},
		{"a zero timeout is refused", func(s *Scenario) { s.Load.Timeout = 0 }, "load.timeout", "above 0"},
		{"endpoint names that differ only in - and _ are refused", func(s *Scenario) {
			s.Endpoints[1].Name = "manual_2"
			s.Endpoints = append(s.Endpoints, Endpoint{Name: "manual-2", Method: "GET", Path: "/m", Weight: 1})
		}, "endpoints[2].name", "up to - and _"},
		{"a timeout past the histograms' one hour is refused", func(s *Scenario) { s.Load.Timeout = Duration(2 * time.Hour) }, "load.timeout", "longer than an hour"},
		{"a ramp whose every rate is 0 is refused", func(s *Scenario) {
			s.Load.Duration, s.Load.Rate = 0, Rate{}
			s.Load.Stages = []Stage{{Duration: Duration(time.Second)}, {Duration: Duration(time.Second)}}
		}, "load.stages", "nothing would be sent"},
		{"negative max_workers is refused", func(s *Scenario) { s.Load.MaxWorkers = -1 }, "load.max_workers", "negative"},
		{"zero runs are refused", func(s *Scenario) { s.Runs = 0 }, "runs", "at least once"},
		{"more than 1000 runs are refused", func(s *Scenario) { s.Runs = 1001 }, "runs", "too large: at most 1000"},
		{"a rate of 1e300/s is refused (a run at it never ended)", func(s *Scenario) { s.Load.Rate = Rate{PerSecond: 1e300} }, "load.rate", "1e+300/s is too high: at most 1000000/s"},
		{"a stage above the rate limit is refused", func(s *Scenario) {
			s.Load.Duration = 0
			s.Load.Stages = []Stage{{Duration: Duration(time.Second), Rate: Rate{PerSecond: 2e6}}}
		}, "load.stages[0].rate", "2000000/s is too high"},
		{"a measured window past a day is refused", func(s *Scenario) { s.Load.Duration = Duration(25 * time.Hour) }, "load.duration", "too large: at most 24h"},
		{"a warmup past an hour is refused", func(s *Scenario) { s.Load.Warmup = Duration(2 * time.Hour) }, "load.warmup", "too large: at most 1h"},
		{"workers past 100000 are refused", func(s *Scenario) { s.Load.Rate, s.Load.Workers = Rate{Max: true}, 1<<20 }, "load.workers", "too large: at most 100000"},
		{"max_workers past 100000 are refused", func(s *Scenario) { s.Load.MaxWorkers = 1 << 20 }, "load.max_workers", "too large: at most 100000"},
		{"negative retries are refused", func(s *Scenario) { s.Load.Retries = -1 }, "load.retries", "negative"},
		{"more than 10 retries are refused", func(s *Scenario) { s.Load.Retries = 11 }, "load.retries", "too large: at most 10"},
		{"a zero max_send_lag is refused", func(s *Scenario) { s.Load.MaxSendLag = 0 }, "load.max_send_lag", "above 0"},
		{"a max_send_lag past a minute is refused", func(s *Scenario) { s.Load.MaxSendLag = Duration(time.Hour) }, "load.max_send_lag", "too large: at most 1m"},
		{"min_samples of 0 is refused", func(s *Scenario) { s.Profiles.MinSamples = 0 }, "profiles.min_samples", "1 or more"},
		{"a name longer than 100 characters is refused (it could not be a folder)", func(s *Scenario) { s.Name = strings.Repeat("a", 256) }, "name", "at most 100"},
		{"a hotspot name longer than 100 characters is refused", func(s *Scenario) { s.Hotspots[0].Name = strings.Repeat("h", 101) }, "hotspots[0].name", "at most 100"},
		{"a target with a query is refused", func(s *Scenario) { s.Target = "http://127.0.0.1:8080/base?x=1" }, "target", "endpoints[].path"},
		{"a target port past 65535 is refused", func(s *Scenario) { s.Target = "http://127.0.0.1:99999" }, "target", "from 1 to 65535"},
		{"a pprof port past 65535 is refused", func(s *Scenario) { s.Profiles.Pprof = "http://127.0.0.1:99999/debug/pprof" }, "profiles.pprof", "from 1 to 65535"},
		{"none in max_regression is refused", func(s *Scenario) { s.Gate.MaxRegression[metric.P99] = Quantity{None: true, Text: "none"} }, "gate.max_regression.p99", "only for gate.slo"},
		{"an alpha of 1e-300 is refused", func(s *Scenario) { s.Gate.Alpha = 1e-300 }, "gate.alpha", "from 0.000001 to 0.5"},
		{"a scenario without endpoints is refused", func(s *Scenario) { s.Endpoints, s.Hotspots = nil, nil }, "endpoints", "at least one endpoint"},
		{"an endpoint without a name is refused", func(s *Scenario) { s.Endpoints[1].Name = "" }, "endpoints[1].name", "is required"},
		{"an endpoint name with a dot is refused", func(s *Scenario) { s.Endpoints[1].Name = "get.manual" }, "endpoints[1].name", "not a valid name"},
		{"two endpoints with one name are refused", func(s *Scenario) { s.Endpoints[1].Name = "search" }, "endpoints[1].name", "already the name of endpoints[0]"},
		{"a path without a leading slash is refused", func(s *Scenario) { s.Endpoints[1].Path = "api/manuals" }, "endpoints[1].path", "must start with /"},
		{"a missing path is refused", func(s *Scenario) { s.Endpoints[1].Path = "" }, "endpoints[1].path", "is required"},
		{"a path with a space is refused", func(s *Scenario) { s.Endpoints[1].Path = "/a b" }, "endpoints[1].path", "escape spaces"},
		{"a method that is not a token is refused", func(s *Scenario) { s.Endpoints[1].Method = "GE T" }, "endpoints[1].method", "not an HTTP method"},
		{"an empty method is refused", func(s *Scenario) { s.Endpoints[1].Method = "" }, "endpoints[1].method", "is empty"},
		{"a lower-case standard method is refused with its spelling", func(s *Scenario) { s.Endpoints[1].Method = "post" }, "endpoints[1].method", "write POST"},
		{"a weight of zero is refused", func(s *Scenario) { s.Endpoints[1].Weight = 0 }, "endpoints[1].weight", "1 or more"},
		{"a weight above a million is refused", func(s *Scenario) { s.Endpoints[1].Weight = 1 << 40 }, "endpoints[1].weight", "too large"},
		{"stages that add up past a day are refused", func(s *Scenario) {
			s.Load.Duration = 0
			s.Load.Stages = []Stage{{Duration: Duration(20 * time.Hour), Rate: Rate{PerSecond: 5}}, {Duration: Duration(5 * time.Hour)}}
		}, "load.stages[1].duration", "add up to more than 24h"},
		{"a stage longer than a day is refused", func(s *Scenario) {
			s.Load.Duration = 0
			s.Load.Stages = []Stage{{Duration: Duration(math.MaxInt64 - 1), Rate: Rate{PerSecond: 5}}}
		}, "load.stages[0].duration", "too large: at most 24h"},
		{"a status code below 100 is refused", func(s *Scenario) { s.Endpoints[0].Expect.Status = []int{200, 99} }, "endpoints[0].expect.status[1]", "100 to 599"},
		{"a status code above 599 is refused", func(s *Scenario) { s.Endpoints[0].Expect.Status = []int{600} }, "endpoints[0].expect.status[0]", "100 to 599"},
		{"a header name with a space is refused", func(s *Scenario) { s.Endpoints[0].Headers = map[string]string{"X Trace": "1"} }, "endpoints[0].headers.X Trace", "not a valid header name"},
		{"a header value with a newline is refused", func(s *Scenario) { s.Endpoints[0].Headers = map[string]string{"X-Trace": "a\nb"} }, "endpoints[0].headers.X-Trace", "control characters"},
		{"a binary body is refused", func(s *Scenario) { s.Endpoints[0].Body = "\xff\xfe" }, "endpoints[0].body", "not UTF-8"},
		{"a pprof URL that is not http is refused", func(s *Scenario) { s.Profiles.Pprof = "localhost:6060" }, "profiles.pprof", "not an http or https URL"},
		{"pprof and command together are refused", func(s *Scenario) { s.Profiles.Command = "rbspy record -o {out}" }, "profiles.command", "not both"},
		{"an unknown profile kind is refused with a suggestion", func(s *Scenario) { s.Profiles.Kinds = []string{"cpu", "alocs"} }, "profiles.kinds[1]", "did you mean allocs?"},
		{"a profile kind listed twice is refused", func(s *Scenario) { s.Profiles.Kinds = []string{"cpu", "cpu"} }, "profiles.kinds[1]", "listed twice"},
		{"an empty list of kinds with a profile source is refused", func(s *Scenario) { s.Profiles.Kinds = nil }, "profiles.kinds", "is empty"},
		{"a hotspot without a name is refused", func(s *Scenario) { s.Hotspots[0].Name = "" }, "hotspots[0].name", "is required"},
		{"a hotspot name with an underscore is refused", func(s *Scenario) { s.Hotspots[0].Name = "search_steps" }, "hotspots[0].name", "not a valid name"},
		{"two hotspots with one name are refused", func(s *Scenario) { s.Hotspots = append(s.Hotspots, s.Hotspots[0]) }, "hotspots[1].name", "already the name of hotspots[0]"},
		{"a hotspot on an unknown endpoint is refused with a suggestion", func(s *Scenario) { s.Hotspots[0].Endpoint = "serch" }, "hotspots[0].endpoint", "did you mean search?"},
		{"a hotspot without an endpoint is refused", func(s *Scenario) { s.Hotspots[0].Endpoint = "" }, "hotspots[0].endpoint", "is required"},
		{"a hotspot on an unknown metric is refused with a suggestion", func(s *Scenario) { s.Hotspots[0].Metric = "p999x" }, "hotspots[0].metric", "did you mean p999?"},
		{"a hotspot without an objective is refused", func(s *Scenario) { s.Hotspots[0].Objective = Quantity{} }, "hotspots[0].objective", "is required"},
		{"an objective that does not parse for its metric is refused", func(s *Scenario) { s.Hotspots[0].Objective = Quantity{Text: "64KiB"} }, "hotspots[0].objective", "not a duration"},
		{"a latency objective of 0 is refused", func(s *Scenario) { s.Hotspots[0].Objective = Quantity{Value: 0, Text: "0"} }, "hotspots[0].objective", "can never be met"},
		{"a relative objective is refused", func(s *Scenario) { s.Hotspots[0].Objective = Quantity{Value: 0.1, Relative: true} }, "hotspots[0].objective", "cannot be relative"},
		{"a function pattern that does not compile is refused", func(s *Scenario) { s.Hotspots[0].Functions = []string{"/(/"} }, "hotspots[0].functions[0]", "not a valid regular expression"},
		{"an empty function pattern is refused", func(s *Scenario) { s.Hotspots[0].Functions = []string{" "} }, "hotspots[0].functions[0]", "empty"},
		{"a server without a command is refused", func(s *Scenario) { s.Server.Command = "" }, "server.command", "is required"},
		{"a server ready check that is not a path is refused", func(s *Scenario) { s.Server.Ready = "healthz" }, "server.ready", "starts with /"},
		{"an alpha of zero is refused", func(s *Scenario) { s.Gate.Alpha = 0 }, "gate.alpha", "from 0.000001 to 0.5"},
		{"an alpha above one half is refused", func(s *Scenario) { s.Gate.Alpha = 0.6 }, "gate.alpha", "from 0.000001 to 0.5"},
		{"an alpha that is NaN is refused", func(s *Scenario) { s.Gate.Alpha = math.NaN() }, "gate.alpha", "out of range"},
		{"an unknown metric in max_regression is refused with a suggestion", func(s *Scenario) { s.Gate.MaxRegression["rsp"] = Quantity{Text: "10%"} }, "gate.max_regression.rsp", "did you mean rps?"},
		{"a max_regression value that does not parse is refused", func(s *Scenario) { s.Gate.MaxRegression[metric.P99] = Quantity{Text: "fast"} }, "gate.max_regression.p99", "not a duration"},
		{"a relative error_rate regression is refused", func(s *Scenario) { s.Gate.MaxRegression[metric.ErrorRate] = Quantity{Value: 0.1, Relative: true} }, "gate.max_regression.error_rate", "cannot be relative"},
		{"an unknown metric in slo is refused with a suggestion", func(s *Scenario) { s.Gate.SLO["eror_rate"] = Quantity{Text: "1%"} }, "gate.slo.eror_rate", "did you mean error_rate?"},
		{"a percentage slo of a latency is refused", func(s *Scenario) { s.Gate.SLO[metric.P99] = Quantity{Text: "10%"} }, "gate.slo.p99", "only gate.max_regression accepts"},
		{"a negative slo is refused", func(s *Scenario) { s.Gate.SLO[metric.P99] = Quantity{Value: -1} }, "gate.slo.p99", "not a value of p99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.edit(s)
			errs := s.Validate()
			if len(errs) != 1 {
				t.Fatalf("want one error at %s, got %d:\n%v", tt.field, len(errs), ErrorList(errs))
			}
			if errs[0].Field != tt.field || !strings.Contains(errs[0].Msg, tt.msg) {
				t.Errorf("got %q, want field %s with %q", errs[0].Error(), tt.field, tt.msg)
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *Scenario)
	}{
		{"rate max with workers is the closed model", func(s *Scenario) { s.Load.Rate, s.Load.Workers = Rate{Max: true}, 64 }},
		{"stages without a duration take their sum", func(s *Scenario) {
			s.Load.Duration = 0
			s.Load.Stages = []Stage{{Duration: Duration(time.Second), Rate: Rate{PerSecond: 5}}, {Duration: Duration(time.Second)}}
		}},
		{"stages with a duration equal to their sum", func(s *Scenario) {
			s.Load.Duration = Duration(2 * time.Second)
			s.Load.Stages = []Stage{{Duration: Duration(time.Second), Rate: Rate{PerSecond: 5}}, {Duration: Duration(time.Second)}}
		}},
		{"a ramp may start from rate 0", func(s *Scenario) {
			s.Load.Duration, s.Load.Rate = 0, Rate{}
			s.Load.Stages = []Stage{{Duration: Duration(time.Second), Rate: Rate{PerSecond: 5}}}
		}},
		{"an extension method is a token", func(s *Scenario) { s.Endpoints[0].Method = "PURGE" }},
		{"an https target with a path", func(s *Scenario) { s.Target = "https://example.test:8443/base" }},
		{"no profiles at all", func(s *Scenario) { s.Profiles = Profiles{MinSamples: DefaultMinSamples} }},
		{"a profile command instead of pprof", func(s *Scenario) { s.Profiles.Pprof, s.Profiles.Command = "", "perf_to_profile {out}" }},
		{"no server, no hotspots and no gate limits", func(s *Scenario) { s.Server, s.Hotspots, s.Gate.MaxRegression, s.Gate.SLO = nil, nil, nil, nil }},
		{"an absolute max_regression", func(s *Scenario) { s.Gate.MaxRegression[metric.P99] = Quantity{Value: 0.02, Text: "20ms"} }},
		{"an objective of zero errors", func(s *Scenario) {
			s.Hotspots[0].Metric, s.Hotspots[0].Objective = metric.ErrorRate, Quantity{Value: 0, Text: "0"}
		}},
		{"a header value with a tab", func(s *Scenario) { s.Endpoints[0].Headers["X-List"] = "a\tb" }},
		{"no retries", func(s *Scenario) { s.Load.Retries = 0 }},
		{"slo none removes a limit", func(s *Scenario) { s.Gate.SLO[metric.ErrorRate] = Quantity{None: true, Text: "none"} }},
		{"the limits themselves", func(s *Scenario) {
			s.Runs, s.Load.Rate, s.Load.Duration, s.Load.Warmup = MaxRuns, Rate{PerSecond: MaxRate}, Duration(MaxDuration), Duration(MaxWarmup)
			s.Load.Retries, s.Load.MaxSendLag, s.Load.MaxWorkers, s.Gate.Alpha = MaxRetries, Duration(MaxSendLagLimit), MaxWorkers, MinAlpha
			s.Name = strings.Repeat("a", MaxNameLength)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.edit(s)
			if errs := s.Validate(); len(errs) != 0 {
				t.Errorf("want valid, got:\n%v", ErrorList(errs))
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	s := valid()
	s.Name, s.Runs, s.Endpoints[1].Weight, s.Gate.Alpha = "", 0, 0, 2
	errs := s.Validate()
	want := []string{"name", "runs", "endpoints[1].weight", "gate.alpha"}
	if len(errs) != len(want) {
		t.Fatalf("want %d errors, got:\n%v", len(want), ErrorList(errs))
	}
	for i, e := range errs {
		if e.Field != want[i] {
			t.Errorf("error %d is at %s, want %s", i, e.Field, want[i])
		}
	}
}
