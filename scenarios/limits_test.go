package scenarios

import (
	"math"
	"strings"
	"testing"
)

func TestCheckTarget(t *testing.T) {
	tests := []struct {
		name   string
		target string
		err    string // a part of the error; "" for valid
	}{
		{"a host and port", "http://127.0.0.1:8080", ""},
		{"https with a host name and a base path", "https://api.example.test:8443/base/v1", ""},
		{"no port: the scheme's", "http://localhost", ""},
		{"an IPv6 address", "http://[::1]:8080", ""},
		{"a trailing slash", "http://127.0.0.1:8080/", ""},
		{"a percent escape in the path", "http://127.0.0.1:8080/a%20b", ""},
		{"empty is required", "", "is required"},
		{"no scheme", "127.0.0.1:8080", "not an absolute http or https URL"},
		{"another scheme", "ftp://example.test", "not an absolute http or https URL"},
		{"no host", "http:///path", "not an absolute http or https URL"},
		{"an opaque URL", "http:example.test", "not an absolute http or https URL"},
		{"a query measures the wrong URL: it belongs in the paths", "http://127.0.0.1:8080/base?x=1", `"http://127.0.0.1:8080/base" has a query or fragment (?…)`},
		{"an empty query is a query", "http://127.0.0.1:8080/?", "endpoints[].path"},
		{"a fragment", "http://127.0.0.1:8080/#top", "has a query or fragment (#…)"},
		{"a port above 65535", "http://127.0.0.1:99999", "port 99999 is out of range: use a port from 1 to 65535"},
		{"port 0", "http://127.0.0.1:0", "port 0 is out of range"},
		{"an empty port", "http://127.0.0.1:", "the port is empty"},
		{"shell syntax in the host (issue 9, item 2)", "http://127.0.0.1;>INJ;:9330", `"127.0.0.1;>INJ;" is not a host name or IP address`},
		{"a host starting with a dash", "http://-oProxyCommand:80", "not a host name"},
		{"a bracketed host that is not IPv6", "http://[example]:80", "not an absolute http or https URL"},
		{"shell syntax in the path", "http://127.0.0.1:8080/$(touch x)", `the path has "$"`},
		{"a space in the path", "http://127.0.0.1:8080/a b", "the path has"},
		{"credentials are refused, and not printed", "http://user:pw@127.0.0.1:8080", "send credentials in endpoints[].headers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckTarget(tt.target)
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("CheckTarget(%q) = %v, want valid", tt.target, err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("CheckTarget(%q) = %v, want an error with %q", tt.target, err, tt.err)
			case err != nil && strings.Contains(err.Error(), "pw@"):
				t.Errorf("CheckTarget(%q) prints the password: %v", tt.target, err)
			case err != nil && strings.ContainsAny(err.Error(), "\n"):
				t.Errorf("CheckTarget(%q): not one line: %v", tt.target, err)
			}
		})
	}
}

func TestCheckAlpha(t *testing.T) {
	for _, a := range []float64{MinAlpha, 0.01, 0.05, MaxAlpha} {
		if err := CheckAlpha(a); err != nil {
			t.Errorf("CheckAlpha(%v) = %v, want nil", a, err)
		}
	}
	// --alpha 1e-300 once said "need ≥0 runs"; 0.9 passed the command line
	// although files stopped at 0.5.
	for _, a := range []float64{0, -0.05, 1e-300, 1e-7, 0.51, 0.9, 1, math.NaN(), math.Inf(1)} {
		err := CheckAlpha(a)
		if err == nil || !strings.Contains(err.Error(), "from 0.000001 to 0.5") {
			t.Errorf("CheckAlpha(%v) = %v, want the range", a, err)
		}
	}
}

func TestCheckRuns(t *testing.T) {
	for n, want := range map[int]string{
		1: "", 10: "", MaxRuns: "",
		0: "too few", -1: "too few", MaxRuns + 1: "too large: at most 1000", math.MaxInt: "too large",
	} {
		err := CheckRuns(n)
		if (want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("CheckRuns(%d) = %v, want %q", n, err, want)
		}
	}
}

// TestLoadSaysTooLargeWithTheLimit: a value past a limit is "too large"
// (or "too high") with the limit, at its field and line, wherever it came
// from: the file, the environment or an override.
func TestLoadSaysTooLargeWithTheLimit(t *testing.T) {
	long := strings.Repeat("a", 256)
	inLoad := func(line string) string {
		return strings.Replace(minimal, "duration: 10s", "duration: 10s\n  "+line, 1)
	}
	tests := []struct {
		name      string
		yaml      string
		env       map[string]string
		overrides map[string]string
		field     string
		msg       string
	}{
		{"runs past 1000", minimal + "runs: 1001\n", nil, nil, "runs", "1001 is too large: at most 1000"},
		{"runs that do not fit a number", minimal + "runs: 1e+20\n", nil, nil, "runs", "1e+20 is too large: at most 1000"},
		{"runs from the environment", minimal, map[string]string{"HOTBENCH_RUNS": "1e+20"}, nil, "runs", `"1e+20" is too large: at most 1000 (from environment variable HOTBENCH_RUNS)`},
		{"runs from an override", minimal, nil, map[string]string{"runs": "5000"}, "runs", `"5000" is too large: at most 1000 (from override runs)`},
		{"a rate of 1e300/s", strings.Replace(minimal, "100/s", "1e300/s", 1), nil, nil, "load.rate", "1e300/s is too high: at most 1000000/s"},
		{"a rate from an override", minimal, nil, map[string]string{"load.rate": "2000000/s"}, "load.rate", "2000000/s is too high: at most 1000000/s"},
		{"a stage's rate", strings.Replace(minimal, "duration: 10s", "stages: [{duration: 1s, rate: 5e6/s}]", 1), nil, nil, "load.stages[0].rate", "too high: at most 1000000/s"},
		{"a duration past a time.Duration", strings.Replace(minimal, "10s", "100000000h", 1), nil, nil, "load.duration", `"100000000h" is too large: at most 24h`},
		{"a duration past a day", strings.Replace(minimal, "10s", "25h", 1), nil, nil, "load.duration", `"25h" is too large: at most 24h`},
		{"a warmup past an hour", inLoad("warmup: 61m"), nil, nil, "load.warmup", `"61m" is too large: at most 1h`},
		{"a timeout past an hour", inLoad("timeout: 100000000h"), nil, nil, "load.timeout", `"100000000h" is too large: at most 1h`},
		{"workers past 100000", inLoad("max_workers: 1e6"), nil, nil, "load.max_workers", "1e6 is too large: at most 100000"},
		{"a weight past a million", minimal + "    weight: 1e+20\n", nil, nil, "endpoints[0].weight", "1e+20 is too large: at most 1000000"},
		{"a status that does not fit a number", minimal + "    expect: {status: [1e+20]}\n", nil, nil, "endpoints[0].expect.status[0]", "1e+20 is not an HTTP status"},
		{"a 256-character scenario name", strings.Replace(minimal, "name: search\ntarget", "name: "+long+"\ntarget", 1), nil, nil, "name", "is 256 characters long: at most 100"},
		{"a 256-character endpoint name", strings.Replace(minimal, "  - name: search", "  - name: "+long, 1), nil, nil, "endpoints[0].name", "at most 100"},
		{"an alpha of 1e-300", minimal + "gate: {alpha: 1e-300}\n", nil, nil, "gate.alpha", "from 0.000001 to 0.5"},
		{"an alpha above one half from the environment", minimal, map[string]string{"HOTBENCH_GATE_ALPHA": "0.9"}, nil, "gate.alpha", "from 0.000001 to 0.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			list := loadErrors(t, tt.yaml, tt.overrides)
			if len(list) != 1 || list[0].Field != tt.field || !strings.Contains(list[0].Msg, tt.msg) {
				t.Errorf("got:\n%v\nwant one error at %s with %q", list, tt.field, tt.msg)
			}
		})
	}
}

// TestTargetsComeThroughOneCheck: the environment and overrides cannot
// slip a target past the file's rules (issue 9, item 2: HOTBENCH_TARGET
// carried shell syntax into server.command).
func TestTargetsComeThroughOneCheck(t *testing.T) {
	t.Run("from the environment", func(t *testing.T) {
		t.Setenv("HOTBENCH_TARGET", "http://127.0.0.1;>INJ;:9330")
		list := loadErrors(t, minimal, nil)
		if len(list) != 1 || list[0].Field != "target" || !strings.Contains(list[0].Msg, "not a host name") ||
			!strings.Contains(list[0].Msg, "HOTBENCH_TARGET") {
			t.Errorf("got:\n%v", list)
		}
	})
	t.Run("from an override", func(t *testing.T) {
		list := loadErrors(t, minimal, map[string]string{"target": "http://127.0.0.1:8080/base?x=1"})
		if len(list) != 1 || list[0].Field != "target" || !strings.Contains(list[0].Msg, "endpoints[].path") {
			t.Errorf("got:\n%v", list)
		}
	})
}
