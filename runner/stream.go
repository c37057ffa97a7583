package runner

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hotbench/hotbench/internal/redact"
	"github.com/hotbench/hotbench/scenarios"
)

// stream is one endpoint's attack within a repetition: a vegeta attacker
// paced by the endpoint's share of the schedule, and the consumer that
// records its results.
type stream struct {
	ep       scenarios.Endpoint
	target   vegeta.Target
	attacker *vegeta.Attacker
	pacer    *pacer
	rec      *recorder
	raw      *rawWriter // nil without --raw
	feed     *feeder    // nil without a data file (feeder.go)
	done     chan struct{}

	// began is when the attack began, as the consumer knows it.
	began time.Time

	// mu lets a repetition close the stream to an abandoned consumer
	// between two results: after stop, nothing is recorded or written.
	mu      sync.Mutex
	stopped bool
	seen    uint64 // results received, warm-up included
	rawErr  error  // the first failure to write a raw result
}

// newStreams sets up one stream per endpoint of sc for repetition index, so
// every endpoint is its own open-model arrival stream (or its share of the
// closed model's workers). With opts.Raw each gets its raw results file;
// if one cannot be created, none is kept.
func newStreams(ctx context.Context, sc *scenarios.Scenario, index int, dir string, opts Options, tr *transport) ([]*stream, error) {
	total := 0
	for _, e := range sc.Endpoints {
		total += e.Weight
	}
	var streams []*stream
	for _, e := range sc.Endpoints {
		f, err := newFeeder(sc.Target, e)
		if err != nil {
			for _, s := range streams {
				s.close()
			}
			return nil, err
		}
		s := newStream(ctx, sc, e, float64(e.Weight)/float64(total), tr, opts.Raw, f)
		if hook := opts.pauseHook; hook != nil {
			s.pacer.pauseHook = func(n uint64) { hook(index, n) }
		}
		streams = append(streams, s)
		if opts.Raw {
			url := redact.URL(s.target.URL)
			if f != nil {
				url = "" // each result's own, redacted as it is written
			}
			w, err := newRawWriter(dir, index, e.Name, url, opts.createRaw)
			if err != nil {
				for _, s := range streams {
					s.close()
				}
				return nil, err
			}
			s.raw = w
		}
	}
	return streams, nil
}

// newStream sets up endpoint e's attack with share (0..1] of the load;
// with raw, the size of each response body is counted for its raw result.
// f, when not nil, fills each request from the endpoint's data file.
func newStream(ctx context.Context, sc *scenarios.Scenario, e scenarios.Endpoint, share float64, tr *transport, raw bool, f *feeder) *stream {
	l := sc.Load
	s := &stream{ep: e, target: endpointTarget(sc.Target, e), feed: f, done: make(chan struct{})}
	client := tr.client()
	if raw {
		client = &http.Client{Transport: bytesInTransport{tr}}
	}
	if f != nil {
		s.target = f.target(s.target)
		client = &http.Client{Transport: feedTransport{rt: client.Transport, f: f}}
		f.sched = func() *Schedule { return s.pacer.sched }
	}
	opts := []func(*vegeta.Attacker){
		vegeta.Client(client),
		// Bodies are read, so transfer time counts, but not kept.
		vegeta.MaxBody(0),
	}
	if l.Closed() {
		n := uint64(max(1, int(math.Round(float64(l.Workers)*share))))
		opts = append(opts, vegeta.Workers(n), vegeta.MaxWorkers(n))
		s.pacer = &pacer{end: l.Warmup.D() + l.Window(), done: ctx.Done()}
	} else {
		if l.MaxWorkers > 0 {
			opts = append(opts, vegeta.MaxWorkers(uint64(l.MaxWorkers)))
		}
		sched := NewSchedule(l, share)
		s.pacer = &pacer{sched: sched, giveUp: sched.End() + l.Timeout.D(), precise: true, coalesce: l.Coalesce.D(), sleeper: newSleeper(), done: ctx.Done()}
	}
	s.attacker = vegeta.NewAttacker(opts...)
	s.rec = newRecorder(e.Name, e.Expect, l.Warmup.D(), l.Timeout.D())
	if f != nil {
		s.rec.groups = newGroupRecorder(e.GroupBy, f.feed)
	}
	return s
}

// endpointTarget is the request vegeta sends for e. Accept-Encoding is
// net/http's default, sent as before so that a server compresses as it
// would for any client; the body is read compressed and not unpacked.
func endpointTarget(base string, e scenarios.Endpoint) vegeta.Target {
	tgt := vegeta.Target{
		Method: e.Method,
		URL:    joinURL(base, e.Path),
		Body:   []byte(e.Body),
		Header: http.Header{},
	}
	for k, v := range e.Headers {
		tgt.Header.Set(k, v)
	}
	if tgt.Header.Get("Accept-Encoding") == "" && tgt.Header.Get("Range") == "" && e.Method != http.MethodHead {
		tgt.Header.Set("Accept-Encoding", "gzip")
	}
	return tgt
}

// start begins the attack and the consumer of its results.
func (s *stream) start() {
	if s.raw != nil && s.pacer.sched != nil {
		// In the open model the warm-up's hits are the schedule's first
		// ones (of the schedule as sharded), so the measured ones are
		// numbered from 0 as they are written; the closed model's are
		// renumbered when the repetition ends.
		s.raw.base = s.pacer.sched.hitsBefore(s.rec.warmup)
	}
	ch := s.attacker.Attack(vegeta.NewStaticTargeter(s.target), s.pacer, 0, s.ep.Name)
	go s.consume(ch)
}

// consume records every result of the attack until vegeta closes the
// channel; after stop it keeps draining so vegeta's workers can exit.
func (s *stream) consume(ch <-chan *vegeta.Result) {
	defer close(s.done)
	for res := range ch {
		s.observe(res)
	}
}

// observe records one result, and writes it raw, unless the stream was
// stopped. Only the consumer calls it.
func (s *stream) observe(res *vegeta.Result) {
	o := s.observation(res)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	s.seen++
	s.rec.add(o)
	if s.raw != nil && s.rawErr == nil && o.scheduled >= s.rec.warmup {
		// Written as hotbench measured it: sent at its scheduled time,
		// with the latency from then (or from an early send).
		if s.feed != nil {
			res.URL = s.feed.url(s.feed.row(res.Seq)) // the row's, not the targeter's
		}
		s.rawErr = s.raw.write(res, s.began.Add(o.scheduled), o.latency)
	}
}

// observation matches a result with its scheduled send time. vegeta numbers
// hits in the order its workers picked up the pacer's ticks, which is the
// schedule's order, so hit n was due at At(n). Latency runs from the
// scheduled time, or from the send when the pacer sent the hit early with
// the one before it (less than coalesce early), so that it is never
// shorter than the response took: a late send counts against the server,
// as a stall would (no coordinated omission).
func (s *stream) observation(res *vegeta.Result) observation {
	if s.began.IsZero() {
		s.began = s.pacer.Began()
	}
	sent := res.Timestamp.Sub(s.began)
	scheduled := sent
	if s.pacer.sched != nil {
		if at, ok := s.pacer.sched.At(res.Seq); ok {
			scheduled = at
		}
	}
	group := -1
	if s.feed != nil {
		group = s.feed.group(res.Seq)
	}
	return observation{
		scheduled: scheduled,
		sent:      sent,
		latency:   res.Latency + max(0, sent-scheduled),
		code:      int(res.Code),
		err:       res.Error,
		group:     group,
	}
}

// stop closes the stream: the attack is stopped, and a consumer still
// draining it records nothing more. It returns how many results were
// recorded.
func (s *stream) stop() uint64 {
	s.attacker.Stop()
	s.pacer.close()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	return s.seen
}

// close releases what newStream acquired, for a stream that never ran.
func (s *stream) close() {
	s.pacer.close()
	if s.raw != nil {
		s.raw.f.Abort()
	}
}

// commitRaw renames the stream's raw results into place, or removes them
// when a write failed (a full disk); the error says what to do.
func (s *stream) commitRaw(index int) error {
	if s.raw == nil {
		return nil
	}
	err := s.rawErr
	if err == nil {
		err = s.raw.commit()
	} else {
		s.raw.f.Abort()
	}
	if err != nil {
		return fmt.Errorf("repetition %d: the raw results of %s could not be written (%w): free space, or run without --raw", index, s.ep.Name, err)
	}
	return nil
}
