package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
)

// writeSummary prints a run summary as an aligned table: every value by
// metric.Format, the latency columns mean, p50, p90, p99, p99.9, any other
// percentile the scenario names, and max.
func writeSummary(w io.Writer, s results.Summary) {
	state := "complete"
	if !s.Complete {
		state = "INCOMPLETE"
	}
	fmt.Fprintf(w, "%s@%s  %d run(s), %s  %s\n", s.Scenario, s.Label, s.Runs, state, s.Path)
	percentiles := summaryPercentiles(s)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
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
	}
	tw.Flush()
	for _, e := range s.Endpoints {
		fmt.Fprintf(w, "  %s: status %s", e.Name, counts(e.Status))
		if len(e.ErrorClasses) > 0 {
			fmt.Fprintf(w, "; errors %s", counts(e.ErrorClasses))
		}
		fmt.Fprintln(w)
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "WARNING: %s\n", warn)
	}
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
	slices.SortStableFunc(names, func(a, b string) int {
		switch {
		case metric.Less(a, b):
			return -1
		case metric.Less(b, a):
			return 1
		}
		return 0
	})
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
