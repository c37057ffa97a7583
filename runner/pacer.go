package runner

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// pacer paces a vegeta attack by a Schedule and remembers when the attack
// began, so that results can be matched to their scheduled times.
type pacer struct {
	sched *Schedule // nil: as fast as possible (closed model)
	end   time.Duration
	// precise makes Pace do the waiting itself, in sleeper where there is
	// one and in preciseSleep otherwise.
	precise bool
	sleeper *sleeper
	// coalesce is load.coalesce, the pacer's window: a hit due less than
	// this after the moment the pacer lets one through goes with it,
	// early. Waking up costs a load generator more than sending does (on a
	// small virtual machine a wake-up costs tens of microseconds of CPU, as
	// much as a request), so at high rates hits go out in small groups, one
	// wake-up each: 3,000/s with 3 ms means groups of about 9, and under
	// 1/coalesce every hit keeps its own wake-up at its own time. An early
	// hit is timed from when it was sent, so its latency is never shorter
	// than its response took; send lag counts late hits only. On a 2-core
	// VM at 3,000/s (bench/cpu.sh) one wake-up a hit cost 95 µs of CPU a
	// request, a 2 ms window 38 µs and 3 ms 34 µs, where hey took 39 µs.
	// Zero gives every hit its own wake-up.
	coalesce time.Duration
	// giveUp, when above 0, ends an open-model attack that is still sending
	// this long after it began: the schedule's end plus the timeout. A
	// generator that fell that far behind (max_workers: 1 at a rate one
	// worker cannot serve) would otherwise send its backlog for ever; the
	// hits it never sent are lost, and the repetition says so.
	giveUp time.Duration
	// done, when closed, makes a waiting Pace stop the attack.
	done <-chan struct{}
	// sent counts the hits Pace has let through (vegeta's count).
	sent atomic.Uint64
	// pauseHook, when set (by tests), runs before hit n is paced: a hook that
	// sleeps stalls the generator the way a GC pause or a busy CPU would.
	pauseHook func(n uint64)

	once  sync.Once
	mu    sync.Mutex
	began time.Time
}

var _ vegeta.Pacer = (*pacer)(nil)

// Pace implements vegeta.Pacer: hit number hits may go after waiting the
// duration returned (negative when it is late), unless the schedule has
// ended. A precise pacer waits itself and returns 0.
func (p *pacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	p.once.Do(func() {
		p.mu.Lock()
		p.began = time.Now().Add(-elapsed)
		p.mu.Unlock()
	})
	p.sent.Store(hits)
	if p.pauseHook != nil {
		p.pauseHook(hits)
	}
	if p.sched == nil {
		return 0, elapsed >= p.end
	}
	at, ok := p.sched.At(hits)
	if !ok || p.giveUp > 0 && elapsed > p.giveUp {
		return 0, true
	}
	wait := at - elapsed
	if wait > 0 && wait < p.coalesce {
		return 0, false
	}
	if !p.precise || wait <= 0 {
		return wait, false
	}
	// Sleep here, precisely, rather than in vegeta's time.Sleep; in slices,
	// so that a stop is noticed during a long gap.
	deadline := time.Now().Add(wait)
	for left := wait; left > 0; left = time.Until(deadline) {
		if p.sleeper == nil {
			preciseSleep(min(left, 50*time.Millisecond))
		} else if !p.sleeper.sleep(min(left, 50*time.Millisecond)) {
			return 0, true // closed: the repetition is over
		}
		select {
		case <-p.done:
			return 0, true
		default:
		}
	}
	return 0, false
}

// close releases the pacer's sleeper; a Pace waiting in it stops the attack.
func (p *pacer) close() {
	if p.sleeper != nil {
		p.sleeper.close()
	}
}

// Sent is the number of hits the attack has sent so far.
func (p *pacer) Sent() uint64 { return p.sent.Load() }

// Began returns when the attack began, or the zero time before the first hit.
func (p *pacer) Began() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.began
}

// Rate implements vegeta.Pacer.
func (p *pacer) Rate(elapsed time.Duration) float64 {
	if p.sched == nil {
		return math.Inf(1)
	}
	return p.sched.RateAt(elapsed)
}
