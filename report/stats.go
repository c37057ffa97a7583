package report

import (
	"math"
	"slices"

	"golang.org/x/perf/benchmath"
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
