package scenarios

import (
	"math"
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

func (d *decoder) integer(field string, v any, example string) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		if n >= math.MinInt && n <= math.MaxInt {
			return int(n)
		}
	case uint64:
		if n <= math.MaxInt {
			return int(n)
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int(n)
		}
	case string:
		if i, err := strconv.Atoi(strings.TrimSpace(n)); err == nil {
			return i
		}
	}
	s, _ := scalarText(v)
	d.fail(field, "%s is not a whole number: write it like %s", quoteOr(s, v), example)
	return 0
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

func (d *decoder) duration(field string, v any, example string) Duration {
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
	if err != nil {
		d.fail(field, "%q is not a duration: write it like %s", s, example)
		return 0
	}
	return dur
}

func (d *decoder) rate(field string, v any) Rate {
	s, ok := scalarText(v)
	if !ok {
		d.fail(field, "is %s: write a rate like 200/s, 30/m or max", describe(v))
		return Rate{}
	}
	r, err := ParseRate(s)
	if err != nil {
		d.fail(field, "%v", err)
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
