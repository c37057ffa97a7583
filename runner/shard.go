package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hotbench/hotbench/scenarios"
)

// Shard is one part of a schedule split over Count processes, so that a
// load bigger than one machine generates is spread over several. Every
// endpoint's stream is its own arrival schedule; shard Index sends the
// hits of each stream whose number is congruent to Index modulo Count.
// Sharding each stream, rather than one numbering over all streams, keeps
// every endpoint's rate and the endpoint mix exact in every shard: the
// shards' rates sum to the scenario's, and their hits interleave instead
// of firing in phase. The zero Shard (or Count 1) is the whole schedule.
//
// Server profiles and the server's CPU and memory are measured by shard 0
// only: one server, measured once.
type Shard struct {
	Index, Count int
}

// Active reports whether the shard is a part of a split schedule.
func (s Shard) Active() bool { return s.Count > 1 }

// Check says what is wrong with a shard of scenario sc, or nil.
func (s Shard) Check(sc *scenarios.Scenario) error {
	switch {
	case !s.Active():
		return nil
	case s.Index < 0 || s.Index >= s.Count:
		return fmt.Errorf("shard %d/%d: the index must be from 0 to %d", s.Index, s.Count, s.Count-1)
	case sc.Load.Closed():
		return errors.New("rate: max (the closed model) measures one machine's capacity and cannot be sharded: shard an open-model rate")
	case sc.Server.Managed():
		return errors.New("a scenario whose server section starts the service cannot be sharded: every shard would start its own; start the service once and point target at it")
	}
	return nil
}

// shardStreams makes each stream send only its shard's hits.
func shardStreams(streams []*stream, sh Shard) {
	if !sh.Active() {
		return
	}
	for _, s := range streams {
		if s.pacer.sched != nil {
			s.pacer.sched = s.pacer.sched.Shard(sh.Index, sh.Count)
		}
	}
}

// measuresServer reports whether this process captures the server's
// profiles and reads its CPU time and memory: shard 0, or an unsharded run.
func (s Shard) measuresServer() bool { return !s.Active() || s.Index == 0 }

// withoutProfiles is sc with no profile capture, for shards other than 0.
func withoutProfiles(sc *scenarios.Scenario) *scenarios.Scenario {
	c := *sc
	c.Profiles.Pprof, c.Profiles.Command = "", ""
	return &c
}

// waitUntil sleeps until at, precisely (the pacer's sleeper), and returns
// false when ctx is cancelled first.
func waitUntil(ctx context.Context, at time.Time) bool {
	sl := newSleeper()
	if sl != nil {
		defer sl.close()
	}
	for {
		if ctx.Err() != nil {
			return false
		}
		left := time.Until(at)
		if left <= 0 {
			return true
		}
		chunk := min(left, 50*time.Millisecond)
		if sl == nil || !sl.sleep(chunk) {
			preciseSleep(chunk)
		}
	}
}
