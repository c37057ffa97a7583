package report

import (
	"math"
	"slices"

	"golang.org/x/perf/benchmath"

	"github.com/hotbench/hotbench/compare"
)

// estimate is a sample's median and its order-statistic confidence
// interval, computed as benchstat and the compare package compute them. Lo
// and Hi are ±Inf when the sample is too small for an interval.
type estimate struct {
	Center, Lo, Hi float64
	N              int
}

func summarize(values []float64, confidence float64) estimate {
	if len(values) == 0 {
		return estimate{Center: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	s := benchmath.NewSample(slices.Clone(values), &benchmath.Thresholds{})
	sum := benchmath.AssumeNothing.Summary(s, confidence)
	return estimate{Center: sum.Center, Lo: sum.Lo, Hi: sum.Hi, N: len(values)}
}

// linearFit is the least-squares line y = a + b·x. ok is false with fewer
// than two distinct x values, where no line is defined.
func linearFit(xs, ys []float64) (a, b float64, ok bool) {
	n := float64(len(xs))
	if len(xs) < 2 || len(xs) != len(ys) {
		return 0, 0, false
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= n
	my /= n
	var sxx, sxy float64
	for i := range xs {
		dx := xs[i] - mx
		sxx += dx * dx
		sxy += dx * (ys[i] - my)
	}
	if sxx == 0 {
		return 0, 0, false
	}
	b = sxy / sxx
	return my - b*mx, b, true
}

// median of a non-empty slice; it does not modify vals.
func median(vals []float64) float64 {
	if len(vals) == 0 {
		return math.NaN()
	}
	s := slices.Clone(vals)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// pooledRate is an error rate over the pooled counts of n repetitions:
// errors over requests, with the Wilson score interval at the confidence
// level. A median of per-repetition rates would hide an outage confined
// to one repetition; the pooled count shows what was lost.
func pooledRate(errors, requests int64, n int, confidence float64) estimate {
	if requests <= 0 {
		return estimate{Center: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), N: n}
	}
	lo, hi := compare.Wilson(errors, requests, confidence)
	return estimate{Center: float64(errors) / float64(requests), Lo: lo, Hi: hi, N: n}
}

// outlierRatio is how far above everything else a value must be before a
// chart leaves it off its axis: ten times. A fix that takes p99 from 48 ms
// to 3 ms keeps both on the chart; a broken run a hundred times slower
// than the others does not squash them into the bottom pixels.
const outlierRatio = 10

// robustTop is the top of a value axis that starts at zero: the largest
// value, unless the largest few are each more than outlierRatio times the
// rest and floor (the objective, which the chart must show). At most a
// quarter of the values (one of three or more) are left above it, to be
// drawn clipped at the chart's edge; with fewer than three values nothing
// is.
func robustTop(vals []float64, floor float64) float64 {
	var s []float64
	for _, v := range vals {
		if finite(v) {
			s = append(s, v)
		}
	}
	slices.Sort(s)
	if len(s) == 0 {
		return math.Max(floor, 0)
	}
	n := len(s)
	if n >= 3 {
		// The fewest values above a gap of outlierRatio.
		for k := 1; k <= max(1, n/4); k++ {
			rest := math.Max(s[n-k-1], floor)
			if rest > 0 && s[n-k] > outlierRatio*rest {
				return rest
			}
		}
	}
	return math.Max(s[n-1], floor)
}
