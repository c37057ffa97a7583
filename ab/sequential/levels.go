package sequential

import (
	"math"
	"math/rand/v2"
)

// The nominal levels of a design, by a seeded Monte Carlo of the blocked
// t-test itself.
//
// The classical boundaries (recursive integration of Brownian motion, see
// boundary_test.go) assume a known variance. Applied to t-tests with 4
// degrees of freedom at the first look they let about 5.5 % of A/A
// sessions through at alpha 5 %: the spread is re-estimated at every look,
// which makes the looks' statistics less correlated than Brownian motion
// says, so later looks find more fresh false alarms. Here the looks are
// simulated as the test sees them: normal block differences, summarized
// between looks by their sufficient statistics (a group's sum is normal,
// its sum of squares about its mean chi-square), so a path costs the same
// at 20 blocks as at 200. At look k the critical |t| is the order
// statistic that makes the paths not stopped earlier cross with the chance
// spent at k; the level is that |t|'s two-sided p-value. The first look
// needs no simulation: its level is the alpha it spends.

// levelsSeed fixes the simulation: a design's levels never change from
// one run to the next.
const levelsSeed = 20261127

// Paths simulated: enough that the smallest increment of spent alpha is
// met by about 2500 paths, which makes each level stable to about 2 % (the
// spread over seeds measured 1–2 % at alpha 0.05, 0.0125 and 0.005). The
// count stops growing at 2M paths (50 MB while a design is planned, under
// a second), below alpha ≈ 0.005: at alpha 0.001 the spread is 3–4 %.
const (
	minPaths     = 1 << 17
	maxPaths     = 1 << 21
	pathsPerLook = 2500
)

// tLevels returns the nominal two-sided level of the t-test at each of
// looks (blocks, ascending) such that, with no effect and normal block
// differences, the chance that some look up to k is significant is
// spent[k].
func tLevels(looks []int, spent []float64) []float64 {
	return simulateLevels(looks, spent, levelsSeed)
}

// simulateLevels is tLevels with the simulation's seed.
func simulateLevels(looks []int, spent []float64, seed uint64) []float64 {
	levels := make([]float64, len(looks))
	levels[0] = spent[0]
	if len(looks) == 1 {
		return levels
	}
	minInc := spent[0]
	for k := 1; k < len(spent); k++ {
		minInc = min(minInc, spent[k]-spent[k-1])
	}
	paths := min(max(int(math.Ceil(pathsPerLook/minInc)), minPaths), maxPaths)
	rng := rand.New(rand.NewPCG(seed, uint64(paths)))

	sum := make([]float64, paths) // of the block differences so far
	ss := make([]float64, paths)  // their sum of squares about their mean
	alive := make([]bool, paths)  // no look has been significant yet
	for i := range alive {
		alive[i] = true
	}
	absT := make([]float64, 0, paths)
	prev := 0
	for k, n := range looks {
		m := n - prev // blocks since the last look
		absT = absT[:0]
		for i := range paths {
			if !alive[i] {
				continue
			}
			gsum := math.Sqrt(float64(m)) * rng.NormFloat64()
			gss := 0.0
			if m > 1 {
				gss = chiSquare(rng, m-1)
			}
			if prev > 0 {
				d := sum[i]/float64(prev) - gsum/float64(m)
				ss[i] += gss + float64(prev*m)/float64(n)*d*d
			} else {
				ss[i] = gss
			}
			sum[i] += gsum
			absT = append(absT, math.Abs(sum[i]/float64(n))/math.Sqrt(ss[i]/float64(n-1)/float64(n)))
		}
		var crit float64
		if k == 0 {
			crit = tCrit(n-1, levels[0])
		} else {
			cross := int(math.Round((spent[k] - spent[k-1]) * float64(paths)))
			crit = largest(absT, cross)
			levels[k] = tTail(crit, n-1)
		}
		for i := range paths {
			if alive[i] {
				// The t of path i is recomputed rather than kept: absT is
				// reordered by largest.
				t := math.Abs(sum[i]/float64(n)) / math.Sqrt(ss[i]/float64(n-1)/float64(n))
				alive[i] = t < crit
			}
		}
		prev = n
	}
	return levels
}

// largest returns the c-th largest value of x (c ≥ 1), reordering x; for
// c < 1, a value above all of them.
func largest(x []float64, c int) float64 {
	if c < 1 || len(x) == 0 {
		return math.Inf(1)
	}
	c = min(c, len(x))
	// Quickselect for the element of rank len(x)−c in ascending order.
	want := len(x) - c
	lo, hi := 0, len(x)-1
	for lo < hi {
		p := x[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for x[i] < p {
				i++
			}
			for x[j] > p {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case want <= j:
			hi = j
		case want >= i:
			lo = i
		default:
			return x[want]
		}
	}
	return x[want]
}

// chiSquare draws from the chi-square distribution with k degrees of
// freedom: twice a Gamma(k/2) variate, by Marsaglia and Tsang's method
// (2000), boosted below shape 1.
func chiSquare(rng *rand.Rand, k int) float64 {
	return 2 * gamma(rng, float64(k)/2)
}

func gamma(rng *rand.Rand, a float64) float64 {
	if a < 1 {
		return gamma(rng, a+1) * math.Pow(rng.Float64(), 1/a)
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < x*x/2+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
