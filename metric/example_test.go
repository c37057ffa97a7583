package metric_test

import (
	"fmt"

	"github.com/hotbench/hotbench/metric"
)

func ExampleParse() {
	for _, name := range []string{"p95", "p99.9", "p99.99", "rps", "p100"} {
		m, err := metric.Parse(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: quantile %v, label %s, higher is better: %v, benchfmt %s\n",
			m.Name, m.Quantile, m.Label, m.HigherIsBetter(), m.Benchfmt())
	}
	// Output:
	// p95: quantile 0.95, label p95, higher is better: false, benchfmt p95-latency-sec
	// p999: quantile 0.999, label p99.9, higher is better: false, benchfmt p999-latency-sec
	// p99.99: quantile 0.9999, label p99.99, higher is better: false, benchfmt p99.99-latency-sec
	// rps: quantile 0, label throughput, higher is better: true, benchfmt req/s
	// "p100" is not a percentile: percentiles are above p0 and below p100 (max is the largest latency); write pN or pN.N, like p50, p95, p99.9 or p99.99
}

func ExampleFormat() {
	fmt.Println(metric.Format(1.5, metric.Seconds))
	fmt.Println(metric.Format(0.005495, metric.Seconds))
	fmt.Println(metric.Format(0.001, metric.Fraction))
	fmt.Println(metric.Format(-0.0833, metric.Delta))
	fmt.Println(metric.Format(65536, metric.Bytes))
	// Output:
	// 1.50s
	// 5.50ms
	// 0.100%
	// -8.33%
	// 64.0KiB
}

func ExampleSplitKey() {
	fmt.Println(metric.SplitKey("search.p99.9"))
	// Output: search p99.9
}
