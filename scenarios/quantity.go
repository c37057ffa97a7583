package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseQuantity parses a value of metric as a scenario writes it:
//
//   - latencies (p50 p90 p99 p999 mean max) and cpu_per_req: a duration
//     ("150ms") or a bare number of seconds ("0.15");
//   - error_rate: a percentage ("0.1%") or a fraction ("0.001"), always
//     absolute;
//   - rps: a rate ("500/s", "30/m") or a bare number per second;
//   - alloc_per_req: bytes ("64KiB", "2MB", "512B") or a bare number of bytes.
//
// With relative (gate.max_regression) a percentage of any metric but
// error_rate is a share of the base value: "10%" gives Value 0.10 and
// Relative true. Values are never negative. Text keeps what was written.
func ParseQuantity(metric, text string, relative bool) (Quantity, error) {
	s := strings.TrimSpace(text)
	q := Quantity{Text: s}
	if !IsMetric(metric) {
		return q, fmt.Errorf("unknown metric %q: use one of %s", metric, strings.Join(Metrics, ", "))
	}
	if s == "" {
		return q, fmt.Errorf("%s needs a value, like %s", metric, exampleValue(metric))
	}
	if isNone(s) {
		return q, fmt.Errorf("%q (no limit) is only for gate.slo: give %s a value like %s, or leave it out", s, metric, exampleValue(metric))
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
		case metric == ErrorRate:
			if f > 100 {
				return q, fmt.Errorf("%q is more than 100%%: an error rate is between 0%% and 100%%", s)
			}
			q.Value = f / 100
		case relative:
			q.Value, q.Relative = f/100, true
		default:
			return q, fmt.Errorf("%q is a percentage, which only gate.max_regression accepts: write %s as an amount, like %s", s, metric, exampleValue(metric))
		}
		return q, nil
	}
	v, err := parseAmount(metric, s)
	if err != nil {
		return q, err
	}
	if v < 0 {
		return q, fmt.Errorf("%q is negative: write a value of 0 or more", s)
	}
	if metric == ErrorRate && v > 1 {
		return q, fmt.Errorf("%q is more than 1: write an error rate as a fraction (0.001) or a percentage (0.1%%)", s)
	}
	q.Value = v
	return q, nil
}

// isNone reports whether a limit is written as "none": no limit at all,
// which only gate.slo accepts.
func isNone(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "none") }

// parseAmount parses s in metric's unit, returning the canonical value.
func parseAmount(metric, s string) (float64, error) {
	switch {
	case IsLatency(metric), metric == CPUPerReq:
		if f, err := parseNumber(s); err == nil {
			// A bare number would be seconds: "p99: 10" meant as 10% or
			// 10ms would gate nothing. Only 0 needs no unit.
			if f != 0 {
				return 0, fmt.Errorf("%q has no unit: write %s like %s (a bare number would be seconds)", s, metric, exampleValue(metric))
			}
			return 0, nil
		}
		d, err := time.ParseDuration(s)
		switch {
		case err != nil && !durationSyntax.MatchString(s):
			return 0, fmt.Errorf("%q is not a duration: write %s like %s", s, metric, exampleValue(metric))
		case err != nil || d > MaxTimeout:
			// Nothing longer than the longest timeout is ever measured.
			return 0, fmt.Errorf("%q is too large: at most %s, the longest timeout", s, shortDuration(MaxTimeout))
		}
		return d.Seconds(), nil
	case metric == RPS:
		if s == "max" {
			return 0, fmt.Errorf("%q is not a number of requests per second: write rps like 500/s", s)
		}
		r, err := ParseRate(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not a rate: write rps like 500/s or 500", s)
		}
		return r.PerSecond, nil
	case metric == AllocPerReq:
		return ParseBytes(s)
	case metric == ErrorRate:
		f, err := parseNumber(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not an error rate: write it as a percentage (0.1%%) or a fraction (0.001)", s)
		}
		return f, nil
	}
	return 0, fmt.Errorf("unknown metric %q", metric)
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

// exampleValue is a value of metric to show in messages.
func exampleValue(metric string) string {
	switch metric {
	case ErrorRate:
		return "0.1%"
	case RPS:
		return "500/s"
	case AllocPerReq:
		return "64KiB"
	case CPUPerReq:
		return "2ms"
	}
	return "150ms"
}
