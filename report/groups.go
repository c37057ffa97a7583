package report

import (
	"fmt"
	"io"

	"github.com/hotbench/hotbench/metric"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// writeGroupRows writes an endpoint's groups (group_by) under its row of
// the summary table, each named as compare and hotspots name it,
// "manual[size=large]": requests, throughput, errors and latencies, and no
// send lag (the endpoint's covers them).
func writeGroupRows(tw io.Writer, e results.EndpointSummary, percentiles []string) {
	for _, g := range e.Groups {
		l := g.Latency
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t", g.Endpoint, metric.FormatCount(g.Requests), metric.Format(g.RPS, metric.Rate),
			metric.Format(g.ErrorRate, metric.Fraction), metric.Format(l.Mean, metric.Seconds))
		for _, p := range percentiles {
			v, _ := l.Percentile(p)
			fmt.Fprintf(tw, "%s\t", metric.Format(v, metric.Seconds))
		}
		fmt.Fprintf(tw, "%s\t\t\n", metric.Format(l.Max, metric.Seconds))
	}
}

// groupNote says how many values of an endpoint's group_by field were
// pooled in the group other; "" when none were.
func groupNote(e results.EndpointSummary) string {
	if e.GroupsPooled == 0 {
		return ""
	}
	return fmt.Sprintf("  %s: %d values of group_by are pooled as %s (only the %d most frequent get a group of their own)",
		e.Name, e.GroupsPooled, scenarios.OtherGroup, scenarios.MaxGroups)
}

// groupSummaryRows are an endpoint's groups as rows of a run report's
// summary table, after the endpoint's own.
func groupSummaryRows(e results.EndpointSummary) []summaryRow {
	var rows []summaryRow
	for _, g := range e.Groups {
		rows = append(rows, summaryRow{
			Name: g.Endpoint, Requests: formatCount(g.Requests), Errors: formatCount(g.Errors),
			RPS: formatRPS(g.RPS), ErrorRate: formatPercent(g.ErrorRate),
			P50: formatSeconds(g.Latency.P50), P90: formatSeconds(g.Latency.P90), P99: formatSeconds(g.Latency.P99),
			P999: formatSeconds(g.Latency.P999), Max: formatSeconds(g.Latency.Max),
			Failing: g.Errors > 0,
		})
	}
	return rows
}

// withGroups lists endpoints with each one's groups after it, as endpoints
// named manual[size=large] with the group's counts and latencies.
func withGroups(es []results.EndpointSummary) []results.EndpointSummary {
	var out []results.EndpointSummary
	for _, e := range es {
		out = append(out, e)
		for _, g := range e.Groups {
			out = append(out, results.EndpointSummary{Name: g.Endpoint, Requests: g.Requests, Errors: g.Errors,
				ErrorRate: g.ErrorRate, RPS: g.RPS, Latency: g.Latency, ErrorLatency: g.ErrorLatency})
		}
	}
	return out
}
