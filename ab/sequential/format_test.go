package sequential

import (
	"math"
	"testing"

	"github.com/hotbench/hotbench/metric"
)

// This package prints relative changes itself (it may import nothing of
// hotbench), by the metric package's rule; the two must read the same.
func TestDeltasReadAsMetricWritesThem(t *testing.T) {
	for _, d := range []float64{0, 0.214, -0.214, 0.0513, 0.00999, 0.0999, 0.9996, 12.5, -0.999, 1e-6, -3e-5, 123.456, math.Inf(1), math.Inf(-1), math.NaN()} {
		if got, want := formatDelta(d), metric.Format(d, metric.Delta); got != want {
			t.Errorf("formatDelta(%g) = %q, metric.Format says %q", d, got, want)
		}
	}
}
