package report

import (
	"math"
	"strconv"
	"time"

	"github.com/hotbench/hotbench/metric"
)

// Every value a report prints goes through metric.Format, so it reads the
// same in HTML, Markdown, chart labels, compare's tables and the command's
// summary. A chart's axis needs one unit for all its ticks: metric.Scale.

// unit is the unit of a chart's value axis.
type unit = metric.Scale

// unitFor picks the unit of a chart's axis for a metric: the one
// metric.Format gives the largest of vals, so that the axis and the labels
// of its largest values agree.
func unitFor(name string, vals ...float64) unit {
	m, _ := metric.Lookup(name)
	return metric.ScaleOf(m.Class, vals...)
}

// formatMetric writes one value of a metric: "48.1ms", "0.100%".
func formatMetric(name string, v float64) string {
	if m, ok := metric.Lookup(name); ok {
		return m.Format(v)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// formatSeconds writes a latency in seconds: "850µs", "48.1ms", "2.50s".
func formatSeconds(v float64) string { return metric.Format(v, metric.Seconds) }

// formatPercent writes a fraction as a percentage: 0.0123 → "1.23%".
func formatPercent(f float64) string { return metric.Format(f, metric.Fraction) }

// formatPoints writes a signed change of a share in percentage points:
// -0.538 → "-53.8 pp".
func formatPoints(f float64) string { return metric.Format(f, metric.Points) }

// formatRPS writes a throughput: "200 req/s".
func formatRPS(v float64) string { return metric.Format(v, metric.Rate) }

// formatCount writes an integer with thousands separators: "20,000".
func formatCount(n int64) string { return metric.FormatCount(n) }

// formatDelta writes a relative change: "-93.3%", "+4.10%"; "n/a" from 0.
func formatDelta(from, to float64) string {
	if from == 0 || math.IsNaN(from) || math.IsNaN(to) {
		return "n/a"
	}
	return metric.Format(to/from-1, metric.Delta)
}

// metricLabel names a metric for people: "p99", "p99.9", "error rate".
func metricLabel(name string) string { return metric.Label(name) }

const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04 UTC"
)

func formatDate(t time.Time) string     { return t.UTC().Format(dateLayout) }
func formatDateTime(t time.Time) string { return t.UTC().Format(dateTimeLayout) }

// shortCommit abbreviates a git commit and marks a dirty tree.
func shortCommit(commit string, dirty bool) string {
	if commit == "" {
		return "unknown"
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if dirty {
		commit += " (dirty)"
	}
	return commit
}
