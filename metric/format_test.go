package metric

import (
	"math"
	"strconv"
	"testing"
)

func TestFormat(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, tc := range []struct {
		v     float64
		class Class
		want  string
	}{
		// Seconds: three significant digits in the unit that suits each value.
		{1.5, Seconds, "1.50s"},
		{0.00966, Seconds, "9.66ms"},
		{0.005495, Seconds, "5.50ms"}, // never 5495µs
		{0.00085, Seconds, "850µs"},
		{0.0123, Seconds, "12.3ms"},
		{0.150, Seconds, "150ms"},
		{1, Seconds, "1.00s"},
		{0.9997, Seconds, "1.00s"},     // rounds up into the next unit
		{0.0009996, Seconds, "1.00ms"}, // likewise
		{0.0099996, Seconds, "10.0ms"},
		{12345, Seconds, "12345s"}, // the integer part is never rounded
		{3600, Seconds, "3600s"},
		{0.5e-6, Seconds, "500ns"},
		{1.5e-12, Seconds, "0.00150ns"},
		{1e-15, Seconds, "1.00e-06ns"}, // tiny: an exponent
		{0, Seconds, "0s"},
		{-0.0015, Seconds, "-1.50ms"},
		{nan, Seconds, "n/a"},
		{inf, Seconds, "∞"},
		{-inf, Seconds, "-∞"},

		// Fractions are percentages.
		{0.001, Fraction, "0.100%"},
		{0.0123, Fraction, "1.23%"},
		{0.5, Fraction, "50.0%"},
		{1, Fraction, "100%"},
		{0.0000123, Fraction, "0.00123%"},
		{0, Fraction, "0%"},

		// Rates in req/s, after a space.
		{199.9, Rate, "200 req/s"},
		{12345.6, Rate, "12346 req/s"},
		{0.5, Rate, "0.500 req/s"},
		{0, Rate, "0 req/s"},

		// Bytes in powers of 1024.
		{512, Bytes, "512B"},
		{64 << 10, Bytes, "64.0KiB"},
		{1.5 * (1 << 20), Bytes, "1.50MiB"},
		{1023.7, Bytes, "1.00KiB"},
		{1000 << 10, Bytes, "1000KiB"}, // below 1 MiB: benchunit's choice too
		{3 << 40, Bytes, "3.00TiB"},
		{0, Bytes, "0B"},

		// Counts are integers with separators.
		{20000, Count, "20,000"},
		{-1234567, Count, "-1,234,567"},
		{999.6, Count, "1,000"},
		{0, Count, "0"},
		{-0.2, Count, "0"},

		// Relative changes and changes of fractions carry their sign.
		{0.041, Delta, "+4.10%"},
		{-0.76, Delta, "-76.0%"},
		{-0.0833, Delta, "-8.33%"},
		{1.5, Delta, "+150%"},
		{0.00012, Delta, "+0.0120%"},
		{0, Delta, "0%"},
		{nan, Delta, "n/a"},
		{0.0417, Points, "+4.17 pp"},
		{-0.38, Points, "-38.0 pp"},
		{0, Points, "0 pp"},
	} {
		if got := Format(tc.v, tc.class); got != tc.want {
			t.Errorf("Format(%v, %v) = %q, want %q", tc.v, tc.class, got, tc.want)
		}
	}
}

// The same value prints the same through a metric as through its class.
func TestMetricFormatIsItsClass(t *testing.T) {
	for name, v := range map[string]float64{"p95": 0.3, "p99.9": 0.0055, "error_rate": 0.001, "rps": 199.9, "alloc_per_req": 65536, "cpu_per_req": 0.002} {
		m, _ := Parse(name)
		if m.Format(v) != Format(v, m.Class) {
			t.Errorf("%s: %q != %q", name, m.Format(v), Format(v, m.Class))
		}
	}
}

func TestScaleOf(t *testing.T) {
	for _, tc := range []struct {
		class Class
		vals  []float64
		want  Scale
	}{
		{Seconds, []float64{0.012, 0.150}, Scale{1e-3, "ms"}},
		{Seconds, []float64{0.5, 1.5}, Scale{1, "s"}},
		{Seconds, []float64{0.0002, 0.0009}, Scale{1e-6, "µs"}},
		{Seconds, []float64{0.9997}, Scale{1, "s"}}, // as Format writes it: 1.00s
		{Seconds, nil, Scale{1, "s"}},
		{Seconds, []float64{0, math.NaN(), math.Inf(1)}, Scale{1, "s"}},
		{Fraction, []float64{0.001}, Scale{0.01, "%"}},
		{Rate, []float64{200}, Scale{1, "req/s"}},
		{Bytes, []float64{100, 3 << 20}, Scale{1 << 20, "MiB"}},
		{Count, []float64{5}, Scale{1, ""}},
	} {
		if got := ScaleOf(tc.class, tc.vals...); got != tc.want {
			t.Errorf("ScaleOf(%v, %v) = %+v, want %+v", tc.class, tc.vals, got, tc.want)
		}
	}
}

func FuzzFormat(f *testing.F) {
	f.Add(1.5, 1)
	f.Add(-0.0009996, 1)
	f.Add(1023.99, 4)
	f.Fuzz(func(t *testing.T, v float64, c int) {
		cls := Class(c%7 + 1)
		s := Format(v, cls)
		if s == "" {
			t.Fatalf("Format(%v, %v) is empty", v, cls)
		}
		// Never a number of a unit that should have been the next one.
		if us := units[cls]; len(us) > 1 && !math.IsInf(v, 0) && !math.IsNaN(v) {
			for _, u := range us[:len(us)-1] {
				if n, ok := numberBefore(s, u.name); ok && n >= u.step {
					t.Fatalf("Format(%v, %v) = %q: %v%s is a larger unit", v, cls, s, n, u.name)
				}
			}
		}
	})
}

// numberBefore reads the number of s when s ends in unit name.
func numberBefore(s, name string) (float64, bool) {
	if len(s) <= len(name) || s[len(s)-len(name):] != name {
		return 0, false
	}
	n, err := strconv.ParseFloat(s[:len(s)-len(name)], 64)
	return math.Abs(n), err == nil
}
