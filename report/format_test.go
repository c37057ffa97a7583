package report

import (
	"math"
	"strings"
	"testing"

	"github.com/hotbench/hotbench/metric"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"a p99 of 48.12 ms reads with three digits", formatMetric(metric.P99, 0.04812), "48.1ms"},
		{"trailing zeros are significant", formatMetric(metric.P99, 0.0032), "3.20ms"},
		{"sub-millisecond latencies read in µs", formatMetric(metric.P50, 0.000850), "850µs"},
		{"latencies of seconds read in s", formatMetric(metric.Max, 2.5), "2.50s"},
		{"any percentile reads as a latency", formatMetric("p99.9", 1.5), "1.50s"},
		{"an error rate reads as a percentage", formatMetric(metric.ErrorRate, 0.001), "0.100%"},
		{"a zero error rate is 0%", formatMetric(metric.ErrorRate, 0), "0%"},
		{"throughput reads in req/s", formatMetric(metric.RPS, 212.4), "212 req/s"},
		{"allocations read in KiB", formatMetric(metric.AllocPerReq, 65536), "64.0KiB"},
		{"an undefined value says n/a", formatMetric(metric.P99, math.NaN()), "n/a"},
		{"large counts get separators", formatCount(1234567), "1,234,567"},
		{"small counts do not", formatCount(999), "999"},
		{"a relative fall reads with its sign", formatDelta(0.048, 0.0032), "-93.3%"},
		{"a small change has three digits too", formatDelta(100, 104.1), "+4.10%"},
		{"a change from zero has no ratio", formatDelta(0, 1), "n/a"},
		{"share changes read in points", formatPoints(-0.538), "-53.8 pp"},
		{"no change in points reads 0 pp", formatPoints(0), "0 pp"},
		{"throughput in the summary has three digits", formatRPS(199.94), "200 req/s"},
		{"labels are metric's", metricLabel("p999"), "p99.9"},
		{"a clean commit is abbreviated", shortCommit("0123456789abcdef0123", false), "0123456789ab"},
		{"a dirty commit says so", shortCommit("0123456789abcdef0123", true), "0123456789ab (dirty)"},
		{"chart names are safe file names", chartName("manual-search", "search (v2)/p99"), "manual-search-search-v2-p99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestNinesAxis(t *testing.T) {
	// 90%, 99% and 99.9% are one unit apart on the percentile axis.
	for i, q := range []float64{0, 0.9, 0.99, 0.999, 0.9999} {
		if got := nines(q); math.Abs(got-float64(i)) > 1e-9 {
			t.Errorf("nines(%g) = %g, want %d", q, got, i)
		}
	}
	ticks := ninesTicks.Ticks(0, 3)
	var labels []string
	for _, tk := range ticks {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := labels; len(got) != 4 || got[0] != "0%" || got[3] != "99.9%" {
		t.Errorf("tick labels %q, want 0%% 90%% 99%% 99.9%%", got)
	}
}

func TestPlainTicks(t *testing.T) {
	tests := []struct {
		name     string
		min, max float64
		want     string
	}{
		{"a range of 100 is labelled every 20", 0, 100, "0 20 40 60 80 100"},
		{"a range of 130 is labelled every 20", 0, 130, "0 20 40 60 80 100 120"},
		{"a range of 16 is labelled every 2.5 with one decimal", 0, 16, "0 2.5 5.0 7.5 10.0 12.5 15.0"},
		{"a range of 0.12 is labelled every 0.02", 0, 0.12, "0 0.02 0.04 0.06 0.08 0.10 0.12"},
		{"a range of 3 is labelled every 0.5", 0, 3, "0 0.5 1.0 1.5 2.0 2.5 3.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var labels []string
			for _, tk := range plainTicks.Ticks(tt.min, tt.max) {
				if tk.Label != "" {
					labels = append(labels, tk.Label)
				}
			}
			if got := strings.Join(labels, " "); got != tt.want {
				t.Errorf("labels %q, want %q", got, tt.want)
			}
		})
	}
}
