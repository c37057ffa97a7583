package compare

import (
	"math"
	"testing"

	"github.com/aclements/go-moremath/stats"
)

// TestFisherMatchesR checks the two-sided exact test against the p-values
// R's fisher.test prints for the same tables, or exact rational arithmetic
// where noted; the one-sided p is P(candidate failures ≥ observed) under
// the same margins.
func TestFisherMatchesR(t *testing.T) {
	cases := []struct {
		name           string
		e1, n1, e2, n2 int64
		two, greater   float64
	}{
		// fisher.test(matrix(c(3,1,1,3), 2)): the tea-tasting lady.
		{"3 of 4 against 1 of 4", 3, 4, 1, 4, 0.4857142857, 0.9857142857},
		// fisher.test(matrix(c(1,11,9,3), 2)): R's own example table.
		{"1 of 10 against 11 of 14", 1, 10, 11, 14, 0.002759456, 0.001379728},
		// Exact with integers: P = C(n,k)/C(2n,k), two-sided twice that.
		{"0 of 1000 against 96 of 1000 (an outage in one repetition of five)", 0, 1000, 96, 1000, 2.3007546808e-30, 1.1503773404e-30},
		{"0 of 20000 against 20 of 20000", 0, 20000, 20, 20000, 1.8983058118e-06, 9.4915290589e-07},
		{"a lone error: 0 of 2000 against 1 of 2000", 0, 2000, 1, 2000, 1, 0.5},
		{"nothing failed", 0, 2000, 0, 2000, 1, 1},
		{"everything failed", 10, 10, 12, 12, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := fisherTwoSided(tc.e1, tc.n1, tc.e2, tc.n2); !closeRel(got, tc.two, 1e-6) {
				t.Errorf("two-sided p = %.10g, want %.10g", got, tc.two)
			}
			if got := fisherGreater(tc.e1, tc.n1, tc.e2, tc.n2); !closeRel(got, tc.greater, 1e-6) {
				t.Errorf("one-sided p = %.10g, want %.10g", got, tc.greater)
			}
		})
	}
}

// TestFisherMatchesHypergeometricSums compares the log-space walk with
// brute-force sums of go-moremath's hypergeometric PMF over every table of
// small margins.
func TestFisherMatchesHypergeometricSums(t *testing.T) {
	for n1 := int64(1); n1 <= 9; n1 += 2 {
		for n2 := int64(1); n2 <= 8; n2 += 3 {
			for e1 := int64(0); e1 <= n1; e1++ {
				for e2 := int64(0); e2 <= n2; e2++ {
					K := e1 + e2
					if K == 0 || K == n1+n2 {
						continue
					}
					d := stats.HypergeometicDist{N: int(n1 + n2), K: int(K), Draws: int(n2)}
					obs := d.PMF(float64(e2))
					var two, greater float64
					for x := max(0, K-n1); x <= min(K, n2); x++ {
						p := d.PMF(float64(x))
						if p <= obs*(1+1e-7) {
							two += p
						}
						if x >= e2 {
							greater += p
						}
					}
					if got := fisherTwoSided(e1, n1, e2, n2); !closeRel(got, min(two, 1), 1e-9) {
						t.Errorf("%d/%d vs %d/%d: two-sided %v, brute force %v", e1, n1, e2, n2, got, two)
					}
					if got := fisherGreater(e1, n1, e2, n2); !closeRel(got, min(greater, 1), 1e-9) {
						t.Errorf("%d/%d vs %d/%d: greater %v, brute force %v", e1, n1, e2, n2, got, greater)
					}
				}
			}
		}
	}
}

func TestFisherIsFastAndFiniteOnMillionsOfRequests(t *testing.T) {
	// Half of two million requests failing on each side: the walk covers
	// ±38 standard deviations of the hypergeometric, not a million terms.
	p := fisherTwoSided(500_000, 1_000_000, 501_000, 1_000_000)
	if math.IsNaN(p) || p <= 0 || p >= 1 {
		t.Errorf("p = %v, want a proper p-value", p)
	}
	if p := fisherTwoSided(0, 1_000_000, 1_000_000, 1_000_000); p != 0 {
		t.Errorf("p of a total outage against none = %v, want 0 (underflow)", p)
	}
	if got, want := fisherMinP(4, 4), 2.0/70; !closeRel(got, want, 1e-12) {
		t.Errorf("fisherMinP(4, 4) = %v, want 2/C(8,4) = %v", got, want)
	}
}

func TestWilson(t *testing.T) {
	z := 1.959963984540054
	cases := []struct {
		name   string
		x, n   int64
		lo, hi float64
	}{
		{"no failures in 1000: [0, z²/(n+z²)]", 0, 1000, 0, z * z / (1000 + z*z)},
		{"all failed: the upper bound is 1", 10, 10, 1 - (z*z/(10+z*z))*1, 1},
		{"96 of 1000", 96, 1000, 0.07930, 0.11577},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi := Wilson(tc.x, tc.n, 0.95)
			if !closeRel(lo, tc.lo, 1e-3) || !closeRel(hi, tc.hi, 1e-3) {
				t.Errorf("[%v, %v], want [%v, %v]", lo, hi, tc.lo, tc.hi)
			}
			if p := float64(tc.x) / float64(tc.n); p < lo || p > hi {
				t.Errorf("interval [%v, %v] misses the rate %v", lo, hi, p)
			}
		})
	}
}

// TestHolm checks the adjusted p-values against the textbook example of
// step-down adjustment (R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm")).
func TestHolm(t *testing.T) {
	ps := []float64{0.01, 0.04, 0.03, 0.005}
	want := map[float64]float64{0.005: 0.02, 0.01: 0.03, 0.03: 0.06, 0.04: 0.06}
	family := make([]gatedRow, len(ps))
	for i, p := range ps {
		family[i] = gatedRow{row: &Row{P: p}}
	}
	holm(family)
	for _, f := range family {
		if !closeRel(f.adjusted, want[f.row.P], 1e-12) {
			t.Errorf("p %v adjusted to %v, want %v", f.row.P, f.adjusted, want[f.row.P])
		}
	}
	if family[0].row.P != 0.005 || family[3].row.P != 0.04 {
		t.Errorf("family not sorted by p: %v … %v", family[0].row.P, family[3].row.P)
	}
}

// fisherGreater is the one-sided p-value of the candidate failing more
// requests than the base, P(X ≥ e2) under the same conditional model; the
// tests check the walk with it (the gate uses the two-sided p, doc.go).
func fisherGreater(e1, n1, e2, n2 int64) float64 {
	h, ok := newHypergeom(e1, n1, e2, n2)
	if !ok {
		return 1
	}
	return h.pGreater(e2)
}

// pGreater sums P(X ≥ x).
func (h hypergeom) pGreater(x int64) float64 {
	var sum, total float64
	for i, l := range h.logp {
		p := math.Exp(l)
		total += p
		if h.from+int64(i) >= x {
			sum += p
		}
	}
	return clampP(sum / total)
}
