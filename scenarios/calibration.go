package scenarios

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotbench/hotbench/metric"
)

// Calibration is the calibration: key, which `hotbench calibrate --write`
// writes: the noise an A/A session of the scenario measured, with when,
// where and at which commit. It is a record, not a setting: nothing reads
// it to run or gate, and Hash leaves it out, so recalibrating does not make
// a new version of the scenario.
type Calibration struct {
	Date   time.Time `json:"date"`
	Host   string    `json:"host,omitempty"`
	Commit string    `json:"commit,omitempty"`
	// Blocks is the number of A/A blocks measured.
	Blocks int `json:"blocks"`
	// Alpha is the significance level the minimum detectable effects were
	// computed at; 0 when the file does not say.
	Alpha float64 `json:"alpha,omitempty"`
	// Metrics maps "endpoint.metric" (search.p99), or "server.metric" for
	// the server's own (server.cpu_per_req), to its noise.
	Metrics map[string]CalibratedMetric `json:"metrics,omitempty"`
}

// CalibratedMetric is one metric's noise. Values are fractions (0.041 is
// 4.1 %); the file writes them as percentages.
type CalibratedMetric struct {
	// CV is the coefficient of variation of one repetition's value.
	CV float64
	// BetweenRuns is the share of the variance that lies between runs
	// (server processes) rather than between a run's repetitions.
	BetweenRuns float64
	// DriftPerHour is the relative change per hour over the session; it
	// may be negative.
	DriftPerHour float64
	// MDE5, MDE10 and MDE20 are the smallest relative regression the gate
	// detects with 5, 10 and 20 repetitions a side; math.Inf(1) (or NaN)
	// when none it tried was detectable, written "undetectable".
	MDE5, MDE10, MDE20 float64
}

// ServerEndpoint is the endpoint part of a calibration key of the server's
// own metrics: server.cpu_per_req, server.rss_peak.
const ServerEndpoint = "server"

// Undetectable is how a calibration writes a minimum detectable effect that
// no effect hotbench tried reached.
const Undetectable = "undetectable"

// calibrationKeys and calibratedMetricKeys are the keys of calibration:
// and of each of its metrics, in the order the file writes them.
var (
	calibrationKeys      = []string{"date", "host", "commit", "blocks", "alpha", "metrics"}
	calibratedMetricKeys = []string{"cv", "between_runs", "drift", "mde_5", "mde_10", "mde_20"}
)

// calibratedJSON is CalibratedMetric as JSON writes it: an undetectable
// effect is the string "undetectable", since JSON has no infinity.
type calibratedJSON struct {
	CV           float64 `json:"cv"`
	BetweenRuns  float64 `json:"between_runs"`
	DriftPerHour float64 `json:"drift_per_hour"`
	MDE5         mdeJSON `json:"mde_5"`
	MDE10        mdeJSON `json:"mde_10"`
	MDE20        mdeJSON `json:"mde_20"`
}

type mdeJSON float64

func (m mdeJSON) MarshalJSON() ([]byte, error) {
	if undetectable(float64(m)) {
		return json.Marshal(Undetectable)
	}
	return json.Marshal(float64(m))
}

func (m *mdeJSON) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s != Undetectable {
			return fmt.Errorf("minimum detectable effect %q: want a number or %q", s, Undetectable)
		}
		*m = mdeJSON(math.Inf(1))
		return nil
	}
	return json.Unmarshal(b, (*float64)(m))
}

// MarshalJSON writes the metric with snake_case keys, an undetectable
// effect as "undetectable".
func (c CalibratedMetric) MarshalJSON() ([]byte, error) {
	return json.Marshal(calibratedJSON{c.CV, c.BetweenRuns, c.DriftPerHour, mdeJSON(c.MDE5), mdeJSON(c.MDE10), mdeJSON(c.MDE20)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *CalibratedMetric) UnmarshalJSON(b []byte) error {
	var j calibratedJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*c = CalibratedMetric{j.CV, j.BetweenRuns, j.DriftPerHour, float64(j.MDE5), float64(j.MDE10), float64(j.MDE20)}
	return nil
}

func undetectable(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 1) }

// FormatPercent writes a fraction as the calibration block does, by
// metric.Format: 0.041 → "4.10%".
func FormatPercent(f float64) string { return metric.Format(f, metric.Fraction) }

// FormatDrift writes a drift per hour with its sign: 0.008 → "+0.800%/h".
func FormatDrift(f float64) string { return metric.Format(f, metric.Delta) + "/h" }

// FormatMDE writes a minimum detectable effect: a percentage, or
// "undetectable".
func FormatMDE(f float64) string {
	if undetectable(f) {
		return Undetectable
	}
	return FormatPercent(f)
}

// ParsePercent reads a percentage as the calibration block writes it,
// "4.1%" (or a bare 0), as a fraction.
func ParsePercent(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "0" {
		return 0, nil
	}
	num, ok := strings.CutSuffix(t, "%")
	f, err := parseNumber(strings.TrimSpace(num))
	if !ok || err != nil {
		return 0, fmt.Errorf("%q is not a percentage: write it like 4.1%%", s)
	}
	return f / 100, nil
}

// parseDrift reads "+0.8%/h" (or a bare 0) as a fraction per hour.
func parseDrift(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "0" {
		return 0, nil
	}
	pct, ok := strings.CutSuffix(t, "/h")
	f, err := ParsePercent(pct)
	if !ok || err != nil {
		return 0, fmt.Errorf("%q is not a drift: write a percentage per hour, like +0.8%%/h or -0.3%%/h", s)
	}
	return f, nil
}

// calibration decodes the calibration: block.
func (d *decoder) calibration(v any) *Calibration {
	c := &Calibration{}
	m := d.mapping("calibration", v, calibrationKeys, "key")
	if v, ok := m["date"]; ok {
		c.Date = d.timestamp("calibration.date", v)
	}
	if v, ok := m["host"]; ok {
		c.Host = d.str("calibration.host", v)
	}
	if v, ok := m["commit"]; ok {
		c.Commit = d.str("calibration.commit", v)
	}
	if v, ok := m["blocks"]; ok {
		c.Blocks = d.integer("calibration.blocks", v, "10", MaxRuns)
	}
	if v, ok := m["alpha"]; ok {
		c.Alpha = d.number("calibration.alpha", v, "0.05")
	}
	if v := m["metrics"]; d.given(m, "metrics", "calibration.metrics") {
		// Every key is decoded: Validate checks the endpoint and the
		// metric, which need the scenario's endpoints.
		keys := slices.Clone(d.raw.children["calibration.metrics"])
		if mm, ok := v.(map[string]any); ok {
			keys = append(keys, sortedKeys(mm)...)
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
		mm := d.mapping("calibration.metrics", v, keys, "metric")
		for _, key := range keys {
			if c.Metrics == nil {
				c.Metrics = map[string]CalibratedMetric{}
			}
			c.Metrics[key] = d.calibratedMetric(joinPath("calibration.metrics", key), mm[key])
		}
	}
	return c
}

func (d *decoder) calibratedMetric(field string, v any) CalibratedMetric {
	var c CalibratedMetric
	m := d.mapping(field, v, calibratedMetricKeys, "key")
	if m == nil && v == nil {
		d.fail(field, "is empty: write the metric's noise, like {cv: 4.1%%, between_runs: 12%%, drift: +0.8%%/h, mde_5: 14%%, mde_10: 8.2%%, mde_20: 5.6%%}")
	}
	read := func(key string, parse func(string) (float64, error)) float64 {
		val, ok := m[key]
		if !ok {
			return 0
		}
		f := joinPath(field, key)
		s, ok := d.text(f, val)
		if !ok {
			d.fail(f, "is %s: write a single value", describe(val))
			return 0
		}
		x, err := parse(s)
		if err != nil {
			d.fail(f, "%v", err)
		}
		return x
	}
	mde := func(s string) (float64, error) {
		if strings.TrimSpace(s) == Undetectable {
			return math.Inf(1), nil
		}
		f, err := ParsePercent(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not a percentage: write it like 14%%, or %s", s, Undetectable)
		}
		return f, nil
	}
	c.CV = read("cv", ParsePercent)
	c.BetweenRuns = read("between_runs", ParsePercent)
	c.DriftPerHour = read("drift", parseDrift)
	c.MDE5 = read("mde_5", mde)
	c.MDE10 = read("mde_10", mde)
	c.MDE20 = read("mde_20", mde)
	return c
}

// timestamp decodes an RFC 3339 time, like 2026-12-01T16:40:00Z.
func (d *decoder) timestamp(field string, v any) time.Time {
	const example = "2026-12-01T16:40:00Z"
	if t, ok := v.(time.Time); ok && d.raw.entries[strings.ToLower(field)].line == 0 {
		return t // TOML's own date-times, which the index has no text of
	}
	s, ok := d.text(field, v)
	if !ok {
		d.fail(field, "is %s: write a time like %s (RFC 3339)", describe(v), example)
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		d.fail(field, "%q is not an RFC 3339 time: write it like %s, with its time zone", s, example)
		return time.Time{}
	}
	return t
}

// calibration checks the calibration: block.
func (v *validator) calibration(c *Calibration, endpoints []string) {
	if c.Date.IsZero() {
		v.add("calibration.date", "is required: when the calibration ran, like 2026-12-01T16:40:00Z (RFC 3339)")
	}
	for _, f := range []struct{ field, text string }{{"calibration.host", c.Host}, {"calibration.commit", c.Commit}} {
		if !utf8.ValidString(f.text) || strings.ContainsAny(f.text, "\r\n") {
			v.add(f.field, "is not one line of text: write it on one line")
		}
	}
	if c.Blocks < 1 {
		v.add("calibration.blocks", "%d is too few: the number of A/A blocks measured, 1 or more", c.Blocks)
	} else if c.Blocks > MaxRuns {
		v.add("calibration.blocks", "%s", tooLarge(fmt.Sprint(c.Blocks), MaxRuns))
	}
	if c.Alpha != 0 {
		if err := CheckAlpha(c.Alpha); err != nil {
			v.add("calibration.alpha", "%v", err)
		}
	}
	for _, key := range sortedKeys(c.Metrics) {
		field := "calibration.metrics." + key
		v.calibrationKey(field, key, endpoints)
		cm := c.Metrics[key]
		share := func(name string, f float64, most float64) {
			switch {
			case math.IsNaN(f) || math.IsInf(f, 0):
				v.add(field+"."+name, "is not a finite percentage: write one like 4.1%%")
			case f < 0:
				v.add(field+"."+name, "%s is negative: write a percentage of 0%% or more, like 4.1%%", FormatPercent(f))
			case f > most:
				v.add(field+"."+name, "%s is a share of the variance: at most 100%%", FormatPercent(f))
			}
		}
		share("cv", cm.CV, math.Inf(1))
		share("between_runs", cm.BetweenRuns, 1)
		if math.IsNaN(cm.DriftPerHour) || math.IsInf(cm.DriftPerHour, 0) {
			v.add(field+".drift", "is not a finite drift: write a percentage per hour, like +0.8%%/h")
		}
		for i, f := range []float64{cm.MDE5, cm.MDE10, cm.MDE20} {
			if !undetectable(f) && (math.IsInf(f, -1) || f < 0) {
				v.add(field+"."+calibratedMetricKeys[3+i], "%s is negative: write a percentage of 0%% or more, or %s", FormatPercent(f), Undetectable)
			}
		}
	}
}

// calibrationKey checks a key of calibration.metrics: endpoint.metric for
// one of endpoints, or server.metric for the server's own metrics.
func (v *validator) calibrationKey(field, key string, endpoints []string) {
	endpoint, name := metric.SplitKey(key)
	m, err := parseMetric(name)
	switch {
	case endpoint == "":
		v.add(field, "names no endpoint: write endpoint.metric, like search.%s, or server.metric for the server's cpu_per_req, alloc_per_req and rss_peak", key)
	case err != nil && metricSuggestion(name) != "":
		v.add(field, "unknown metric %s; %s", name, metricSuggestion(name))
	case err != nil:
		v.add(field, "%v", err)
	case m.ServerWide() && endpoint != ServerEndpoint:
		v.add(field, "%s is the server's, measured over all endpoints together: write server.%s", m.Name, m.Name)
	case !m.ServerWide() && endpoint == ServerEndpoint && !slices.Contains(endpoints, ServerEndpoint):
		v.add(field, "%s is measured per endpoint: write endpoint.%s (server. is for %s only)", m.Name, name, strings.Join(metric.ServerMetrics, ", "))
	case !m.ServerWide() && !slices.Contains(endpoints, endpoint):
		v.add(field, "no endpoint is named %q: %s", endpoint, didYouMean(endpoint, endpoints))
	}
}
