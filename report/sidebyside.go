package report

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

// WriteSideBySide writes two summaries of the same scenario next to each
// other, endpoint by endpoint (those of before that after has too): p50,
// p99, max, throughput and error rate from each side's merged histograms,
// and the relative change.
func WriteSideBySide(w io.Writer, before, after results.Summary) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "%s: %s (%d runs) vs %s (%d runs)\n", before.Scenario, before.Label, before.Runs, after.Label, after.Runs)
	fmt.Fprintln(ew, "(each value from the histogram of all valid repetitions merged; the comparison below uses the median of per-repetition values)")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "endpoint\tmetric\t%s\t%s\tchange\t\n", before.Label, after.Label)
	afterRows := withGroups(after.Endpoints) // groups.go
	for _, b := range withGroups(before.Endpoints) {
		var af *results.EndpointSummary
		for i := range afterRows {
			if afterRows[i].Name == b.Name {
				af = &afterRows[i]
			}
		}
		if af == nil {
			continue
		}
		rows := []struct {
			name string
			b, a float64
		}{
			{metric.P50, b.Latency.P50, af.Latency.P50},
			{metric.P99, b.Latency.P99, af.Latency.P99},
			{metric.Max, b.Latency.Max, af.Latency.Max},
			{metric.RPS, b.RPS, af.RPS},
			{metric.ErrorRate, b.ErrorRate, af.ErrorRate},
		}
		for i, r := range rows {
			name := ""
			if i == 0 {
				name = b.Name
			}
			change := ""
			if r.b > 0 {
				change = metric.Format(r.a/r.b-1, metric.Delta)
			}
			m, _ := metric.Lookup(r.name)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", name, m.Label, m.Format(r.b), m.Format(r.a), change)
		}
	}
	tw.Flush()
	return ew.err
}

// evidenceTop is how deep into the top functions by cumulative share
// (`hotbench profile top --cum`) WriteProfileEvidence looks for a hotspot
// function.
const evidenceTop = 20

// WriteProfileEvidence writes where each hotspot function of before's
// scenario ranks in the top functions (by cumulative share) of before's
// and after's merged profiles, in each profile kind that shows shares
// (metric.ShareKinds) and both runs have: a planted hotspot near the top
// before its fix, out of the top after.
func WriteProfileEvidence(w io.Writer, before, after *results.Run) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "\nprofile evidence (hotbench profile top --cum -n %d, repetitions merged):\n", evidenceTop)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  hotspot\tprofile\tfunction\t%s\t%s\n", before.Label, after.Label)
	rows := 0
	for _, h := range before.Scenario.Hotspots {
		for _, fn := range h.Functions {
			re, err := scenarios.FunctionPattern(fn)
			if err != nil {
				continue
			}
			for _, kind := range metric.ShareKinds {
				b, okB := rankIn(before, kind, re)
				a, okA := rankIn(after, kind, re)
				if !okB || !okA {
					continue
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", h.Name, kind, fn, b, a)
				rows++
			}
		}
	}
	tw.Flush()
	if rows == 0 {
		fmt.Fprintln(ew, "  no profiles were captured (see the warnings above)")
	}
	return ew.err
}

// rankIn returns "#3 of top 20, 41.2% cum" or "not in top 20 (0.4%)" for the
// first function matching re in a run's merged profile of one kind; ok is
// false when the run has no such profile, or it cannot be read.
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
