package ab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/hotbench/hotbench/ab/build"
	"github.com/hotbench/hotbench/ab/sequential"
	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/results"
	"github.com/hotbench/hotbench/runner"
	"github.com/hotbench/hotbench/scenarios"
)

// Defaults of a session's length in blocks (one repetition of each side,
// twice, per block).
const (
	DefaultMinBlocks = 5
	DefaultMaxBlocks = 20
	// DefaultCalibrationBlocks is calibrate's length: it never stops early.
	DefaultCalibrationBlocks = 10
)

// Side labels: the runs ab stores are ordinary runs with these labels.
const (
	LabelBase      = "base"
	LabelCandidate = "candidate"
)

// Options is one ab (or calibrate) session.
type Options struct {
	// Scenario is the loaded scenario; its server section builds and
	// starts both sides.
	Scenario *scenarios.Scenario
	// Repo is a directory inside the git repository to build from.
	Repo string
	// Base and Candidate are git references; "" for the working tree,
	// uncommitted changes included. Calibrate uses only Base.
	Base, Candidate string
	// MinBlocks and MaxBlocks bound the session (0: the defaults).
	MinBlocks, MaxBlocks int
	// Seed draws the blocks' orders; nil draws a seed (recorded).
	Seed *int64
	// Policy is the gate the session decides with (its alpha and
	// max_regression); the zero Policy is the scenario's.
	Policy compare.Policy
	// Calibrate runs the base's build as both sides (A/A), all MaxBlocks
	// blocks, and labels the runs calibrate-a and calibrate-b.
	Calibrate bool

	Store *results.Store
	// Progress receives progress lines and warnings; nil for none.
	Progress    io.Writer
	Interactive bool
	Version     string
	// CacheDir holds built binaries ("" for the user's cache folder).
	CacheDir string
}

// Result is what a session measured and decided.
type Result struct {
	Base, Candidate *results.Run
	// Blocks ran; Order holds each block's order; Seed drew them.
	Blocks int
	Order  []string
	Seed   int64
	// Stopped says why the session ended: decided at a look, the last
	// look, or interrupted.
	Stopped string
	// Looks lists each look's decisions, the last one final.
	Looks []Look
	// Comparison is compare's table of the two runs (benchstat's
	// statistics) with the hotspot verdicts; Gate is the session's
	// decision: the sequential test's regressions and compare's SLO checks.
	Comparison *compare.Comparison
	Gate       compare.GateResult
	// BuildNotes say which binaries were built and which came from the
	// cache.
	BuildNotes []string
}

// sideState is one side's server and run while a session lasts.
type sideState struct {
	letter  string // "A" or "B"
	label   string
	source  build.Source
	binary  build.Binary
	server  *runner.Server
	session *runner.Session
	// blocks[i] are the indexes into the run's repetitions of block i's
	// repetitions of this side (the valid one, or the last retry).
	blocks [][]int
}

// Run builds both sides, starts them, runs interleaved blocks until the
// sequential design decides (or MaxBlocks), and returns both stored runs
// with the decision. An interrupted session returns what it has, with an
// error wrapping runner.ErrInterrupted.
func Run(ctx context.Context, o Options) (res *Result, err error) {
	sc := o.Scenario
	if sc == nil || !sc.Server.Managed() {
		return nil, errors.New("ab needs the scenario's server section (server.build and server.command) to build and start both sides: add it, see hotbench help scenario")
	}
	if o.Store == nil {
		return nil, errors.New("ab: no results store")
	}
	minB, maxB := o.MinBlocks, o.MaxBlocks
	if maxB == 0 {
		maxB = DefaultMaxBlocks
		if o.Calibrate {
			maxB = DefaultCalibrationBlocks
		}
	}
	if minB == 0 {
		minB = min(DefaultMinBlocks, maxB)
	}
	if o.Calibrate {
		minB = maxB
	}
	policy := o.Policy
	if policy.Alpha == 0 && policy.MaxRegression == nil && policy.SLO == nil {
		policy = compare.PolicyFromScenario(sc.Gate)
	}
	dec, err := newDecider(policy, minB, maxB)
	if err != nil {
		return nil, err
	}
	seed := rand.Int64()
	if o.Seed != nil {
		seed = *o.Seed
	}
	p := &printer{w: o.Progress}

	a := &sideState{letter: "A", label: LabelBase}
	b := &sideState{letter: "B", label: LabelCandidate}
	if o.Calibrate {
		a.label, b.label = "calibrate-a", "calibrate-b"
	}
	res = &Result{Seed: seed}
	cleanup, err := prepare(ctx, o, a, b, res, p)
	defer cleanup()
	if err != nil {
		return nil, err
	}
	for _, s := range []*sideState{a, b} {
		if err := startSide(ctx, o, sc, s, maxB); err != nil {
			return nil, err
		}
	}
	abRecord := func(s, other *sideState) *results.AB {
		return &results.AB{
			Side: s.label, Ref: s.source.Ref, Commit: s.source.Commit,
			Dirty: s.source.Dirty, DiffHash: s.source.DiffHash,
			Other: other.session.Run().Name(), Seed: seed, Calibration: o.Calibrate,
		}
	}
	a.session.Run().AB, b.session.Run().AB = abRecord(a, b), abRecord(b, a)
	p.printf("ab: %s %s against %s %s, %d to %d blocks, seed %d\n",
		a.label, a.source.String(), b.label, b.source.String(), minB, maxB, seed)

	c := newCoin(seed)
	var runErr error
	for block := 1; block <= maxB && runErr == nil; block++ {
		order := c.order()
		res.Order = append(res.Order, order)
		a.blocks, b.blocks = append(a.blocks, nil), append(b.blocks, nil)
		for _, letter := range order {
			s := a
			if letter == 'B' {
				s = b
			}
			if runErr = repetition(ctx, sc, s, p, block, maxB); runErr != nil {
				break
			}
		}
		res.Blocks = block
		for _, s := range []*sideState{a, b} {
			r := s.session.Run()
			r.AB.Order, r.AB.Blocks = res.Order, res.Blocks
			if err := s.session.Save(); err != nil && runErr == nil {
				runErr = err
			}
		}
		if runErr != nil {
			break
		}
		if look, ok := dec.look(block, a, b); ok {
			res.Looks = append(res.Looks, look)
			p.printf("ab: look %d of %d after %d blocks: %s\n", look.Index, look.Of, block, look.Summary)
			if look.Stop {
				res.Stopped = look.Summary
				break
			}
		}
	}
	if runErr != nil {
		res.Stopped = "interrupted after " + plural(res.Blocks, "block", "blocks") + ": " + runErr.Error()
	} else if res.Stopped == "" {
		res.Stopped = fmt.Sprintf("ran all %d blocks", res.Blocks)
	}
	for _, s := range []*sideState{a, b} {
		r := s.session.Run()
		r.AB.Stopped = res.Stopped
		s.session.SetPlanned(2 * res.Blocks)
		run, ferr := s.session.Finish(runErr)
		if run != nil {
			r = run
		}
		if s == a {
			res.Base = r
		} else {
			res.Candidate = r
		}
		if ferr != nil && runErr == nil {
			runErr = ferr
		}
	}
	for _, s := range []*sideState{a, b} {
		if stopErr := s.server.Stop(); stopErr != nil && runErr == nil {
			runErr = fmt.Errorf("%s server: %w", s.label, stopErr)
		}
		s.server = nil
	}
	if runErr != nil {
		return res, runErr
	}
	if err := conclude(res, policy, dec); err != nil {
		return res, err
	}
	return res, nil
}

// prepare resolves and builds both sides (calibrate builds once) and
// returns what undoes it: worktrees removed, servers stopped.
func prepare(ctx context.Context, o Options, a, b *sideState, res *Result, p *printer) (func(), error) {
	var undo []func()
	cleanup := func() {
		for _, s := range []*sideState{a, b} {
			if s.server != nil {
				_ = s.server.Stop()
			}
		}
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	sc := o.Scenario
	refs := map[*sideState]string{a: o.Base, b: o.Candidate}
	if o.Calibrate {
		refs[b] = o.Base
	}
	for _, s := range []*sideState{a, b} {
		src, err := build.Resolve(ctx, o.Repo, refs[s])
		if err != nil {
			return cleanup, err
		}
		s.source = src
	}
	for _, s := range []*sideState{a, b} {
		started := time.Now()
		bin, err := build.Build(ctx, build.Spec{
			Source: s.source, Command: sc.Server.Build, RunCommand: sc.Server.Command,
			Dir: buildDir(s.source.Root, o.Scenario.File), CacheDir: o.CacheDir,
		})
		if err != nil {
			return cleanup, err
		}
		undo = append(undo, func() { _ = bin.Cleanup() })
		s.binary = bin
		how := "built in " + time.Since(started).Round(100*time.Millisecond).String()
		switch {
		case bin.Cached:
			how = "from the build cache"
		case sc.Server.Build == "":
			how = "checked out (no server.build: the server runs from its tree)"
		}
		note := fmt.Sprintf("%s: %s %s", s.label, s.source.String(), how)
		res.BuildNotes = append(res.BuildNotes, note)
		p.printf("ab: %s\n", note)
	}
	return cleanup, nil
}

// startSide starts one side's server on a free loopback port and begins
// its run.
func startSide(ctx context.Context, o Options, sc *scenarios.Scenario, s *sideState, maxBlocks int) error {
	addr, err := runner.FreeLoopbackAddr()
	if err != nil {
		return err
	}
	ssc, err := sideScenario(sc, addr)
	if err != nil {
		return err
	}
	srv, err := runner.StartServerWith(ctx, *sc.Server, ssc.Target, runner.ServerOptions{
		Bin: s.binary.Path, Dir: s.binary.WorkDir,
	})
	if err != nil {
		return fmt.Errorf("%s (%s): %w", s.label, s.source.String(), err)
	}
	s.server = srv
	sess, err := runner.Begin(ctx, ssc, runner.Options{
		Label: s.label, Store: o.Store, Progress: o.Progress, Interactive: o.Interactive,
		Version: o.Version, ServerPID: srv.PID(),
		Git: &results.Git{Commit: s.source.Commit, Dirty: s.source.Dirty},
	})
	if err != nil {
		return fmt.Errorf("%s (%s): %w", s.label, s.source.String(), err)
	}
	s.session = sess
	sess.SetPlanned(2 * maxBlocks)
	// Both runs store the scenario as written, not the side's port, so they
	// are one scenario version to compare, gate and the month.
	run := sess.Run()
	run.Scenario.Target = withHost(run.Scenario.Target, sc.Target)
	run.Scenario.Profiles.Pprof = withHost(run.Scenario.Profiles.Pprof, sc.Profiles.Pprof)
	run.ScenarioHash = scenarios.Hash(&run.Scenario)
	return sess.Save()
}

// repetition runs one repetition of side s in block (1-based), redoing it
// in place while it is invalid and load.retries allow, so that the block
// keeps its order.
func repetition(ctx context.Context, sc *scenarios.Scenario, s *sideState, p *printer, block, maxBlocks int) error {
	retry := false
	for attempt := 0; ; attempt++ {
		rep, err := s.session.Repetition(ctx, retry)
		run := s.session.Run()
		idx := len(run.Repetitions) - 1
		if err != nil {
			return err
		}
		if rep.Valid() || attempt >= sc.Load.Retries {
			s.blocks[block-1] = append(s.blocks[block-1], idx)
			if !rep.Valid() {
				p.printf("ab: block %d: %s repetition invalid (%s), all %d retries used: the block is left out\n",
					block, s.label, strings.Join(rep.Reasons(), "; "), sc.Load.Retries)
			}
			return nil
		}
		p.printf("ab: block %d: %s repetition invalid (%s): redoing it in its block\n",
			block, s.label, strings.Join(rep.Reasons(), "; "))
		retry = true
	}
}

// buildDir is where, relative to the repository's top level, the build and
// the server run: the current directory when it is inside the repository
// (where `hotbench run` would run them), else the scenario's folder.
func buildDir(root, scenarioFile string) string {
	for _, dir := range []string{".", filepath.Dir(scenarioFile)} {
		abs, err := filepath.Abs(dir)
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			if rel == "." {
				return ""
			}
			return filepath.ToSlash(rel)
		}
	}
	return ""
}

type printer struct{ w io.Writer }

func (p *printer) printf(format string, args ...any) {
	if p.w != nil {
		fmt.Fprintf(p.w, format, args...)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// conclude compares the two runs (compare's table and hotspot verdicts)
// and makes the session's gate: the SLO checks and warnings of
// compare.Gate, with its regression test replaced by the last look's
// sequential decisions, which keep the false-alarm rate at alpha across
// the looks (a U test after peeking would not).
func conclude(res *Result, policy compare.Policy, dec *decider) error {
	c, err := compare.Compare([]*results.Run{res.Base}, []*results.Run{res.Candidate},
		compare.Options{Alpha: dec.alpha, Metrics: policy.Metrics()})
	if err != nil {
		return err
	}
	res.Comparison = c
	g := compare.Gate(c, policy)
	fails := g.Failures[:0:0]
	for _, f := range g.Failures {
		if f.Kind != compare.FailRegression {
			fails = append(fails, f)
		}
	}
	g.Failures, g.Tested, g.Inconclusive, g.InconclusiveReason = fails, nil, false, ""
	if len(res.Looks) == 0 {
		g.Inconclusive = true
		g.InconclusiveReason = fmt.Sprintf("inconclusive: the session ended after %s, before its first look at %d blocks: run it again",
			plural(res.Blocks, "block", "blocks"), dec.minB)
	} else {
		last := res.Looks[len(res.Looks)-1]
		g.Gated = last.Gated
		g.Correction = fmt.Sprintf("a group-sequential blocked t-test (look %d of %d, level %.3g, Bonferroni over %s)",
			last.Index, last.Of, last.Level, plural(last.Gated, "gated row", "gated rows"))
		for _, r := range last.Rows {
			decided := r.Decision == sequential.Regressed || r.Decision == sequential.Improved
			g.Tested = append(g.Tested, compare.TestedRow{Endpoint: r.Endpoint, Metric: r.Metric,
				P: r.P, AdjustedP: r.P, Rejected: decided})
			if r.Decision == sequential.Regressed {
				g.Failures = append(g.Failures, compare.Failure{Endpoint: r.Endpoint, Metric: r.Metric,
					Kind: compare.FailRegression, Reason: r.Sentence})
			}
			if r.Blocks < 3 && r.Decision == sequential.Undecided {
				g.Inconclusive = true
				g.InconclusiveReason = fmt.Sprintf("inconclusive: %s %s has %s with valid repetitions on both sides, at least 3 are needed: see the runs' invalid repetitions and run again",
					r.Endpoint, r.Metric, plural(r.Blocks, "block", "blocks"))
			}
		}
	}
	g.Pass = len(g.Failures) == 0 && !g.Inconclusive
	res.Gate = g
	return nil
}
