package metric

import (
	"math"
	"strconv"
	"strings"
)

// Class is how the values of a quantity read: their canonical unit and the
// units Format scales them to.
type Class int

// Unit classes.
const (
	// Seconds: latencies and CPU time, in ns, µs, ms or s.
	Seconds Class = iota + 1
	// Fraction: error rates and profile shares, 0.001 → 0.100%.
	Fraction
	// Rate: requests per second, 199.9 → 200 req/s.
	Rate
	// Bytes: in B, KiB, MiB, GiB or TiB (powers of 1024).
	Bytes
	// Count: a number of things, rounded to an integer, 20000 → 20,000.
	Count
	// Delta: a relative change, cand/base − 1, as a signed percentage:
	// 0.041 → +4.10%.
	Delta
	// Points: a change of a fraction, cand − base, in percentage points:
	// 0.0417 → +4.17 pp.
	Points
)

func (c Class) String() string {
	switch c {
	case Seconds:
		return "seconds"
	case Fraction:
		return "fraction"
	case Rate:
		return "rate"
	case Bytes:
		return "bytes"
	case Count:
		return "count"
	case Delta:
		return "delta"
	case Points:
		return "points"
	}
	return "Class(" + strconv.Itoa(int(c)) + ")"
}

// unit is one unit of a class: factor canonical units make one of it, and
// step of it make the next larger unit of the class.
type unit struct {
	factor float64
	name   string
	step   float64
}

// units lists each class's units, smallest first. A name that is a word
// carries its leading space.
var units = map[Class][]unit{
	Seconds:  {{1e-9, "ns", 1000}, {1e-6, "µs", 1000}, {1e-3, "ms", 1000}, {1, "s", 0}},
	Fraction: {{0.01, "%", 0}},
	Rate:     {{1, " req/s", 0}},
	Bytes:    {{1, "B", 1024}, {1 << 10, "KiB", 1024}, {1 << 20, "MiB", 1024}, {1 << 30, "GiB", 1024}, {1 << 40, "TiB", 0}},
	Delta:    {{0.01, "%", 0}},
	Points:   {{0.01, " pp", 0}},
}

// Format writes v, a quantity of class c in its canonical unit (seconds, a
// fraction, requests per second, bytes), by the package's rule: three
// significant digits in the unit that suits the value ("850µs", "9.66ms",
// "1.50s", "0.100%", "64.0KiB", "200 req/s", "+4.10%", "-38.0 pp"); zero
// as "0s", "0%"; NaN as "n/a".
func Format(v float64, c Class) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	case c == Count:
		return formatCount(v)
	}
	us := units[c]
	if len(us) == 0 {
		us = []unit{{1, "", 0}} // a class without units: the plain number
	}
	if v == 0 {
		return "0" + us[pick(us, 1)].name // in the canonical unit: 0s, 0%
	}
	sign := ""
	switch {
	case v < 0:
		sign, v = "-", -v
	case c == Delta || c == Points:
		sign = "+"
	}
	i := pick(us, v)
	for {
		s, n := sig3(v / us[i].factor)
		if us[i].step > 0 && n >= us[i].step {
			i++ // 999.7ms rounds to 1000ms: it is 1.00s
			continue
		}
		return sign + s + us[i].name
	}
}

// pick is the largest unit of us that v is at least one of (the smallest
// when v is smaller than all).
func pick(us []unit, v float64) int {
	i := 0
	for j := range us {
		if v >= us[j].factor {
			i = j
		}
	}
	return i
}

// sig3 writes n > 0 with three significant digits, trailing zeros kept and
// the integer part never rounded (12345 stays 12345); a number below 0.001
// is written with an exponent. It returns the number the text reads.
func sig3(n float64) (string, float64) {
	if n < 1e-3 {
		s := strconv.FormatFloat(n, 'e', 2, 64)
		return s, n
	}
	e := int(math.Floor(math.Log10(n)))
	dec := max(2-e, 0)
	s := strconv.FormatFloat(n, 'f', dec, 64)
	r, _ := strconv.ParseFloat(s, 64)
	if r >= math.Pow(10, float64(e+1)) && dec > 0 {
		// 9.996 rounds to 10.00: one decimal fewer keeps three digits.
		s = strconv.FormatFloat(n, 'f', dec-1, 64)
		r, _ = strconv.ParseFloat(s, 64)
	}
	return s, r
}

// formatCount writes a rounded integer with thousands separators: "20,000".
func formatCount(v float64) string {
	r := math.Round(v)
	if r == 0 {
		return "0" // never "-0"
	}
	s := strconv.FormatFloat(math.Abs(r), 'f', 0, 64)
	var b strings.Builder
	if r < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// FormatCount writes an integer with thousands separators: 20000 → "20,000".
func FormatCount(n int64) string { return formatCount(float64(n)) }

// Scale is one unit for a set of values of a class, as a chart's axis needs
// it: a value v reads v/Factor in Unit.
type Scale struct {
	Factor float64
	// Unit is "ms", "%", "req/s", "KiB", … ("" for a class without units).
	Unit string
}

// ScaleOf is the unit Format writes the largest finite magnitude of vals
// in; the canonical unit (s, %, req/s, B) when there is none, or all are 0.
func ScaleOf(c Class, vals ...float64) Scale {
	us := units[c]
	if len(us) == 0 {
		return Scale{Factor: 1}
	}
	big := 0.0
	for _, v := range vals {
		if a := math.Abs(v); !math.IsInf(a, 0) && !math.IsNaN(a) && a > big {
			big = a
		}
	}
	i := pick(us, 1) // the canonical unit, or the smallest above it
	if big > 0 {
		i = pick(us, big)
		if _, n := sig3(big / us[i].factor); us[i].step > 0 && n >= us[i].step {
			i++
		}
	}
	return Scale{Factor: us[i].factor, Unit: strings.TrimSpace(us[i].name)}
}

// Of is v in the scale's unit.
func (s Scale) Of(v float64) float64 { return v / s.Factor }
