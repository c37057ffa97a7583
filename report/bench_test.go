package report

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hotbench/hotbench/results"
)

// bigMonth fills a store with n runs spread over November 2026, shared by
// two scenarios, shaped like real runs: repetitions with per-second series
// and histograms, CPU profiles on the first and last run of each scenario.
func bigMonth(tb testing.TB, n, reps, seconds int) *results.Store {
	tb.Helper()
	store := results.Open(tb.TempDir())
	span := 29 * 24 * time.Hour
	for i := 0; i < n; i++ {
		at := day(1, 0).Add(time.Duration(int64(span) * int64(i) / int64(n)))
		progress := float64(i) / float64(n)
		var s spec
		if i%2 == 0 {
			s = spec{sc: manualSearch(), shapes: []shape{
				{endpoint: "search", p99: 0.048 - 0.04*progress, rate: 20, errEvery: 500},
				{endpoint: "step-list", p99: 0.019, rate: 20},
			}, shares: map[string]float64{"regexp.Compile": 0.5 - 0.45*progress, "manuals.(*Store).StepsFor": 0.3}}
		} else {
			s = spec{sc: checkout(), shapes: []shape{{endpoint: "pay", p99: 0.02, rate: 20 + int(10*progress), errEvery: 100}}}
		}
		s.label, s.start, s.seed, s.reps, s.seconds = fmt.Sprintf("run-%03d", i), at, uint64(i), reps, seconds
		if i < 2 || i >= n-2 {
			s.stacks = stacksBefore
			if i >= n-2 {
				s.stacks = stacksAfter
			}
		}
		makeRun(tb, store, s)
	}
	return store
}

func renderMonth(tb testing.TB, store *results.Store) []byte {
	m, err := BuildMonth(context.Background(), store, day(1, 0), Options{Now: fixedNow})
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.WriteHTML(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkMonthReport300 reads and renders a month of 300 runs of ten
// repetitions each. The target is under 5 s per report and an HTML file
// under 5 MB (reported as html-MB).
func BenchmarkMonthReport300(b *testing.B) {
	store := bigMonth(b, 300, 10, 20)
	b.ResetTimer()
	var size int
	for b.Loop() {
		size = len(renderMonth(b, store))
	}
	b.ReportMetric(float64(size)/1e6, "html-MB")
}

// BenchmarkRunReport renders one run of ten repetitions with profiles.
func BenchmarkRunReport(b *testing.B) {
	r := makeRun(b, results.Open(b.TempDir()), spec{sc: manualSearch(), label: "bench", start: day(2, 10), seed: 1, reps: 10, seconds: 30, warmup: 5,
		shapes: []shape{{endpoint: "search", p99: 0.048, rate: 100}, {endpoint: "step-list", p99: 0.019, rate: 100}}, stacks: stacksBefore})
	b.ResetTimer()
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := RunReport(&buf, r, Options{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1e6, "html-MB")
}

// The month's HTML grows with its charts, not with its runs: the fixture
// month of 8 runs stays far under the 5 MB bound that the benchmark
// reports for 300.
func TestMonthReportStaysUnderFiveMB(t *testing.T) {
	const limit = 5 << 20
	if page := fullMonthPage(t); len(page) > limit {
		t.Errorf("the month report is %d bytes of HTML, over the %d limit", len(page), limit)
	}
}
