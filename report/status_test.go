package report

import (
	"math"
	"testing"
	"time"

	"github.com/hotbench/hotbench/scenarios"
)

// samples makes one run per value, a week apart from Nov 2, each with six
// repetitions spread ±2% around the value.
func samples(vals ...float64) []runSample {
	var out []runSample
	for i, v := range vals {
		at := day(2, 10).Add(time.Duration(i) * 7 * 24 * time.Hour)
		reps := []float64{v * 0.98, v * 0.99, v, v, v * 1.01, v * 1.02}
		out = append(out, runSample{point: RunPoint{Ref: "s@r", Start: at}, hotspot: [][]float64{reps}})
	}
	return out
}

func TestHotspotStatus(t *testing.T) {
	p99 := func(objective float64, due scenarios.Date) scenarios.Hotspot {
		return scenarios.Hotspot{Name: "h", Endpoint: "search", Metric: scenarios.P99, Objective: scenarios.Quantity{Value: objective}, Due: due}
	}
	rps := scenarios.Hotspot{Name: "h", Endpoint: "pay", Metric: scenarios.RPS, Objective: scenarios.Quantity{Value: 220}}
	monthEnd := day(1, 0).AddDate(0, 1, 0)
	tests := []struct {
		name    string
		hotspot scenarios.Hotspot
		runs    []runSample
		want    string
	}{
		{"a last run under the objective is met, whatever came before",
			p99(0.010, scenarios.Date{}), samples(0.048, 0.046, 0.009), StatusMet},
		{"a last run exactly at the objective is met",
			p99(0.010, scenarios.Date{}), samples(0.020, 0.010), StatusMet},
		{"a falling trend that reaches the objective by the due date is on track",
			p99(0.010, date(2026, 12, 31)), samples(0.040, 0.035, 0.030, 0.025), StatusOnTrack},
		{"the same trend judged at a due date too soon is off track",
			p99(0.010, date(2026, 11, 30)), samples(0.040, 0.035, 0.030, 0.025), StatusOffTrack},
		{"without a due date the trend is judged at the month's end",
			p99(0.010, scenarios.Date{}), samples(0.040, 0.035, 0.030, 0.025), StatusOffTrack},
		{"a flat trend above the objective is off track",
			p99(0.010, date(2027, 6, 30)), samples(0.030, 0.030, 0.030), StatusOffTrack},
		{"a rising latency is off track however far the due date",
			p99(0.010, date(2030, 1, 1)), samples(0.020, 0.025, 0.030), StatusOffTrack},
		{"one run above the objective makes no trend",
			p99(0.010, date(2026, 12, 31)), samples(0.030), StatusNoTrend},
		{"throughput over its objective is met: higher is better",
			rps, samples(190, 230), StatusMet},
		{"throughput rising toward its objective by the month's end is on track",
			rps, samples(180, 195, 210, 218), StatusOnTrack},
		{"throughput falling away from its objective is off track",
			rps, samples(210, 200, 190), StatusOffTrack},
		{"no run measuring the metric is no data",
			p99(0.010, scenarios.Date{}), nil, StatusNoData},
		{"a due date already past judges where the last run stands",
			p99(0.010, date(2026, 11, 3)), samples(0.040, 0.030, 0.020), StatusOffTrack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := buildHotspot(tt.hotspot, 0, tt.runs, nil, monthEnd, Options{}.withDefaults())
			if h.Status != tt.want {
				t.Errorf("status %q, want %q (projected %g at %s)", h.Status, tt.want, h.Projected, h.JudgedAt)
			}
		})
	}
}

func TestHotspotFirstLastBest(t *testing.T) {
	h := buildHotspot(scenarios.Hotspot{Name: "h", Endpoint: "e", Metric: scenarios.P99, Objective: scenarios.Quantity{Value: 0.01}},
		0, samples(0.030, 0.012, 0.020), nil, day(1, 0).AddDate(0, 1, 0), Options{}.withDefaults())
	if h.First.Center != 0.030 || h.Last.Center != 0.020 || h.Best.Center != 0.012 {
		t.Errorf("first %g, last %g, best %g; want 0.030, 0.020, 0.012", h.First.Center, h.Last.Center, h.Best.Center)
	}
	// Six repetitions are enough for a 95% interval around the median.
	if p := h.First; !(p.Lo < p.Center && p.Center < p.Hi) || p.N != 6 {
		t.Errorf("first run's interval [%g, %g] around %g with n=%d", p.Lo, p.Hi, p.Center, p.N)
	}
	// The fit falls 0.71 ms a day from 20.7 ms on Nov 9: 5.25 ms by the
	// month's end, under the objective.
	if got, want := h.Line(), "h: p99 30 ms → 20 ms, cannot tell (objective 10 ms, on track: trend reaches 5.25 ms by 2026-11-30)"; got != want {
		t.Errorf("line:\n got %s\nwant %s", got, want)
	}
}

func TestLinearFit(t *testing.T) {
	tests := []struct {
		name   string
		xs, ys []float64
		a, b   float64
		ok     bool
	}{
		{"points on a line give that line", []float64{0, 1, 2}, []float64{1, 3, 5}, 1, 2, true},
		{"a flat series has slope 0", []float64{1, 2, 3}, []float64{4, 4, 4}, 4, 0, true},
		{"one point has no line", []float64{1}, []float64{1}, 0, 0, false},
		{"points at one x have no line", []float64{2, 2}, []float64{1, 3}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b, ok := linearFit(tt.xs, tt.ys)
			if ok != tt.ok || math.Abs(a-tt.a) > 1e-9 || math.Abs(b-tt.b) > 1e-9 {
				t.Errorf("got a=%g b=%g ok=%v, want a=%g b=%g ok=%v", a, b, ok, tt.a, tt.b, tt.ok)
			}
		})
	}
}
