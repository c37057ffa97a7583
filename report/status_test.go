package report

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// samples makes one run per value, a week apart from Nov 2, each with six
// valid repetitions spread ±2% around the value.
func samples(vals ...float64) []runSample {
	var out []runSample
	for i, v := range vals {
		out = append(out, runAt(day(2, 10).Add(time.Duration(i)*7*24*time.Hour), v))
	}
	return out
}

// runAt is one run at a time with six valid repetitions ±2% around v.
func runAt(at time.Time, v float64) runSample {
	reps := []float64{v * 0.98, v * 0.99, v, v, v * 1.01, v * 1.02}
	return runSample{point: RunPoint{Ref: "s@" + at.Format("0102T150405"), Start: at, Repetitions: 6, Valid: 6},
		hotspot: []hotspotSample{{vals: reps}}}
}

// withCaveat marks a run: two of its six repetitions invalid.
func withCaveat(r runSample) runSample {
	r.point.Valid = 4
	r.point.Caveats = []string{"2 of 6 repetitions invalid, left out (the load generator fell behind)"}
	r.hotspot[0].vals = r.hotspot[0].vals[:4]
	return r
}

// runs joins run samples.
func runs(rs ...[]runSample) []runSample { return slices.Concat(rs...) }

func TestHotspotStatus(t *testing.T) {
	p99 := func(objective float64, due scenarios.Date) scenarios.Hotspot {
		return scenarios.Hotspot{Name: "h", Endpoint: "search", Metric: metric.P99, Objective: scenarios.Quantity{Value: objective}, Due: due}
	}
	rps := scenarios.Hotspot{Name: "h", Endpoint: "pay", Metric: metric.RPS, Objective: scenarios.Quantity{Value: 220}}
	monthEnd := day(1, 0).AddDate(0, 1, 0)
	tests := []struct {
		name    string
		hotspot scenarios.Hotspot
		runs    []runSample
		want    Status
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

		// Issue 8: a trend needs ≥ 3 runs without caveats on ≥ 2 days.
		{"two runs 19 s apart are no trend yet (they projected 205 s by the due date)",
			p99(0.010, date(2026, 12, 31)), []runSample{runAt(day(2, 10), 0.030), runAt(day(2, 10).Add(19*time.Second), 0.031)}, StatusNoTrend},
		{"two falling runs 9 s apart are no trend yet either (they said on track)",
			p99(0.010, date(2026, 12, 31)), []runSample{runAt(day(2, 10), 0.031), runAt(day(2, 10).Add(9*time.Second), 0.030)}, StatusNoTrend},
		{"three runs on one day are no trend yet",
			p99(0.010, date(2026, 12, 31)), []runSample{runAt(day(2, 9), 0.040), runAt(day(2, 12), 0.035), runAt(day(2, 15), 0.030)}, StatusNoTrend},
		{"three runs on two days make a trend",
			p99(0.010, date(2026, 12, 31)), []runSample{runAt(day(2, 9), 0.040), runAt(day(2, 15), 0.035), runAt(day(3, 9), 0.030)}, StatusOnTrack},
		{"three runs on two days, one of them with caveats, are no trend yet",
			p99(0.010, date(2026, 12, 31)), []runSample{runAt(day(2, 9), 0.040), withCaveat(runAt(day(2, 15), 0.035)), runAt(day(3, 9), 0.030)}, StatusNoTrend},
		{"a run with caveats below the objective does not make it met",
			p99(0.010, scenarios.Date{}), runs(samples(0.040, 0.035), []runSample{withCaveat(runAt(day(20, 10), 0.005))}), StatusNoTrend},
		{"only runs with caveats are no trend yet, whatever their values",
			p99(0.010, scenarios.Date{}), []runSample{withCaveat(runAt(day(2, 10), 0.005)), withCaveat(runAt(day(9, 10), 0.004)), withCaveat(runAt(day(16, 10), 0.003))}, StatusNoTrend},
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

func TestNoTrendSaysWhy(t *testing.T) {
	h := buildHotspot(scenarios.Hotspot{Name: "h", Endpoint: "search", Metric: metric.P99, Objective: scenarios.Quantity{Value: 0.010}},
		0, []runSample{runAt(day(2, 10), 0.030), runAt(day(2, 10).Add(19*time.Second), 0.031)}, nil, day(1, 0).AddDate(0, 1, 0), Options{}.withDefaults())
	if got, want := h.StatusText(), "no trend yet: 2 runs on 1 day: a trend needs ≥ 3 runs on ≥ 2 days"; got != want {
		t.Errorf("status text %q, want %q", got, want)
	}
	if !math.IsNaN(h.Projected) {
		t.Errorf("projected %g from two runs 19 s apart, want none", h.Projected)
	}
	h = buildHotspot(h.Hotspot, 0, []runSample{runAt(day(2, 10), 0.030), withCaveat(runAt(day(3, 10), 0.5)), runAt(day(4, 10), 0.029)},
		nil, day(1, 0).AddDate(0, 1, 0), Options{}.withDefaults())
	if got, want := h.StatusText(), "no trend yet: 2 runs without caveats on 2 days (1 run with caveats left out): a trend needs ≥ 3 runs on ≥ 2 days"; got != want {
		t.Errorf("status text %q, want %q", got, want)
	}
}

func TestABrokenRunIsMarkedAndLeftOutOfTheFit(t *testing.T) {
	p99 := scenarios.Hotspot{Name: "h", Endpoint: "search", Metric: metric.P99, Objective: scenarios.Quantity{Value: 0.010}, Due: date(2026, 12, 31)}
	clean := samples(0.040, 0.035, 0.030, 0.025)
	broken := withCaveat(runAt(day(19, 10), 3.0)) // the generator fell behind: 100 times slower
	monthEnd := day(1, 0).AddDate(0, 1, 0)
	without := buildHotspot(p99, 0, clean, nil, monthEnd, Options{}.withDefaults())
	with := buildHotspot(p99, 0, runs(clean[:3], []runSample{broken}, clean[3:]), nil, monthEnd, Options{}.withDefaults())
	if len(with.Points) != 5 || !with.Points[3].Marked || with.Points[3].LeftOut != 2 || with.Points[3].N != 4 {
		t.Fatalf("points %+v: want five, the fourth marked with 4 valid repetitions and 2 left out", with.Points)
	}
	if with.Status != without.Status || with.Projected != without.Projected || with.TrendRuns != 4 {
		t.Errorf("with the broken run: %s, %g from %d runs; without it: %s, %g: the fit must leave it out",
			with.Status, with.Projected, with.TrendRuns, without.Status, without.Projected)
	}
	if with.Last.Center != 0.025 || with.Best.Center != 0.025 {
		t.Errorf("last %g, best %g: want the runs without caveats' 25 ms", with.Last.Center, with.Best.Center)
	}
}

func TestARunWithoutAValidRepetitionIsNoValue(t *testing.T) {
	none := runAt(day(12, 10), 0.030)
	none.point.Valid, none.point.Caveats, none.hotspot[0].vals = 0, []string{"6 of 6 repetitions invalid, left out"}, nil
	h := buildHotspot(scenarios.Hotspot{Name: "h", Endpoint: "search", Metric: metric.P99, Objective: scenarios.Quantity{Value: 0.010}},
		0, runs(samples(0.040, 0.035), []runSample{none}), nil, day(1, 0).AddDate(0, 1, 0), Options{}.withDefaults())
	if len(h.Points) != 2 || len(h.NoValue) != 1 || h.NoValue[0].Ref != none.point.Ref {
		t.Errorf("points %d and no-value runs %+v: want 2 points and the run without a valid repetition noted", len(h.Points), h.NoValue)
	}
}

func TestErrorRateIsPooledOverValidRepetitions(t *testing.T) {
	// An outage in one repetition of six: 96 of its 200 requests failed.
	// The median of the per-repetition rates is 0; what was lost is 8%.
	r := runAt(day(2, 10), 0)
	r.hotspot[0] = hotspotSample{vals: []float64{0, 0, 0, 0, 0, 0.48}, errors: 96, reqs: 1200}
	h := buildHotspot(scenarios.Hotspot{Name: "h", Endpoint: "pay", Metric: metric.ErrorRate, Objective: scenarios.Quantity{Value: 0.01}},
		0, []runSample{r}, nil, day(1, 0).AddDate(0, 1, 0), Options{}.withDefaults())
	p := h.Points[0]
	if p.Center != 0.08 || !(p.Lo < 0.08 && p.Hi > 0.08 && p.Lo > 0.06 && p.Hi < 0.10) {
		t.Errorf("error rate %g [%g, %g], want the pooled 8%% with its Wilson interval", p.Center, p.Lo, p.Hi)
	}
	if h.Status == StatusMet {
		t.Error("an 8% error rate met a 1% objective")
	}
}

func TestHotspotFirstLastBest(t *testing.T) {
	h := buildHotspot(scenarios.Hotspot{Name: "h", Endpoint: "e", Metric: metric.P99, Objective: scenarios.Quantity{Value: 0.01}},
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
	if got, want := h.Line(), "h: p99 30.0ms → 20.0ms, cannot tell (objective 10.0ms, on track: trend reaches 5.25ms by 2026-11-30)"; got != want {
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

// A warning about the profiles (an idle server's empty CPU profile) weakens
// the profile evidence, not the latency: the run is not marked for it.
func TestProfileWarningsAreNoCaveat(t *testing.T) {
	r := &results.Run{Complete: true, ProfileWarnings: []string{"repetition 3: cpu profile: the profile holds no samples"}}
	if got := runCaveats(r, 0, nil); len(got) != 0 {
		t.Errorf("caveats %q for a profile warning, want none", got)
	}
	r.Warnings = []string{"load generator fell behind on search"}
	if got := runCaveats(r, 0, nil); len(got) != 1 {
		t.Errorf("caveats %q for a measurement warning, want it", got)
	}
}
