package sequential

import (
	"math"
	"strings"
	"testing"
)

// Closed forms of Student's t two-sided tail P(|T| ≥ t), independent of
// the incomplete beta function (Abramowitz and Stegun 26.7.3–4, with
// θ = atan(t/√ν)).
var closedTail = map[int]func(t float64) float64{
	1: func(t float64) float64 { return 1 - 2*math.Atan(t)/math.Pi },
	2: func(t float64) float64 { return 1 - t/math.Sqrt(2+t*t) },
	3: func(t float64) float64 {
		th := math.Atan(t / math.Sqrt(3))
		return 1 - 2/math.Pi*(th+math.Sin(th)*math.Cos(th))
	},
	4: func(t float64) float64 {
		th := math.Atan(t / 2)
		c := math.Cos(th)
		return 1 - math.Sin(th)*(1+c*c/2)
	},
}

func TestTailAgainstClosedForms(t *testing.T) {
	for df, f := range closedTail {
		for _, x := range []float64{0.1, 0.5, 1, 2, 2.776445, 4.2426, 10, 30} {
			got, want := tTail(x, df), f(x)
			if math.Abs(got-want) > 1e-12*max(1, want) && math.Abs(got/want-1) > 1e-9 {
				t.Errorf("tail(%g, df %d) = %.15g, closed form %.15g", x, df, got, want)
			}
		}
	}
}

// Critical values as R's qt(1 - level/2, df) prints them.
func TestCriticalValuesAgainstR(t *testing.T) {
	for _, tc := range []struct {
		df    int
		level float64
		want  float64
	}{
		{1, 0.05, 12.706205},
		{2, 0.05, 4.302653},
		{4, 0.05, 2.776445},
		{4, 0.01, 4.604095},
		{9, 0.05, 2.262157},
		{19, 0.05, 2.093024},
		{29, 0.05, 2.045230},
		{99, 0.05, 1.984217},
	} {
		if got := tCrit(tc.df, tc.level); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("qt(%g, %d) = %.7f, R says %.6f", 1-tc.level/2, tc.df, got, tc.want)
		}
	}
	if c := tCrit(4, 0); !math.IsInf(c, 1) {
		t.Errorf("level 0: critical t %g, want +Inf", c)
	}
	if c := tCrit(4, 1); c != 0 {
		t.Errorf("level 1: critical t %g, want 0", c)
	}
}

// logBlocks builds blocks whose log differences are exactly d: A at 1,
// B at e^d.
func logBlocks(d ...float64) []Block {
	var b []Block
	for _, x := range d {
		b = append(b, Block{A: []float64{1, 1}, B: []float64{math.Exp(x), math.Exp(x)}})
	}
	return b
}

func TestTheBlockedTTest(t *testing.T) {
	t.Run("differences 1..5 give R's t.test(1:5)", func(t *testing.T) {
		// t = 4.2426, df = 4, p-value = 0.01324; 95 percent confidence
		// interval 1.036757 4.963243.
		e := Test(logBlocks(1, 2, 3, 4, 5), 0.95)
		check(t, "p", e.P, closedTail[4](3/math.Sqrt(0.5)), 1e-12)
		check(t, "p", e.P, 0.01324, 5e-5)
		check(t, "mean", e.Diff, 3, 1e-12)
		check(t, "lo", e.DiffLo, 1.036757, 1e-6)
		check(t, "hi", e.DiffHi, 4.963243, 1e-6)
		check(t, "ratio", e.Ratio, math.Exp(3), 1e-9)
		check(t, "ratio lo", e.Lo, math.Exp(1.036757), 1e-5)
		if e.N != 5 || e.Scale != Log || len(e.Warnings) != 0 {
			t.Errorf("N %d scale %v warnings %q", e.N, e.Scale, e.Warnings)
		}
	})
	t.Run("a small sample by hand: mean 0.09, sd 0.0961769, df 4", func(t *testing.T) {
		e := Test(logBlocks(0.1, -0.05, 0.2, 0.15, 0.05), 0.95)
		sd := math.Sqrt(0.037 / 4)
		check(t, "sd", e.SD, sd, 1e-12)
		check(t, "p", e.P, closedTail[4](0.09/(sd/math.Sqrt(5))), 1e-12)
		check(t, "hi", e.DiffHi, 0.09+2.776445*sd/math.Sqrt(5), 1e-6)
	})
	t.Run("three blocks have df 2", func(t *testing.T) {
		e := Test(logBlocks(0.2, 0.1, 0.3), 0.9)
		check(t, "p", e.P, closedTail[2](0.2/(0.1/math.Sqrt(3))), 1e-12)
	})
	t.Run("the ratio is the geometric means' ratio", func(t *testing.T) {
		e := Test([]Block{
			{A: []float64{1, 4}, B: []float64{3, 3}}, // d = log 3 − log 2
			{A: []float64{2, 2}, B: []float64{1, 4}}, // d = 0
		}, 0.95)
		check(t, "ratio", e.Ratio, math.Sqrt(1.5), 1e-12)
	})
}

func TestDriftCancelsInsideABlock(t *testing.T) {
	// Values on a log-linear drift, e^(0.1·position): in ABBA order A sits
	// at positions 0 and 3, B at 1 and 2, both at mean position 1.5.
	v := func(pos int, effect float64) float64 { return effect * math.Exp(0.1*float64(pos)) }
	for _, effect := range []float64{1, 1.2} {
		var blocks []Block
		for b := range 5 {
			p := 4 * b
			if b%2 == 0 { // ABBA
				blocks = append(blocks, Block{A: []float64{v(p, 1), v(p+3, 1)}, B: []float64{v(p+1, effect), v(p+2, effect)}})
			} else { // BAAB
				blocks = append(blocks, Block{B: []float64{v(p, effect), v(p+3, effect)}, A: []float64{v(p+1, 1), v(p+2, 1)}})
			}
		}
		d, _, _ := Diffs(blocks)
		for i, x := range d {
			if math.Abs(x-math.Log(effect)) > 1e-12 {
				t.Errorf("effect %g: block %d differs by %g, want log %g: the drift did not cancel", effect, i, x, effect)
			}
		}
	}
}

func TestScales(t *testing.T) {
	t.Run("a value of 0 takes differences relative to the base's mean", func(t *testing.T) {
		blocks := []Block{
			{A: []float64{0, 2}, B: []float64{2, 2}}, // +1
			{A: []float64{1, 1}, B: []float64{1, 3}}, // +1
			{A: []float64{2, 2}, B: []float64{2, 2}}, // 0
		}
		d, s, _ := Diffs(blocks)
		// The base's values average 8/6.
		want := []float64{0.75, 0.75, 0}
		if s != Relative || len(d) != 3 {
			t.Fatalf("scale %v, %d diffs", s, len(d))
		}
		for i := range d {
			check(t, "d", d[i], want[i], 1e-12)
		}
		e := Test(blocks, 0.95)
		check(t, "ratio", e.Ratio, 1.5, 1e-12) // the means' ratio: 12/6 over 8/6
	})
	t.Run("a base of 0 takes absolute differences and has no ratio", func(t *testing.T) {
		e := Test([]Block{
			{A: []float64{0, 0}, B: []float64{0.01, 0}},
			{A: []float64{0, 0}, B: []float64{0.02, 0}},
			{A: []float64{0, 0}, B: []float64{0, 0}},
		}, 0.95)
		if e.Scale != Absolute || !math.IsInf(e.Ratio, 1) || !math.IsNaN(e.Lo) {
			t.Errorf("scale %v ratio %g lo %g, want absolute, +Inf, NaN", e.Scale, e.Ratio, e.Lo)
		}
		check(t, "diff", e.Diff, 0.005, 1e-15)
	})
	t.Run("zero against zero in every block is no change", func(t *testing.T) {
		zero := Block{A: []float64{0, 0}, B: []float64{0, 0}}
		e := Test([]Block{zero, zero, zero}, 0.95)
		if e.P != 1 || e.Ratio != 1 || e.Lo != 1 || e.Hi != 1 {
			t.Errorf("p %g ratio %g [%g, %g], want 1 [1, 1]", e.P, e.Ratio, e.Lo, e.Hi)
		}
	})
	t.Run("a block without a value on one side is left out, and said so", func(t *testing.T) {
		e := Test([]Block{
			{A: []float64{1}, B: []float64{2}},
			{A: nil, B: []float64{2}},
			{A: []float64{math.NaN()}, B: []float64{2}},
			{A: []float64{1}, B: []float64{3}},
		}, 0.95)
		if e.N != 2 || len(e.Warnings) != 1 || !strings.Contains(e.Warnings[0], "2 of 4 blocks left out") {
			t.Errorf("N %d warnings %q", e.N, e.Warnings)
		}
	})
}

func TestDifferencesWithoutSpread(t *testing.T) {
	t.Run("every block equal and nonzero: p is the coin's 2^(1−N)", func(t *testing.T) {
		// Under no effect the coin alone makes five equal signs with
		// chance 2/32: the t-test's p of 0 would claim a certainty the
		// data do not hold.
		e := Test(logBlocks(0.1, 0.1, 0.1, 0.1, 0.1), 0.95)
		check(t, "p", e.P, 1.0/16, 0)
		check(t, "lo", e.DiffLo, 0.1, 1e-15)
		if len(e.Warnings) != 1 || !strings.Contains(e.Warnings[0], "exactly the same") {
			t.Errorf("warnings %q", e.Warnings)
		}
	})
	t.Run("equal ratios whose logs differ in the last bit count as equal", func(t *testing.T) {
		var b []Block
		for _, a := range []float64{1.1, 1.7, 2.3, 3.9, 0.7} {
			b = append(b, Block{A: []float64{a}, B: []float64{a * 1.1}})
		}
		if e := Test(b, 0.95); e.SD != 0 || e.P != 1.0/16 {
			t.Errorf("sd %g p %g, want 0 and 1/16", e.SD, e.P)
		}
	})
	t.Run("every block equal to zero: p = 1", func(t *testing.T) {
		e := Test(logBlocks(0, 0, 0), 0.95)
		if e.P != 1 || e.Ratio != 1 || e.Lo != 1 || e.Hi != 1 || len(e.Warnings) != 0 {
			t.Errorf("p %g ratio %g [%g, %g] warnings %q", e.P, e.Ratio, e.Lo, e.Hi, e.Warnings)
		}
	})
	t.Run("one block is no test", func(t *testing.T) {
		e := Test(logBlocks(0.5), 0.95)
		if e.P != 1 || e.Lo != 0 || !math.IsInf(e.Hi, 1) || len(e.Warnings) != 1 {
			t.Errorf("p %g [%g, %g] warnings %q", e.P, e.Lo, e.Hi, e.Warnings)
		}
	})
	t.Run("no block at all", func(t *testing.T) {
		e := Test(nil, 0.95)
		if e.P != 1 || e.N != 0 || e.Ratio != 1 {
			t.Errorf("p %g N %d ratio %g", e.P, e.N, e.Ratio)
		}
	})
}

func check(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) != math.IsNaN(want) {
		t.Errorf("%s = %.10g, want %.10g (±%g)", what, got, want, tol)
	}
}
