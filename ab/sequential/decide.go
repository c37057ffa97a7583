package sequential

import (
	"fmt"
	"github.com/hotbench/hotbench/metric"
	"math"
	"strconv"
)

// A Decision is what a look concluded about one metric.
type Decision int

const (
	// Undecided: neither a significant change nor equivalence; at the last
	// look, the session ends without a verdict on this metric.
	Undecided Decision = iota
	// Regressed: significantly worse, and the estimate beyond the
	// allowance (any significant worsening when the allowance is 0).
	Regressed
	// Improved: significantly better.
	Improved
	// WithinAllowance: significantly worse, but the estimate inside the
	// allowance. Decided, and not a failure.
	WithinAllowance
	// Equivalent: the confidence interval lies inside the allowance on
	// both sides. Never with an allowance of 0.
	Equivalent
)

func (d Decision) String() string {
	switch d {
	case Undecided:
		return "undecided"
	case Regressed:
		return "regressed"
	case Improved:
		return "improved"
	case WithinAllowance:
		return "within allowance"
	case Equivalent:
		return "equivalent"
	}
	return fmt.Sprintf("Decision(%d)", int(d))
}

// Decided says whether the metric needs no more blocks.
func (d Decision) Decided() bool { return d != Undecided }

// A Criterion is how one metric is judged.
type Criterion struct {
	// Metric names the metric in sentences ("p99").
	Metric string
	// Allowance is the relative worsening tolerated, 0.10 for 10 %; 0
	// makes any significant worsening a regression.
	Allowance float64
	// HigherIsBetter is set for metrics such as rps; lower is better
	// otherwise.
	HigherIsBetter bool
}

// worstTolerated is the ratio candidate/base at the edge of the allowance
// on the worse side: 1 + a when lower is better, 1 − a when higher is (a
// 10 % allowance on rps tolerates a 10 % drop, as compare's gate does).
func (c Criterion) worstTolerated() float64 {
	if c.HigherIsBetter {
		return 1 - c.Allowance
	}
	return 1 + c.Allowance
}

// band is the interval of ratios that count as equivalent: the allowance
// on the worse side and its reciprocal on the better side, [1/(1+a), 1+a]
// when lower is better.
func (c Criterion) band() (lo, hi float64) {
	w := c.worstTolerated()
	if c.HigherIsBetter {
		if w <= 0 {
			return 0, math.Inf(1)
		}
		return w, 1 / w
	}
	return 1 / w, w
}

// A Verdict is one metric's decision at one look.
type Verdict struct {
	Criterion
	Estimate
	// Look is the 1-based index of the look, of Looks; Blocks the number
	// of blocks it saw.
	Look, Looks, Blocks int
	// Level is the look's nominal level: the estimate's interval is at
	// confidence 1 − Level, and P ≤ Level is significant.
	Level    float64
	Decision Decision
}

// Decide judges a metric at the look planned at len(blocks) blocks: the
// blocked t-test, its p-value against the look's level, and its interval
// at confidence 1 − level against the allowance. A significant worsening
// beyond the allowance is Regressed (any, when the allowance is 0), one
// within it WithinAllowance, a significant change the better way Improved;
// otherwise an interval inside the allowance on both sides is Equivalent.
// It is an error to decide at a number of blocks that is not a planned
// look, or with a negative allowance.
func (d Design) Decide(c Criterion, blocks []Block) (Verdict, error) {
	k, ok := d.Look(len(blocks))
	if !ok {
		return Verdict{}, fmt.Errorf("sequential: %d blocks is not a planned look (looks at %v blocks): decide only at those", len(blocks), d.looks)
	}
	if !(c.Allowance >= 0) || math.IsInf(c.Allowance, 0) {
		return Verdict{}, fmt.Errorf("sequential: %s's allowance %g is not a relative change ≥ 0: give it as a fraction, such as 0.10 for 10%%", c.Metric, c.Allowance)
	}
	level := d.Level(k)
	v := Verdict{Criterion: c, Estimate: Test(blocks, 1-level), Look: k, Looks: len(d.looks), Blocks: len(blocks), Level: level}
	v.Decision = decide(c, v.Estimate, level)
	return v, nil
}

func decide(c Criterion, e Estimate, level float64) Decision {
	if e.P <= level && e.Diff != 0 {
		worse := (e.Diff > 0) != c.HigherIsBetter
		switch {
		case !worse:
			return Improved
		case c.Allowance == 0:
			return Regressed
		case c.HigherIsBetter && e.Ratio < c.worstTolerated(),
			!c.HigherIsBetter && e.Ratio > c.worstTolerated():
			return Regressed
		}
		return WithinAllowance
	}
	if lo, hi := c.band(); c.Allowance > 0 && e.Lo >= lo && e.Hi <= hi {
		return Equivalent
	}
	return Undecided
}

// String is the verdict in one line: "p99 +21.4% [+15.2%, +28.0%],
// p=0.00042 ≤ 0.018 at look 1 of 4 (5 blocks): regressed beyond the 10%
// allowance".
func (v Verdict) String() string {
	rel := "≤"
	if !(v.P <= v.Level) {
		rel = ">"
	}
	return fmt.Sprintf("%s %s, p=%s %s %s at look %d of %d (%d blocks): %s",
		v.Metric, v.interval(), formatP(v.P), rel, formatP(v.Level), v.Look, v.Looks, v.Blocks, v.conclusion())
}

// interval writes the estimate and its interval: relative changes, or
// absolute differences against a base of 0.
func (v Verdict) interval() string {
	if v.Scale == Absolute {
		return fmt.Sprintf("%s [%s, %s] from a base of 0", formatSigned(v.Diff), formatSigned(v.DiffLo), formatSigned(v.DiffHi))
	}
	return fmt.Sprintf("%s [%s, %s]", formatDelta(v.Ratio-1), formatDelta(v.Lo-1), formatDelta(v.Hi-1))
}

func (v Verdict) conclusion() string {
	allow := formatPercent(v.Allowance)
	switch v.Decision {
	case Regressed:
		if v.Allowance == 0 {
			return "regressed"
		}
		return "regressed beyond the " + allow + " allowance"
	case Improved:
		return "improved"
	case WithinAllowance:
		return "worse, within the " + allow + " allowance"
	case Equivalent:
		return "equivalent within the " + allow + " allowance"
	}
	if v.Look < v.Looks {
		return "undecided, more blocks needed"
	}
	if v.Allowance == 0 {
		return "no significant change by the last look"
	}
	return "undecided at the last look: no significant change, equivalence not shown"
}

// formatDelta writes a relative change by the metric package's rule
// (three significant digits, signed): 0.214 → "+21.4%".
func formatDelta(d float64) string { return metric.Format(d, metric.Delta) }

// formatSigned writes a signed number with three significant digits, by
// the same rule without a unit.
func formatSigned(x float64) string {
	if x > 0 && !math.IsInf(x, 1) {
		return "+" + metric.Format(x, 0)
	}
	return metric.Format(x, 0)
}

// formatPercent writes an allowance: 0.1 → "10%", 0.025 → "2.5%".
func formatPercent(a float64) string {
	return strconv.FormatFloat(a*100, 'g', 3, 64) + "%"
}

// formatP writes a p-value or level with two significant digits, as
// compare does: "0.00042", "0.31".
func formatP(p float64) string {
	if math.IsNaN(p) {
		return "n/a"
	}
	return strconv.FormatFloat(p, 'g', 2, 64)
}
