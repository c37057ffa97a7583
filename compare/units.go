package compare

import (
	"math"
	"strconv"

	"github.com/hotbench/hotbench/metric"
)

// Every value compare prints goes through metric.Format, so a value reads
// the same in its tables, verdicts and gate messages as in the command's
// summary and the reports. What is compare's own: p-values, and "from 0"
// for a relative change against a zero base.

// formatValue writes a value of a row's metric: "9.66ms", "0.100%",
// "200 req/s", "41.0%" for a profile share.
func formatValue(name string, v float64) string {
	m, ok := metric.Lookup(name)
	if !ok {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	return m.Format(v)
}

// formatShare writes a profile share: "41.0%", "3.20%".
func formatShare(v float64) string { return metric.Format(v, metric.Fraction) }

// formatChange writes a relative change, cand/base − 1: "+4.10%",
// "-76.0%"; against a zero base, where benchstat prints "?", it says
// "from 0".
func formatChange(d float64) string {
	if math.IsNaN(d) {
		return "from 0"
	}
	return metric.Format(d, metric.Delta)
}

// formatPP writes a change of a share or a pooled rate given in percentage
// points (Row.DeltaPP): "+4.17 pp", "-38.0 pp".
func formatPP(pp float64) string { return metric.Format(pp/100, metric.Points) }

// formatP writes a p-value with two significant digits: "0.00018", "0.31".
func formatP(p float64) string {
	if math.IsNaN(p) {
		return "n/a"
	}
	return strconv.FormatFloat(p, 'g', 2, 64)
}

// formatTarget is a scheduled rate, "200 req/s", or "unknown".
func formatTarget(t float64) string {
	if t <= 0 {
		return "unknown"
	}
	return metric.Format(t, metric.Rate)
}
