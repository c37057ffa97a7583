package sequential

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestPlannedLooks(t *testing.T) {
	for _, tc := range []struct {
		min, max int
		want     []int
	}{
		{5, 20, []int{5, 10, 15, 20}}, // ab's defaults: every 5 blocks
		{5, 5, []int{5}},              // min = max: one look, a fixed test
		{5, 6, []int{5, 6}},           // no more looks than blocks to add
		{5, 7, []int{5, 6, 7}},
		{5, 9, []int{5, 6, 8, 9}}, // 6.33 and 7.67 round
		{3, 10, []int{3, 5, 8, 10}},
		{10, 200, []int{10, 73, 137, 200}},
	} {
		if got := planLooks(tc.min, tc.max); !slices.Equal(got, tc.want) {
			t.Errorf("looks of %d..%d = %v, want %v", tc.min, tc.max, got, tc.want)
		}
	}
	d, err := NewDesign(0.05, 5, 20)
	if err != nil {
		t.Fatal(err)
	}
	for blocks, want := range map[int]int{5: 1, 10: 2, 15: 3, 20: 4} {
		if got, ok := d.Look(blocks); !ok || got != want {
			t.Errorf("Look(%d) = %d, %v, want %d", blocks, got, ok, want)
		}
	}
	for _, blocks := range []int{0, 4, 6, 21} {
		if _, ok := d.Look(blocks); ok {
			t.Errorf("Look(%d) is a planned look", blocks)
		}
	}
	d.Looks()[0] = 99
	if d.Looks()[0] != 5 {
		t.Error("Looks() gives the design's own slice")
	}
}

func TestImpossibleDesignsSayWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		alpha    float64
		min, max int
		want     string
	}{
		{0, 5, 20, "alpha 0 is outside (0, 0.5]: give the false-alarm rate as a fraction"},
		{0.6, 5, 20, "alpha 0.6 is outside (0, 0.5]"},
		{5, 5, 20, "alpha 5 is outside"}, // 5 %, written as a percentage
		{math.NaN(), 5, 20, "alpha NaN is outside"},
		{0.05, 2, 20, "the first look at 2 blocks is too early: a t-test on the blocks needs at least 3, so raise the minimum"},
		{0.05, 10, 5, "the maximum of 5 blocks is below the minimum of 10: raise the maximum or lower the minimum"},
		{0.05, 5, 201, "201 blocks are more than 200: lower the maximum"},
	} {
		_, err := NewDesign(tc.alpha, tc.min, tc.max)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("NewDesign(%g, %d, %d): %v, want one line with %q", tc.alpha, tc.min, tc.max, err, tc.want)
		}
	}
}

func TestPocockSpending(t *testing.T) {
	d, err := NewDesign(0.05, 5, 20)
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range d.Looks() {
		want := 0.05 * math.Log(1+(math.E-1)*float64(n)/20)
		check(t, "spent", d.Spent(k+1), want, 1e-15)
	}
	check(t, "spent at the last look", d.Spent(4), 0.05, 0)
	// The first look spends 0.0179 of the 0.05; its level is exactly that.
	check(t, "level 1", d.Level(1), 0.05*math.Log(1+(math.E-1)/4), 1e-15)
	if d.Level(0) != 0 || d.Level(5) != 0 || d.Spent(5) != 0 {
		t.Errorf("levels outside the looks: %g %g, want 0", d.Level(0), d.Level(5))
	}
	one, _ := NewDesign(0.05, 5, 5)
	check(t, "one look's level", one.Level(1), 0.05, 0)
}

// The levels of ab's default design, for the documentation: the first
// look's is exact, the others come from the seeded simulation (stable to
// about 2 %, so compared within 0.5 %: the seed is fixed).
func TestDefaultDesignLevels(t *testing.T) {
	d, err := NewDesign(0.05, 5, 20)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.017869, 0.016019, 0.016400, 0.016796}
	for k, w := range want {
		if got := d.Level(k + 1); math.Abs(got/w-1) > 0.005 {
			t.Errorf("level %d = %.6f, want %.6f", k+1, got, w)
		}
	}
	t.Log(d)
	if got := d.String(); got != "alpha 0.05 over looks at 5, 10, 15, 20 blocks at levels 0.0179, 0.016, 0.0164, 0.0168" {
		t.Errorf("String() = %q", got)
	}
}

func TestLevelsAreStableAcrossSeeds(t *testing.T) {
	d, err := NewDesign(0.05, 5, 20)
	if err != nil {
		t.Fatal(err)
	}
	other := simulateLevels(d.looks, d.spent, 1)
	for k := range other {
		if r := other[k]/d.levels[k] - 1; math.Abs(r) > 0.06 {
			t.Errorf("look %d: level %.5f with another seed, %.5f with the design's: %.1f %% apart", k+1, other[k], d.levels[k], 100*r)
		}
	}
}

// With many blocks at every look the t-test is a z-test, and the
// simulated levels approach the classical ones of Brownian motion, which
// the recursive integration (boundary_test.go) computes.
func TestLevelsApproachTheBrownianOnesWithManyBlocks(t *testing.T) {
	d, err := NewDesign(0.05, 100, 200)
	if err != nil {
		t.Fatal(err)
	}
	frac := make([]float64, len(d.looks))
	for k, n := range d.looks {
		frac[k] = float64(n) / 200
	}
	b := boundaries(frac, d.spent)
	for k := range b {
		z := math.Erfc(b[k] / math.Sqrt(2*frac[k]))
		if r := d.levels[k]/z - 1; math.Abs(r) > 0.05 {
			t.Errorf("look %d: simulated level %.5f, Brownian %.5f", k+1, d.levels[k], z)
		}
	}
}

// The Brownian levels are too lax for t-tests with few blocks: with 5
// blocks at the first look the spread re-estimated at each look makes
// later looks' false alarms more frequent than Brownian motion predicts,
// so the simulated levels are stricter.
func TestFewBlocksNeedStricterLevelsThanBrownianMotion(t *testing.T) {
	d, _ := NewDesign(0.05, 5, 20)
	b := boundaries([]float64{0.25, 0.5, 0.75, 1}, d.spent)
	for k := 1; k < len(b); k++ {
		z := math.Erfc(b[k] / math.Sqrt(2*float64(k+1)/4))
		if d.levels[k] >= z {
			t.Errorf("look %d: level %.5f not stricter than the Brownian %.5f", k+1, d.levels[k], z)
		}
	}
}

// The integration reproduces the classical constant boundaries of Pocock
// (1977) and O'Brien and Fleming (1979) for 4 equally spaced looks at
// two-sided alpha 0.05 (Jennison and Turnbull, tables 2.1 and 2.3).
func TestIntegrationAgainstClassicalBoundaries(t *testing.T) {
	frac := []float64{0.25, 0.5, 0.75, 1}
	pocock, obf := make([]float64, 4), make([]float64, 4)
	for k, f := range frac {
		// Boundaries on W(t) = Z·√t: Pocock's |Z_k| ≥ 2.361, and O'Brien
		// and Fleming's |Z_k| ≥ 2.024·√(K/k), which is |W| ≥ 2.024.
		pocock[k] = 2.361 * math.Sqrt(f)
		obf[k] = 2.024
	}
	for name, b := range map[string][]float64{"Pocock": pocock, "O'Brien-Fleming": obf} {
		var total float64
		for _, p := range crossings(frac, b) {
			total += p
		}
		if math.Abs(total-0.05) > 5e-4 {
			t.Errorf("%s: total crossing %.5f, want 0.05", name, total)
		}
	}
	// And boundaries inverts crossings.
	spent := []float64{0.01, 0.02, 0.035, 0.05}
	b := boundaries(frac, spent)
	var sum float64
	for k, p := range crossings(frac, b) {
		sum += p
		check(t, "cumulative crossing", sum, spent[k], 1e-9)
	}
}

func TestLargest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 1001)
	for i := range x {
		x[i] = math.Floor(rng.Float64() * 300) // with ties
	}
	sorted := slices.Clone(x)
	slices.Sort(sorted)
	for _, c := range []int{1, 2, 17, 500, 1000, 1001} {
		if got := largest(slices.Clone(x), c); got != sorted[len(x)-c] {
			t.Errorf("%d-th largest %g, want %g", c, got, sorted[len(x)-c])
		}
	}
	if !math.IsInf(largest(x, 0), 1) {
		t.Error("the 0-th largest is not above all")
	}
}

func TestChiSquareDraws(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k := range []int{1, 4, 19} {
		const n = 100000
		var s, s2 float64
		for range n {
			x := chiSquare(rng, k)
			s += x
			s2 += x * x
		}
		m, v := s/n, s2/n-(s/n)*(s/n)
		// Mean k, variance 2k.
		if math.Abs(m-float64(k)) > 4*math.Sqrt(2*float64(k)/n) || math.Abs(v/(2*float64(k))-1) > 0.05 {
			t.Errorf("chi-square(%d): mean %.3f variance %.3f, want %d and %d", k, m, v, k, 2*k)
		}
	}
}
