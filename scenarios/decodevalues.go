package scenarios

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The decoder's readers of single values. Each accepts what YAML, TOML,
// JSON and the environment (always text) give for its kind, and reports a
// value it cannot read at its field.

// text returns the scalar v as text: as the file writes it when it comes
// from the file, so "0.10" stays "0.10".
func (d *decoder) text(field string, v any) (string, bool) {
	if d.fromFile(field) {
		if e, ok := d.raw.entries[strings.ToLower(field)]; ok && e.kind == rawScalar {
			if _, isScalar := scalarText(v); isScalar {
				return e.text, true
			}
		}
	}
	return scalarText(v)
}

func scalarText(v any) (string, bool) {
	s, kind := valueText(v)
	return s, kind == rawScalar
}

func (d *decoder) str(field string, v any) string {
	s, ok := scalarText(v)
	if !ok {
		d.fail(field, "is %s: write a single value", describe(v))
		return ""
	}
	if !utf8.ValidString(s) {
		d.fail(field, "is not valid UTF-8 text: fix its encoding")
		return ""
	}
	return s
}

// integer decodes a whole number of at most hi; a larger one, or one too
// large for an int, is refused as too large with the limit. Smaller limits
// (weight 0, runs -1) are Validate's, with messages of their own.
func (d *decoder) integer(field string, v any, example string, hi int) int {
	return d.integerIn(field, v, example, hi, "")
}

// integerIn is integer with its own message for a number above hi.
func (d *decoder) integerIn(field string, v any, example string, hi int, above string) int {
	s, _ := scalarText(v)
	if t, ok := d.text(field, v); ok {
		s = t // as written: 1e+20, not 100000000000000000000
	}
	var f float64
	switch n := v.(type) {
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case uint64:
		f = float64(n)
	case float64:
		f = n
	case string:
		t := strings.TrimSpace(n)
		if i, err := strconv.Atoi(t); err == nil {
			f = float64(i)
		} else if g, err := strconv.ParseFloat(t, 64); err == nil && !strings.ContainsAny(t, "xXpP_") {
			f = g
		} else {
			f = math.NaN()
		}
	default:
		f = math.NaN()
	}
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f):
		d.fail(field, "%s is not a whole number: write it like %s", quoteOr(s, v), example)
		return 0
	case f > float64(hi) && above != "":
		d.fail(field, "%s %s", quoteOr(s, v), above)
		return 0
	case f > float64(hi):
		d.fail(field, "%s", tooLarge(quoteOr(s, v), hi))
		return 0
	case f < -float64(hi):
		d.fail(field, "%s is too small: write it like %s", quoteOr(s, v), example)
		return 0
	}
	return int(f)
}

func (d *decoder) number(field string, v any, example string) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case uint64:
		return float64(n)
	case float64:
		return n
	case string:
		if f, err := parseNumber(strings.TrimSpace(n)); err == nil {
			return f
		}
	}
	s, _ := scalarText(v)
	d.fail(field, "%s is not a number: write it like %s", quoteOr(s, v), example)
	return 0
}

func (d *decoder) boolean(field string, v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		if p, err := strconv.ParseBool(strings.TrimSpace(b)); err == nil {
			return p
		}
	}
	s, _ := scalarText(v)
	d.fail(field, "%s is not true or false: write true or false", quoteOr(s, v))
	return false
}

// duration decodes a duration of at most hi.
func (d *decoder) duration(field string, v any, example string, hi time.Duration) Duration {
	s, ok := scalarText(v)
	if !ok {
		d.fail(field, "is %s: write a duration like %s", describe(v), example)
		return 0
	}
	if _, isString := v.(string); !isString && s != "0" {
		d.fail(field, "%s has no unit: write a duration like %s", s, example)
		return 0
	}
	dur, err := ParseDuration(s)
	switch {
	case err != nil && durationSyntax.MatchString(strings.TrimSpace(s)):
		// Well formed, but past the 292 years a time.Duration holds.
		d.fail(field, "%s", tooLarge(strconv.Quote(s), shortDuration(hi)))
		return 0
	case err != nil:
		d.fail(field, "%q is not a duration: write it like %s", s, example)
		return 0
	case dur.D() > hi:
		d.fail(field, "%s", tooLarge(strconv.Quote(s), shortDuration(hi)))
		return 0
	}
	return dur
}

// durationSyntax matches what time.ParseDuration reads, whatever the size.
var durationSyntax = regexp.MustCompile(`^[-+]?((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$`)

func (d *decoder) rate(field string, v any) Rate {
	s, ok := scalarText(v)
	if !ok {
		d.fail(field, "is %s: write a rate like 200/s, 30/m or max", describe(v))
		return Rate{}
	}
	r, err := ParseRate(s)
	switch {
	case err != nil:
		d.fail(field, "%v", err)
		return Rate{}
	case r.PerSecond > MaxRate:
		d.fail(field, "%s is too high: at most %s/s for the whole scenario", s, formatNumber(MaxRate))
		return Rate{}
	}
	return r
}

func (d *decoder) date(field string, v any) Date {
	if t, ok := v.(time.Time); ok {
		y, m, day := t.Date()
		return Date{time.Date(y, m, day, 0, 0, 0, 0, time.UTC)}
	}
	s, ok := scalarText(v)
	if !ok {
		d.fail(field, "is %s: write a date like 2026-12-31", describe(v))
		return Date{}
	}
	dt, err := ParseDate(s)
	if err != nil {
		d.fail(field, "%v", err)
	}
	return dt
}

// textList decodes a list of text; a single value is a list of one, and a
// single value from the environment or an override is split at commas
// (HOTBENCH_PROFILES_KINDS=cpu,heap).
func (d *decoder) textList(field string, v any, example string) []string {
	var out []string
	switch l := v.(type) {
	case []any:
		for i, item := range l {
			s := d.str(indexPath(field, i), item)
			out = append(out, s)
		}
		return out
	case string:
		if !d.fromFile(field) {
			for _, part := range strings.Split(l, ",") {
				if p := strings.TrimSpace(part); p != "" {
					out = append(out, p)
				}
			}
			return out
		}
	}
	if _, ok := scalarText(v); ok {
		return []string{d.str(field, v)}
	}
	d.fail(field, "is %s: write a list like %s", describe(v), example)
	return nil
}

func (d *decoder) quantity(field, metric string, v any, relative bool) Quantity {
	s, ok := d.text(field, v)
	if !ok {
		d.fail(field, "is %s: write a single value like %s", describe(v), exampleValue(metric))
		return Quantity{}
	}
	q, err := ParseQuantity(metric, s, relative)
	if err != nil {
		d.fail(field, "%v", err)
	}
	return q
}

// expand applies ${VAR} expansion, reporting each problem at field.
func (d *decoder) expand(field, s string) string {
	out, problems := expandEnv(s, d.lookup)
	for _, p := range problems {
		d.fail(field, "%s", p)
	}
	if len(problems) == 0 && !utf8.ValidString(out) {
		d.fail(field, "is not valid UTF-8 text once ${...} is expanded: check the variables it uses")
	}
	return out
}

// describe names the kind of a decoded value for messages.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "empty"
	case map[string]any, map[any]any:
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return "text"
	case bool:
		return "true/false"
	}
	return "a number"
}

func quoteOr(s string, v any) string {
	if _, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	if s == "" {
		return describe(v)
	}
	return s
}
