package sequential

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The simulations below are the package's proof: sessions drawn from a
// model of a noisy machine, run through Design.Decide look by look as ab
// runs them, and counted. Each uses 2,000 trials (the minimum) in
// every test run, short or not.

const trials = 2000

// machine is a model of the values one metric's repetitions give.
type machine struct {
	// sigma is the per-repetition noise (the sd of the log value).
	sigma float64
	// drift is the relative change of the level over the whole session,
	// linear in time: 0.3 ends it 30 % slower than it began.
	drift float64
	// shift is the sd of a log level shift per block (the machine's load
	// changing between blocks).
	shift float64
	// spikes is the chance that a repetition's value is 3 times what it
	// would be (a p99 that caught a GC pause or a noisy neighbour).
	spikes float64
	// effect is the candidate's ratio to the base (1 in an A/A session).
	effect float64
	// rho is the correlation of the noise of the metrics of one
	// repetition, when a session has several.
	rho float64
}

// session draws maxBlocks blocks of m metrics (blocks[metric][block]) in
// ABBA or BAAB order by a coin, as ab would run them.
func (w machine) session(rng *rand.Rand, maxBlocks, m int) [][]Block {
	out := make([][]Block, m)
	reps := 4 * maxBlocks
	for b := range maxBlocks {
		shift := w.shift * rng.NormFloat64()
		order := "ABBA"
		if rng.IntN(2) == 1 {
			order = "BAAB"
		}
		blocks := make([]Block, m)
		for i, side := range order {
			pos := 4*b + i
			level := 1 + w.drift*float64(pos)/float64(reps-1)
			common := rng.NormFloat64()
			spike := 1.0
			if rng.Float64() < w.spikes {
				spike = 3
			}
			for j := range m {
				z := math.Sqrt(w.rho)*common + math.Sqrt(1-w.rho)*rng.NormFloat64()
				v := 0.001 * level * spike * math.Exp(shift+w.sigma*z)
				if side == 'A' {
					blocks[j].A = append(blocks[j].A, v)
				} else {
					blocks[j].B = append(blocks[j].B, v*w.effect)
				}
			}
		}
		for j := range m {
			out[j] = append(out[j], blocks[j])
		}
	}
	return out
}

// outcome is how one simulated session ended.
type outcome struct {
	decisions []Decision // per metric, final
	look      int        // the look it stopped at
}

// run plays a session as ab does: at each planned look every undecided
// metric is decided; the session stops at the first regression or once
// every metric is decided, else at the last look.
func run(t *testing.T, d Design, crit []Criterion, blocks [][]Block) outcome {
	t.Helper()
	o := outcome{decisions: make([]Decision, len(crit))}
	for k, n := range d.Looks() {
		o.look = k + 1
		stop, all := false, true
		for j, c := range crit {
			if o.decisions[j].Decided() {
				continue
			}
			v, err := d.Decide(c, blocks[j][:n])
			if err != nil {
				t.Fatal(err)
			}
			o.decisions[j] = v.Decision
			stop = stop || v.Decision == Regressed
			all = all && v.Decision.Decided()
		}
		if stop || all {
			break
		}
	}
	return o
}

// simulate runs trials sessions of w with m metrics judged by crit's
// allowance and returns their outcomes.
func simulate(t *testing.T, w machine, alpha float64, minBlocks, maxBlocks int, allowance float64, m int, seed uint64) []outcome {
	t.Helper()
	d, err := NewDesign(PerMetricAlpha(alpha, m), minBlocks, maxBlocks)
	if err != nil {
		t.Fatal(err)
	}
	crit := make([]Criterion, m)
	for j := range crit {
		crit[j] = Criterion{Metric: "p99", Allowance: allowance}
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]outcome, trials)
	for i := range out {
		out[i] = run(t, d, crit, w.session(rng, maxBlocks, m))
	}
	return out
}

// falseAlarms counts the sessions where some metric ended Regressed or
// Improved.
func falseAlarms(out []outcome) int {
	n := 0
	for _, o := range out {
		if slices.Contains(o.decisions, Regressed) || slices.Contains(o.decisions, Improved) {
			n++
		}
	}
	return n
}

// margin is 3 binomial standard deviations of a rate p over trials.
func margin(p float64) float64 { return 3 * math.Sqrt(p*(1-p)/trials) }

// stops is the number of sessions that stopped at each look (index 1..).
func stops(out []outcome, looks int) []int {
	s := make([]int, looks+1)
	for _, o := range out {
		s[o.look]++
	}
	return s[1:]
}

func TestAAFalseAlarmRateIsAtMostAlpha(t *testing.T) {
	const alpha = 0.05
	for _, tc := range []struct {
		name string
		w    machine
		seed uint64
	}{
		{"lognormal noise, 30% drift and block shifts", machine{sigma: 0.1, drift: 0.3, shift: 0.2, effect: 1}, 11},
		{"lognormal noise alone", machine{sigma: 0.1, effect: 1}, 21},
		// A p99-like metric: one repetition in ten caught a 3x stall.
		{"heavy tails: 10% of repetitions spike 3x, with drift", machine{sigma: 0.1, drift: 0.3, shift: 0.2, spikes: 0.1, effect: 1}, 31},
		{"heavy tails: 3% of repetitions spike 3x", machine{sigma: 0.05, spikes: 0.03, effect: 1}, 41},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := simulate(t, tc.w, alpha, 5, 20, 0, 1, tc.seed)
			rate := float64(falseAlarms(out)) / trials
			t.Logf("A/A false-alarm rate %.4f (%d of %d sessions; alpha %g, limit %.4f); stops by look %v",
				rate, falseAlarms(out), trials, alpha, alpha+margin(alpha), stops(out, 4))
			if rate > alpha+margin(alpha) {
				t.Errorf("false-alarm rate %.4f above alpha %g + 3 sd %.4f", rate, alpha, margin(alpha))
			}
		})
	}
}

// The blocks cancel what the machine does between and across them: the
// same draws with and without a 30 % drift and block level shifts end
// the same way.
func TestDriftAndShiftsCancel(t *testing.T) {
	quiet := simulate(t, machine{sigma: 0.1, effect: 1.05}, 0.05, 5, 20, 0, 1, 19)
	noisy := simulate(t, machine{sigma: 0.1, drift: 0.3, shift: 0.2, effect: 1.05}, 0.05, 5, 20, 0, 1, 19)
	same := 0
	for i := range quiet {
		if quiet[i].decisions[0] == noisy[i].decisions[0] && quiet[i].look == noisy[i].look {
			same++
		}
	}
	t.Logf("%d of %d sessions end alike with and without drift and shifts", same, trials)
	if same < trials*995/1000 {
		t.Errorf("only %d of %d sessions end alike", same, trials)
	}
}

func TestAAFamilyRateWithBonferroniIsAtMostAlpha(t *testing.T) {
	const alpha = 0.05
	for _, tc := range []struct {
		name string
		m    int
		rho  float64
	}{
		{"2 independent metrics", 2, 0},
		{"4 metrics correlated 0.5 (p50, p99, cpu, rss of one repetition)", 4, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := machine{sigma: 0.1, drift: 0.3, shift: 0.2, effect: 1, rho: tc.rho}
			out := simulate(t, w, alpha, 5, 20, 0, tc.m, 12)
			rate := float64(falseAlarms(out)) / trials
			t.Logf("family-wise A/A false-alarm rate %.4f over %d metrics at alpha %g/%d each (limit %.4f)",
				rate, tc.m, alpha, tc.m, alpha+margin(alpha))
			if rate > alpha+margin(alpha) {
				t.Errorf("family-wise rate %.4f above alpha %g + 3 sd %.4f", rate, alpha, margin(alpha))
			}
		})
	}
}

func TestPowerOfTheSequentialTest(t *testing.T) {
	t.Run("+20% with sigma 0.1 is Regressed in 95% of sessions, most at the first look", func(t *testing.T) {
		for _, allowance := range []float64{0, 0.10} {
			out := simulate(t, machine{sigma: 0.1, drift: 0.3, shift: 0.2, effect: 1.2}, 0.05, 5, 20, allowance, 1, 13)
			reg := 0
			looks := make([]int, 0, len(out))
			for _, o := range out {
				if o.decisions[0] == Regressed {
					reg++
				}
				looks = append(looks, o.look)
			}
			slices.Sort(looks)
			power := float64(reg) / trials
			t.Logf("allowance %g: Regressed in %.4f of sessions; stops by look %v; median stop at look %d",
				allowance, power, stops(out, 4), looks[len(looks)/2])
			if power < 0.95 {
				t.Errorf("allowance %g: power %.4f below 0.95", allowance, power)
			}
			if looks[len(looks)/2] != 1 {
				t.Errorf("allowance %g: median stop at look %d, want the first", allowance, looks[len(looks)/2])
			}
		}
	})
	t.Run("1ms becoming 3ms stops at the first look, Regressed, always", func(t *testing.T) {
		out := simulate(t, machine{sigma: 0.1, drift: 0.3, shift: 0.2, effect: 3}, 0.05, 5, 20, 0.10, 1, 14)
		for i, o := range out {
			if o.look != 1 || o.decisions[0] != Regressed {
				t.Fatalf("session %d: %v at look %d, want regressed at look 1", i, o.decisions[0], o.look)
			}
		}
	})
}

func TestEquivalentPairStopsEarly(t *testing.T) {
	out := simulate(t, machine{sigma: 0.02, drift: 0.3, shift: 0.2, effect: 1}, 0.05, 5, 20, 0.10, 1, 15)
	early, eq := 0, 0
	for _, o := range out {
		if o.decisions[0] == Equivalent {
			eq++
			if o.look < 4 {
				early++
			}
		}
	}
	t.Logf("no effect, sigma 0.02, allowance 10%%: Equivalent in %d of %d sessions, %d before the last look; stops by look %v",
		eq, trials, early, stops(out, 4))
	if float64(early) < 0.9*trials {
		t.Errorf("only %d of %d sessions stopped Equivalent before the last look", early, trials)
	}
}

// At the edge of the allowance (+10 % with a 10 % allowance) a session
// must rarely call the pair equivalent: the interval at 1 − level on each
// look makes that error at most about alpha/2.
func TestEquivalenceIsRarelyWrong(t *testing.T) {
	const alpha = 0.05
	out := simulate(t, machine{sigma: 0.05, drift: 0.3, shift: 0.2, effect: 1.1}, alpha, 5, 20, 0.10, 1, 16)
	eq := 0
	for _, o := range out {
		if o.decisions[0] == Equivalent {
			eq++
		}
	}
	rate := float64(eq) / trials
	t.Logf("+10%% with a 10%% allowance: called Equivalent in %.4f of sessions", rate)
	if rate > alpha/2+margin(alpha/2) {
		t.Errorf("wrongly Equivalent in %.4f of sessions, above alpha/2 + 3 sd", rate)
	}
}
