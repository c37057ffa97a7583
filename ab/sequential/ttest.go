package sequential

import (
	"fmt"
	"math"
	"sync"

	"github.com/aclements/go-moremath/mathx"
)

// A Block is one ABBA or BAAB block of a session, for one metric: the
// values of the base's repetitions (A) and of the candidate's (B). Their
// order inside the block does not matter here: the caller's coin chose it.
type Block struct {
	A, B []float64
}

// Scale says how a block's difference d was taken.
type Scale int

const (
	// Log: d = mean(log B) − mean(log A); the ratio is exp(mean d). Used
	// whenever every value is > 0.
	Log Scale = iota + 1
	// Relative: d = (mean B − mean A) / the mean of all the base's values;
	// the ratio is 1 + mean d. Used when some value is ≤ 0 (an error rate
	// of 0) and the base's mean is still > 0.
	Relative
	// Absolute: d = mean B − mean A, when the base's mean is 0 (or less):
	// no ratio exists, Ratio is ±Inf (or 1 when nothing moved).
	Absolute
)

func (s Scale) String() string {
	switch s {
	case Log:
		return "log"
	case Relative:
		return "relative"
	case Absolute:
		return "absolute"
	}
	return fmt.Sprintf("Scale(%d)", int(s))
}

// Diffs returns the blocks' differences and the scale they are on: Log
// when every value is > 0, else Relative, else Absolute (see Scale).
// Non-finite values are left out, and so is a block left with no value on
// one of its sides; skipped counts those blocks.
func Diffs(blocks []Block) (d []float64, s Scale, skipped int) {
	s = Log
	var sumA, base float64
	var nA int
	use := make([]bool, len(blocks))
	for i, b := range blocks {
		fa, fb := finiteCount(b.A), finiteCount(b.B)
		if fa == 0 || fb == 0 {
			skipped++
			continue
		}
		use[i] = true
		for _, v := range b.A {
			if isFinite(v) {
				sumA += v
				nA++
				if v <= 0 {
					s = Relative
				}
			}
		}
		for _, v := range b.B {
			if isFinite(v) && v <= 0 {
				s = Relative
			}
		}
	}
	if s == Relative {
		base = sumA / float64(max(nA, 1))
		if !(base > 0) {
			s, base = Absolute, 0
		}
	}
	for i, b := range blocks {
		if !use[i] {
			continue
		}
		switch s {
		case Log:
			d = append(d, mean(b.B, math.Log)-mean(b.A, math.Log))
		case Relative:
			d = append(d, (mean(b.B, nil)-mean(b.A, nil))/base)
		default:
			d = append(d, mean(b.B, nil)-mean(b.A, nil))
		}
	}
	return d, s, skipped
}

// An Estimate is the blocked t-test of one metric: the candidate against
// the base over the blocks so far.
type Estimate struct {
	Scale Scale
	// N is the number of blocks used.
	N int
	// Diff is the mean of the blocks' differences d (on Scale), DiffLo
	// and DiffHi its confidence interval at Confidence, SD the standard
	// deviation of the d's.
	Diff, DiffLo, DiffHi, SD float64
	// Ratio is the estimated ratio candidate / base and Lo, Hi its
	// confidence interval at Confidence. On the Absolute scale there is
	// no ratio: Ratio is +Inf or -Inf by the sign of Diff (1 when Diff is
	// 0) and Lo, Hi are NaN.
	Ratio, Lo, Hi float64
	Confidence    float64
	// P is the two-sided p-value of "no difference".
	P float64
	// Warnings are caveats of the estimate: blocks left out, fewer than
	// two blocks, differences without any spread.
	Warnings []string
}

// Test runs the one-sample t-test (df = N − 1) on the blocks'
// differences and gives the estimated ratio with its interval at
// confidence (e.g. 0.95) and the two-sided p-value.
//
// When every block differs by exactly the same amount (SD = 0) the t
// statistic is undefined. No difference at all gives P = 1. A nonzero one
// gives P = 2^(1−N), the p-value of the design's own randomization: under
// no effect each block's coin flips the sign of its d, and N equal signs
// happen with that chance. The interval is then the single point Diff.
// With fewer than two blocks nothing is tested: P = 1 and the interval is
// unbounded.
func Test(blocks []Block, confidence float64) Estimate {
	d, s, skipped := Diffs(blocks)
	e := Estimate{Scale: s, N: len(d), Confidence: confidence}
	if skipped > 0 {
		e.Warnings = append(e.Warnings, fmt.Sprintf("%d of %d blocks left out: no value on one side", skipped, len(blocks)))
	}
	e.Diff, e.SD = meanSD(d)
	e.P = pValue(e.Diff, e.SD, e.N)
	switch {
	case e.N < 2:
		e.DiffLo, e.DiffHi = math.Inf(-1), math.Inf(1)
		if e.N == 0 {
			e.Diff, e.SD = 0, 0
		}
		e.Warnings = append(e.Warnings, fmt.Sprintf("%d usable blocks: a test needs at least 2", e.N))
	case e.SD == 0:
		e.DiffLo, e.DiffHi = e.Diff, e.Diff
		if e.Diff != 0 {
			e.Warnings = append(e.Warnings, fmt.Sprintf("all %d blocks differ by exactly the same amount: no spread to test against, p is the coin's 2^(1−N)", e.N))
		}
	default:
		half := tCrit(e.N-1, 1-confidence) * e.SD / math.Sqrt(float64(e.N))
		e.DiffLo, e.DiffHi = e.Diff-half, e.Diff+half
	}
	switch s {
	case Log:
		e.Ratio, e.Lo, e.Hi = math.Exp(e.Diff), math.Exp(e.DiffLo), math.Exp(e.DiffHi)
	case Relative:
		e.Ratio, e.Lo, e.Hi = 1+e.Diff, 1+e.DiffLo, 1+e.DiffHi
	default:
		e.Ratio, e.Lo, e.Hi = 1, math.NaN(), math.NaN()
		if e.Diff != 0 {
			e.Ratio = math.Inf(int(math.Copysign(1, e.Diff)))
		} else if e.SD == 0 {
			e.Lo, e.Hi = 1, 1 // nothing moved in any block: zero against zero
		}
	}
	return e
}

// pValue is the two-sided p-value of the one-sample t-test of n values with
// this mean and standard deviation, with Test's rules for sd = 0 and n < 2.
func pValue(mean, sd float64, n int) float64 {
	switch {
	case n < 2 || (sd == 0 && mean == 0):
		return 1
	case sd == 0:
		return math.Ldexp(1, 1-n)
	}
	return tTail(mean/(sd/math.Sqrt(float64(n))), n-1)
}

// tTail is the two-sided tail probability P(|T| ≥ |t|) of Student's t
// with df degrees of freedom: I_{df/(df+t²)}(df/2, 1/2), computed directly
// so that small p-values keep their precision. Past 1000 degrees of
// freedom the normal distribution stands in (the continued fraction of the
// incomplete beta function needs ever more terms).
func tTail(t float64, df int) float64 {
	switch {
	case math.IsNaN(t):
		return 1
	case math.IsInf(t, 0):
		return 0
	case df > 1000:
		return math.Erfc(math.Abs(t) / math.Sqrt2)
	}
	v := float64(df)
	return mathx.BetaInc(v/(v+t*t), v/2, 0.5)
}

type critKey struct {
	df    int
	level float64
}

var critCache sync.Map // critKey → float64

// tCrit is the t value whose two-sided tail probability with df degrees of
// freedom is level: the 1 − level/2 quantile.
func tCrit(df int, level float64) float64 {
	switch {
	case !(level > 0):
		return math.Inf(1)
	case level >= 1:
		return 0
	}
	key := critKey{df, level}
	if c, ok := critCache.Load(key); ok {
		return c.(float64)
	}
	lo, hi := 0.0, 1.0
	for tTail(hi, df) > level {
		lo, hi = hi, hi*2
		if hi > 1e300 {
			return math.Inf(1)
		}
	}
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid == lo || mid == hi {
			break
		}
		if tTail(mid, df) > level {
			lo = mid
		} else {
			hi = mid
		}
	}
	critCache.Store(key, hi)
	return hi
}

// meanSD is the mean and the standard deviation of x. A spread below a
// billionth of the largest |x| is rounding, not noise (equal ratios give
// logs that differ in the last bit): it is reported as 0.
func meanSD(x []float64) (m, sd float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	m = mean(x, nil)
	if len(x) < 2 {
		return m, math.NaN()
	}
	var ss, big float64
	for _, v := range x {
		ss += (v - m) * (v - m)
		big = max(big, math.Abs(v))
	}
	sd = math.Sqrt(ss / float64(len(x)-1))
	if sd <= 1e-9*big {
		sd = 0
	}
	return m, sd
}

// mean is the mean of the finite values of x, through f when not nil.
func mean(x []float64, f func(float64) float64) float64 {
	var s float64
	var n int
	for _, v := range x {
		if !isFinite(v) {
			continue
		}
		if f != nil {
			v = f(v)
		}
		s += v
		n++
	}
	return s / float64(n)
}

func finiteCount(x []float64) int {
	n := 0
	for _, v := range x {
		if isFinite(v) {
			n++
		}
	}
	return n
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
