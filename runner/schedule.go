package runner

import (
	"math"
	"time"

	"github.com/hotbench/hotbench/scenarios"
)

// segment is a stretch of the schedule whose rate moves linearly from
// from to to (hits per second) over dur.
type segment struct {
	dur      time.Duration
	from, to float64
}

// Schedule says when each request of one open-model stream is due. It is a
// pure function of the hit number, so pacing is table-tested without sleeping
// and every result's scheduled send time is known exactly: latency is then
// measured from that time, not from when a worker got round to sending.
type Schedule struct {
	segs []segment
	// hits[i] is the number of hits due before segment i begins.
	hits []float64
	end  time.Duration
	// offset and stride make the schedule one shard's part of it (Shard):
	// its hit n is the whole schedule's hit offset + n·stride. A stride of
	// 0 or 1 is the whole schedule.
	offset, stride uint64
}

// NewSchedule builds the schedule of one repetition for a stream that gets
// share (0..1] of the scenario's load: warm-up at load.rate, then either
// load.rate for load.duration or the stages, each ramping linearly from the
// previous rate to its own.
func NewSchedule(l scenarios.LoadSpec, share float64) *Schedule {
	r0 := l.Rate.PerSecond * share
	var segs []segment
	if w := l.Warmup.D(); w > 0 {
		segs = append(segs, segment{w, r0, r0})
	}
	if len(l.Stages) == 0 {
		segs = append(segs, segment{l.Duration.D(), r0, r0})
	} else {
		prev := r0
		for _, st := range l.Stages {
			r := st.Rate.PerSecond * share
			segs = append(segs, segment{st.Duration.D(), prev, r})
			prev = r
		}
	}
	return newSchedule(segs)
}

func newSchedule(segs []segment) *Schedule {
	s := &Schedule{segs: segs}
	var hits float64
	for _, g := range segs {
		s.hits = append(s.hits, hits)
		hits += (g.from + g.to) / 2 * g.dur.Seconds()
		s.end += g.dur
	}
	return s
}

// End is when the schedule ends: warm-up plus the measured window.
func (s *Schedule) End() time.Duration { return s.end }

// Due returns how many hits are due in [from, to): with from the end of the
// warm-up and to the end of the schedule, the hits of the measured window.
// It counts with At, so it agrees exactly with the recorder, which files a
// result under its scheduled time At(seq).
func (s *Schedule) Due(from, to time.Duration) int64 {
	return int64(s.hitsBefore(to) - s.hitsBefore(from))
}

// hitsBefore is the number of hits n with At(n) < t; at or past the end of
// the schedule, all of them.
func (s *Schedule) hitsBefore(t time.Duration) uint64 {
	// At is monotonic in n and ok for every n below the total, so the first
	// n that is not due before t is found by bisection.
	total := s.total()
	if t >= s.end {
		return total
	}
	lo, hi := uint64(0), total
	for lo < hi {
		mid := lo + (hi-lo)/2
		if at, ok := s.At(mid); ok && at < t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// total is the number of hits in the whole schedule: the n for which At is ok.
func (s *Schedule) total() uint64 {
	n := len(s.segs)
	if n == 0 {
		return 0
	}
	g := s.segs[n-1]
	bound := uint64(math.Ceil(s.hits[n-1]+(g.from+g.to)/2*g.dur.Seconds())) + 1
	lo, hi := uint64(0), bound
	for lo < hi {
		mid := lo + (hi-lo)/2
		if _, ok := s.At(mid); ok {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// Shard returns shard index of count of the schedule: the hits whose number
// is congruent to index modulo count, in order, so that count shards started
// together send exactly the schedule's hits, interleaved, each at its own
// time. Each shard's Due counts its own hits, and the shards' counts sum to
// the schedule's. A count below 2 returns the schedule itself.
func (s *Schedule) Shard(index, count int) *Schedule {
	if count < 2 {
		return s
	}
	c := *s
	c.offset, c.stride = uint64(index), uint64(count)
	return &c
}

// At returns when hit n (counting from 0) is due, relative to the start of
// the attack, and false when the schedule ends before it.
func (s *Schedule) At(n uint64) (time.Duration, bool) {
	if s.stride > 1 {
		n = s.offset + n*s.stride
	}
	target := float64(n)
	var start time.Duration
	for i, g := range s.segs {
		before := s.hits[i]
		after := before
		if i+1 < len(s.hits) {
			after = s.hits[i+1]
		} else {
			after = before + (g.from+g.to)/2*g.dur.Seconds()
		}
		if target < after {
			tau := solveRamp(g, target-before)
			return start + time.Duration(tau*float64(time.Second)), true
		}
		start += g.dur
	}
	return 0, false
}

// solveRamp returns the seconds into segment g at which k hits have been
// due: the root of from·τ + (to−from)/(2·T)·τ² = k, in a form that is stable
// when the ramp is flat.
func solveRamp(g segment, k float64) float64 {
	if k <= 0 {
		return 0
	}
	a := (g.to - g.from) / (2 * g.dur.Seconds())
	b := g.from
	disc := b*b + 4*a*k
	if disc < 0 {
		disc = 0
	}
	den := b + math.Sqrt(disc)
	if den <= 0 {
		return g.dur.Seconds()
	}
	return 2 * k / den
}

// RateAt returns the scheduled rate in hits per second at elapsed (a
// shard's share of it for a shard).
func (s *Schedule) RateAt(elapsed time.Duration) float64 {
	var start time.Duration
	for _, g := range s.segs {
		if elapsed < start+g.dur {
			f := float64(elapsed-start) / float64(g.dur)
			r := g.from + (g.to-g.from)*f
			if s.stride > 1 {
				r /= float64(s.stride)
			}
			return r
		}
		start += g.dur
	}
	return 0
}
