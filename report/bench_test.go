package report

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hotbench/hotbench/internal/synth"
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
		var o synth.Options
		if i%2 == 0 {
			o = synth.Options{Scenario: manualSearch(), Endpoints: []synth.Endpoint{
				{Name: "search", P99: 0.048 - 0.04*progress, Rate: 20, FailOneIn: 500},
				{Name: "step-list", P99: 0.019, Rate: 20},
			}, Shares: map[string]float64{"regexp.Compile": 0.5 - 0.45*progress, "manuals.(*Store).StepsFor": 0.3}}
		} else {
			o = synth.Options{Scenario: checkout(), Endpoints: []synth.Endpoint{{Name: "pay", P99: 0.02, Rate: float64(20 + int(10*progress)), FailOneIn: 100}}}
		}
		o.Label, o.Start, o.Seed, o.Reps, o.Window = fmt.Sprintf("run-%03d", i), at, uint64(i), reps, time.Duration(seconds)*time.Second
		if i < 2 || i >= n-2 {
			o.Stacks = stacksBefore
			if i >= n-2 {
				o.Stacks = stacksAfter
			}
		}
		synth.Save(tb, store, o)
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
	r := synth.Save(b, results.Open(b.TempDir()), synth.Options{Scenario: manualSearch(), Label: "bench", Start: day(2, 10), Seed: 1,
		Reps: 10, Window: 30 * time.Second, Warmup: 5 * time.Second,
		Endpoints: []synth.Endpoint{{Name: "search", P99: 0.048, Rate: 100}, {Name: "step-list", P99: 0.019, Rate: 100}}, Stacks: stacksBefore})
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
