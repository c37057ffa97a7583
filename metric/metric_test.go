package metric

import (
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       string
		want     string // canonical name
		label    string
		quantile float64
		class    Class
		higher   bool
	}{
		{"the median is the 0.5 quantile", "p50", "p50", "p50", 0.5, Seconds, false},
		{"any whole percentile is a metric", "p95", "p95", "p95", 0.95, Seconds, false},
		{"so is p75", "p75", "p75", "p75", 0.75, Seconds, false},
		{"a one-digit percentile reads as such", "p5", "p5", "p5", 0.05, Seconds, false},
		{"below one, with its decimals", "p0.5", "p0.5", "p0.5", 0.005, Seconds, false},
		{"p999 stays the name of the 0.999 quantile", "p999", "p999", "p99.9", 0.999, Seconds, false},
		{"p99.9 is p999", "p99.9", "p999", "p99.9", 0.999, Seconds, false},
		{"other decimals keep their dot", "p99.99", "p99.99", "p99.99", 0.9999, Seconds, false},
		{"three decimals are the most", "p99.999", "p99.999", "p99.999", 0.99999, Seconds, false},
		{"a half percentile", "p99.5", "p99.5", "p99.5", 0.995, Seconds, false},
		{"mean is a latency", "mean", "mean", "mean", 0, Seconds, false},
		{"max is a latency", "max", "max", "max", 0, Seconds, false},
		{"rps is the one metric where higher is better", "rps", "rps", "throughput", 0, Rate, true},
		{"error_rate is a fraction", "error_rate", "error_rate", "error rate", 0, Fraction, false},
		{"cpu_per_req is seconds", "cpu_per_req", "cpu_per_req", "CPU per request", 0, Seconds, false},
		{"alloc_per_req is bytes", "alloc_per_req", "alloc_per_req", "allocations per request", 0, Bytes, false},
		{"a CPU share is a fraction", "cpu_share:main.f", "cpu_share:main.f", "CPU share of main.f", 0, Fraction, false},
		{"an allocation share too", "alloc_share:main.f", "alloc_share:main.f", "allocation share of main.f", 0, Fraction, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if m.Name != tc.want || m.Label != tc.label || m.Quantile != tc.quantile || m.Class != tc.class || m.HigherIsBetter() != tc.higher {
				t.Errorf("Parse(%q) = %+v, want name %q label %q quantile %v class %v higher %v",
					tc.in, m, tc.want, tc.label, tc.quantile, tc.class, tc.higher)
			}
		})
	}
}

// The quantile of p999 is the float the literal 0.999 is, so values read
// from stored histograms do not move by an ulp.
func TestQuantilesAreTheirLiterals(t *testing.T) {
	for name, q := range map[string]float64{"p50": 0.50, "p90": 0.90, "p99": 0.99, "p999": 0.999, "p99.9": 0.999, "p99.99": 0.9999} {
		if m, _ := Parse(name); m.Quantile != q {
			t.Errorf("%s: quantile %v, want %v", name, m.Quantile, q)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		says     []string // the message contains each
	}{
		{"p100 is max", "p100", []string{`"p100" is not a percentile`, "below p100", "max", "pN or pN.N"}},
		{"p0 is nothing", "p0", []string{`"p0" is not a percentile`, "above p0", "pN or pN.N"}},
		{"p0.0 is p0", "p0.0", []string{"above p0"}},
		{"negative percentiles", "p-1", []string{`"p-1" is not a percentile`, "pN or pN.N"}},
		{"more decimals than measured", "p99.999999", []string{"more than 3 decimals", "pN or pN.N", "p99.999"}},
		{"a word after p", "pfoo", []string{`unknown metric "pfoo"`, "pN or pN.N", "error_rate"}},
		{"p alone", "p", []string{`unknown metric "p"`}},
		{"a dot and nothing", "p99.", []string{`unknown metric "p99."`}},
		{"digits without a dot other than p999", "p9999", []string{"only p999 (p99.9) is written without its dot", "p99.99"}},
		{"p995 is p99.5", "p995", []string{"write p99.5"}},
		{"leading zeros", "p05", []string{"write the percentile without a leading zero, p5"}},
		{"trailing zeros", "p99.90", []string{"without trailing zeros, p99.9"}},
		{"upper case", "P99", []string{"lower case: write p99"}},
		{"unknown words", "latency", []string{`unknown metric "latency"`, "pN or pN.N"}},
		{"nothing", "", []string{"no metric named", "pN or pN.N"}},
		{"a share without its function", "cpu_share:", []string{"unknown metric"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tc.in, m)
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("Parse(%q): %q does not say %q", tc.in, err, s)
				}
			}
		})
	}
}

func TestLatencyAndScope(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		latency, percentile, wide bool
	}{
		{"p95", true, true, false},
		{"p999", true, true, false},
		{"mean", true, false, false},
		{"max", true, false, false},
		{"rps", false, false, false},
		{"error_rate", false, false, false},
		{"cpu_per_req", false, false, true},
		{"alloc_per_req", false, false, true},
		{"cpu_share:f", false, false, false},
	} {
		m, _ := Parse(tc.name)
		if m.IsLatency() != tc.latency || m.IsPercentile() != tc.percentile || m.ServerWide() != tc.wide {
			t.Errorf("%s: latency %v percentile %v server-wide %v, want %v %v %v",
				tc.name, m.IsLatency(), m.IsPercentile(), m.ServerWide(), tc.latency, tc.percentile, tc.wide)
		}
	}
}

func TestBenchfmt(t *testing.T) {
	for in, want := range map[string]string{
		"p50":           "p50-latency-sec",
		"p95":           "p95-latency-sec",
		"p99.9":         "p999-latency-sec",
		"p999":          "p999-latency-sec",
		"p99.99":        "p99.99-latency-sec",
		"mean":          "mean-latency-sec",
		"max":           "max-latency-sec",
		"rps":           "req/s",
		"error_rate":    "errors/req",
		"cpu_per_req":   "cpu-sec/req",
		"alloc_per_req": "B/req",
	} {
		if m, _ := Parse(in); m.Benchfmt() != want {
			t.Errorf("%s: benchfmt unit %q, want %q", in, m.Benchfmt(), want)
		}
	}
}

func TestSplitKey(t *testing.T) {
	for _, tc := range []struct{ key, endpoint, metric string }{
		{"p99", "", "p99"},
		{"p99.9", "", "p99.9"},
		{"search.p99", "search", "p99"},
		{"search.p99.9", "search", "p99.9"},
		{"search.p99.99", "search", "p99.99"},
		{"api.v2.p95", "api.v2", "p95"},
		{"search.error_rate", "search", "error_rate"},
		{"p99.p50", "p99", "p50"}, // an endpoint named like a metric
		{"search.p99x", "search", "p99x"},
		{"search.p99.999999", "search", "p99.999999"},
		{"nonsense", "", "nonsense"},
	} {
		e, m := SplitKey(tc.key)
		if e != tc.endpoint || m != tc.metric {
			t.Errorf("SplitKey(%q) = %q, %q; want %q, %q", tc.key, e, m, tc.endpoint, tc.metric)
		}
	}
}

func TestLessOrdersPercentilesByQuantile(t *testing.T) {
	got := []string{"rps", "p99.99", "max", "p95", "cpu_share:f", "p999", "mean", "p50", "error_rate", "p75"}
	slices.SortStableFunc(got, func(a, b string) int {
		switch {
		case Less(a, b):
			return -1
		case Less(b, a):
			return 1
		}
		return 0
	})
	want := []string{"p50", "p75", "p95", "p999", "p99.99", "mean", "max", "rps", "error_rate", "cpu_share:f"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted %q, want %q", got, want)
	}
}

func TestKnownAndStandardParse(t *testing.T) {
	for _, list := range [][]string{Known, Standard, SummaryPercentiles} {
		for _, name := range list {
			if m, err := Parse(name); err != nil || m.Name != name {
				t.Errorf("%q: %+v, %v; want itself", name, m, err)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"p50", "p99.9", "p999", "p100", "p-1", "p99.999999", "pfoo", "cpu_share:f", "", "p0.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		m, err := Parse(name)
		if err != nil {
			return
		}
		// A metric parses to its canonical self, and its quantile is a
		// quantile.
		again, err := Parse(m.Name)
		if err != nil || again != m {
			t.Fatalf("Parse(%q) = %+v, but its name parses to %+v, %v", name, m, again, err)
		}
		if m.Quantile < 0 || m.Quantile >= 1 || m.Class == 0 || m.Label == "" {
			t.Fatalf("Parse(%q) = %+v", name, m)
		}
		if Format(1, m.Class) == "" {
			t.Fatalf("no text for %+v", m)
		}
	})
}

func TestLooksLikePercentile(t *testing.T) {
	for name, want := range map[string]bool{"p95": true, "p100": true, "p-1": true, "p99.999999": true, "p": false, "pfoo": false, "p99x": false, "max": false} {
		if LooksLikePercentile(name) != want {
			t.Errorf("LooksLikePercentile(%q) = %v, want %v", name, !want, want)
		}
	}
}
