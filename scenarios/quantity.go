package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hotbench/hotbench/metric"
)

// ParseQuantity parses a value of metric as a scenario writes it:
//
//   - latencies (any percentile, mean, max) and cpu_per_req: a duration
//     ("150ms"), or 0;
//   - error_rate: a percentage ("0.1%") or a fraction ("0.001"), always
//     absolute;
//   - rps: a rate ("500/s", "30/m") or a bare number per second;
//   - alloc_per_req: bytes ("64KiB", "2MB", "512B") or a bare number of bytes.
//
// With relative (gate.max_regression) a percentage of any metric but
// error_rate is a share of the base value: "10%" gives Value 0.10 and
// Relative true. Values are never negative. Text keeps what was written.
func ParseQuantity(name, text string, relative bool) (Quantity, error) {
	s := strings.TrimSpace(text)
	q := Quantity{Text: s}
	m, err := parseMetric(name)
	if err != nil {
		return q, err
	}
	if s == "" {
		return q, fmt.Errorf("%s needs a value, like %s", name, exampleValue(name))
	}
	if isNone(s) {
		return q, fmt.Errorf("%q (no limit) is only for gate.slo: give %s a value like %s, or leave it out", s, name, exampleValue(name))
	}
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		f, err := parseNumber(strings.TrimSpace(pct))
		if err != nil {
			return q, fmt.Errorf("%q is not a percentage: write it like 10%%", s)
		}
		if f < 0 {
			return q, fmt.Errorf("%q is negative: write a value of 0%% or more", s)
		}
		switch {
		case m.Class == metric.Fraction:
			if f > 100 {
				return q, fmt.Errorf("%q is more than 100%%: an error rate is between 0%% and 100%%", s)
			}
			q.Value = f / 100
		case relative:
			q.Value, q.Relative = f/100, true
		default:
			return q, fmt.Errorf("%q is a percentage, which only gate.max_regression accepts: write %s as an amount, like %s", s, name, exampleValue(name))
		}
		return q, nil
	}
	v, err := parseAmount(m, s)
	if err != nil {
		return q, err
	}
	if v < 0 {
		return q, fmt.Errorf("%q is negative: write a value of 0 or more", s)
	}
	if m.Class == metric.Fraction && v > 1 {
		return q, fmt.Errorf("%q is more than 1: write an error rate as a fraction (0.001) or a percentage (0.1%%)", s)
	}
	q.Value = v
	return q, nil
}

// parseMetric reads a metric a scenario may name: any of package metric's
// but the profile shares, which hotspots' functions measure.
func parseMetric(name string) (metric.Metric, error) {
	m, err := metric.Parse(name)
	if err == nil && m.IsShare() {
		return m, fmt.Errorf("%q is a profile share, which a hotspot's functions measure: use %s", name, metric.Forms)
	}
	return m, err
}

// metricSuggestion is "did you mean error_rate?" for a misspelt metric
// name, or "" when there is no close one or the name is shaped like a
// percentile (whose own message says what is wrong).
func metricSuggestion(name string) string {
	if metric.LooksLikePercentile(name) {
		return ""
	}
	if s := Suggest(name, metric.Known); s != "" {
		return "did you mean " + s + "?"
	}
	return ""
}

// isNone reports whether a limit is written as "none": no limit at all,
// which only gate.slo accepts.
func isNone(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "none") }

// parseAmount parses s in m's unit, returning the canonical value.
func parseAmount(m metric.Metric, s string) (float64, error) {
	name := m.Name
	switch m.Class {
	case metric.Seconds:
		if f, err := parseNumber(s); err == nil {
			// A bare number would be seconds: "p99: 10" meant as 10% or
			// 10ms would gate nothing. Only 0 needs no unit.
			if f != 0 {
				return 0, fmt.Errorf("%q has no unit: write %s like %s (a bare number would be seconds)", s, name, exampleValue(name))
			}
			return 0, nil
		}
		d, err := time.ParseDuration(s)
		switch {
		case err != nil && !durationSyntax.MatchString(s):
			return 0, fmt.Errorf("%q is not a duration: write %s like %s", s, name, exampleValue(name))
		case err != nil || d > MaxTimeout:
			// Nothing longer than the longest timeout is ever measured.
			return 0, fmt.Errorf("%q is too large: at most %s, the longest timeout", s, shortDuration(MaxTimeout))
		}
		return d.Seconds(), nil
	case metric.Rate:
		if s == "max" {
			return 0, fmt.Errorf("%q is not a number of requests per second: write rps like 500/s", s)
		}
		r, err := ParseRate(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not a rate: write rps like 500/s or 500", s)
		}
		return r.PerSecond, nil
	case metric.Bytes:
		return ParseBytes(s)
	case metric.Fraction:
		f, err := parseNumber(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not an error rate: write it as a percentage (0.1%%) or a fraction (0.001)", s)
		}
		return f, nil
	}
	return 0, fmt.Errorf("%s has no unit a scenario can write", name)
}

// byteUnits are the units ParseBytes knows, matched without regard to case:
// SI units are powers of 1000, IEC units powers of 1024.
var byteUnits = map[string]float64{
	"b":   1,
	"kb":  1e3,
	"mb":  1e6,
	"gb":  1e9,
	"tb":  1e12,
	"kib": 1 << 10,
	"mib": 1 << 20,
	"gib": 1 << 30,
	"tib": 1 << 40,
}

// ParseBytes parses an amount of memory: "64KiB", "2MB", "512B" or a bare
// number of bytes.
func ParseBytes(s string) (float64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool {
		return (r < '0' || r > '9') && r != '.' && r != '-' && r != '+' && r != 'e' && r != 'E'
	})
	num, unit := s, ""
	if i >= 0 {
		num, unit = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i:])
	}
	f, err := parseNumber(num)
	mult, known := byteUnits[strings.ToLower(unit)]
	if unit == "" {
		mult, known = 1, true
	}
	if err != nil || !known {
		return 0, fmt.Errorf("%q is not an amount of memory: write it like 64KiB, 2MB or 512B", s)
	}
	v := f * mult
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return v, nil
}

// parseNumber parses a finite decimal number.
func parseNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return f, nil
}

// exampleValue is a value of a metric to show in messages.
func exampleValue(name string) string {
	m, _ := metric.Lookup(name)
	switch {
	case m.Class == metric.Fraction:
		return "0.1%"
	case m.Class == metric.Rate:
		return "500/s"
	case m.Class == metric.Bytes:
		return "64KiB"
	case m.Name == metric.CPUPerReq:
		return "2ms"
	}
	return "150ms"
}
