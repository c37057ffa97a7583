package shard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CoordinatorConfig is what shard 0's coordinator needs to know of the run.
type CoordinatorConfig struct {
	// Count is the number of shards; Hash the scenario's (scenarios.Hash),
	// which every shard must share.
	Count int
	Hash  string
	// RunID names the run; NewRunID's when empty.
	RunID string
	// Runs and Retries are the scenario's plan: runs repetitions, an
	// invalid one (invalid on any shard) redone up to retries times.
	Runs, Retries int
	// RegisterTimeout is how long every shard has to register, from
	// Listen (default 2 minutes). StepTimeout is how long the shards have
	// to become ready for the next repetition after the first of them is
	// (default 2 minutes: a repetition's drain and profiles take a shard
	// longer than another).
	RegisterTimeout, StepTimeout time.Duration
	// FirstLead is how far ahead the first repetition's start is
	// broadcast (default 2 s), Lead the later ones' (default 500 ms).
	FirstLead, Lead time.Duration
	// Repetition is how long one repetition may take from its start to
	// its shards' next ready, the step timeout aside: warm-up, window and
	// timeout.
	Repetition time.Duration
	// FinishTimeout is how long the shards have to report their run
	// folders once the run is done or aborted (default 30 s).
	FinishTimeout time.Duration
	// Note, when set, receives one line per event worth telling.
	Note func(string)
}

func (c *CoordinatorConfig) defaults() {
	if c.RunID == "" {
		c.RunID = NewRunID(time.Now())
	}
	if c.RegisterTimeout <= 0 {
		c.RegisterTimeout = 2 * time.Minute
	}
	if c.StepTimeout <= 0 {
		c.StepTimeout = 2 * time.Minute
	}
	if c.FirstLead <= 0 {
		c.FirstLead = 2 * time.Second
	}
	if c.Lead <= 0 {
		c.Lead = 500 * time.Millisecond
	}
	if c.FinishTimeout <= 0 {
		c.FinishTimeout = 30 * time.Second
	}
	if c.Note == nil {
		c.Note = func(string) {}
	}
}

// NewRunID returns a fresh run id: the UTC time and 32 random bits.
func NewRunID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// Outcome is what the coordinator saw of a sharded run.
type Outcome struct {
	RunID string
	// Parts holds what each shard reported when it finished.
	Parts map[int]Report
	// Failed says, per shard, why it failed the run: it never registered,
	// disconnected, was late, or stopped with an error.
	Failed map[int]string
	// Aborted is why the run was aborted on every shard; "" when it ran
	// its plan.
	Aborted string
}

// Report is one shard's last word: its run folder and how its run ended.
type Report struct {
	Dir      string
	Complete bool
	Error    string
}

// Coordinator is shard 0's coordination endpoint.
type Coordinator struct {
	cfg    CoordinatorConfig
	ln     net.Listener
	events chan event
	quit   chan struct{}
	start  time.Time
}

type event struct {
	gone bool
	p    *peer
	m    message
	err  error
}

type peer struct {
	*conn
	index int
	host  string
	known bool // registered (welcomed)
}

// Listen opens the coordination endpoint at addr ("127.0.0.1:0" for any
// free loopback port; ":7070" for every interface).
func Listen(addr string, cfg CoordinatorConfig) (*Coordinator, error) {
	cfg.defaults()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("coordinator: listen on %s: %w", addr, err)
	}
	return &Coordinator{cfg: cfg, ln: ln, events: make(chan event), quit: make(chan struct{}), start: time.Now()}, nil
}

// Addr is the address the coordinator listens on.
func (c *Coordinator) Addr() string { return c.ln.Addr().String() }

// RunID is the run's id, which every shard is welcomed with.
func (c *Coordinator) RunID() string { return c.cfg.RunID }

func (c *Coordinator) accept() {
	for {
		nc, err := c.ln.Accept()
		if err != nil {
			return
		}
		go c.handle(newConn(nc))
	}
}

// post hands an event to Serve, unless it has returned.
func (c *Coordinator) post(e event) bool {
	select {
	case c.events <- e:
		return true
	case <-c.quit:
		return false
	}
}

// handle reads one connection: its hello, then pings (answered here, at
// once, so the offset is not delayed by the state machine) and the rest,
// handed to Serve.
func (c *Coordinator) handle(cn *conn) {
	_ = cn.c.SetReadDeadline(time.Now().Add(30 * time.Second))
	m, err := cn.read()
	if err != nil || m.Type != msgHello {
		cn.c.Close()
		return
	}
	_ = cn.c.SetReadDeadline(time.Time{})
	p := &peer{conn: cn, index: m.Shard, host: m.Host}
	if !c.post(event{p: p, m: m}) {
		cn.c.Close()
		return
	}
	for {
		m, err := cn.read()
		if err != nil {
			c.post(event{gone: true, p: p, err: err})
			return
		}
		if m.Type == msgPing {
			_ = cn.send(message{Type: msgPong, Sent: m.Sent, Clock: time.Now().UnixNano()})
			continue
		}
		if !c.post(event{p: p, m: m}) {
			return
		}
	}
}

// phases of a run, as the coordinator sees it.
const (
	registering = iota
	stepping
	finishing
)

// Serve runs the coordination until every shard has finished (or failed)
// and returns what it saw. Cancelling ctx aborts the run on every shard.
func (c *Coordinator) Serve(ctx context.Context) Outcome {
	go c.accept()
	peers := map[int]*peer{}
	defer func() {
		close(c.quit)
		c.ln.Close()
		for _, p := range peers {
			p.c.Close()
		}
	}()
	cfg := c.cfg
	out := Outcome{RunID: cfg.RunID, Parts: map[int]Report{}, Failed: map[int]string{}}
	finished := map[int]bool{}
	phase := registering
	step := 1
	ready := map[int]message{}
	planned, retries := cfg.Runs, 0
	timer := time.NewTimer(max(0, cfg.RegisterTimeout-time.Since(c.start)))
	defer timer.Stop()
	reset := func(d time.Duration) {
		timer.Stop()
		select {
		case <-timer.C:
		default:
		}
		timer.Reset(d)
	}
	broadcast := func(m message) {
		for _, p := range peers {
			_ = p.send(m)
		}
	}
	abort := func(reason string) {
		if phase == finishing {
			return
		}
		out.Aborted = reason
		cfg.Note("aborting the run on every shard: " + reason)
		broadcast(message{Type: msgAbort, Error: reason})
		phase = finishing
		reset(cfg.FinishTimeout)
	}
	// settled: every shard that registered has finished or is gone.
	settled := func() bool {
		for i := range peers {
			if !finished[i] {
				return false
			}
		}
		return true
	}
	where := func() string {
		switch {
		case phase == registering:
			return "registration"
		case step == 1:
			return "the setup before repetition 1"
		}
		return "repetition " + strconv.Itoa(step-1)
	}
	interrupted := ctx.Done()
	for {
		select {
		case <-interrupted:
			interrupted = nil
			abort("the coordinator (shard 0) was interrupted")
		case <-timer.C:
			switch phase {
			case registering:
				missing := c.missing(peers)
				for _, i := range missing {
					out.Failed[i] = fmt.Sprintf("did not register within %s", cfg.RegisterTimeout)
				}
				abort(fmt.Sprintf("shard(s) %s of %d did not register with the coordinator at %s within %s: start every shard, with the same --shards and a coordinator address that reaches shard 0",
					list(missing), cfg.Count, c.Addr(), cfg.RegisterTimeout))
			case stepping:
				var late []int
				for i := range cfg.Count {
					if _, ok := ready[i]; !ok {
						late = append(late, i)
						out.Failed[i] = fmt.Sprintf("was not ready for repetition %d within %s", step, cfg.StepTimeout)
					}
				}
				abort(fmt.Sprintf("shard(s) %s of %d were not ready for repetition %d within %s of the others", list(late), cfg.Count, step, cfg.StepTimeout))
			case finishing:
				for i := range peers {
					if !finished[i] {
						out.Failed[i] = "did not report its run folder"
					}
				}
				return out
			}
		case e := <-c.events:
			p := e.p
			switch {
			case e.gone:
				if !p.known || peers[p.index] != p {
					continue
				}
				if !finished[p.index] {
					reason := fmt.Sprintf("shard %d of %d disconnected during %s (its process ended, or the network failed)", p.index, cfg.Count, where())
					out.Failed[p.index] = fmt.Sprintf("disconnected during %s (its process ended, or the network failed)", where())
					finished[p.index] = true
					abort(reason)
				}
				if phase == finishing && settled() {
					return out
				}
			case e.m.Type == msgHello:
				if why := c.refuse(e.m, peers, phase); why != "" {
					_ = p.send(message{Type: msgRefused, Error: why})
					p.c.Close()
					continue
				}
				p.known = true
				peers[p.index] = p
				_ = p.send(message{Type: msgWelcome, RunID: cfg.RunID})
				cfg.Note(fmt.Sprintf("shard %d of %d registered (%s)", p.index, cfg.Count, p.host))
				if len(peers) == cfg.Count {
					phase = stepping
					reset(cfg.StepTimeout)
				}
			case !p.known || peers[p.index] != p:
				continue
			case e.m.Type == msgFinished:
				finished[p.index] = true
				out.Parts[p.index] = Report{Dir: e.m.Dir, Complete: e.m.Done, Error: e.m.Error}
				if phase != finishing {
					why := e.m.Error
					if why == "" {
						why = "it ended before the run did"
					}
					out.Failed[p.index] = "stopped: " + why
					abort(fmt.Sprintf("shard %d of %d stopped during %s: %s", p.index, cfg.Count, where(), why))
				}
				if phase == finishing && settled() {
					return out
				}
			case e.m.Type == msgReady:
				// A shard may be ready before the last one registered.
				if phase == finishing || e.m.Step != step {
					continue
				}
				if len(ready) == 0 && phase == stepping {
					reset(cfg.StepTimeout)
				}
				ready[p.index] = e.m
				if phase != stepping || len(ready) < cfg.Count {
					continue
				}
				m := message{Type: msgStart, Step: step, At: time.Now().Add(cfg.Lead).UnixNano()}
				if step == 1 {
					m.At = time.Now().Add(cfg.FirstLead).UnixNano()
				} else if invalid := invalidOn(ready); len(invalid) > 0 {
					if retries < cfg.Retries {
						retries++
						planned++
						m.Retry = true
						cfg.Note(fmt.Sprintf("repetition %d invalid on shard(s) %s: redoing it on every shard, %d of %d retries", step-1, list(invalid), retries, cfg.Retries))
					} else {
						cfg.Note(fmt.Sprintf("repetition %d invalid on shard(s) %s: not redone, all %d retries used (load.retries)", step-1, list(invalid), cfg.Retries))
					}
				}
				ready = map[int]message{}
				if step-1 >= planned {
					broadcast(message{Type: msgDone})
					phase = finishing
					reset(cfg.FinishTimeout)
					continue
				}
				broadcast(m)
				step++
				reset(time.Until(time.Unix(0, m.At)) + cfg.Repetition + cfg.StepTimeout)
			}
		}
	}
}

// refuse says why a hello cannot join, or "".
func (c *Coordinator) refuse(m message, peers map[int]*peer, phase int) string {
	cfg := c.cfg
	switch {
	case m.Count != cfg.Count:
		return fmt.Sprintf("shard %d says there are %d shards, the coordinator %d: start every shard with the same --shards", m.Shard, m.Count, cfg.Count)
	case m.Shard < 0 || m.Shard >= cfg.Count:
		return fmt.Sprintf("shard %d does not exist in a run of %d shards (0 to %d)", m.Shard, cfg.Count, cfg.Count-1)
	case m.Hash != cfg.Hash:
		return fmt.Sprintf("shard %d runs another scenario than shard 0 (hash %.12s, shard 0's %.12s): give every shard the same scenario file and overrides", m.Shard, m.Hash, cfg.Hash)
	case peers[m.Shard] != nil:
		return fmt.Sprintf("shard %d of %d registered twice: each index must run once", m.Shard, cfg.Count)
	case phase != registering:
		return fmt.Sprintf("shard %d of %d registered after the run began", m.Shard, cfg.Count)
	}
	return ""
}

func (c *Coordinator) missing(peers map[int]*peer) []int {
	var out []int
	for i := range c.cfg.Count {
		if peers[i] == nil {
			out = append(out, i)
		}
	}
	return out
}

// invalidOn lists the shards whose last repetition was not valid.
func invalidOn(ready map[int]message) []int {
	var out []int
	for i, m := range ready {
		if !m.Valid {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

func list(idx []int) string {
	s := make([]string, len(idx))
	for i, x := range idx {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}
