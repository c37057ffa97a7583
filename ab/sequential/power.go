package sequential

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// MinimumDetectableEffect is the smallest relative worsening (0.08 for
// +8 %) that a session of at most blocks blocks (first look at
// min(5, blocks), Pocock-type spending of alpha) detects as a significant
// worsening with the given power, for a metric whose blocks differ like
// diffs, the log differences of an A/A session (Diffs). It simulates the
// sequential procedure itself: each trial draws blocks blocks with
// replacement from the centred differences, adds a log effect δ, and looks
// at the planned looks until one is significant; the trials are drawn
// once, so the detected fraction grows with δ and a bisection finds the
// smallest δ whose fraction reaches power. The result is exp(δ) − 1, +Inf
// when even a 1000-fold worsening is not detected. The same seed gives the
// same answer.
//
// Any significant worsening counts, as with an allowance of 0. The effect
// is a rise of the metric; for a metric where higher is better pass the
// differences negated. With m gated metrics pass PerMetricAlpha(alpha, m).
func MinimumDetectableEffect(diffs []float64, alpha float64, blocks int, power float64, trials int, seed int64) (float64, error) {
	if !(power > 0 && power < 1) {
		return 0, fmt.Errorf("sequential: power %g is outside (0, 1): give it as a fraction, such as 0.8", power)
	}
	r, err := newResampling(diffs, true, alpha, min(5, blocks), blocks, trials, seed)
	if err != nil {
		return 0, err
	}
	detected := func(delta float64) bool {
		n := 0
		for i := range trials {
			if r.outcome(i, delta) > 0 {
				n++
			}
		}
		return float64(n) >= power*float64(trials)
	}
	lo, hi := 0.0, 0.01
	if detected(lo) {
		return 0, nil
	}
	for !detected(hi) {
		lo, hi = hi, 2*hi
		if hi > math.Log(1000) {
			return math.Inf(1), nil
		}
	}
	for range 60 {
		mid := (lo + hi) / 2
		if detected(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return math.Expm1(hi), nil
}

// FalseAlarmRate is the share of simulated sessions, blocks drawn with
// replacement from an A/A session's differences as they are (not
// centred), that end with a significant change either way at some look of
// the design (alpha, minBlocks, maxBlocks). Near alpha the two processes
// of one build are alike; well above it they differ by a real offset
// (placement, memory layout, a port) that the gate would call a change.
// With few A/A blocks the estimate carries the noise of their mean:
// read it as a warning only when it is well above alpha. The same seed
// gives the same answer.
func FalseAlarmRate(diffs []float64, alpha float64, minBlocks, maxBlocks, trials int, seed int64) (float64, error) {
	r, err := newResampling(diffs, false, alpha, minBlocks, maxBlocks, trials, seed)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range trials {
		if r.outcome(i, 0) != 0 {
			n++
		}
	}
	return float64(n) / float64(trials), nil
}

// resampling is a set of simulated sessions drawn once: the mean and the
// standard deviation of each trial's first n_k blocks at each look k, so
// an effect added to every block moves the means only.
type resampling struct {
	design   Design
	crit     []float64 // the critical |t| of each look
	mean, sd []float64 // trial i, look k at i*looks + k
}

// newResampling draws trials sessions of maxBlocks blocks from diffs,
// centred when centre is set. The pool is widened by √(n/(n−1)) around its
// mean, the usual correction of a bootstrap from n values, whose spread is
// otherwise a little smaller than the population's.
func newResampling(diffs []float64, centre bool, alpha float64, minBlocks, maxBlocks, trials int, seed int64) (*resampling, error) {
	d, err := NewDesign(alpha, minBlocks, maxBlocks)
	if err != nil {
		return nil, err
	}
	if trials < 1 {
		return nil, fmt.Errorf("sequential: %d trials: simulate at least 1, and 2000 for a rate near 0.05 to ±1 %%", trials)
	}
	var pool []float64
	for _, x := range diffs {
		if isFinite(x) {
			pool = append(pool, x)
		}
	}
	if len(pool) < 2 {
		return nil, errors.New("sequential: fewer than 2 finite block differences to resample: run a longer A/A session")
	}
	m, _ := meanSD(pool)
	widen := math.Sqrt(float64(len(pool)) / float64(len(pool)-1))
	for i, x := range pool {
		pool[i] = (x - m) * widen
		if !centre {
			pool[i] += m
		}
	}
	looks := d.looks
	r := &resampling{design: d, crit: make([]float64, len(looks)),
		mean: make([]float64, trials*len(looks)), sd: make([]float64, trials*len(looks))}
	for k, n := range looks {
		r.crit[k] = tCrit(n-1, d.levels[k])
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed5eed5eed5eed))
	draw := make([]float64, maxBlocks)
	for i := range trials {
		for j := range draw {
			draw[j] = pool[rng.IntN(len(pool))]
		}
		for k, n := range looks {
			r.mean[i*len(looks)+k], r.sd[i*len(looks)+k] = meanSD(draw[:n])
		}
	}
	return r, nil
}

// outcome runs trial i with a log effect delta added to every block: +1
// when a look is significant with a positive mean difference, −1 with a
// negative one, 0 when no look is. |t| ≥ the look's critical t is the
// same test as Test's p ≤ level, without an incomplete beta function per
// look and effect; a spread of 0 takes Test's rule.
func (r *resampling) outcome(i int, delta float64) int {
	looks := r.design.looks
	for k, n := range looks {
		m, sd := r.mean[i*len(looks)+k]+delta, r.sd[i*len(looks)+k]
		var sig bool
		if sd == 0 {
			sig = pValue(m, 0, n) <= r.design.levels[k]
		} else {
			sig = math.Abs(m)/(sd/math.Sqrt(float64(n))) >= r.crit[k]
		}
		if sig {
			if m > 0 {
				return 1
			}
			return -1
		}
	}
	return 0
}
