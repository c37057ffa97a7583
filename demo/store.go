package demo

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"
)

// roundTripLatency is what one simulated database query costs in wall time.
// With the N+1 hotspot a 60-step manual makes 61 of them (about 20ms); fixed,
// it makes 2.
const roundTripLatency = 300 * time.Microsecond

var errNotFound = errors.New("not found")

// store stands in for a remote database holding the manuals: every method is
// one round trip, which waits without using CPU.
type store struct {
	byID    map[int]*manual
	latency time.Duration
	trips   atomic.Int64 // round trips made, so tests can count queries
}

func newStore(ms []*manual, latency time.Duration) *store {
	s := &store{byID: make(map[int]*manual, len(ms)), latency: latency}
	for _, m := range ms {
		s.byID[m.ID] = m
	}
	return s
}

func (s *store) roundTrip(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.trips.Add(1)
	wait(s.latency)
	return nil
}

// manual loads a manual's header: everything but the steps, and how many
// steps it has.
func (s *store) manual(ctx context.Context, id int) (manual, int, error) {
	if err := s.roundTrip(ctx); err != nil {
		return manual{}, 0, err
	}
	m, ok := s.byID[id]
	if !ok {
		return manual{}, 0, errNotFound
	}
	h := *m
	h.Steps = nil
	return h, len(m.Steps), nil
}

// step loads step n (1-based) of manual id: one query per step.
func (s *store) step(ctx context.Context, id, n int) (step, error) {
	if err := s.roundTrip(ctx); err != nil {
		return step{}, err
	}
	m, ok := s.byID[id]
	if !ok || n < 1 || n > len(m.Steps) {
		return step{}, errNotFound
	}
	return m.Steps[n-1], nil
}

// stepsFor loads all steps of manual id in one query.
func (s *store) stepsFor(ctx context.Context, id int) ([]step, error) {
	if err := s.roundTrip(ctx); err != nil {
		return nil, err
	}
	m, ok := s.byID[id]
	if !ok {
		return nil, errNotFound
	}
	return slices.Clone(m.Steps), nil
}
