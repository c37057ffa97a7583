package scenarios

import (
	"strings"
	"testing"
)

// two is a valid scenario with the endpoints search and manual.
const two = `name: search
target: http://127.0.0.1:8080
load: {rate: 100/s, duration: 10s}
endpoints:
  - {name: search, path: /api/search}
  - {name: manual, path: /api/manual}
`

// A limit of the gate may name one endpoint's metric, endpoint.metric, as
// the command's --max-regression and --slo do; p99.9 is p999 there too.
func TestLoadGateLimitsOfOneEndpoint(t *testing.T) {
	yaml := two + `gate:
  max_regression: {search.p99: 12%, p50: 5%, manual.p99.9: 20%}
  slo: {search.p95: 300ms, manual.error_rate: 0.5%}
`
	json := `{"name": "search", "target": "http://127.0.0.1:8080", "load": {"rate": "100/s", "duration": "10s"},
 "endpoints": [{"name": "search", "path": "/api/search"}, {"name": "manual", "path": "/api/manual"}],
 "gate": {"max_regression": {"search.p99": "12%", "p50": "5%", "manual.p99.9": "20%"},
          "slo": {"search.p95": "300ms", "manual.error_rate": "0.5%"}}}`
	toml := `name = "search"
target = "http://127.0.0.1:8080"
[load]
rate = "100/s"
duration = "10s"
[[endpoints]]
name = "search"
path = "/api/search"
[[endpoints]]
name = "manual"
path = "/api/manual"
[gate.max_regression]
"search.p99" = "12%"
p50 = "5%"
"manual.p99.9" = "20%"
[gate.slo]
"search.p95" = "300ms"
"manual.error_rate" = "0.5%"
`
	for name, text := range map[string]string{"s.yaml": yaml, "s.json": json, "s.toml": toml} {
		t.Run(name, func(t *testing.T) {
			s := mustLoad(t, name, text, nil)
			mr, slo := s.Gate.MaxRegression, s.Gate.SLO
			if len(mr) != 3 || mr["search.p99"].Value != 0.12 || mr["p50"].Value != 0.05 || mr["manual.p999"].Value != 0.20 {
				t.Errorf("gate.max_regression %v, want search.p99 12%%, p50 5%%, manual.p999 20%%", mr)
			}
			if len(slo) != 3 || slo["search.p95"].Value != 0.3 || slo["manual.error_rate"].Value != 0.005 || slo["error_rate"].Value != 0.01 {
				t.Errorf("gate.slo %v, want search.p95, manual.error_rate and the default error_rate", slo)
			}
			if got := strings.Join(s.Percentiles(), " "); got != "p50 p95 p99 p999" {
				t.Errorf("Percentiles() = %s, want the endpoints' percentiles too", got)
			}
		})
	}
}

func TestLoadRefusesBadGateLimitsOfOneEndpoint(t *testing.T) {
	for _, tt := range []struct {
		name, gate, field, msg string
	}{
		{"an endpoint the scenario does not have", "max_regression: {serch.p99: 10%}", "gate.max_regression.serch.p99", `no endpoint is named "serch": did you mean search?`},
		{"a server metric of one endpoint", "max_regression: {search.cpu_per_req: 10%}", "gate.max_regression.search.cpu_per_req", "cpu_per_req is the server's, measured over all endpoints together: write it without the endpoint, as cpu_per_req"},
		{"a misspelt metric after an endpoint", "slo: {manual.eror_rate: 1%}", "gate.slo.manual.eror_rate", "unknown metric eror_rate; did you mean manual.error_rate?"},
		{"a percentile that is none", "slo: {search.p100: 1s}", "gate.slo.search.p100", "is not a percentile"},
		{"one metric twice", "max_regression: {search.p99.9: 10%, search.p999: 20%}", "gate.max_regression.search.p999", "search.p99.9 and search.p999 are the same metric"},
		{"a value of the wrong unit", "slo: {search.p99: 10%}", "gate.slo.search.p99", "is a percentage, which only gate.max_regression accepts"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list := loadErrors(t, two+"gate: {"+tt.gate+"}\n", nil)
			if len(list) != 1 || list[0].Field != tt.field || list[0].Line != 7 || !strings.Contains(list[0].Msg, tt.msg) {
				t.Errorf("errors:\n%v\nwant one on line 7 at %s saying %q", list, tt.field, tt.msg)
			}
		})
	}
}

// Validate checks a scenario built in code the same way.
func TestValidateGateLimitsOfOneEndpoint(t *testing.T) {
	s := valid()
	s.Gate.MaxRegression = map[string]Quantity{"search.p99": {Value: 0.1, Relative: true}, "manual.mean": {Value: 0.002}}
	if errs := s.Validate(); len(errs) != 0 {
		t.Fatalf("valid limits: %v", ErrorList(errs))
	}
	s.Gate.SLO = map[string]Quantity{"export.p99": {Value: 1}, "search.rss_peak": {Value: 1 << 30}}
	errs := s.Validate()
	if len(errs) != 2 || errs[0].Field != "gate.slo.export.p99" || errs[1].Field != "gate.slo.search.rss_peak" {
		t.Errorf("errors %v, want export (no such endpoint) and search.rss_peak (the server's)", ErrorList(errs))
	}
}
