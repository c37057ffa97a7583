package scenarios

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotbench/hotbench/metric"
)

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		name     string
		metric   string
		text     string
		relative bool
		value    float64
		rel      bool
		err      string // a part of the error; "" for none
	}{
		{"a latency in milliseconds is seconds", metric.P99, "150ms", false, 0.15, false, ""},
		{"a latency as a bare number other than 0 needs a unit", metric.P50, "0.2", false, 0, false, "has no unit"},
		{"a latency of a bare 0 needs no unit", metric.P50, "0", false, 0, false, ""},
		{"a latency of 1m30s is 90 seconds", metric.Max, "1m30s", false, 90, false, ""},
		{"a latency percentage outside max_regression is refused", metric.P99, "10%", false, 0, false, "only gate.max_regression accepts"},
		{"a latency percentage in max_regression is relative", metric.P99, "10%", true, 0.10, true, ""},
		{"an absolute latency in max_regression stays absolute", metric.P99, "20ms", true, 0.02, false, ""},
		{"a latency that is a word is refused", metric.Mean, "fast", false, 0, false, "not a duration"},
		{"a negative latency is refused", metric.P90, "-5ms", false, 0, false, "negative"},
		{"an error rate percentage is a fraction", metric.ErrorRate, "0.1%", false, 0.001, false, ""},
		{"an error rate percentage stays absolute in max_regression", metric.ErrorRate, "1%", true, 0.01, false, ""},
		{"an error rate fraction is taken as is", metric.ErrorRate, "0.001", false, 0.001, false, ""},
		{"an error rate of zero is allowed", metric.ErrorRate, "0", true, 0, false, ""},
		{"an error rate above one is refused", metric.ErrorRate, "5", false, 0, false, "more than 1"},
		{"an error rate above 100 percent is refused", metric.ErrorRate, "150%", false, 0, false, "more than 100%"},
		{"an error rate as a duration is refused", metric.ErrorRate, "10ms", false, 0, false, "not an error rate"},
		{"rps as a rate", metric.RPS, "500/s", false, 500, false, ""},
		{"rps per minute is per second", metric.RPS, "60/m", false, 1, false, ""},
		{"rps as a bare number", metric.RPS, "750", false, 750, false, ""},
		{"rps max is refused", metric.RPS, "max", false, 0, false, "not a number of requests"},
		{"rps percentage in max_regression is relative", metric.RPS, "5%", true, 0.05, true, ""},
		{"cpu per request as a duration", metric.CPUPerReq, "2ms", false, 0.002, false, ""},
		{"alloc per request in KiB", metric.AllocPerReq, "64KiB", false, 65536, false, ""},
		{"alloc per request in MB is decimal", metric.AllocPerReq, "2MB", false, 2e6, false, ""},
		{"alloc per request with a space before the unit", metric.AllocPerReq, "1.5 MiB", false, 1.5 * (1 << 20), false, ""},
		{"alloc per request as a bare number", metric.AllocPerReq, "512", false, 512, false, ""},
		{"alloc per request with an unknown unit is refused", metric.AllocPerReq, "64kibibytes", false, 0, false, "not an amount of memory"},
		{"any percentile is a metric", "p95", "300ms", false, 0.3, false, ""},
		{"p99.9 is a metric", "p99.9", "1s", false, 1, false, ""},
		{"an unknown metric is refused", "p95x", "1s", false, 0, false, "unknown metric"},
		{"a percentile that is none is refused", "p100", "1s", false, 0, false, "below p100"},
		{"a profile share is no scenario metric", "cpu_share:f", "1%", false, 0, false, "profile share"},
		{"an empty value is refused", metric.P99, " ", false, 0, false, "needs a value"},
		{"surrounding spaces are trimmed", metric.P99, " 150ms ", false, 0.15, false, ""},
		{"NaN is refused", metric.P99, "NaN", false, 0, false, "not a duration"},
		{"a latency past a time.Duration is too large", metric.P99, "100000000h", false, 0, false, `"100000000h" is too large: at most 1h`},
		{"a latency past the longest timeout is too large", metric.P99, "2h", true, 0, false, "too large: at most 1h"},
		{"a latency of the longest timeout is allowed", metric.Max, "1h", false, 3600, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuantity(tt.metric, tt.text, tt.relative)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseQuantity(%s, %q) error = %v, want one with %q", tt.metric, tt.text, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseQuantity(%s, %q): %v", tt.metric, tt.text, err)
			}
			if math.Abs(q.Value-tt.value) > 1e-12 || q.Relative != tt.rel {
				t.Errorf("ParseQuantity(%s, %q) = %+v, want value %v relative %v", tt.metric, tt.text, q, tt.value, tt.rel)
			}
			if q.Text != strings.TrimSpace(tt.text) {
				t.Errorf("Text = %q, want the text as written %q", q.Text, strings.TrimSpace(tt.text))
			}
		})
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		text string
		want Rate
		err  bool
	}{
		{"200/s", Rate{PerSecond: 200}, false},
		{"200", Rate{PerSecond: 200}, false},
		{"30/m", Rate{PerSecond: 0.5}, false},
		{"3600/h", Rate{PerSecond: 1}, false},
		{"1/500ms", Rate{PerSecond: 2}, false},
		{"max", Rate{Max: true}, false},
		{"fast", Rate{}, true},
		{"10/fortnight", Rate{}, true},
		{"1/0s", Rate{}, true},
		{"1e308/1ns", Rate{}, true}, // would be +Inf per second
		{"Inf/s", Rate{}, true},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.text)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v, error %v", tt.text, got, err, tt.want, tt.err)
		}
	}
}

func TestFunctionPatternRefusesAnEmptyExpression(t *testing.T) {
	if _, err := FunctionPattern("//"); err == nil {
		t.Error("// would match every function; want an error")
	}
	re, err := FunctionPattern("manuals.(*Store).StepsFor")
	if err != nil || !re.MatchString("example.com/manuals.(*Store).StepsFor") || re.MatchString("manualsX(*Store).StepsFor") {
		t.Errorf("a plain pattern is literal and matches inside the full name: %v, %v", re, err)
	}
}

func TestDateStringIsTheDay(t *testing.T) {
	d, err := ParseDate("2026-12-31")
	if err != nil || d.String() != "2026-12-31" {
		t.Errorf("ParseDate: %v %v", d, err)
	}
	if (Date{}).String() != "" {
		t.Errorf("the zero date prints as %q, want empty", Date{}.String())
	}
	if _, err := ParseDate("31/12/2026"); err == nil {
		t.Error("a day-first date parsed")
	}
}

func TestDurationJSON(t *testing.T) {
	var d Duration
	if err := d.UnmarshalJSON([]byte(`"1m30s"`)); err != nil || d.D() != 90*time.Second {
		t.Errorf("got %v, %v", d, err)
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct{ word, want string }{
		{"lod", "load"},
		{"wieght", "weight"},
		{"max_regresion", "max_regression"},
		{"Name", "name"},
		{"colour", ""},
		{"x", ""},
	}
	known := append(append([]string{}, topKeys...), append(endpointKeys, gateKeys...)...)
	for _, tt := range tests {
		if got := Suggest(tt.word, known); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"150ms", "0.1%", "64KiB", "500/s", "10%", "1e3", "-1", "1/0s"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, relative bool) {
		for _, m := range append(slices.Clone(metric.Standard), metric.P95, "p99.9", "p99.99") {
			q, err := ParseQuantity(m, text, relative)
			if err != nil {
				continue
			}
			if q.Value < 0 || math.IsNaN(q.Value) || math.IsInf(q.Value, 0) {
				t.Errorf("ParseQuantity(%s, %q) = %v: values are finite and not negative", m, text, q.Value)
			}
			if q.Relative && (!relative || m == metric.ErrorRate) {
				t.Errorf("ParseQuantity(%s, %q, %v) is relative", m, text, relative)
			}
		}
	})
}

func TestPercentiles(t *testing.T) {
	s := &Scenario{
		Hotspots: []Hotspot{{Metric: "p95"}, {Metric: "p99.9"}, {Metric: "rps"}},
		Gate: Gate{
			MaxRegression: map[string]Quantity{"p99": {}, "search.p75": {}, "error_rate": {}},
			SLO:           map[string]Quantity{"p999": {}, "search.p99.99": {}, "mean": {}},
		},
	}
	got := s.Percentiles()
	want := []string{"p75", "p95", "p99", "p999", "p99.99"}
	if !slices.Equal(got, want) {
		t.Errorf("Percentiles() = %q, want %q: hotspots and both limits, canonical, once, by quantile", got, want)
	}
}
