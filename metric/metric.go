package metric

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Metric names, as scenario files, compare rows, gate policies and JSON
// write them.
const (
	P50         = "p50"
	P75         = "p75"
	P90         = "p90"
	P95         = "p95"
	P99         = "p99"
	P999        = "p999" // the 0.999 quantile; p99.9 is the same metric
	Mean        = "mean"
	Max         = "max"
	RPS         = "rps"
	ErrorRate   = "error_rate"
	CPUPerReq   = "cpu_per_req"
	AllocPerReq = "alloc_per_req"
	// RSSPeak is the server's peak resident memory over a window, read from
	// /proc for a server whose process id hotbench knows.
	RSSPeak = "rss_peak"
)

// Prefixes of the names of profile-share metrics: a hotspot function's share
// of the samples of one profile kind, per repetition
// ("cpu_share:manuals.(*Store).StepsFor").
const (
	CPUSharePrefix   = "cpu_share:"
	AllocSharePrefix = "alloc_share:"
)

// ShareKinds are the profile kinds whose function shares hotbench measures
// (cpu for cpu_share, allocs for alloc_share), and so the kinds a scenario
// profiles when it names none.
var ShareKinds = []string{"cpu", "allocs"}

// Standard lists the metrics every comparison, run check and export has,
// in display order. Other percentiles are added where a scenario or a
// policy names them.
var Standard = []string{P50, P90, P99, P999, Mean, Max, RPS, ErrorRate, CPUPerReq, AllocPerReq, RSSPeak}

// SummaryPercentiles are the percentiles a run's summary (`run --json`,
// `show --json`) always carries, in order.
var SummaryPercentiles = []string{P50, P75, P90, P95, P99, P999}

// Known lists every metric with a fixed name, for suggestions in messages:
// the standard ones and the usual percentiles.
var Known = []string{P50, P75, P90, P95, P99, P999, Mean, Max, RPS, ErrorRate, CPUPerReq, AllocPerReq, RSSPeak}

// Forms says which names are metrics, for messages.
const Forms = "a percentile pN or pN.N (p50, p95, p99.9; p999 is p99.9), mean, max, rps, error_rate, cpu_per_req, alloc_per_req or rss_peak"

// Metric is what a metric name means.
type Metric struct {
	// Name is the canonical name: "p99", "p999" (also for p99.9),
	// "p99.99", "error_rate", "cpu_share:FUNC".
	Name string
	// Label names the metric for people: "p99.9", "error rate",
	// "CPU per request".
	Label string
	// Quantile is the percentile over 100 (0.95 for p95), 0 for metrics
	// that are not percentiles.
	Quantile float64
	// Class is the unit class of the metric's values.
	Class Class
	// Higher is true when a higher value is better (rps only).
	Higher bool
}

// HigherIsBetter reports the direction of improvement.
func (m Metric) HigherIsBetter() bool { return m.Higher }

// IsPercentile reports whether the metric is a latency percentile.
func (m Metric) IsPercentile() bool { return m.Quantile > 0 }

// IsLatency reports whether the metric is a latency of responses in seconds:
// a percentile, mean or max.
func (m Metric) IsLatency() bool { return m.IsPercentile() || m.Name == Mean || m.Name == Max }

// IsShare reports whether the metric is a profile share of a function.
func (m Metric) IsShare() bool { return IsShare(m.Name) }

// ServerWide reports whether the metric is the server's over all endpoints
// together (cpu_per_req, alloc_per_req, rss_peak), not one endpoint's.
func (m Metric) ServerWide() bool { return IsServerWide(m.Name) }

// ServerMetrics lists the server's metrics over all endpoints together, in
// display order.
var ServerMetrics = []string{CPUPerReq, AllocPerReq, RSSPeak}

// IsServerWide reports whether name is one of ServerMetrics.
func IsServerWide(name string) bool {
	return name == CPUPerReq || name == AllocPerReq || name == RSSPeak
}

// Format writes v, a value of the metric in its canonical unit, by the
// package's rule: "9.66ms", "0.100%", "200 req/s".
func (m Metric) Format(v float64) string { return Format(v, m.Class) }

// Benchfmt is the unit under which the Go benchmark format export writes
// the metric: "p99-latency-sec", "p95-latency-sec", "req/s",
// "errors/req", "cpu-sec/req", "B/req"; "" for profile shares, whose units
// name their function.
func (m Metric) Benchfmt() string {
	switch {
	case m.IsLatency():
		// Seconds with a "-sec" suffix, as Go's own load benchmarks write
		// them, so benchstat scales them to µ and m.
		return m.Name + "-latency-sec"
	case m.Name == RPS:
		return "req/s"
	case m.Name == ErrorRate:
		return "errors/req"
	case m.Name == CPUPerReq:
		return "cpu-sec/req"
	case m.Name == AllocPerReq:
		return "B/req" // binary like B/op, so benchstat scales it to Ki and Mi
	case m.Name == RSSPeak:
		return "peak-RSS-B"
	}
	return ""
}

func (m Metric) String() string { return m.Name }

// fixed are the metrics that are not percentiles or shares.
var fixed = map[string]Metric{
	Mean:        {Name: Mean, Label: "mean", Class: Seconds},
	Max:         {Name: Max, Label: "max", Class: Seconds},
	RPS:         {Name: RPS, Label: "throughput", Class: Rate, Higher: true},
	ErrorRate:   {Name: ErrorRate, Label: "error rate", Class: Fraction},
	CPUPerReq:   {Name: CPUPerReq, Label: "CPU per request", Class: Seconds},
	AllocPerReq: {Name: AllocPerReq, Label: "allocations per request", Class: Bytes},
	RSSPeak:     {Name: RSSPeak, Label: "peak RSS", Class: Bytes},
}

// Parse reads a metric name, or says which names there are. p99.9 is read
// as p999; profile shares are read as written.
func Parse(name string) (Metric, error) {
	if m, ok := fixed[name]; ok {
		return m, nil
	}
	for _, pre := range []string{CPUSharePrefix, AllocSharePrefix} {
		if fn, ok := strings.CutPrefix(name, pre); ok && fn != "" {
			kind := "CPU"
			if pre == AllocSharePrefix {
				kind = "allocation"
			}
			return Metric{Name: name, Label: kind + " share of " + fn, Class: Fraction}, nil
		}
	}
	if strings.HasPrefix(name, "p") && len(name) > 1 {
		return parsePercentile(name)
	}
	if lower := strings.ToLower(name); lower != name {
		if _, err := Parse(lower); err == nil {
			return Metric{}, fmt.Errorf("metric %q: names are lower case: write %s", name, lower)
		}
	}
	if name == "" {
		return Metric{}, fmt.Errorf("no metric named: use %s", Forms)
	}
	return Metric{}, fmt.Errorf("unknown metric %q: use %s", name, Forms)
}

// Lookup is Parse without the message.
func Lookup(name string) (Metric, bool) {
	m, err := Parse(name)
	return m, err == nil
}

// maxDecimals is how many decimals a percentile may have (p99.999).
const maxDecimals = 3

// percentileForms ends every message about a malformed percentile.
const percentileForms = "write pN or pN.N, like p50, p95, p99.9 or p99.99"

// outOfRange is the message for a percentile at or past p0 or p100.
const outOfRange = "%q is not a percentile: percentiles are above p0 and below p100 (max is the largest latency); " + percentileForms

// parsePercentile reads "p95", "p99.9", "p999" and the other pN[.N].
func parsePercentile(name string) (Metric, error) {
	if name == P999 {
		return percentile(P999, "99", "9"), nil
	}
	digits := name[1:]
	whole, frac, dotted := strings.Cut(digits, ".")
	if !allDigits(whole) || (dotted && !allDigits(frac)) {
		if strings.HasPrefix(digits, "-") {
			return Metric{}, fmt.Errorf(outOfRange, name)
		}
		return Metric{}, fmt.Errorf("unknown metric %q: use %s", name, Forms)
	}
	switch {
	case len(whole) > 2 && !dotted && strings.Trim(whole, "0") != "1":
		// p9999 or p995: only p999 is written without its dot.
		return Metric{}, fmt.Errorf("%q is not a percentile: only p999 (p99.9) is written without its dot; write p%s.%s", name, whole[:2], whole[2:])
	case len(whole) > 2 || strings.Trim(whole+frac, "0") == "":
		return Metric{}, fmt.Errorf(outOfRange, name)
	case len(whole) == 2 && whole[0] == '0':
		return Metric{}, fmt.Errorf("%q: write the percentile without a leading zero, p%s", name, strings.TrimPrefix(digits, "0"))
	case len(frac) > maxDecimals:
		return Metric{}, fmt.Errorf("%q has more than %d decimals: write pN or pN.N with up to %d, like p99.9 or p99.999", name, maxDecimals, maxDecimals)
	case dotted && strings.HasSuffix(frac, "0"):
		return Metric{}, fmt.Errorf("%q: write the percentile without trailing zeros, %s", name, strings.TrimSuffix(strings.TrimRight(name, "0"), "."))
	}
	if whole == "99" && frac == "9" {
		return percentile(P999, whole, frac), nil
	}
	return percentile(name, whole, frac), nil
}

// percentile is the metric of the percentile whole.frac, with its quantile
// parsed from its decimal digits ("0.999"), so that it is the float a
// literal 0.999 is.
func percentile(name, whole, frac string) Metric {
	if len(whole) == 1 {
		whole = "0" + whole
	}
	q, _ := strconv.ParseFloat("0."+whole+frac, 64)
	label := "p" + strings.TrimPrefix(whole, "0")
	if frac != "" {
		label += "." + frac
	}
	return Metric{Name: name, Label: label, Quantile: q, Class: Seconds}
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// LooksLikePercentile reports whether name is written like a percentile, p
// and a number (p95, p100, p-1, p99.999999), whether or not it is one: a
// message about it should say what is wrong rather than suggest a near
// name.
func LooksLikePercentile(name string) bool {
	return len(name) > 1 && name[0] == 'p' && strings.Trim(name[1:], "0123456789.+-") == ""
}

// Canonical returns the canonical name of a metric (p99.9 → p999), or name
// itself when it is not a metric.
func Canonical(name string) string {
	if m, ok := Lookup(name); ok {
		return m.Name
	}
	return name
}

// Label names a metric for people ("p99.9", "error rate"), or returns name
// itself when it is not a metric.
func Label(name string) string {
	if m, ok := Lookup(name); ok {
		return m.Label
	}
	return name
}

// IsShare reports whether name is a profile-share metric (cpu_share:FUNC or
// alloc_share:FUNC).
func IsShare(name string) bool {
	return strings.HasPrefix(name, CPUSharePrefix) || strings.HasPrefix(name, AllocSharePrefix)
}

// Share names the share metric of a function in a profile kind: cpu →
// "cpu_share:FUNC", allocs → "alloc_share:FUNC".
func Share(kind, function string) string {
	if kind == "allocs" {
		return AllocSharePrefix + function
	}
	return CPUSharePrefix + function
}

// SplitKey splits a policy key into an endpoint and a metric: "search.p99"
// → ("search", "p99"), "search.p99.9" → ("search", "p99.9"), "p99.9" →
// ("", "p99.9"). The metric is the part after the first dot that leaves a
// metric, so endpoint names may have dots too ("api.v2.p99"). A key with no
// such dot splits before its last part that starts with a letter, so that
// messages name the metric as written ("search.p99x" → "p99x").
func SplitKey(key string) (endpoint, name string) {
	if _, ok := Lookup(key); ok {
		return "", key
	}
	for i := 0; i < len(key); i++ {
		if key[i] != '.' {
			continue
		}
		if _, ok := Lookup(key[i+1:]); ok {
			return key[:i], key[i+1:]
		}
	}
	for i := len(key) - 2; i >= 0; i-- {
		if key[i] == '.' && (key[i+1] < '0' || key[i+1] > '9') {
			return key[:i], key[i+1:]
		}
	}
	return "", key
}

// Less orders metric names as hotbench displays them: percentiles by their
// quantile, then mean, max, rps, error_rate, cpu_per_req, alloc_per_req,
// then anything else (profile shares, unknown names).
func Less(a, b string) bool { return rank(a) < rank(b) }

// Compare is Less as a three-way comparison, for slices.SortFunc.
func Compare(a, b string) int { return cmp.Compare(rank(a), rank(b)) }

// rank places a metric for Less: percentiles by quantile in [0, 1), then
// mean, max and the others of Known after them.
func rank(name string) float64 {
	m, ok := Lookup(name)
	switch {
	case !ok || m.IsShare():
		return 100
	case m.IsPercentile():
		return m.Quantile
	}
	for i, k := range Known {
		if k == m.Name {
			return float64(1 + i)
		}
	}
	return 100
}
