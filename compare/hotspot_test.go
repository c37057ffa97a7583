package compare

import (
	"strings"
	"testing"

	"github.com/hotbench/hotbench/internal/synth"
	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
)

func TestHotspotVerdicts(t *testing.T) {
	sc := testScenario()
	withoutShares := func(o synth.Options) synth.Options {
		return each(o, func(r *synth.Rep) { r.Shares = nil })
	}
	cases := []struct {
		name       string
		base, cand *results.Run
		verdict    Verdict
		evidence   []string // substrings of Evidence
	}{
		{
			name:     "p99 falls and the function's share shrinks: improved",
			base:     synthRun(sc, "before", 10, noisy(10, 0.050, 0.41)),
			cand:     synthRun(sc, "after", 10, noisy(11, 0.012, 0.03)),
			verdict:  VerdictImproved,
			evidence: []string{"p99 ", "ms → ", "n=10+10", stepsFor + " 40.5%", "% of CPU", "confirmed by the profile"},
		},
		{
			name:     "p99 falls and the share holds: still improved",
			base:     synthRun(sc, "before", 10, noisy(12, 0.050, 0.41)),
			cand:     synthRun(sc, "after", 10, noisy(12, 0.012, 0.41)),
			verdict:  VerdictImproved,
			evidence: []string{"p99 "},
		},
		{
			name:     "p99 rises: regressed",
			base:     synthRun(sc, "before", 10, noisy(13, 0.050, 0.41)),
			cand:     synthRun(sc, "after", 10, noisy(13, 0.080, 0.41)),
			verdict:  VerdictRegressed,
			evidence: []string{"(+", "%, p="},
		},
		{
			name:     "p99 rises and profiles are missing: still regressed, noted",
			base:     synthRun(sc, "before", 10, withoutShares(noisy(14, 0.050, 0.41))),
			cand:     synthRun(sc, "after", 10, withoutShares(noisy(14, 0.080, 0.41))),
			verdict:  VerdictRegressed,
			evidence: []string{"missing CPU profiles for " + stepsFor + " to say where"},
		},
		{
			name:     "identical samples: no significant change",
			base:     synthRun(sc, "before", 10, noisy(15, 0.050, 0.41)),
			cand:     synthRun(sc, "after", 10, noisy(15, 0.050, 0.41)),
			verdict:  VerdictNoChange,
			evidence: []string{"(~, p=1"},
		},
		{
			name:     "3+3 runs: inconclusive, too few runs",
			base:     synthRun(sc, "before", 3, noisy(16, 0.050, 0.41)),
			cand:     synthRun(sc, "after", 3, noisy(17, 0.012, 0.03)),
			verdict:  VerdictInconclusive,
			evidence: []string{"too few runs", "need ≥4 runs a side, 10 recommended; have 3+3"},
		},
		{
			name:     "p99 falls but the candidate has no profiles: inconclusive, missing profiles",
			base:     synthRun(sc, "before", 10, noisy(18, 0.050, 0.41)),
			cand:     synthRun(sc, "after", 10, withoutShares(noisy(19, 0.012, 0.03))),
			verdict:  VerdictInconclusive,
			evidence: []string{"no CPU profile in the candidate", "missing CPU profiles"},
		},
		{
			name:     "no side has profiles: inconclusive, missing profiles",
			base:     synthRun(sc, "before", 10, withoutShares(noisy(20, 0.050, 0.41))),
			cand:     synthRun(sc, "after", 10, withoutShares(noisy(21, 0.012, 0.03))),
			verdict:  VerdictInconclusive,
			evidence: []string{"no CPU profile in the base and candidate"},
		},
		{
			name:     "p99 rises while the share shrinks: inconclusive, metric and profile disagree",
			base:     synthRun(sc, "before", 10, noisy(22, 0.050, 0.41)),
			cand:     synthRun(sc, "after", 10, noisy(22, 0.080, 0.10)),
			verdict:  VerdictInconclusive,
			evidence: []string{"regressed but " + stepsFor + " shrank", "disagree"},
		},
		{
			name:     "p99 falls while the share grows: inconclusive, metric and profile disagree",
			base:     synthRun(sc, "before", 10, noisy(23, 0.050, 0.20)),
			cand:     synthRun(sc, "after", 10, noisy(23, 0.012, 0.60)),
			verdict:  VerdictInconclusive,
			evidence: []string{"improved but " + stepsFor + " grew"},
		},
		{
			name:     "p99 holds while the share moves: inconclusive, metric and profile disagree",
			base:     synthRun(sc, "before", 10, noisy(24, 0.050, 0.41)),
			cand:     synthRun(sc, "after", 10, noisy(24, 0.050, 0.20)),
			verdict:  VerdictInconclusive,
			evidence: []string{"did not change significantly but " + stepsFor + " did"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compare([]*results.Run{tc.base}, []*results.Run{tc.cand}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Hotspots) != 1 {
				t.Fatalf("%d hotspot verdicts, want 1", len(c.Hotspots))
			}
			h := c.Hotspots[0]
			if h.Verdict != tc.verdict {
				t.Errorf("verdict %q, want %q\nevidence: %s", h.Verdict, tc.verdict, h.Evidence)
			}
			for _, want := range tc.evidence {
				if !strings.Contains(h.Evidence, want) {
					t.Errorf("evidence lacks %q: %s", want, h.Evidence)
				}
			}
			if h.Name != "search-steps-n-plus-one" || h.Endpoint != "search" || h.Metric != metric.P99 || h.Objective.Text != "150ms" {
				t.Errorf("hotspot identity %+v", h)
			}
			if len(h.Functions) != 1 || h.Functions[0].Name != stepsFor || h.Functions[0].Kind != "cpu" {
				t.Errorf("functions %+v, want the declared one, kind cpu", h.Functions)
			}
		})
	}
}

func TestHotspotWithoutMeasuredMetricIsInconclusive(t *testing.T) {
	sc := testScenario()
	sc.Hotspots[0].Metric = metric.CPUPerReq // no server statistics in these runs
	c, err := Compare(
		[]*results.Run{synthRun(sc, "before", 10, noisy(30, 0.050, 0.41))},
		[]*results.Run{synthRun(sc, "after", 10, noisy(31, 0.012, 0.03))}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h := c.Hotspots[0]; h.Verdict != VerdictInconclusive || !strings.Contains(h.Reason, "no cpu_per_req values") {
		t.Errorf("verdict %q (%s), want inconclusive for a metric without values", h.Verdict, h.Reason)
	}
}

func TestObjectiveMet(t *testing.T) {
	sc := testScenario()
	c, err := Compare(
		[]*results.Run{synthRun(sc, "before", 10, noisy(32, 0.300, 0.41))},
		[]*results.Run{synthRun(sc, "after", 10, noisy(33, 0.100, 0.03))}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := c.Hotspots[0]
	if h.ObjectiveMet == nil || !*h.ObjectiveMet {
		t.Errorf("p99 ≈ 100ms against an objective of 150ms: ObjectiveMet = %v, want true", h.ObjectiveMet)
	}
}
