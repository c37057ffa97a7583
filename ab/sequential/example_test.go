package sequential_test

import (
	"fmt"

	"github.com/hotbench/hotbench/ab/sequential"
)

// A session of ab with its defaults: looks at 5, 10, 15 and 20 blocks,
// false alarms at most 5 % over all of them. After 5 blocks the candidate's
// p99 is about 20 % slower in every block: the first look decides.
func ExampleDesign_Decide() {
	design, err := sequential.NewDesign(0.05, 5, 20)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(design)

	// Each block holds the base's (A) and the candidate's (B) p99 of its
	// four repetitions, in seconds.
	blocks := []sequential.Block{
		{A: []float64{0.101, 0.099}, B: []float64{0.121, 0.118}},
		{A: []float64{0.097, 0.103}, B: []float64{0.125, 0.119}},
		{A: []float64{0.104, 0.100}, B: []float64{0.120, 0.126}},
		{A: []float64{0.099, 0.098}, B: []float64{0.117, 0.122}},
		{A: []float64{0.102, 0.101}, B: []float64{0.124, 0.120}},
	}
	v, err := design.Decide(sequential.Criterion{Metric: "p99", Allowance: 0.10}, blocks)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v)
	fmt.Println(v.Decision, v.Decision.Decided())
	// Output:
	// alpha 0.05 over looks at 5, 10, 15, 20 blocks at levels 0.0179, 0.016, 0.0164, 0.0168
	// p99 +20.7% [+19.0%, +22.4%], p=8.2e-07 ≤ 0.018 at look 1 of 4 (5 blocks): regressed beyond the 10% allowance
	// regressed true
}

// Several gated metrics share the false-alarm rate: each metric's design
// is built at alpha/m (Bonferroni).
func ExamplePerMetricAlpha() {
	gated := []string{"p99", "cpu_per_req"}
	alpha := sequential.PerMetricAlpha(0.05, len(gated))
	design, _ := sequential.NewDesign(alpha, 5, 20)
	fmt.Printf("%.4f each; first look at level %.4f\n", alpha, design.Level(1))
	// Output:
	// 0.0250 each; first look at level 0.0089
}

// calibrate: the differences of a 10-block A/A session give the smallest
// worsening a 20-block session detects 80 % of the time.
func ExampleMinimumDetectableEffect() {
	aa := []float64{0.031, -0.012, 0.004, -0.027, 0.018, -0.006, 0.022, -0.019, 0.009, -0.015}
	mde, err := sequential.MinimumDetectableEffect(aa, 0.05, 20, 0.8, 2000, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("+%.1f%%\n", 100*mde)
	// Output:
	// +1.5%
}
