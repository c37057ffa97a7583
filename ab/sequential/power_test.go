package sequential

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// normalPool is n block differences with exactly mean m and sd s: an A/A
// session's, as calibrate would hand them over.
func normalPool(n int, m, s float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 5))
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	mu, sd := meanSD(x)
	for i := range x {
		x[i] = m + s*(x[i]-mu)/sd
	}
	return x
}

// The minimum detectable effect is what the sequential procedure, run on
// fresh sessions of the model the pool came from, detects with the asked
// power.
func TestMinimumDetectableEffectHasItsPower(t *testing.T) {
	const sigma = 0.1 // per repetition: block differences have sd 0.1 too
	mde, err := MinimumDetectableEffect(normalPool(400, 0, sigma, 1), 0.05, 20, 0.8, trials, 7)
	if err != nil {
		t.Fatal(err)
	}
	out := simulate(t, machine{sigma: sigma, drift: 0.3, shift: 0.2, effect: 1 + mde}, 0.05, 5, 20, 0, 1, 17)
	reg := 0
	for _, o := range out {
		if o.decisions[0] == Regressed {
			reg++
		}
	}
	power := float64(reg) / trials
	t.Logf("sd 0.1 per block, 20 blocks, alpha 0.05: MDE at 80%% power +%.2f%%; fresh sessions at that effect detect it in %.4f", 100*mde, power)
	// A fixed t-test at 0.05 with 20 blocks needs a log effect of about
	// (2.09 + 0.86)·0.1/√20 = 0.066, +6.8 %; four looks at ≈0.017 cost a
	// little more.
	if mde < 0.068 || mde > 0.1 {
		t.Errorf("MDE %.4f, expected between the fixed test's 0.068 and 0.1", mde)
	}
	if math.Abs(power-0.8) > 0.045 {
		t.Errorf("sessions at the MDE detect it in %.4f, want 0.8 ± 0.045", power)
	}
}

func TestMinimumDetectableEffectIsRepeatable(t *testing.T) {
	pool := normalPool(12, 0, 0.05, 2)
	a, _ := MinimumDetectableEffect(pool, 0.05, 10, 0.8, 500, 3)
	b, _ := MinimumDetectableEffect(pool, 0.05, 10, 0.8, 500, 3)
	c, _ := MinimumDetectableEffect(pool, 0.05, 10, 0.8, 500, 4)
	if a != b {
		t.Errorf("the same seed gave %g and %g", a, b)
	}
	if a == c {
		t.Errorf("seeds 3 and 4 gave the same %g: is the seed used?", a)
	}
	// More blocks detect less.
	long, _ := MinimumDetectableEffect(pool, 0.05, 20, 0.8, 500, 3)
	if !(long < a) {
		t.Errorf("MDE with 20 blocks %g, with 10 %g", long, a)
	}
	t.Logf("sd 0.05 from 12 A/A blocks: MDE +%.1f%% in 10 blocks, +%.1f%% in 20", 100*a, 100*long)
}

func TestMinimumDetectableEffectEdges(t *testing.T) {
	t.Run("noise too large for 3 blocks: +Inf", func(t *testing.T) {
		mde, err := MinimumDetectableEffect(normalPool(10, 0, 10, 3), 0.05, 3, 0.8, 200, 1)
		if err != nil || !math.IsInf(mde, 1) {
			t.Errorf("%g, %v, want +Inf", mde, err)
		}
	})
	t.Run("no noise at all: any effect is seen once 2^(1-N) reaches a level", func(t *testing.T) {
		mde, err := MinimumDetectableEffect([]float64{0.01, 0.01, 0.01}, 0.05, 20, 0.8, 200, 1)
		if err != nil || mde > 1e-9 {
			t.Errorf("%g, %v, want 0", mde, err)
		}
	})
	for _, tc := range []struct {
		name   string
		diffs  []float64
		blocks int
		power  float64
		trials int
		want   string
	}{
		{"power 80 written as a percentage", []float64{0.1, 0.2}, 20, 80, 100, "power 80 is outside (0, 1)"},
		{"no trials", []float64{0.1, 0.2}, 20, 0.8, 0, "0 trials: simulate at least 1"},
		{"one difference", []float64{0.1, math.NaN()}, 20, 0.8, 100, "fewer than 2 finite block differences"},
		{"two blocks", []float64{0.1, 0.2}, 2, 0.8, 100, "raise the minimum to 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MinimumDetectableEffect(tc.diffs, 0.05, tc.blocks, tc.power, tc.trials, 1)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v, want %q", err, tc.want)
			}
		})
	}
}

func TestFalseAlarmRate(t *testing.T) {
	t.Run("two alike processes: about alpha", func(t *testing.T) {
		rate, err := FalseAlarmRate(normalPool(400, 0, 0.1, 4), 0.05, 5, 20, trials, 8)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("A/A pool without offset: false-alarm rate %.4f", rate)
		if rate > 0.05+margin(0.05) {
			t.Errorf("rate %.4f above alpha", rate)
		}
	})
	t.Run("processes apart by a real offset: well above alpha", func(t *testing.T) {
		rate, err := FalseAlarmRate(normalPool(400, 0.1, 0.1, 4), 0.05, 5, 20, trials, 8)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("A/A pool offset by one sd: false-alarm rate %.4f", rate)
		if rate < 0.9 {
			t.Errorf("rate %.4f: the offset went unseen", rate)
		}
	})
	t.Run("bad designs are refused", func(t *testing.T) {
		if _, err := FalseAlarmRate([]float64{1, 2}, 0.05, 5, 300, 10, 1); err == nil {
			t.Error("300 blocks accepted")
		}
	})
}

// The simulation's shortcut, |t| against the look's critical value, is
// the same test as Test's p against the level.
func TestCriticalTIsThePValueTest(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for range 20000 {
		n := 3 + rng.IntN(30)
		level := []float64{0.05, 0.0179, 0.004}[rng.IntN(3)]
		m, sd := rng.NormFloat64(), 0.1+rng.Float64()*2
		tv := math.Abs(m) / (sd / math.Sqrt(float64(n)))
		c := tCrit(n-1, level)
		if math.Abs(tv/c-1) < 1e-9 {
			continue // on the boundary itself
		}
		if (pValue(m, sd, n) <= level) != (tv >= c) {
			t.Fatalf("n %d level %g t %g: p %g against critical t %g disagree", n, level, tv, pValue(m, sd, n), c)
		}
	}
}

func TestPerMetricAlpha(t *testing.T) {
	for m, want := range map[int]float64{0: 0.05, 1: 0.05, 2: 0.025, 4: 0.0125} {
		if got := PerMetricAlpha(0.05, m); got != want {
			t.Errorf("PerMetricAlpha(0.05, %d) = %g, want %g", m, got, want)
		}
	}
}
