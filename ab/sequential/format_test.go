package sequential

import (
	"math"
	"testing"
)

// Differences without a ratio (against a base of 0) read as signed numbers
// with metric's three significant digits.
func TestSignedDifferences(t *testing.T) {
	for x, want := range map[float64]string{
		0: "0", 0.0123: "+0.0123", -0.0123: "-0.0123", 12.345: "+12.3", 1e-6: "+1.00e-06",
		math.Inf(1): "∞", math.Inf(-1): "-∞", math.NaN(): "n/a",
	} {
		if got := formatSigned(x); got != want {
			t.Errorf("formatSigned(%g) = %q, want %q", x, got, want)
		}
	}
}
