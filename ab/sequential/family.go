package sequential

// PerMetricAlpha is the alpha to build the Design of each of m gated
// metrics with, so that the chance of a false alarm on any of them, at any
// look, stays at most alpha: Bonferroni's alpha/m.
//
// Why not Holm's step-down, which compare's gate uses on a fixed sample:
// ab stops at the first regression, and Holm's first step is Bonferroni's
// test, so the regression that ends a session is judged exactly as here.
// Holm would only loosen the levels of the metrics left after one metric
// improved or proved equivalent, and doing that across looks needs the
// boundaries of every metric recomputed each time (a graphical,
// alpha-recycling procedure). The gain is small for ab's two to five gated
// metrics, which are positively correlated (p50, p99 and cpu_per_req of
// one repetition move together), where Bonferroni is already close to
// exact: over 40,000 simulated A/A sessions the family's rate was 0.045
// for 4 metrics correlated 0.5 and 0.051 (± 0.001) for 4 independent ones.
func PerMetricAlpha(alpha float64, metrics int) float64 {
	return alpha / float64(max(metrics, 1))
}
