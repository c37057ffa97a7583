package report

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hotbench/hotbench/scenarios"
)

// unit is how values of one metric read: value/div followed by name.
type unit struct {
	div  float64
	name string
}

// unitFor picks the unit in which a metric's values read best, from the
// largest of them, so that a chart's axis and its table agree.
func unitFor(metric string, vals ...float64) unit {
	big := 0.0
	for _, v := range vals {
		if a := math.Abs(v); !math.IsInf(a, 0) && !math.IsNaN(a) && a > big {
			big = a
		}
	}
	switch {
	case scenarios.IsLatency(metric), metric == scenarios.CPUPerReq:
		switch {
		case big >= 2:
			return unit{1, "s"}
		case big >= 1e-3 || big == 0:
			return unit{1e-3, "ms"}
		}
		return unit{1e-6, "µs"}
	case metric == scenarios.ErrorRate:
		return unit{0.01, "%"}
	case metric == scenarios.RPS:
		return unit{1, "req/s"}
	case metric == scenarios.AllocPerReq:
		switch {
		case big >= 1<<30:
			return unit{1 << 30, "GiB"}
		case big >= 1<<20:
			return unit{1 << 20, "MiB"}
		case big >= 1<<10:
			return unit{1 << 10, "KiB"}
		}
		return unit{1, "B"}
	}
	return unit{1, ""}
}

// format writes v in the unit: "48.1 ms", "0.2%", "199.9 req/s".
func (u unit) format(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 0):
		return "∞"
	}
	s := sig3(v / u.div)
	switch u.name {
	case "":
		return s
	case "%":
		return s + "%"
	}
	return s + " " + u.name
}

// formatMetric writes one value of a metric in the unit that suits it.
func formatMetric(metric string, v float64) string {
	return unitFor(metric, v).format(v)
}

// formatSeconds writes a latency in seconds: "850 µs", "48.1 ms", "2.5 s".
func formatSeconds(v float64) string { return formatMetric(scenarios.P99, v) }

// sig3 writes v with three significant digits (more for large integers
// parts), without an exponent and without trailing zeros: 48.12 → "48.1",
// 3.2 → "3.2", 1234.5 → "1235".
func sig3(v float64) string {
	if v == 0 {
		return "0"
	}
	dec := 2 - int(math.Floor(math.Log10(math.Abs(v))))
	dec = min(max(dec, 0), 6)
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// formatPercent writes a fraction as a percentage: 0.0123 → "1.23%".
func formatPercent(f float64) string { return unit{0.01, "%"}.format(f) }

// formatPoints writes a signed change of a share in percentage points.
func formatPoints(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 1, 64)
	if s == "0.0" || s == "-0.0" {
		return "0"
	}
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s + " pp"
}

// formatRPS writes a throughput: "199.9 req/s", "12,000 req/s".
func formatRPS(v float64) string {
	if v >= 1000 {
		return formatCount(int64(math.Round(v))) + " req/s"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " req/s"
}

// formatCount writes an integer with thousands separators: "20,000".
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatDelta writes a relative change: "-93%", "+4.1%".
func formatDelta(from, to float64) string {
	if from == 0 || math.IsNaN(from) || math.IsNaN(to) {
		return "n/a"
	}
	d := to/from - 1
	prec := 0
	if math.Abs(d) < 0.1 {
		prec = 1
	}
	s := strconv.FormatFloat(d*100, 'f', prec, 64)
	if s == "0" || s == "0.0" || s == "-0" || s == "-0.0" {
		return "0%"
	}
	if d > 0 {
		s = "+" + s
	}
	return s + "%"
}

// metricLabel names a metric for people: "p99", "p99.9", "error rate".
func metricLabel(metric string) string {
	switch metric {
	case scenarios.P999:
		return "p99.9"
	case scenarios.ErrorRate:
		return "error rate"
	case scenarios.RPS:
		return "throughput"
	case scenarios.CPUPerReq:
		return "CPU per request"
	case scenarios.AllocPerReq:
		return "allocations per request"
	}
	return metric
}

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
