package sequential

import (
	"math"
	"strings"
	"testing"
)

func TestDecisionRules(t *testing.T) {
	const level = 0.018
	// est is an estimate on the log scale with this ratio, interval and p.
	est := func(ratio, lo, hi, p float64) Estimate {
		return Estimate{Scale: Log, N: 5, Diff: math.Log(ratio), Ratio: ratio, Lo: lo, Hi: hi, P: p}
	}
	lower := func(a float64) Criterion { return Criterion{Metric: "p99", Allowance: a} }
	higher := func(a float64) Criterion { return Criterion{Metric: "rps", Allowance: a, HigherIsBetter: true} }
	for _, tc := range []struct {
		name string
		c    Criterion
		e    Estimate
		want Decision
	}{
		{"+21% at p=0.0004 with a 10% allowance regressed", lower(0.10), est(1.21, 1.15, 1.28, 0.0004), Regressed},
		{"+5% at p=0.0004 with a 10% allowance is within it", lower(0.10), est(1.05, 1.02, 1.08, 0.0004), WithinAllowance},
		{"+5% at p=0.0004 with no allowance regressed", lower(0), est(1.05, 1.02, 1.08, 0.0004), Regressed},
		{"-20% at p=0.0004 improved", lower(0.10), est(0.8, 0.75, 0.85, 0.0004), Improved},
		{"-2% at p=0.0004, inside the band, is still improved", lower(0.10), est(0.98, 0.97, 0.99, 0.0004), Improved},
		{"p equal to the level is significant", lower(0), est(1.05, 1.0001, 1.1, level), Regressed},
		{"p above the level, interval inside ±10%: equivalent", lower(0.10), est(1.01, 0.95, 1.06, 0.3), Equivalent},
		{"the band's lower edge is 1/1.1, not 0.9", lower(0.10), est(1.0, 1/1.1, 1.05, 0.5), Equivalent},
		{"an interval below 1/1.1 is not equivalent", lower(0.10), est(1.0, 0.905, 1.05, 0.5), Undecided},
		{"an interval reaching past +10% is undecided", lower(0.10), est(1.02, 0.95, 1.12, 0.3), Undecided},
		{"no allowance is never equivalent", lower(0), est(1.0, 0.999, 1.001, 0.9), Undecided},
		{"rps -15% with a 10% allowance regressed", higher(0.10), est(0.85, 0.8, 0.9, 0.001), Regressed},
		{"rps -5% with a 10% allowance is within it", higher(0.10), est(0.95, 0.93, 0.97, 0.001), WithinAllowance},
		{"rps +20% improved", higher(0.10), est(1.2, 1.1, 1.3, 0.001), Improved},
		{"rps within [0.9, 1/0.9] is equivalent", higher(0.10), est(1.0, 0.92, 1.11, 0.5), Equivalent},
		{"from a base of 0, any significant rise is beyond the allowance", lower(0.10),
			Estimate{Scale: Absolute, N: 5, Diff: 0.01, Ratio: math.Inf(1), Lo: math.NaN(), Hi: math.NaN(), P: 0.001}, Regressed},
		{"from a base of 0, no significant rise is undecided, never equivalent", lower(0.10),
			Estimate{Scale: Absolute, N: 5, Diff: 0.01, Ratio: math.Inf(1), Lo: math.NaN(), Hi: math.NaN(), P: 0.2}, Undecided},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := decide(tc.c, tc.e, level); got != tc.want {
				t.Errorf("%v, want %v", got, tc.want)
			}
		})
	}
}

func TestVerdictSentences(t *testing.T) {
	d, err := NewDesign(0.05, 5, 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		c      Criterion
		blocks []Block
		want   string
	}{
		// Checked by hand: d = 0.2 ± 0.0158 over 5 blocks, t = 28.3,
		// df 4, p = 1 − sin θ (1 + cos²θ / 2) with tan θ = t/2.
		{"a regression beyond the allowance", Criterion{Metric: "p99", Allowance: 0.10},
			logBlocks(0.2, 0.18, 0.22, 0.19, 0.21),
			"p99 +22.1% [+18.8%, +25.5%], p=9.3e-06 ≤ 0.018 at look 1 of 4 (5 blocks): regressed beyond the 10% allowance"},
		{"a regression with no allowance", Criterion{Metric: "cpu_per_req"},
			logBlocks(0.05, 0.03, 0.07, 0.04, 0.06),
			"cpu_per_req +5.13% [+2.28%, +8.05%], p=0.0021 ≤ 0.018 at look 1 of 4 (5 blocks): regressed"},
		{"a worsening inside the allowance", Criterion{Metric: "p50", Allowance: 0.10},
			logBlocks(0.05, 0.03, 0.07, 0.04, 0.06),
			"p50 +5.13% [+2.28%, +8.05%], p=0.0021 ≤ 0.018 at look 1 of 4 (5 blocks): worse, within the 10% allowance"},
		{"an improvement", Criterion{Metric: "p99", Allowance: 0.10},
			logBlocks(-0.5, -0.4, -0.6, -0.45, -0.55),
			"p99 -39.3% [-47.1%, -30.4%], p=0.00015 ≤ 0.018 at look 1 of 4 (5 blocks): improved"},
		{"an equivalence", Criterion{Metric: "rss_peak", Allowance: 0.05},
			logBlocks(0.01, -0.01, 0.005, -0.005, 0, 0.01, -0.01, 0.005, -0.005, 0),
			"rss_peak 0% [-0.695%, +0.700%], p=1 > 0.016 at look 2 of 4 (10 blocks): equivalent within the 5% allowance"},
		{"undecided before the last look", Criterion{Metric: "p99", Allowance: 0.10},
			logBlocks(0.1, -0.1, 0.2, 0, 0.05),
			"p99 +5.13% [-13.4%, +27.6%], p=0.37 > 0.018 at look 1 of 4 (5 blocks): undecided, more blocks needed"},
		{"undecided at the last look", Criterion{Metric: "p99", Allowance: 0.10},
			logBlocks(0.1, -0.1, 0.2, 0, 0.05, 0.1, -0.1, 0.2, 0, 0.05, 0.1, -0.1, 0.2, 0, 0.05, 0.1, -0.1, 0.2, 0, 0.05),
			"p99 +5.13% [-1.01%, +11.6%], p=0.042 > 0.017 at look 4 of 4 (20 blocks): undecided at the last look: no significant change, equivalence not shown"},
		{"an error rate from a base of 0", Criterion{Metric: "error_rate"},
			[]Block{{A: []float64{0, 0}, B: []float64{0.01, 0.02}}, {A: []float64{0, 0}, B: []float64{0.02, 0.01}},
				{A: []float64{0, 0}, B: []float64{0.01, 0.01}}, {A: []float64{0, 0}, B: []float64{0.02, 0.02}},
				{A: []float64{0, 0}, B: []float64{0.015, 0.015}}},
			"error_rate +0.0150 [+0.00887, +0.0211] from a base of 0, p=0.00069 ≤ 0.018 at look 1 of 4 (5 blocks): regressed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := d.Decide(tc.c, tc.blocks)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.String(); got != tc.want {
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestDecideRefusesWhatItCannotJudge(t *testing.T) {
	d, _ := NewDesign(0.05, 5, 20)
	if _, err := d.Decide(Criterion{Metric: "p99"}, logBlocks(0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.3)); err == nil ||
		!strings.Contains(err.Error(), "7 blocks is not a planned look (looks at [5 10 15 20] blocks)") {
		t.Errorf("7 blocks: %v", err)
	}
	for _, a := range []float64{-0.1, math.NaN(), math.Inf(1)} {
		if _, err := d.Decide(Criterion{Metric: "p99", Allowance: a}, logBlocks(0.1, 0.2, 0.1, 0.2, 0.1)); err == nil ||
			!strings.Contains(err.Error(), "p99's allowance") {
			t.Errorf("allowance %g: %v", a, err)
		}
	}
}

func TestDecisionNames(t *testing.T) {
	for d, want := range map[Decision]string{
		Undecided: "undecided", Regressed: "regressed", Improved: "improved",
		WithinAllowance: "within allowance", Equivalent: "equivalent", Decision(9): "Decision(9)",
	} {
		if d.String() != want {
			t.Errorf("%d prints %q, want %q", int(d), d.String(), want)
		}
		if d.Decided() != (d != Undecided) {
			t.Errorf("%v decided: %v", d, d.Decided())
		}
	}
}
