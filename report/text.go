package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
)

// The plain-text renderers for a terminal: a run's summary (show, run),
// the stored runs (ls), and two runs side by side with their profile
// evidence (demo). Every value prints by metric.Format, as in the HTML and
// Markdown reports.

// WriteSummary writes a run summary as an aligned table: every value by
// metric.Format, the latency columns mean, p50, p90, p99, p99.9, any other
// percentile the scenario names, and max; then each endpoint's status
// codes and error classes, and the run's warnings.
func WriteSummary(w io.Writer, s results.Summary) error {
	ew := &errWriter{w: w}
	state := "complete"
	if !s.Complete {
		state = "INCOMPLETE"
	}
	runs := fmt.Sprintf("%d run(s)", s.Runs)
	var invalid []results.RepetitionSummary
	for _, r := range s.Repetitions {
		if !r.Valid {
			invalid = append(invalid, r)
		}
	}
	if len(invalid) > 0 {
		runs = fmt.Sprintf("%d valid run(s) of %d", s.Runs, len(s.Repetitions))
	}
	fmt.Fprintf(ew, "%s@%s  %s, %s  %s\n", s.Scenario, s.Label, runs, state, s.Path)
	for _, r := range invalid {
		// Left out of every number below, and of compare and gate: say why.
		fmt.Fprintf(ew, "  repetition %d left out: %s\n", r.Index, strings.Join(r.Reasons, "; "))
	}
	percentiles := summaryPercentiles(s)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "endpoint\trequests\tthroughput\terrors\tmean\t")
	for _, p := range percentiles {
		fmt.Fprintf(tw, "%s\t", metric.Label(p))
	}
	fmt.Fprintln(tw, "max\tsend lag p99\t")
	for _, e := range s.Endpoints {
		l := e.Latency
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t", e.Name, metric.FormatCount(e.Requests), metric.Format(e.RPS, metric.Rate),
			metric.Format(e.ErrorRate, metric.Fraction), metric.Format(l.Mean, metric.Seconds))
		for _, p := range percentiles {
			v, _ := l.Percentile(p)
			fmt.Fprintf(tw, "%s\t", metric.Format(v, metric.Seconds))
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", metric.Format(l.Max, metric.Seconds), metric.Format(e.SendLag.P99, metric.Seconds))
		writeGroupRows(tw, e, percentiles) // groups.go
	}
	tw.Flush()
	for _, e := range s.Endpoints {
		fmt.Fprintf(ew, "  %s: status %s", e.Name, counts(e.Status))
		if len(e.ErrorClasses) > 0 {
			fmt.Fprintf(ew, "; errors %s", counts(e.ErrorClasses))
		}
		fmt.Fprintln(ew)
		if note := groupNote(e); note != "" {
			fmt.Fprintln(ew, note)
		}
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(ew, "WARNING: %s\n", warn)
	}
	return ew.err
}

// summaryPercentiles are the summary table's percentile columns: p50, p90,
// p99 and p999 (the compare table's), and the others the scenario names,
// by quantile. (The JSON has p75 and p95 always.)
func summaryPercentiles(s results.Summary) []string {
	names := []string{metric.P50, metric.P90, metric.P99, metric.P999}
	for _, name := range s.Percentiles {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.SortStableFunc(names, metric.Compare)
	return names
}

// counts prints a map as "200×19990 500×10", most frequent first.
func counts(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, m[k])
	}
	return strings.Join(parts, " ")
}

// WriteRunList writes stored runs (results.Store.List), one a line in the
// order given: reference, start (local time), repetitions, complete or
// not, git commit (+dirty) and folder.
func WriteRunList(w io.Writer, runs []results.RunInfo) error {
	ew := &errWriter{w: w}
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTARTED\tREPS\tSTATE\tCOMMIT\tFOLDER")
	for _, r := range runs {
		state := "complete"
		if !r.Complete {
			state = "incomplete"
		}
		commit := r.Git.Commit
		if len(commit) > 10 {
			commit = commit[:10]
		}
		if r.Git.Dirty {
			commit += "+dirty"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", r.Ref(), r.Start.Local().Format(time.DateTime),
			r.Repetitions, state, commit, r.Dir)
	}
	tw.Flush()
	return ew.err
}

// errWriter keeps the first error of its writes and then writes nothing
// more, so a renderer checks once, at its end.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
