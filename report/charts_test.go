package report

import (
	"math"
	"testing"
	"time"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/scenarios"
)

func TestRobustTop(t *testing.T) {
	tests := []struct {
		name  string
		vals  []float64
		floor float64
		want  float64
	}{
		{"one run a hundred times the others is left above the axis",
			[]float64{10, 11, 12, 11, 10.5, 1000}, 0, 12},
		{"a fix from 48 ms to 3 ms keeps both ends on the axis",
			[]float64{47.5, 45.7, 3.54, 3.11, 3.02}, 10, 47.5},
		{"the month's only slow run before a fix stays when the objective is near",
			[]float64{48, 3.5, 3.1, 3.0}, 10, 48},
		{"the objective is always on the axis",
			[]float64{3, 3.2, 3.1}, 10, 10},
		{"two runs are too few to call either an outlier",
			[]float64{10, 1000}, 0, 1000},
		{"at most a quarter of the runs are left above: two of eight",
			[]float64{10, 11, 12, 11, 10, 11, 900, 1000}, 0, 12},
		{"three of eight high runs are a level, not outliers",
			[]float64{10, 11, 12, 11, 10, 800, 900, 1000}, 0, 1000},
		{"zeros with one spike keep the spike: nothing to measure it against",
			[]float64{0, 0, 0, 0.5}, 0, 0.5},
		{"NaN and infinities are ignored",
			[]float64{math.NaN(), 5, math.Inf(1), 6, 7}, 0, 7},
		{"no values leave the floor",
			nil, 4, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := robustTop(tt.vals, tt.floor); got != tt.want {
				t.Errorf("robustTop(%v, %g) = %g, want %g", tt.vals, tt.floor, got, tt.want)
			}
		})
	}
}

// TestOneBrokenRunCannotFlattenATrendChart: one run at 100 times the
// others is drawn at the top edge with its value beside it, and the others
// still spread over the chart's height.
func TestOneBrokenRunCannotFlattenATrendChart(t *testing.T) {
	h := &HotspotMonth{Hotspot: scenarios.Hotspot{Name: "search-regexp", Endpoint: "search", Metric: metric.P99,
		Objective: scenarios.Quantity{Value: 0.008, Text: "8ms"}}}
	for i, v := range []float64{0.010, 0.011, 0.012, 1.2, 0.011, 0.0105} {
		h.Points = append(h.Points, Point{At: day(2+4*i, 10), Run: "s@r", Center: v, Lo: v * 0.95, Hi: v * 1.05, N: 6, Marked: i == 3})
	}
	c := hotspotChart("t", h, day(1, 0), day(1, 0).AddDate(0, 1, 0), 0.95, nil)
	p := c.panels[0]
	// The unit comes from the runs on the axis: ms, not s.
	if p.Y.Label.Text != "p99 (ms)" {
		t.Errorf("axis label %q, want p99 (ms)", p.Y.Label.Text)
	}
	if spread := 12.6 / p.Y.Max; spread < 0.4 {
		t.Errorf("the axis runs to %.1f ms: the highest kept run (12.6 ms with its bar) fills %.0f%% of it, want at least 40%%", p.Y.Max, spread*100)
	}
	if _, err := c.render(36); err != nil {
		t.Fatal(err)
	}

	var pts []timePoint
	for _, pt := range h.Points {
		pts = append(pts, timePoint{At: pt.At, Center: pt.Center, Lo: pt.Lo, Hi: pt.Hi, Marked: pt.Marked})
	}
	q := newPlot("", "", "")
	m := drawRuns(q, pts, []time.Time{day(30, 10)}, unit{Factor: 1e-3, Unit: "ms"}, colP99, p.Y.Max, func(v float64) string { return formatMetric(metric.P99, v) })
	if m.clipped == nil || m.clipped.XYs.Len() != 1 || m.clipped.XYs[0].Y > p.Y.Max {
		t.Errorf("clipped marks %v: want the 1.2 s run at the top edge", m.clipped)
	}
	if m.marked == nil || m.marked.XYs.Len() != 1 || m.clean == nil || m.clean.XYs.Len() != 5 || m.none == nil {
		t.Errorf("marks: want 5 clean, 1 marked (the broken run) and 1 without a value; got %+v", m)
	}
}

// A second in which every request failed has no latency to draw.
func TestASecondWithoutSuccessHasNoLatency(t *testing.T) {
	s := series{{
		{T: 0, Requests: 10, Errors: 0, P50: 0.002, P99: 0.004},
		{T: 1, Requests: 10, Errors: 10},
	}}
	_, p50, p99 := latencyColumns(s)
	if p50[0][0] != 0.002 || p99[0][0] != 0.004 {
		t.Errorf("the good second: p50 %v p99 %v", p50[0][0], p99[0][0])
	}
	if !math.IsNaN(p50[0][1]) || !math.IsNaN(p99[0][1]) {
		t.Errorf("the failed second: p50 %v p99 %v, want NaN (not drawn)", p50[0][1], p99[0][1])
	}
}
