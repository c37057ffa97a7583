package ab

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hotbench/hotbench/metric"
)

// WriteCalibration prints what calibrate measured: per metric its noise,
// the gate's minimum detectable effect at MDERuns, and the gate's
// false-alarm rate, then what to set.
func WriteCalibration(w io.Writer, r *Result, c *Calibration) error {
	var b strings.Builder
	valid := func(n int) string { return plural(n, "valid repetition", "valid repetitions") }
	na, _ := r.Base.ValidRepetitions()
	nb, _ := r.Candidate.ValidRepetitions()
	fmt.Fprintf(&b, "calibrate %s: A/A, %s of one build (%s) as two server processes, seed %d; %s and %s\n\n",
		r.Base.Scenario.Name, plural(r.Blocks, "block", "blocks"), sideName(r.Base), r.Seed, valid(len(na)), valid(len(nb)))
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	head := []string{"endpoint", "metric", "mean", "cv", "between runs", "drift"}
	for _, runs := range MDERuns {
		head = append(head, fmt.Sprintf("MDE@%d", runs))
	}
	head = append(head, "allowed")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, n := range c.Noise {
		m, _ := metric.Parse(n.Metric)
		cols := []string{n.Endpoint, n.Metric, m.Format(n.Mean), pct(n.CV), pct(n.BetweenRuns), signedPct(n.Drift)}
		for _, runs := range MDERuns {
			cols = append(cols, mdeText(n.MDE[runs]))
		}
		allowed := "not gated"
		if n.Allowance != nil {
			allowed = n.Allowance.String()
		}
		cols = append(cols, allowed)
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\nMDE@N: the smallest regression the gate (benchstat's U test at alpha/%d, Holm's first step over %s) detects in 80%% of simulated pairs of N repetitions a side drawn from these A/A values.\n",
		max(c.Gated, 1), plural(c.Gated, "gated row", "gated rows"))
	fmt.Fprintf(&b, "between runs: the share of the variance between the two server processes, which more repetitions of one run do not average away.\n")
	fmt.Fprintf(&b, "drift: the change from the session's first repetition to its last (%s), along a line fitted to the log values.\n",
		r.Candidate.End.Sub(r.Base.Start).Round(time.Second))
	if c.Gated > 0 {
		fmt.Fprintf(&b, "false-alarm rate of the current gate at runs: %d: %s of %d resampled A/A pairs failed on a regression (error-rate rows, tested on counts, not resampled)\n",
			c.Runs, pct(c.FalseAlarm), c.Trials)
	}
	if r.Gate.Pass {
		fmt.Fprintf(&b, "this session's own A/A decision: pass (%s)\n", r.Stopped)
	} else {
		fmt.Fprintf(&b, "this session's own A/A decision: %s (%s)\n", gateWord(r.Gate), r.Stopped)
	}
	if len(c.Blind) > 0 {
		fmt.Fprintf(&b, "blind today at runs: %d: %s (their MDE exceeds the allowance)\n", c.Runs, strings.Join(c.Blind, ", "))
	}
	rec := fmt.Sprintf("runs: %d", c.RecommendedRuns)
	keys := make([]string, 0, len(c.RecommendedMaxRegression))
	for k := range c.RecommendedMaxRegression {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rec += fmt.Sprintf(", gate.max_regression.%s: %s", k, c.RecommendedMaxRegression[k])
	}
	fmt.Fprintf(&b, "recommended: %s (hotbench calibrate --write sets them and records this calibration in the scenario)\n", rec)
	_, err := io.WriteString(w, b.String())
	return err
}

func pct(f float64) string { return metric.Format(f, metric.Fraction) }

func signedPct(f float64) string {
	if f >= 0 {
		return "+" + pct(f)
	}
	return "-" + pct(-f)
}

func mdeText(f float64) string {
	if math.IsNaN(f) {
		return ">200%"
	}
	return fmt.Sprintf("%.1f%%", f*100)
}
