package compare

import (
	"fmt"
	"sync"

	"github.com/aclements/go-moremath/stats"
)

// RecommendedRuns is the number of repetitions a side we advise: enough for
// the Mann–Whitney U test to see a few-percent shift under ordinary noise.
const RecommendedRuns = 10

// maxRunsSearched bounds NeedRuns; alphas so small that more are needed are
// reported as "more than" this.
const maxRunsSearched = 100

var minPCache sync.Map // [2]int → float64

// MinP is the smallest p-value the two-sided Mann–Whitney U test (as benchmath
// runs it) can produce for samples of n1 and n2 values: the p-value of two
// completely separated samples. When MinP > alpha no difference, however
// large, can be significant.
func MinP(n1, n2 int) float64 {
	if n1 <= 0 || n2 <= 0 {
		return 1
	}
	key := [2]int{n1, n2}
	if p, ok := minPCache.Load(key); ok {
		return p.(float64)
	}
	a, b := make([]float64, n1), make([]float64, n2)
	for i := range a {
		a[i] = float64(i)
	}
	for i := range b {
		b[i] = float64(n1 + i)
	}
	p := 1.0
	if res, err := stats.MannWhitneyUTest(a, b, stats.LocationDiffers); err == nil {
		p = res.P
	}
	minPCache.Store(key, p)
	return p
}

// NeedRuns is the smallest number of repetitions a side with which a
// difference can be significant at alpha (4 at alpha 0.05). It returns 0
// when even maxRunsSearched a side are not enough.
func NeedRuns(alpha float64) int {
	for n := 2; n <= maxRunsSearched; n++ {
		if MinP(n, n) <= alpha {
			return n
		}
	}
	return 0
}

// tooFewMessage says why nothing can be significant with n1+n2 values.
func tooFewMessage(n1, n2 int, alpha float64) string {
	need := NeedRuns(alpha)
	if need == 0 {
		return fmt.Sprintf("alpha %g is too small to ever be reached; have %d+%d runs", alpha, n1, n2)
	}
	return fmt.Sprintf("need ≥%d runs a side, %d recommended; have %d+%d", need, max(need, RecommendedRuns), n1, n2)
}
