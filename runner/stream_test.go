package runner

import (
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// consumerAt returns a stream of one endpoint at rate hits/s with a 1 s
// warm-up, a 6 s window and a 1 s timeout, as its consumer sees it: the
// attack began at began, and nothing goes over the network.
func consumerAt(rate float64, began time.Time) *stream {
	l := scenarios.LoadSpec{Rate: scenarios.Rate{PerSecond: rate}, Warmup: dur(time.Second), Duration: dur(6 * time.Second), Timeout: dur(time.Second)}
	s := &stream{
		ep:       scenarios.Endpoint{Name: "get"},
		attacker: vegeta.NewAttacker(),
		pacer:    &pacer{sched: NewSchedule(l, 1), began: began},
		rec:      newRecorder("get", scenarios.Expect{}, l.Warmup.D(), l.Timeout.D()),
		done:     make(chan struct{}),
	}
	s.pacer.once.Do(func() {}) // began is set
	return s
}

// result is hit seq of a stream that began at began, sent offset after it
// was due (negative: early) and answered in took.
func result(s *stream, began time.Time, seq uint64, offset, took time.Duration, code uint16, err string) *vegeta.Result {
	at, _ := s.pacer.sched.At(seq)
	return &vegeta.Result{Seq: seq, Timestamp: began.Add(at + offset), Latency: took, Code: code, Error: err}
}

// The consumer times each result from its scheduled send time: a hit sent
// late carries its lateness in its latency and in the send lag, so a
// stalled generator or server shows; a hit the pacer sent early with the
// one before it is timed from when it was sent, never shorter than its
// response took.
func TestConsumerTimesFromTheScheduledTime(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name             string
		offset, took     time.Duration
		latency, sendLag time.Duration
	}{
		{"sent on time, answered in 3ms ⇒ 3ms", 0, 3 * ms, 3 * ms, 0},
		{"sent 5ms late, answered in 3ms ⇒ 8ms, 5ms of send lag", 5 * ms, 3 * ms, 8 * ms, 5 * ms},
		{"sent 400ms late behind a stall, answered in 1ms ⇒ 401ms", 400 * ms, ms, 401 * ms, 400 * ms},
		{"sent 1ms early with the hit before, answered in 3ms ⇒ 3ms, no lag", -ms, 3 * ms, 3 * ms, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			began := time.Now()
			s := consumerAt(100, began)
			s.observe(result(s, began, 150, tt.offset, tt.took, 200, "")) // due at 1.5s, in the window
			out := s.rec.finish()
			if out.Requests != 1 || out.Latency.Count() != 1 {
				t.Fatalf("recorded %d requests, %d timed; want the one", out.Requests, out.Latency.Count())
			}
			if got := out.Latency.Max(); !near(got, tt.latency.Seconds()) {
				t.Errorf("latency %gs, want %v", got, tt.latency)
			}
			if got := out.SendLag.Max(); !near(got, tt.sendLag.Seconds()) {
				t.Errorf("send lag %gs, want %v", got, tt.sendLag)
			}
		})
	}
}

// Results are filed by the second they were due in, whenever they come
// back: warm-up results are in the series only, failures are counted and
// timed apart, and a result due in a second the recorder has closed (it
// waited past the timeout horizon) is still counted in it.
func TestConsumerFilesResultsByScheduledSecond(t *testing.T) {
	ms := time.Millisecond
	began := time.Now()
	s := consumerAt(10, began)
	feed := []*vegeta.Result{
		// Warm-up (hits 0-9, due in the first second): series only.
		result(s, began, 0, 0, 2*ms, 200, ""),
		result(s, began, 5, 0, 2*ms, 500, "500 Internal Server Error"),
		// Window second 0 (hits 10-19).
		result(s, began, 10, 0, 4*ms, 200, ""),
		result(s, began, 11, 0, 6*ms, 200, ""),
		result(s, began, 12, 0, ms/2, 0, `Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused`),
		// Window second 4 closes seconds up to 0 (a 1 s timeout keeps 4).
		result(s, began, 50, 0, 10*ms, 200, ""),
		// Hit 13 comes back now, its second closed: counted, not timed
		// in the second's quantiles.
		result(s, began, 13, 0, 5*time.Second, 200, ""),
		// Window second 1, after second 4 (out of order).
		result(s, began, 20, 0, 3*ms, 404, "404 Not Found"),
	}
	ch := make(chan *vegeta.Result, len(feed))
	for _, r := range feed {
		ch <- r
	}
	close(ch)
	s.consume(ch)
	select {
	case <-s.done:
	default:
		t.Fatal("consume returned without closing done")
	}
	if seen := s.stop(); seen != uint64(len(feed)) {
		t.Errorf("stop says %d results seen, want %d (warm-up included)", seen, len(feed))
	}
	out := s.rec.finish()
	if out.Requests != 6 || out.Errors != 2 {
		t.Errorf("requests %d errors %d; want 6 and 2: the warm-up is not measured", out.Requests, out.Errors)
	}
	if out.Latency.Count() != 4 || out.ErrorLatency.Count() != 2 || out.SendLag.Count() != 6 {
		t.Errorf("timed %d successes, %d failures, %d send lags; want 4, 2 and 6", out.Latency.Count(), out.ErrorLatency.Count(), out.SendLag.Count())
	}
	if got := out.Latency.Max(); !near(got, 5) {
		t.Errorf("latency max %gs, want the late result's 5s", got)
	}
	if out.Status["200"] != 4 || out.Status["0"] != 1 || out.Status["404"] != 1 || out.Status["500"] != 0 {
		t.Errorf("statuses %v, want 4 × 200, 1 × 0 and 1 × 404 (the warm-up's 500 is not counted)", out.Status)
	}
	if out.ErrorClasses["connection refused"] != 1 || out.ErrorClasses["status 404"] != 1 {
		t.Errorf("error classes %v", out.ErrorClasses)
	}
	want := []results.Second{
		{T: -1, Requests: 2, Errors: 1, Warmup: true},
		{T: 0, Requests: 4, Errors: 1},
		{T: 1, Requests: 1, Errors: 1},
		{T: 4, Requests: 1},
	}
	if len(out.Series) != len(want) {
		t.Fatalf("series %+v, want seconds %+v", out.Series, want)
	}
	for i, w := range want {
		got := out.Series[i]
		if got.T != w.T || got.Requests != w.Requests || got.Errors != w.Errors || got.Warmup != w.Warmup {
			t.Errorf("second %d: %+v, want %+v", i, got, w)
		}
	}
	if s0 := out.Series[1]; !nearLoose(s0.P99, 0.006) {
		t.Errorf("second 0 p99 %gs, want 6ms: the late 5s result came after its second closed", s0.P99)
	}
}

// In the closed model nothing is scheduled: a result is timed from when it
// was sent and has no send lag.
func TestConsumerInTheClosedModel(t *testing.T) {
	began := time.Now()
	s := consumerAt(10, began)
	s.pacer.sched = nil
	s.observe(&vegeta.Result{Seq: 3, Timestamp: began.Add(1500 * time.Millisecond), Latency: 7 * time.Millisecond, Code: 200})
	out := s.rec.finish()
	if out.Requests != 1 || !near(out.Latency.Max(), 0.007) || out.SendLag.Max() > 1e-6 {
		t.Errorf("requests %d latency %gs send lag %gs; want 1, 7ms and none", out.Requests, out.Latency.Max(), out.SendLag.Max())
	}
}

// Once a repetition has stopped a stream, a consumer still draining it
// (requests that came back after the drain grace) records nothing: the
// repetition reads a quiet recorder.
func TestStoppedStreamRecordsNothing(t *testing.T) {
	began := time.Now()
	s := consumerAt(10, began)
	s.observe(result(s, began, 10, 0, time.Millisecond, 200, ""))
	if seen := s.stop(); seen != 1 {
		t.Errorf("stop says %d seen, want 1", seen)
	}
	s.observe(result(s, began, 11, 0, time.Millisecond, 200, ""))
	if out := s.rec.finish(); out.Requests != 1 {
		t.Errorf("requests %d after stop, want the 1 before it", out.Requests)
	}
}

func TestMeasuredWindow(t *testing.T) {
	began := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	l := scenarios.LoadSpec{Warmup: dur(2 * time.Second), Duration: dur(10 * time.Second)}
	tests := []struct {
		name       string
		end        time.Time
		complete   bool
		start, to  time.Duration // from began
		windowSecs float64
	}{
		{"a whole window: its scheduled length, however late the last response", began.Add(13 * time.Second), true, 2 * time.Second, 12 * time.Second, 10},
		{"interrupted 5s into the window: 5s", began.Add(7 * time.Second), false, 2 * time.Second, 7 * time.Second, 5},
		{"interrupted in the warm-up: an empty window", began.Add(time.Second), false, 2 * time.Second, 2 * time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := measuredWindow(l, began, tt.end, tt.complete)
			if !rep.Start.Equal(began.Add(tt.start)) || !rep.End.Equal(began.Add(tt.to)) || rep.Window != tt.windowSecs || rep.Complete != tt.complete {
				t.Errorf("start +%v end +%v window %gs complete %v; want +%v, +%v, %gs, %v",
					rep.Start.Sub(began), rep.End.Sub(began), rep.Window, rep.Complete, tt.start, tt.to, tt.windowSecs, tt.complete)
			}
		})
	}
}

// collect turns stopped streams into the repetition's endpoints: what was
// recorded, the hits due in what ran of the window, and a warning for the
// requests an interruption left in flight.
func TestCollectCountsWhatWasDueAndWhatWasLost(t *testing.T) {
	began := time.Now()
	s := consumerAt(10, began)
	for seq := uint64(0); seq < 25; seq++ { // warm-up and 1.5s of the window
		s.observe(result(s, began, seq, 0, time.Millisecond, 200, ""))
	}
	s.pacer.sent.Store(28) // 3 more were sent and are still in flight
	rep := measuredWindow(scenarios.LoadSpec{Warmup: dur(time.Second), Duration: dur(3 * time.Second)}, began, began.Add(2500*time.Millisecond), false)
	rep.Index = 4
	warns, err := collect(&rep, []*stream{s}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Endpoints[0]
	if e.Requests != 15 || e.Scheduled != 15 {
		t.Errorf("requests %d scheduled %d, want 15 and the 15 due in the 1.5s that ran", e.Requests, e.Scheduled)
	}
	if len(warns) != 1 || warns[0] != "repetition 4 was interrupted with requests in flight (3 on get): they are not counted" {
		t.Errorf("warnings %q", warns)
	}
}
