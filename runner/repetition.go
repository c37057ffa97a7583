package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/scenarios"
)

// repetition runs one warm-up plus measured window with one stream per
// endpoint, captures the server's profiles and reads its CPU time and
// memory from /proc (proccost.go) over the window, and judges the
// repetition. The error is ErrInterrupted (wrapped) after Ctrl-C, or a
// failure to write the profiles or raw results.
//
// planned is the number of repetitions the run means to do so far (runs plus
// the retries begun); retry marks one run in place of an invalid one.
//
// It returns the measurement's warnings apart from the profiles' (which
// weaken the profile evidence, not the numbers: results.Run.ProfileWarnings).
func repetition(ctx context.Context, sc *scenarios.Scenario, index, planned int, retry bool, dir string, opts Options, p *progress, tr *transport) (rep results.Repetition, warns, profWarns []string, err error) {
	if opts.Shard.Active() && opts.Raw {
		// The raw files number a stream's hits as the whole schedule does.
		return results.Repetition{Index: index}, nil, nil, errors.New("raw results (--raw) are not written by a shard yet: run the shards without --raw")
	}
	streams, err := newStreams(ctx, sc, index, dir, opts, tr)
	if err != nil {
		return results.Repetition{Index: index}, nil, nil, err
	}
	shardStreams(streams, opts.Shard)
	if index == 1 {
		for _, w := range pooledGroups(streams) { // groups.go
			p.warn(w)
		}
	}
	psc, pid := sc, opts.ServerPID
	if !opts.Shard.measuresServer() {
		psc, pid = withoutProfiles(sc), 0
	}
	l := sc.Load
	warmup := l.Warmup.D()
	if opts.StartAt != nil {
		if at := opts.StartAt(index); !at.IsZero() && !waitUntil(ctx, at) {
			for _, s := range streams {
				s.close()
			}
			now := time.Now().UTC()
			rep = results.Repetition{Index: index, Retry: retry, Start: now, End: now, Invalid: []string{results.ReasonInterrupted}}
			return rep, nil, nil, fmt.Errorf("repetition %d of %d: %w before it began", index, planned, ErrInterrupted)
		}
	}
	began := time.Now()
	for _, s := range streams {
		s.start()
	}
	stopLive := p.start(index, planned, retry, warmup+l.Window(), streams)
	capture := startProfiles(ctx, psc, dir, index, began.Add(warmup), pid)
	cost := startProcWatch(ctx, pid, index, began.Add(warmup), began.Add(warmup+l.Window()))
	stoppedAt := await(ctx, streams)
	stopLive()
	end, complete := time.Now(), stoppedAt.IsZero()
	if !complete {
		end = stoppedAt // the load stopped then; draining is not load
	}

	rep = measuredWindow(l, began, end, complete)
	rep.Index, rep.Retry = index, retry
	warns, rawErr := collect(&rep, streams, warmup)
	procStats, procWarn := cost.finish()
	if procWarn != "" {
		warns = append(warns, procWarn)
	}
	profWarns, profErr := capture.finish(psc, &rep)
	rep.Server = mergeServer(procStats, rep.Server)
	rep.Invalid = invalidReasons(l, rep)
	for _, w := range append(slices.Clone(warns), profWarns...) {
		p.warn(w)
	}
	p.done(rep, planned)
	switch {
	case !rep.Complete:
		return rep, warns, profWarns, fmt.Errorf("repetition %d of %d: %w", index, planned, ErrInterrupted)
	case profErr != nil:
		return rep, warns, profWarns, profErr
	}
	return rep, warns, profWarns, rawErr
}

// await waits until every stream's attack has ended and its results are
// recorded. When ctx is cancelled first it stops the attacks at once and
// gives the requests in flight drainGrace to come back; it then returns
// when the load stopped (draining is not load), and the zero time
// otherwise.
func await(ctx context.Context, streams []*stream) (stoppedAt time.Time) {
	allDone := make(chan struct{})
	go func() {
		for _, s := range streams {
			<-s.done
		}
		close(allDone)
	}()
	select {
	case <-allDone:
		return time.Time{}
	case <-ctx.Done():
	}
	stoppedAt = time.Now()
	for _, s := range streams {
		s.attacker.Stop()
	}
	select {
	case <-allDone:
	case <-time.After(drainGrace):
	}
	return stoppedAt
}

// measuredWindow returns a repetition of load l that began at began and
// ended at end, complete or not, with its start, end and window set: the
// window is the scheduled one, or what ran of it when the repetition was
// interrupted. rps is requests over that window (an input in the open
// model), not over the time until the last response came back.
func measuredWindow(l scenarios.LoadSpec, began, end time.Time, complete bool) results.Repetition {
	warmup, window := l.Warmup.D(), l.Window()
	rep := results.Repetition{Start: began.Add(warmup).UTC(), Complete: complete, Window: window.Seconds()}
	rep.End = minTime(end, began.Add(warmup+window)).UTC()
	if rep.End.Before(rep.Start) {
		rep.End = rep.Start
	}
	if !rep.Complete {
		rep.Window = rep.End.Sub(rep.Start).Seconds()
	}
	return rep
}

// collect stops every stream and adds its endpoint's results to rep: what
// was recorded, and the hits the schedule had due in the window that ran.
// It commits the raw results, returning the first failure to write them,
// and warns of requests an interrupted repetition left in flight.
func collect(rep *results.Repetition, streams []*stream, warmup time.Duration) (warns []string, rawErr error) {
	var lost []string
	for _, s := range streams {
		// After the drain grace a consumer may still be receiving; stop
		// closes the stream to it, so the recorder is read quiet.
		seen := s.stop()
		if sent := s.pacer.Sent(); !rep.Complete && sent > seen {
			lost = append(lost, fmt.Sprintf("%d on %s", sent-seen, s.ep.Name))
		}
		e := s.rec.finish()
		if s.pacer.sched != nil {
			due := s.pacer.sched.End()
			if !rep.Complete {
				due = warmup + rep.End.Sub(rep.Start)
			}
			e.Scheduled = s.pacer.sched.Due(warmup, due)
		}
		rep.Endpoints = append(rep.Endpoints, e)
		// An interrupted repetition's raw results are kept too; a failed
		// write (a full disk) removes the file and stops the run.
		if err := s.commitRaw(rep.Index); err != nil && rawErr == nil {
			rawErr = err
		}
	}
	if len(lost) > 0 {
		warns = append(warns, fmt.Sprintf("repetition %d was interrupted with requests in flight (%s): they are not counted", rep.Index, strings.Join(lost, ", ")))
	}
	return warns, rawErr
}
