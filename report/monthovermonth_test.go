package report

import (
	"context"
	"strings"
	"testing"
)

// A hotspot's movement since last month, from its two statuses.
func TestMovement(t *testing.T) {
	tests := []struct {
		name      string
		then, now Status
		declared  bool
		want      Movement
		why       string
	}{
		{"met now and not last month: closed", StatusOffTrack, StatusMet, true, MovedClosed, "not met in October 2026 (off track)"},
		{"new and met at once: closed", "", StatusMet, false, MovedClosed, "new this month, met at once"},
		{"met both months: still met", StatusMet, StatusMet, true, MovedStillMet, ""},
		{"new and not met: opened", "", StatusOnTrack, false, MovedOpened, "new this month"},
		{"met last month, not now: reopened", StatusMet, StatusOnTrack, true, MovedOpened, "reopened: met in October 2026"},
		{"on track then, off track now: opened", StatusOnTrack, StatusOffTrack, true, MovedOpened, "newly off track (on track in October 2026)"},
		{"declared but unmeasured last month: opened", StatusNoData, StatusNoTrend, true, MovedOpened, "first measured this month"},
		{"off track both months: still open", StatusOffTrack, StatusOffTrack, true, MovedStillOpen, "not met in October 2026 either (off track)"},
		{"off track then, on track now: still open", StatusOffTrack, StatusOnTrack, true, MovedStillOpen, "not met in October 2026 either (off track)"},
		{"no value this month: not measured", StatusMet, StatusNoData, true, MovedNotMeasured, "no value this month"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := movement(tt.then, tt.now, tt.declared, "October 2026")
			if got != tt.want || why != tt.why {
				t.Errorf("movement(%q, %q) = %q, %q; want %q, %q", tt.then, tt.now, got, why, tt.want, tt.why)
			}
		})
	}
}

func TestMonthOverMonth(t *testing.T) {
	m, err := BuildMonth(context.Background(), monthFixture(t), day(1, 0), quick)
	if err != nil {
		t.Fatal(err)
	}
	mm := m.Previous
	if mm == nil || mm.Runs != 3 || mm.From.Month() != 10 {
		t.Fatalf("the month before is not October's 3 runs: %+v", mm)
	}
	got := map[string]HotspotMove{}
	for _, h := range mm.Hotspots {
		got[h.Name] = h
	}
	for name, want := range map[string]Movement{
		"search-regexp":       MovedClosed, // 87.5 ms in October, 3 ms now against 10 ms
		"pay-throughput":      MovedOpened, // met in October, on track now
		"steps-n-plus-one":    MovedOpened, // no trend yet in October, off track now
		"suggest-prefix-scan": MovedOpened, // new this month
	} {
		if got[name].Movement != want {
			t.Errorf("%s moved %q (%s), want %q", name, got[name].Movement, got[name].Why, want)
		}
	}
	// October's last run without caveats against November's, by compare.
	if h := got["search-regexp"]; !h.HasThen || !h.HasNow || h.Change != ChangeImproved || h.RelativeChange > -0.9 {
		t.Errorf("search-regexp since October: %s, %s; want a significant improvement of over 90%%", h.ValuesText(), h.Change)
	}
	if h := got["pay-throughput"]; h.Change != ChangeUnknown {
		t.Errorf("pay's throughput is an input of the open model: %s, want %q", h.Change, ChangeUnknown)
	}
	if h := got["suggest-prefix-scan"]; h.HasThen || h.Change != ChangeUnknown {
		t.Errorf("suggest has no October run, yet: %+v", h)
	}
	if imp := mm.Improvements(); len(imp) != 2 || imp[0].Name != "search-regexp" {
		t.Errorf("the biggest improvement is not search-regexp's: %+v", imp)
	}
	minutes := strings.Join(m.Minutes(), "\n")
	for _, want := range []string{
		"Objectives met: 1 of 4 (search-regexp [PERF-12]).",
		"Closed since October 2026: search-regexp [PERF-12].",
		"steps-n-plus-one [PERF-19] — newly off track",
		"Biggest improvements since October 2026: search-regexp p99 87.5ms → 3.02ms (-96.5%) [PERF-12]",
	} {
		if !strings.Contains(minutes, want) {
			t.Errorf("the minutes lack %q:\n%s", want, minutes)
		}
	}
}

// A month without a month before still reports, and says so.
func TestMonthOverMonthWithoutLastMonth(t *testing.T) {
	m, err := BuildMonth(context.Background(), monthFixture(t), day(1, 0).AddDate(0, -2, 0), quick)
	if err != nil {
		t.Fatal(err)
	}
	if m.Previous == nil || len(m.Previous.Hotspots) != 0 || m.Previous.Runs != 0 {
		t.Errorf("September has nothing to compare with August: %+v", m.Previous)
	}
}
