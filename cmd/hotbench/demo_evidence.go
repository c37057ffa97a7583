package main

import (
	"fmt"
	"io"
	"regexp"
	"text/tabwriter"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/profiles"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// evidenceTop is how deep into `profile top -cum` the demo looks for a
// hotspot function.
const evidenceTop = 20

// writeProfileEvidence shows where each hotspot function ranks in the top
// functions (by cumulative share) of the unfixed and the fixed run, in the
// profile kind that shows it: the planted hotspot near the top before, out
// of the top after.
func writeProfileEvidence(w io.Writer, unfixed, fixed *results.Run) {
	fmt.Fprintf(w, "\nprofile evidence (hotbench profile top --cum -n %d, repetitions merged):\n", evidenceTop)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  hotspot\tprofile\tfunction\t%s\t%s\n", unfixed.Label, fixed.Label)
	rows := 0
	for _, h := range unfixed.Scenario.Hotspots {
		for _, fn := range h.Functions {
			re, err := scenarios.FunctionPattern(fn)
			if err != nil {
				continue
			}
			for _, kind := range metric.ShareKinds {
				before, okB := rankIn(unfixed, kind, re)
				after, okA := rankIn(fixed, kind, re)
				if !okB || !okA {
					continue
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", h.Name, kind, fn, before, after)
				rows++
			}
		}
	}
	tw.Flush()
	if rows == 0 {
		fmt.Fprintln(w, "  no profiles were captured (see the warnings above)")
	}
}

// rankIn returns "#3 of top 20, 41.2% cum" or "not in top 20 (0.4%)" for the
// first function matching re in a run's merged profile of one kind; ok is
// false when the run has no such profile.
func rankIn(r *results.Run, kind string, re *regexp.Regexp) (string, bool) {
	files, names := r.ProfileFiles(kind)
	if len(files) == 0 {
		return "", false
	}
	merged, _, err := profiles.LoadMerged(files, names)
	if err != nil {
		return "", false
	}
	idx, err := profiles.SampleIndex(merged, kind)
	if err != nil {
		return "", false
	}
	for i, f := range profiles.TopCum(merged, idx, evidenceTop) {
		if re.MatchString(f.Name) {
			return fmt.Sprintf("#%d of top %d, %s cum", i+1, evidenceTop, metric.Format(f.Cum, metric.Fraction)), true
		}
	}
	return fmt.Sprintf("not in top %d (%s)", evidenceTop, metric.Format(profiles.Share(merged, re, idx), metric.Fraction)), true
}
