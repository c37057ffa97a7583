package sequential

import "math"

// The boundaries of a group-sequential test, by recursive numerical
// integration (Armitage, McPherson and Rowe 1969; the method of Jennison
// and Turnbull's book, ch. 19). Under no effect the standardized statistic
// at information fraction t behaves like W(t)/√t, W a standard Brownian
// motion: looks share their first blocks, so W has independent normal
// increments between looks. A stage holds the density of W at a look over
// the paths that have not crossed a boundary yet (at that look or any
// earlier one), on a grid; the next look's crossing chance and density are
// integrals of it against the normal increment, by Simpson's rule.

// stage is the sub-density of W(t) on a uniform grid over [−b, b]; the
// zero stage (nil) is the point mass at W(0) = 0.
type stage struct {
	t    float64
	x, f []float64 // grid points and the density there
	w    []float64 // Simpson weights of the grid
}

// exit is the chance that a path still inside at this stage is outside
// [−b, b] at time t2.
func (s *stage) exit(t2, b float64) float64 {
	if s == nil {
		return math.Erfc(b / math.Sqrt(2*t2))
	}
	sd := math.Sqrt(t2 - s.t)
	var p float64
	for i, x := range s.x {
		p += s.w[i] * s.f[i] * (upper((b-x)/sd) + upper((b+x)/sd))
	}
	return p
}

// next is the stage at time t2 with boundary b, on n grid points.
func (s *stage) next(t2, b float64, n int) *stage {
	h := 2 * b / float64(n-1)
	ns := &stage{t: t2, x: make([]float64, n), f: make([]float64, n), w: simpson(n, h)}
	for j := range ns.x {
		ns.x[j] = -b + float64(j)*h
	}
	if s == nil {
		for j, y := range ns.x {
			ns.f[j] = normalPDF(y, t2)
		}
		return ns
	}
	v := t2 - s.t
	for j, y := range ns.x {
		var g float64
		for i, x := range s.x {
			g += s.w[i] * s.f[i] * normalPDF(y-x, v)
		}
		ns.f[j] = g
	}
	return ns
}

// boundaries returns b[k], the boundary on |W(t[k])| at each look such
// that the chance of a first crossing by look k is spent[k] (cumulative).
func boundaries(t, spent []float64) []float64 {
	b := make([]float64, len(t))
	h := gridStep(t)
	var s *stage
	var before float64
	for k, tk := range t {
		inc := spent[k] - before
		before = spent[k]
		b[k] = solveBoundary(s, tk, inc)
		if k+1 < len(t) {
			s = s.next(tk, b[k], gridPoints(b[k], h))
		}
	}
	return b
}

// crossings is the chance of a first crossing at each look, for given
// boundaries b[k] on |W(t[k])|: the inverse of boundaries.
func crossings(t, b []float64) []float64 {
	p := make([]float64, len(t))
	h := gridStep(t)
	var s *stage
	for k, tk := range t {
		p[k] = s.exit(tk, b[k])
		if k+1 < len(t) {
			s = s.next(tk, b[k], gridPoints(b[k], h))
		}
	}
	return p
}

// solveBoundary finds b where the chance of leaving [−b, b] at time t,
// from stage s, is inc: exit falls from all the mass left at b = 0 to
// nothing.
func solveBoundary(s *stage, t, inc float64) float64 {
	hi := 40 * math.Sqrt(t)
	switch {
	case !(inc > 0):
		return hi
	case inc >= s.exit(t, 0):
		return 0
	}
	lo := 0.0
	for range 100 {
		mid := (lo + hi) / 2
		if s.exit(t, mid) > inc {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// gridStep is the widest grid step the stages may have: a 16th of the
// smallest standard deviation of an increment of W between looks, so the
// normal kernel is smooth on the grid.
func gridStep(t []float64) float64 {
	minSD := math.Sqrt(t[0])
	for k := 1; k < len(t); k++ {
		minSD = min(minSD, math.Sqrt(t[k]-t[k-1]))
	}
	return minSD / 16
}

// gridPoints is the (odd) number of points of a grid over [−b, b] with a
// step of at most h, and never fewer than 401 (nor more than 8001).
func gridPoints(b, h float64) int {
	n := int(math.Ceil(2*b/h)) + 1
	return min(max(n|1, 401), 8001)
}

// simpson is the weights of Simpson's rule on n (odd) points h apart.
func simpson(n int, h float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		switch {
		case i == 0 || i == n-1:
			w[i] = h / 3
		case i%2 == 1:
			w[i] = 4 * h / 3
		default:
			w[i] = 2 * h / 3
		}
	}
	return w
}

// upper is P(Z ≥ z) for a standard normal Z.
func upper(z float64) float64 { return math.Erfc(z/math.Sqrt2) / 2 }

// normalPDF is the density at x of a normal with mean 0 and variance v.
func normalPDF(x, v float64) float64 {
	return math.Exp(-x*x/(2*v)) / math.Sqrt(2*math.Pi*v)
}
