package compare

import (
	"math"
	"strconv"
	"strings"

	"github.com/hotbench/hotbench/scenarios"
)

// scaler formats values of one metric in a shared readable unit, so the two
// sides of a row read alike ("51.2ms" and "12.3ms", not "0.0512s").
type scaler struct {
	div      float64
	unit     string
	decimals int
}

// unitKind sorts metrics by how their canonical values read.
func unitKind(metric string) string {
	switch {
	case scenarios.IsLatency(metric), metric == scenarios.CPUPerReq:
		return "seconds"
	case metric == scenarios.ErrorRate, isShare(metric):
		return "fraction"
	case metric == scenarios.RPS:
		return "rate"
	case metric == scenarios.AllocPerReq:
		return "bytes"
	}
	return ""
}

func isShare(metric string) bool {
	return strings.HasPrefix(metric, CPUSharePrefix) || strings.HasPrefix(metric, AllocSharePrefix)
}

// newScaler picks the unit from the smallest non-zero value and enough
// decimals to show it with three significant digits.
func newScaler(metric string, vals ...float64) scaler {
	small := math.Inf(1)
	for _, v := range vals {
		if a := math.Abs(v); a > 0 && !math.IsInf(a, 0) && !math.IsNaN(a) && a < small {
			small = a
		}
	}
	s := scaler{div: 1}
	switch unitKind(metric) {
	case "seconds":
		switch {
		case small >= 1:
			s.unit = "s"
		case small >= 1e-3:
			s.div, s.unit = 1e-3, "ms"
		case small >= 1e-6:
			s.div, s.unit = 1e-6, "µs"
		default:
			s.div, s.unit = 1e-9, "ns"
		}
	case "fraction":
		s.div, s.unit = 0.01, "%"
	case "rate":
		s.unit = " req/s"
	case "bytes":
		switch {
		case small >= 1<<30:
			s.div, s.unit = 1<<30, "GiB"
		case small >= 1<<20:
			s.div, s.unit = 1<<20, "MiB"
		case small >= 1<<10:
			s.div, s.unit = 1<<10, "KiB"
		default:
			s.unit = "B"
		}
	}
	if !math.IsInf(small, 0) {
		s.decimals = min(max(2-int(math.Floor(math.Log10(small/s.div))), 0), 4)
	}
	return s
}

func (s scaler) format(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	case v == 0:
		return "0" + s.unit
	}
	return strconv.FormatFloat(v/s.div, 'f', s.decimals, 64) + s.unit
}

// formatPair formats two values of a metric on a common scale.
func formatPair(metric string, a, b float64) (string, string) {
	s := newScaler(metric, a, b)
	return s.format(a), s.format(b)
}

// formatShare formats a profile share: "41%", "3.2%".
func formatShare(v float64) string {
	return newScaler(CPUSharePrefix, v).format(v)
}

// formatDelta is benchstat's delta ("12.34%", "0.00%"), except that a
// change from zero, where benchstat prints "?", says so.
func formatDelta(d float64) string {
	switch {
	case math.IsNaN(d):
		return "from 0"
	case d == 0:
		return "0.00%"
	}
	return strconv.FormatFloat(d*100, 'f', 2, 64) + "%"
}

// formatDeltaSigned adds the sign benchstat shows ("+4.10%").
func formatDeltaSigned(d float64) string {
	s := formatDelta(d)
	if d > 0 {
		s = "+" + s
	}
	return s
}

// formatDeltaShort is a delta for sentences: "-76%", "+4.1%".
func formatDeltaShort(d float64) string {
	switch {
	case math.IsNaN(d):
		return "from 0"
	case d == 0:
		return "0%"
	}
	prec := 0
	if math.Abs(d) < 0.1 {
		prec = 1
	}
	s := strconv.FormatFloat(d*100, 'f', prec, 64) + "%"
	if d > 0 {
		s = "+" + s
	}
	return s
}

// formatP writes a p-value with two significant digits: "0.00018", "0.31".
func formatP(p float64) string {
	if math.IsNaN(p) {
		return "n/a"
	}
	return strconv.FormatFloat(p, 'g', 2, 64)
}

// formatPP is a share change in percentage points: "+4.2 pp", "-38 pp".
func formatPP(pp float64) string {
	if math.IsNaN(pp) {
		return "n/a"
	}
	prec := 1
	if math.Abs(pp) >= 10 {
		prec = 0
	}
	s := strconv.FormatFloat(pp, 'f', prec, 64) + " pp"
	if pp > 0 {
		s = "+" + s
	}
	return s
}

// formatPPTable is a share change for tables, to benchstat's two decimals:
// "+4.17 pp".
func formatPPTable(pp float64) string {
	if math.IsNaN(pp) {
		return "n/a"
	}
	s := strconv.FormatFloat(pp, 'f', 2, 64) + " pp"
	if pp > 0 {
		s = "+" + s
	}
	return s
}

// formatTarget is a scheduled rate, "200 req/s", or "unknown".
func formatTarget(t float64) string {
	if t <= 0 {
		return "unknown"
	}
	return newScaler(scenarios.RPS, t).format(t)
}
