package runner

import (
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hotbench/hotbench/scenarios"
)

// The recorder files each finished request by its scheduled time, times
// successes and failures apart, and keeps per-second counts of all of them.
func TestRecorderSplitsSuccessesFromFailures(t *testing.T) {
	ms := time.Millisecond
	r := newRecorder("get", scenarios.Expect{}, time.Second, 5*time.Second)
	for _, o := range []observation{
		// Warm-up: in the series only.
		{scheduled: 500 * ms, sent: 500 * ms, latency: 3 * ms, code: 200},
		// Second 0 of the window: three successes, two failures.
		{scheduled: 1000 * ms, sent: 1000 * ms, latency: 10 * ms, code: 200},
		{scheduled: 1100 * ms, sent: 1102 * ms, latency: 20 * ms, code: 200},
		{scheduled: 1200 * ms, sent: 1200 * ms, latency: 30 * ms, code: 302},
		{scheduled: 1300 * ms, sent: 1300 * ms, latency: ms, code: 500, err: "500 Internal Server Error"},
		{scheduled: 1400 * ms, sent: 1400 * ms, latency: ms / 2, err: "dial tcp: connect: connection refused"},
		// Second 1: nothing but failures.
		{scheduled: 2000 * ms, sent: 2000 * ms, latency: 5 * time.Second, err: "context deadline exceeded (Client.Timeout exceeded)"},
		{scheduled: 2500 * ms, sent: 2500 * ms, latency: 2 * ms, code: 404, err: "404 Not Found"},
	} {
		r.add(o)
	}
	out := r.finish()

	if out.Requests != 7 || out.Errors != 4 {
		t.Errorf("requests %d errors %d, want 7 and 4 (warm-up excluded)", out.Requests, out.Errors)
	}
	if out.Latency.Count() != 3 || out.ErrorLatency.Count() != 4 || out.SendLag.Count() != 7 {
		t.Errorf("timed %d successes and %d failures, send lag of %d; want 3, 4 and 7",
			out.Latency.Count(), out.ErrorLatency.Count(), out.SendLag.Count())
	}
	if p50, mx := out.Latency.Quantile(0.5), out.Latency.Max(); !near(p50, 0.020) || !near(mx, 0.030) {
		t.Errorf("success p50 %gs max %gs, want 20ms and 30ms: failures must not pull them down", p50, mx)
	}
	if mn, mx := out.ErrorLatency.Min(), out.ErrorLatency.Max(); !near(mn, 0.0005) || !near(mx, 5) {
		t.Errorf("error latency from %gs to %gs, want 0.5ms to 5s", mn, mx)
	}
	if got := out.SendLag.Max(); !near(got, 0.002) {
		t.Errorf("send lag max %gs, want 2ms", got)
	}
	want := map[string]int64{"status 500": 1, "connection refused": 1, "timeout": 1, "status 404": 1}
	for class, n := range want {
		if out.ErrorClasses[class] != n {
			t.Errorf("error classes %v, want %v", out.ErrorClasses, want)
			break
		}
	}
	if out.Status["200"] != 2 || out.Status["302"] != 1 || out.Status["0"] != 2 {
		t.Errorf("statuses %v, want 2 × 200, 1 × 302, 2 × 0 (no response)", out.Status)
	}

	if len(out.Series) != 3 {
		t.Fatalf("series %+v, want the warm-up second and two window seconds", out.Series)
	}
	warm, s0, s1 := out.Series[0], out.Series[1], out.Series[2]
	if warm.T != -1 || !warm.Warmup || warm.Requests != 1 {
		t.Errorf("warm-up second %+v, want t=-1 with 1 request", warm)
	}
	if s0.T != 0 || s0.Requests != 5 || s0.Errors != 2 || !nearLoose(s0.P50, 0.020) || !nearLoose(s0.P99, 0.030) {
		t.Errorf("second 0 %+v, want 5 requests, 2 errors, p50 20ms and p99 30ms of the successes", s0)
	}
	if s1.T != 1 || s1.Requests != 2 || s1.Errors != 2 || s1.P50 != 0 || s1.P99 != 0 {
		t.Errorf("second 1 %+v, want 2 requests, 2 errors and no latency: nothing succeeded", s1)
	}
}

// near compares seconds at the histogram's three significant digits.
func near(got, want float64) bool { return got >= want*0.999 && got <= want*1.001+1e-6 }

// nearLoose is near at the series' two significant digits.
func nearLoose(got, want float64) bool { return got >= want*0.99 && got <= want*1.01+1e-6 }

// BenchmarkRecorder records one finished request per op as a 3,000/s
// stream delivers them (1 in 100 a failure): the histograms, the status
// and error counts and the per-second series. It reports allocations: the
// recorder's memory is flat in the number of requests.
func BenchmarkRecorder(b *testing.B) {
	r := newRecorder("get", scenarios.Expect{}, time.Second, 10*time.Second)
	const gap = time.Second / 3000
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		o := observation{scheduled: time.Duration(i) * gap, code: 200}
		o.sent = o.scheduled + time.Duration(i%7)*time.Microsecond
		o.latency = time.Duration(200+i%1000) * time.Microsecond
		if i%100 == 99 {
			o.code, o.err = 500, "500 Internal Server Error"
		}
		r.add(o)
	}
	b.StopTimer()
	// The first second is warm-up.
	if out, want := r.finish(), max(0, int64(b.N)-int64((time.Second+gap-1)/gap)); out.Requests != want {
		b.Fatalf("recorded %d of %d, want %d", out.Requests, b.N, want)
	}
}

// BenchmarkConsumer is the consumer's whole work per result: matching it
// with its scheduled time, then recording it, as one stream's results
// arrive at 3,000/s.
func BenchmarkConsumer(b *testing.B) {
	began := time.Now()
	s := consumerAt(3000, began)
	s.pacer.sched = NewSchedule(scenarios.LoadSpec{Rate: scenarios.Rate{PerSecond: 3000}, Duration: dur(time.Hour)}, 1)
	res := &vegeta.Result{Code: 200}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		at, _ := s.pacer.sched.At(uint64(i))
		res.Seq, res.Timestamp, res.Latency = uint64(i), began.Add(at), time.Duration(200+i%1000)*time.Microsecond
		s.observe(res)
	}
}
