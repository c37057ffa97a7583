package sequential

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// MaxBlocks is the longest session a Design plans: 200 blocks are 800
// repetitions, far longer than a machine's noise stays the same.
const MaxBlocks = 200

// MinBlocks is the fewest blocks at a first look: the t-test needs a
// spread of the differences, and 2 blocks give it one degree of freedom.
const MinBlocks = 3

// maxExtraLooks is how many looks follow the first.
const maxExtraLooks = 3

// A Design is the plan of a sequential session: the numbers of blocks at
// which the evidence is looked at, and the nominal two-sided level the
// t-test's p-value must reach at each look so that the chance of any false
// alarm, over all looks, is alpha.
type Design struct {
	alpha  float64
	looks  []int
	spent  []float64
	levels []float64
}

// NewDesign plans looks at minBlocks and then at up to 3 more evenly
// spaced numbers of blocks ending at maxBlocks (one look when they are
// equal), and spends alpha over them with the Lan–DeMets Pocock-type
// function α·ln(1 + (e−1)·t), t = blocks/maxBlocks. The nominal levels
// are computed for the correlation between the looks (they share their
// first blocks) by a seeded simulation of the t-tests at those looks
// (levels.go), and cached. The errors say what to change.
func NewDesign(alpha float64, minBlocks, maxBlocks int) (Design, error) {
	switch {
	case !(alpha > 0 && alpha <= 0.5):
		return Design{}, fmt.Errorf("sequential: alpha %g is outside (0, 0.5]: give the false-alarm rate as a fraction, such as 0.05", alpha)
	case minBlocks < MinBlocks:
		return Design{}, fmt.Errorf("sequential: the first look at %d blocks is too early: a t-test on the blocks needs at least %d, so raise the minimum to %d or more", minBlocks, MinBlocks, MinBlocks)
	case maxBlocks < minBlocks:
		return Design{}, fmt.Errorf("sequential: the maximum of %d blocks is below the minimum of %d: raise the maximum or lower the minimum", maxBlocks, minBlocks)
	case maxBlocks > MaxBlocks:
		return Design{}, fmt.Errorf("sequential: %d blocks are more than %d: lower the maximum, a session that long outlasts the noise it measures", maxBlocks, MaxBlocks)
	}
	looks := planLooks(minBlocks, maxBlocks)
	spent := make([]float64, len(looks))
	for k, n := range looks {
		spent[k] = pocockSpending(alpha, float64(n)/float64(maxBlocks))
	}
	spent[len(spent)-1] = alpha // ln(e) is 1, but exactly
	return Design{alpha: alpha, looks: looks, spent: spent, levels: nominalLevels(looks, spent)}, nil
}

// planLooks is minBlocks, then up to maxExtraLooks more evenly spaced
// numbers of blocks, the last maxBlocks, with no number twice.
func planLooks(minBlocks, maxBlocks int) []int {
	extra := min(maxExtraLooks, maxBlocks-minBlocks)
	looks := []int{minBlocks}
	for k := 1; k <= extra; k++ {
		n := minBlocks + int(math.Round(float64(k*(maxBlocks-minBlocks))/float64(extra)))
		looks = append(looks, n)
	}
	return looks
}

// pocockSpending is the Lan–DeMets Pocock-type spending function: the
// share of alpha spent by information fraction t.
func pocockSpending(alpha, t float64) float64 {
	return alpha * math.Log(1+(math.E-1)*t)
}

// Alpha is the false-alarm rate the design keeps over all its looks.
func (d Design) Alpha() float64 { return d.alpha }

// Looks returns the planned numbers of blocks, ascending.
func (d Design) Looks() []int { return slices.Clone(d.looks) }

// Look returns k, the 1-based index of the look planned at this number of
// blocks, and whether there is one.
func (d Design) Look(blocks int) (k int, ok bool) {
	i, ok := slices.BinarySearch(d.looks, blocks)
	if !ok {
		return 0, false
	}
	return i + 1, true
}

// Level is the nominal two-sided level at look k (1-based): a p-value of
// the blocked t-test at or below it is significant. Outside 1..len(Looks)
// it is 0: nothing is significant at a look that was not planned.
func (d Design) Level(k int) float64 {
	if k < 1 || k > len(d.levels) {
		return 0
	}
	return d.levels[k-1]
}

// Spent is the share of alpha spent by the end of look k: the chance,
// with no effect, that some look up to k is significant.
func (d Design) Spent(k int) float64 {
	if k < 1 || k > len(d.spent) {
		return 0
	}
	return d.spent[k-1]
}

// String describes the design: "alpha 0.05 over looks at 5, 10, 15, 20
// blocks at levels 0.0179, 0.016, 0.0164, 0.0168".
func (d Design) String() string {
	var looks, levels []string
	for k, n := range d.looks {
		looks = append(looks, fmt.Sprint(n))
		levels = append(levels, fmt.Sprintf("%.3g", d.levels[k]))
	}
	return fmt.Sprintf("alpha %g over looks at %s blocks at levels %s",
		d.alpha, strings.Join(looks, ", "), strings.Join(levels, ", "))
}

type levelsKey struct {
	looks string
	spent string
}

var levelsCache sync.Map // levelsKey → []float64

// nominalLevels turns the cumulative alpha spent at each look into the
// nominal two-sided level of each look's t-test (see levels.go), cached.
func nominalLevels(looks []int, spent []float64) []float64 {
	key := levelsKey{fmt.Sprint(looks), fmt.Sprint(spent)}
	if l, ok := levelsCache.Load(key); ok {
		return slices.Clone(l.([]float64))
	}
	levels := tLevels(looks, spent)
	levelsCache.Store(key, slices.Clone(levels))
	return levels
}
