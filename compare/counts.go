package compare

import (
	"fmt"
	"math"

	"github.com/aclements/go-moremath/stats"
)

// Tests a Row's P comes from.
const (
	// TestMannWhitney is benchmath's Mann–Whitney U test on per-repetition
	// values, as benchstat runs it.
	TestMannWhitney = "mann-whitney-u"
	// TestFisher is Fisher's exact test on the 2×2 table of pooled failed
	// and successful requests (error_rate rows).
	TestFisher = "fisher-exact"
)

// countStat summarises pooled error counts: the pooled rate with its Wilson
// score interval at confidence; N counts the repetitions that sent requests.
func countStat(ec errorCounts, confidence float64) Stat {
	lo, hi := Wilson(ec.errors, ec.requests, confidence)
	center := math.NaN()
	if ec.requests > 0 {
		center = float64(ec.errors) / float64(ec.requests)
	}
	return Stat{Center: center, Lo: lo, Hi: hi, N: ec.reps, Errors: ec.errors, Requests: ec.requests}
}

// compareCounts is the error_rate row: pooled rates compared with Fisher's
// exact test, two-sided, on the table of failed and successful requests.
func compareCounts(endpoint, metric string, base, cand errorCounts, alpha, confidence float64) Row {
	bs, cs := countStat(base, confidence), countStat(cand, confidence)
	p := fisherTwoSided(base.errors, base.requests, cand.errors, cand.requests)
	r := Row{
		Endpoint: endpoint, Metric: metric,
		Base: bs, Candidate: cs,
		Delta:       relDelta(bs.Center, cs.Center),
		DeltaPP:     (cs.Center - bs.Center) * 100,
		P:           p,
		Test:        TestFisher,
		Significant: p <= alpha,
		Change:      NoChange,
		TooFewRuns:  fisherMinP(base.requests, cand.requests) > alpha,
	}
	if r.Significant && cs.Center != bs.Center {
		if cs.Center > bs.Center {
			r.Change = Regressed
		} else {
			r.Change = Improved
		}
	}
	if r.TooFewRuns {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d+%d requests are too few for any error-rate difference to be significant at alpha %g",
			base.requests, cand.requests, alpha))
	}
	return r
}

// Wilson is the Wilson score interval of x successes in n trials at the
// given confidence: it stays inside [0, 1], is not degenerate at x = 0
// (where it gives [0, z²/(n+z²)]), and needs no iteration for millions of
// requests.
func Wilson(x, n int64, confidence float64) (lo, hi float64) {
	if n <= 0 {
		return math.Inf(-1), math.Inf(1)
	}
	z := stats.StdNormal.InvCDF(1 - (1-confidence)/2)
	fn := float64(n)
	p := float64(x) / fn
	z2 := z * z
	den := 1 + z2/fn
	mid := (p + z2/(2*fn)) / den
	half := z * math.Sqrt(p*(1-p)/fn+z2/(4*fn*fn)) / den
	lo, hi = max(mid-half, 0), min(mid+half, 1)
	if x == 0 {
		lo = 0
	}
	if x == n {
		hi = 1
	}
	return lo, hi
}

// fisherTwoSided is the two-sided p-value of Fisher's exact test on
//
//	          failed   succeeded
//	base      e1       n1−e1
//	candidate e2       n2−e2
//
// conditional on the margins: the probability, under "both sides fail
// requests at one rate", of a table no more likely than the one observed
// (the minimum-likelihood rule R's fisher.test uses, with its 1e-7
// relative tolerance for ties). 1 when nothing failed or nothing was sent.
func fisherTwoSided(e1, n1, e2, n2 int64) float64 {
	h, ok := newHypergeom(e1, n1, e2, n2)
	if !ok {
		return 1
	}
	return h.pTwoSided(e2)
}

// fisherMinP bounds the smallest two-sided p-value Fisher's test can give
// for n1 and n2 requests: the table where every candidate request failed
// and no base request did has probability 1/C(n1+n2, n2), and its p-value
// is at most twice that (exactly twice for n1 = n2). When even this bound
// exceeds alpha, no error-rate change can be significant.
func fisherMinP(n1, n2 int64) float64 {
	if n1 <= 0 || n2 <= 0 {
		return 1
	}
	return min(1, 2*math.Exp(-lchoose(n1+n2, n2)))
}

// hypergeom is the null distribution of the candidate's failures X given
// the margins: X ~ Hypergeometric(N = n1+n2 requests, K = e1+e2 failures,
// n2 draws), on the support [lo, hi]. logp holds log P(X = x) for x from
// from, walked out from the mode until the terms underflow; terms outside
// are below 1e-320 and cannot change a float64 sum.
type hypergeom struct {
	lo, hi int64
	from   int64
	logp   []float64
}

// logTiny bounds the terms kept: exp(-745) is the smallest float64.
const logTiny = -745

func newHypergeom(e1, n1, e2, n2 int64) (hypergeom, bool) {
	if n1 <= 0 || n2 <= 0 || e1 < 0 || e2 < 0 || e1 > n1 || e2 > n2 {
		return hypergeom{}, false
	}
	N, K := n1+n2, e1+e2
	if K == 0 || K == N {
		return hypergeom{}, false // one possible table: nothing to test
	}
	lo, hi := max(0, K-n1), min(K, n2)
	mode := int64(math.Floor(float64(K+1) * float64(n2+1) / float64(N+2)))
	mode = min(max(mode, lo), hi)
	logAt := func(x int64) float64 {
		return lchoose(n2, x) + lchoose(n1, K-x) - lchoose(N, K)
	}
	// log P(x+1)/P(x) = log((K−x)(n2−x)) − log((x+1)(n1−K+x+1)).
	up := func(x int64) float64 {
		return math.Log(float64(K-x)) + math.Log(float64(n2-x)) - math.Log(float64(x+1)) - math.Log(float64(n1-K+x+1))
	}
	var below []float64 // mode−1, mode−2, …
	for x, l := mode, logAt(mode); x > lo; x-- {
		l -= up(x - 1)
		if l < logTiny {
			break
		}
		below = append(below, l)
	}
	h := hypergeom{lo: lo, hi: hi, from: mode - int64(len(below))}
	for i := len(below) - 1; i >= 0; i-- {
		h.logp = append(h.logp, below[i])
	}
	for x, l := mode, logAt(mode); ; x++ {
		h.logp = append(h.logp, l)
		if x == hi {
			break
		}
		l += up(x)
		if l < logTiny {
			break
		}
	}
	return h, true
}

// at is log P(X = x), or -Inf outside the walked range.
func (h hypergeom) at(x int64) float64 {
	if x < h.from || x >= h.from+int64(len(h.logp)) {
		return math.Inf(-1)
	}
	return h.logp[x-h.from]
}

// pTwoSided sums the probabilities of tables no more likely than x's,
// normalised by the walked total (which is 1 up to rounding).
func (h hypergeom) pTwoSided(x int64) float64 {
	limit := h.at(x) + 1e-7 // R's relErr: ties within 1e-7 count as equal
	var sum, total float64
	for _, l := range h.logp {
		p := math.Exp(l)
		total += p
		if l <= limit {
			sum += p
		}
	}
	return clampP(sum / total)
}

func clampP(p float64) float64 { return min(max(p, 0), 1) }

// lchoose is log C(n, k).
func lchoose(n, k int64) float64 {
	a, _ := math.Lgamma(float64(n) + 1)
	b, _ := math.Lgamma(float64(k) + 1)
	c, _ := math.Lgamma(float64(n-k) + 1)
	return a - b - c
}
