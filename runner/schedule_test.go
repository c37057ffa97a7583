package runner

import (
	"math"
	"testing"
	"time"

	"github.com/hotbench/hotbench/scenarios"
)

func rate(perSecond float64) scenarios.Rate { return scenarios.Rate{PerSecond: perSecond} }

func TestScheduleAt(t *testing.T) {
	constant := scenarios.LoadSpec{Rate: rate(100), Duration: scenarios.Duration(2 * time.Second)}
	warm := scenarios.LoadSpec{Rate: rate(10), Warmup: scenarios.Duration(time.Second), Duration: scenarios.Duration(time.Second)}
	ramp := scenarios.LoadSpec{Rate: rate(0), Stages: []scenarios.Stage{
		{Duration: scenarios.Duration(10 * time.Second), Rate: rate(100)},
	}}
	tests := []struct {
		name  string
		load  scenarios.LoadSpec
		share float64
		hit   uint64
		want  time.Duration
		ok    bool
	}{
		{"100/s: the first hit is due at once", constant, 1, 0, 0, true},
		{"100/s: hit 1 is due after 10ms", constant, 1, 1, 10 * time.Millisecond, true},
		{"100/s: hit 150 is due at 1.5s", constant, 1, 150, 1500 * time.Millisecond, true},
		{"100/s for 2s: hit 199 is the last", constant, 1, 199, 1990 * time.Millisecond, true},
		{"100/s for 2s: hit 200 is past the end", constant, 1, 200, 0, false},
		{"a quarter share of 100/s: hit 1 after 40ms", constant, 0.25, 1, 40 * time.Millisecond, true},
		{"warm-up at 10/s: hit 10 starts the measured second", warm, 1, 10, time.Second, true},
		{"ramp 0→100/s over 10s: 500 hits in all, hit 125 due at 5s", ramp, 1, 125, 5 * time.Second, true},
		{"ramp 0→100/s over 10s: hit 500 is past the end", ramp, 1, 500, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NewSchedule(tt.load, tt.share).At(tt.hit)
			if ok != tt.ok {
				t.Fatalf("At(%d) ok = %v, want %v", tt.hit, ok, tt.ok)
			}
			if d := got - tt.want; ok && (d > time.Millisecond || d < -time.Millisecond) {
				t.Errorf("At(%d) = %v, want %v", tt.hit, got, tt.want)
			}
		})
	}
}

func TestScheduleIsMonotonicAcrossStages(t *testing.T) {
	l := scenarios.LoadSpec{Rate: rate(50), Warmup: scenarios.Duration(time.Second), Stages: []scenarios.Stage{
		{Duration: scenarios.Duration(2 * time.Second), Rate: rate(200)},
		{Duration: scenarios.Duration(time.Second), Rate: rate(200)},
		{Duration: scenarios.Duration(2 * time.Second), Rate: rate(10)},
	}}
	s := NewSchedule(l, 1)
	// 50 (warm-up) + 250 (ramp up) + 200 (flat) + 210 (ramp down) hits.
	var prev time.Duration
	n := uint64(0)
	for ; ; n++ {
		at, ok := s.At(n)
		if !ok {
			break
		}
		if at < prev {
			t.Fatalf("hit %d due at %v, before hit %d at %v", n, at, n-1, prev)
		}
		prev = at
	}
	if want := 710.0; math.Abs(float64(n)-want) > 1 {
		t.Errorf("schedule has %d hits, want %v", n, want)
	}
	if s.End() != 6*time.Second {
		t.Errorf("End = %v, want 6s", s.End())
	}
}

func TestPacerWaitsForTheScheduledTime(t *testing.T) {
	p := &pacer{sched: NewSchedule(scenarios.LoadSpec{Rate: rate(1), Duration: scenarios.Duration(10 * time.Second)}, 1)}
	tests := []struct {
		name    string
		elapsed time.Duration
		hits    uint64
		wait    time.Duration
		stop    bool
	}{
		{"1 hit/s, none sent, nothing elapsed ⇒ send now", 0, 0, 0, false},
		{"1 hit/s, 1 sent, 0.5s elapsed ⇒ 0.5s until the next", 500 * time.Millisecond, 1, 500 * time.Millisecond, false},
		{"1 hit/s, 2 sent, 1s elapsed ⇒ 1s until the next", time.Second, 2, time.Second, false},
		{"1 hit/s, 2 sent, 3s elapsed ⇒ behind: send now (negative wait)", 3 * time.Second, 2, -time.Second, false},
		{"1 hit/s for 10s, 10 sent ⇒ stop", 10 * time.Second, 10, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, stop := p.Pace(tt.elapsed, tt.hits)
			if wait != tt.wait || stop != tt.stop {
				t.Errorf("Pace(%v, %d) = %v, %v; want %v, %v", tt.elapsed, tt.hits, wait, stop, tt.wait, tt.stop)
			}
		})
	}
	if p.Began().IsZero() {
		t.Error("pacer did not record when the attack began")
	}
}

// A pacer that wakes for a hit lets the hits due within its coalescing
// window go with it, so that one wake-up serves a few hits at high rates;
// a hit due later waits for its own time.
func TestPacerCoalescesHitsDueWithinItsWindow(t *testing.T) {
	ms := time.Millisecond
	p := &pacer{sched: NewSchedule(scenarios.LoadSpec{Rate: rate(1000), Duration: scenarios.Duration(time.Second)}, 1), coalesce: 2 * ms}
	tests := []struct {
		name    string
		elapsed time.Duration
		hits    uint64
		wait    time.Duration
	}{
		{"1000/s, hit 10 due at 10ms, 10ms elapsed ⇒ send now", 10 * ms, 10, 0},
		{"hit 11 due 1ms from now, within the 2ms window ⇒ send now, early", 10 * ms, 11, 0},
		{"hit 12 due 2ms from now, at the window's end ⇒ wait 2ms", 10 * ms, 12, 2 * ms},
		{"hit 12 due 1.5ms from now ⇒ send now", 10*ms + 500*time.Microsecond, 12, 0},
		{"hit 10 due 3ms ago ⇒ behind: send now", 13 * ms, 10, -3 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if wait, stop := p.Pace(tt.elapsed, tt.hits); wait != tt.wait || stop {
				t.Errorf("Pace(%v, %d) = %v, %v; want %v, false", tt.elapsed, tt.hits, wait, stop, tt.wait)
			}
		})
	}
}

func TestPrecisePacerSleepsUntilTheHitIsDue(t *testing.T) {
	p := &pacer{sched: NewSchedule(scenarios.LoadSpec{Rate: rate(100), Duration: scenarios.Duration(time.Second)}, 1), precise: true}
	began := time.Now()
	wait, stop := p.Pace(0, 1) // hit 1 is due at 10ms
	if wait != 0 || stop {
		t.Fatalf("Pace = %v, %v; want it to have waited itself and say go", wait, stop)
	}
	if waited := time.Since(began); waited < 10*time.Millisecond {
		t.Errorf("returned after %v, before hit 1 was due", waited)
	}
}

func TestScheduleDue(t *testing.T) {
	warm := scenarios.LoadSpec{Rate: rate(10), Warmup: scenarios.Duration(time.Second), Duration: scenarios.Duration(2 * time.Second)}
	ramp := scenarios.LoadSpec{Rate: rate(0), Warmup: scenarios.Duration(time.Second), Stages: []scenarios.Stage{
		{Duration: scenarios.Duration(10 * time.Second), Rate: rate(100)},
	}}
	s := func(l scenarios.LoadSpec, share float64) *Schedule { return NewSchedule(l, share) }
	tests := []struct {
		name     string
		sched    *Schedule
		from, to time.Duration
		want     int64
	}{
		{"10/s after 1s of warm-up: 20 hits in the 2s window", s(warm, 1), time.Second, 3 * time.Second, 20},
		{"10/s: 10 hits in the warm-up", s(warm, 1), 0, time.Second, 10},
		{"10/s: the first half second of the window holds 5", s(warm, 1), time.Second, 1500 * time.Millisecond, 5},
		{"10/s: to past the end counts to the end", s(warm, 1), time.Second, time.Hour, 20},
		{"a third of 10/s over 1s of warm-up: hits at 0, 0.3, 0.6, 0.9s", s(warm, 1.0/3), 0, time.Second, 4},
		{"a third of 10/s over the 2s window: 6 hits (2.33 to 8.33 due)", s(warm, 1.0/3), time.Second, 3 * time.Second, 6},
		{"ramp 0→100/s over 10s after a warm-up at 0/s: 500 hits", s(ramp, 1), time.Second, 11 * time.Second, 500},
		{"ramp 0→100/s: 125 hits in its first 5s", s(ramp, 1), time.Second, 6 * time.Second, 125},
		{"an empty span holds none", s(warm, 1), 2 * time.Second, 2 * time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sched.Due(tt.from, tt.to); got != tt.want {
				t.Errorf("Due(%v, %v) = %d, want %d", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

// Due agrees with At hit by hit: the recorder files a result under At(seq),
// so Scheduled and the recorded requests count the same hits.
func TestScheduleDueAgreesWithAt(t *testing.T) {
	l := scenarios.LoadSpec{Rate: rate(37), Warmup: scenarios.Duration(700 * time.Millisecond), Stages: []scenarios.Stage{
		{Duration: scenarios.Duration(1300 * time.Millisecond), Rate: rate(91)},
		{Duration: scenarios.Duration(900 * time.Millisecond), Rate: rate(5)},
	}}
	s := NewSchedule(l, 0.7)
	warmup := l.Warmup.D()
	var inWindow int64
	for n := uint64(0); ; n++ {
		at, ok := s.At(n)
		if !ok {
			break
		}
		if at >= warmup {
			inWindow++
		}
	}
	if got := s.Due(warmup, s.End()); got != inWindow {
		t.Errorf("Due = %d, At puts %d hits in the window", got, inWindow)
	}
}

// A generator far behind its schedule gives up at the schedule's end plus
// the timeout, instead of sending its backlog for ever.
func TestPacerGivesUpPastTheScheduleAndTimeout(t *testing.T) {
	ms := time.Millisecond
	p := &pacer{sched: NewSchedule(scenarios.LoadSpec{Rate: rate(1000), Duration: scenarios.Duration(time.Second)}, 1), giveUp: 1500 * ms}
	if _, stop := p.Pace(1400*ms, 10); stop {
		t.Error("1000/s for 1s, hit 10 at 1.4s: behind but within the timeout, want it sent")
	}
	if _, stop := p.Pace(1501*ms, 11); !stop {
		t.Error("hit 11 at 1.501s, past the schedule's end plus the 500ms timeout: want the attack to stop")
	}
}
