package compare

import (
	"io"
	"testing"

	"github.com/hotbench/hotbench/results"
)

// BenchmarkCompareAndWrite is the work of `hotbench compare`/`gate` after
// loading: two 10-run results with hotspot function shares, compared,
// gated and written in every format. The target is well under a
// second per iteration.
func BenchmarkCompareAndWrite(b *testing.B) {
	sc := testScenario()
	base := []*results.Run{synthRun(sc, "before", 10, noisy(100, 0.050, 0.41))}
	cand := []*results.Run{synthRun(sc, "after", 10, noisy(101, 0.012, 0.03))}
	policy := DefaultPolicy()
	b.ReportAllocs()
	for b.Loop() {
		c, err := Compare(base, cand, Options{})
		if err != nil {
			b.Fatal(err)
		}
		g := Gate(c, policy)
		for _, f := range Formats {
			if err := Write(io.Discard, c, &g, f); err != nil {
				b.Fatal(err)
			}
		}
	}
}
