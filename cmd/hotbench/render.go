package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// writeSummary prints a run summary as an aligned table.
func writeSummary(w io.Writer, s results.Summary) {
	state := "complete"
	if !s.Complete {
		state = "INCOMPLETE"
	}
	fmt.Fprintf(w, "%s@%s  %d run(s), %s  %s\n", s.Scenario, s.Label, s.Runs, state, s.Path)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\trequests\treq/s\terrors\tmean\tp50\tp90\tp99\tp99.9\tmax\tsend lag p99\t")
	for _, e := range s.Endpoints {
		l := e.Latency
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", e.Name, e.Requests, e.RPS,
			percent(e.ErrorRate), seconds(l.Mean), seconds(l.P50), seconds(l.P90), seconds(l.P99),
			seconds(l.P999), seconds(l.Max), seconds(e.SendLag.P99))
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

// seconds prints a latency in seconds for tables.
var seconds = scenarios.FormatSeconds

func percent(f float64) string {
	switch {
	case f == 0:
		return "0%"
	case f >= 0.1:
		return fmt.Sprintf("%.0f%%", f*100)
	case f >= 0.001:
		return fmt.Sprintf("%.1f%%", f*100)
	}
	return fmt.Sprintf("%.2g%%", f*100)
}
